"""The development questions split by meeting into two halves: one to fit the reader on, one held out.

Every question of a meeting goes to the same half, so a half never sees another question about a
meeting it is tested on. A question's meeting is its first source's: Kent's papers sit in a folder per
meeting (`kent/cabinet/2025-01-30/…`); any other paper is its council's folder and the date in its
file name ("Minutes 7 May 2019 AGM…" and "Agenda 7 May 2019 AGM…" are one meeting), or the paper itself
where its name has no date. An unanswerable question has no source and stands alone. Meetings are
taken largest first (ties in the order of their names' sha256), and each goes to the half with fewer
questions so far.

The split is committed in `eval/dev_split.toml` before anything is fitted on it; a test checks that the
file is what this rule gives. Rewrite it (only when a dev set changes) with::

    python -m councilqa.eval.dev_split > eval/dev_split.toml
"""

from __future__ import annotations

import hashlib
import re
import sys
import tomllib
from collections import defaultdict
from pathlib import Path

from councilqa.eval.questions import Question, load_questions

HERE = Path(__file__).resolve().parent
SPLIT = HERE / "dev_split.toml"
SHARED_EVAL = HERE.parent / ".." / "shared" / "eval"
DEV_SETS = ("cheshire_dev.jsonl", "kent_dev.jsonl", "decisions.jsonl", "gallery_dev.jsonl")
HALVES = ("fit", "held_out")
DATED = re.compile(r"\b\d{1,2}(?:st|nd|rd|th)?[ -](?:[A-Z][a-z]+)[ -]\d{4}\b")


def dev_paths() -> list[Path]:
    """The development sets: the shared ones beside the project's own."""
    return [SHARED_EVAL / name if (SHARED_EVAL / name).exists() else HERE / name for name in DEV_SETS]


def meeting_of(question: Question) -> str:
    """The meeting a question is about, as a key.

    >>> from councilqa.eval.questions import Source
    >>> def about(doc): return Question("1", "s", "?", "a", ("a",), (Source(doc, (1,), ()),), "a", "factoid")
    >>> meeting_of(about("kent/cabinet/2025-01-30/x.pdf")), meeting_of(about("ayton/Agenda 7 May 2019 AGM.pdf"))
    ('kent/cabinet/2025-01-30', 'ayton/7 May 2019')
    """
    if not question.sources:
        return f"unanswerable {question.set_name} {question.id}"
    doc = question.sources[0].doc
    parts = doc.split("/")
    if parts[0] == "kent" and len(parts) > 3:
        return "/".join(parts[:3])
    dated = DATED.search(parts[-1])
    return f"{'/'.join(parts[:-1])}/{dated.group(0)}" if dated else doc


def split(questions: list[Question]) -> dict[str, list[str]]:
    """Question ids ("set:id") by half."""
    meetings: dict[str, list[str]] = defaultdict(list)
    for question in questions:
        meetings[meeting_of(question)].append(f"{question.set_name}:{question.id}")
    halves: dict[str, list[str]] = {half: [] for half in HALVES}
    for key in sorted(meetings, key=lambda key: (-len(meetings[key]), hashlib.sha256(key.encode()).hexdigest())):
        smaller = min(HALVES, key=lambda half: len(halves[half]))
        halves[smaller] += meetings[key]
    return {half: sorted(ids) for half, ids in halves.items()}


def load_split(path: Path = SPLIT) -> dict[str, set[str]]:
    """The committed split: "set:id" by half."""
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    return {half: set(raw[half]) for half in HALVES}


def as_toml(halves: dict[str, list[str]]) -> str:
    lines = ["# The development questions by meeting, in two halves (eval/dev_split.py says how; a test checks it)."]
    for half in HALVES:
        lines.append(f"{half} = [")
        lines += [f'    "{ident}",' for ident in halves[half]]
        lines.append("]")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.stdout.write(as_toml(split([q for path in dev_paths() for q in load_questions(path)])))
