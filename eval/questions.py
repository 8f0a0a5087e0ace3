"""Question sets: one JSON object per line, as defined in ../shared/eval/README.md."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from councilqa.errors import InvalidInput, NotFound

TYPES = frozenset({"factoid", "numeric", "table", "resolution", "procedural", "multi", "unanswerable"})


class QuestionSetError(InvalidInput):
    """A question set file that does not follow the format; the message names the file and line."""


@dataclass(frozen=True)
class Source:
    doc: str
    pdf_pages: tuple[int, ...]
    printed_pages: tuple[str, ...]


@dataclass(frozen=True)
class Question:
    id: str
    set_name: str
    question: str
    answer: str | None
    accept: tuple[str, ...]
    sources: tuple[Source, ...]
    evidence: str | None
    type: str

    @property
    def answerable(self) -> bool:
        return self.type != "unanswerable"


def load_questions(path: Path) -> list[Question]:
    """The questions of one set; the set is named after the file (``kent_dev.jsonl`` → ``kent_dev``)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise NotFound(f"{path}: the question set cannot be read ({error.strerror})") from None
    questions = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
            question = Question(
                id=str(raw["id"]),
                set_name=path.stem,
                question=raw["question"],
                answer=raw.get("answer"),
                accept=tuple(raw.get("accept") or ()),
                sources=tuple(
                    Source(s["doc"], tuple(s["pdf_pages"]), tuple(s.get("printed_pages") or ()))
                    for s in raw.get("sources") or ()
                ),
                evidence=raw.get("evidence"),
                type=raw["type"],
            )
        except (json.JSONDecodeError, KeyError, TypeError) as error:
            raise QuestionSetError(f"{path}:{number}: not a question in the eval format ({error!r})") from error
        if question.type not in TYPES:
            raise QuestionSetError(f"{path}:{number}: unknown type {question.type!r}; one of {sorted(TYPES)}")
        if question.answerable and not (question.accept and question.sources):
            raise QuestionSetError(f"{path}:{number}: an answerable question needs accept and sources")
        questions.append(question)
    if not questions:
        raise QuestionSetError(f"{path}: no questions")
    return questions
