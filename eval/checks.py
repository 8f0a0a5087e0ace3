"""What each abstention check gains and costs, measured by answering without it.

Every dev question is asked once with all checks, then once per check with that check skipped
(`answer.skip_checks`). For each group (the dev split's held-out and fitting halves, gallery_dev,
each dev set) the table gives what skipping the check changes: answer_in_answer and false_abstain on
answerable questions, abstain_recall on unanswerable ones. A check earns its place when skipping it
loses more right abstentions than it wins answers on held-out questions. Each `--index` names a data
directory and the question sets whose papers it holds (`make eval` builds both)::

    python -m councilqa.eval.checks --index .councilqa-eval ../shared/eval/cheshire_dev.jsonl \\
        ../shared/eval/kent_dev.jsonl eval/decisions.jsonl --index .councilqa-eval-gallery eval/gallery_dev.jsonl
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

from councilqa.answer.ask import ALL_CHECKS, Assistant
from councilqa.answer.relevance import CrossEncoder, Relevance
from councilqa.eval.dev_split import load_split
from councilqa.eval.metrics import carries_answer
from councilqa.eval.questions import Question, load_questions
from councilqa.index.store import Index, open_index
from councilqa.process import prepare
from councilqa.records import Answer
from councilqa.settings import Settings


@dataclass(frozen=True)
class Rates:
    answer_in_answer: float
    abstain_recall: float
    false_abstain: float

    def minus(self, other: Rates) -> str:
        return (
            f"{self.answer_in_answer - other.answer_in_answer:+.3f} | {self.abstain_recall - other.abstain_recall:+.2f}"
            f" | {self.false_abstain - other.false_abstain:+.3f}"
        )


def rates(questions: list[Question], answers: dict[str, Answer]) -> Rates:
    """The three rates over `questions` (each keyed "set:id" in `answers`).

    >>> q = [Question("a", "s", "?", None, (), (), None, "unanswerable")]
    >>> q.append(Question("b", "s", "?", "x", ("£5",), (), "x", "factoid"))
    >>> rates(q, {"s:a": Answer("?", "no", True, ()), "s:b": Answer("?", "It is £5.", False, ())})
    Rates(answer_in_answer=1.0, abstain_recall=1.0, false_abstain=0.0)
    """
    answerable = [q for q in questions if q.answerable]
    unanswerable = [q for q in questions if not q.answerable]

    def share(values: list[bool]) -> float:
        return sum(values) / len(values) if values else 0.0

    def got(q: Question) -> Answer:
        return answers[f"{q.set_name}:{q.id}"]

    return Rates(
        share([carries_answer(q, got(q).answer) for q in answerable]),
        share([got(q).abstained for q in unanswerable]),
        share([got(q).abstained for q in answerable]),
    )


def _as_row(found: Rates) -> str:
    return f"{found.answer_in_answer:.3f} | {found.abstain_recall:.2f} | {found.false_abstain:.3f}"


def ask_all(
    indexes: list[tuple[Index, list[Question]]], skip: tuple[str, ...], relevance: Relevance
) -> dict[str, Answer]:
    answers: dict[str, Answer] = {}
    for index, questions in indexes:
        settings = index.settings.model_copy(
            update={"answer": index.settings.answer.model_copy(update={"skip_checks": skip})}
        )
        assistant = Assistant(settings, index, relevance=relevance)
        answers |= {f"{q.set_name}:{q.id}": assistant.ask(q.question) for q in questions}
    return answers


def report(indexes: list[tuple[Index, list[Question]]]) -> str:
    """A Markdown table: per check and group, what skipping it changes."""
    questions = [q for _, group in indexes for q in group]
    halves = load_split()
    groups = {f"{half} half": [q for q in questions if f"{q.set_name}:{q.id}" in ids] for half, ids in halves.items()}
    groups |= {name: [q for q in questions if q.set_name == name] for name in sorted({q.set_name for q in questions})}
    model = CrossEncoder()  # the reader's model, loaded once for every run
    base = ask_all(indexes, (), model)
    lines = [
        "| check skipped | group | ans∈answer (Δ) | abstain_recall (Δ) | false_abstain (Δ) |",
        "|---|---|---|---|---|",
        *(f"| (none: all run) | {name} | {_as_row(rates(group, base))} |" for name, group in groups.items()),
    ]
    for check in ALL_CHECKS:
        answers = ask_all(indexes, (check,), model)
        for name, group in groups.items():
            change = rates(group, answers).minus(rates(group, base))
            if change.strip("+-0. |"):
                lines.append(f"| {check} | {name} | {change} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", nargs="+", action="append", required=True, metavar=("DATA_DIR", "SET"))
    args = parser.parse_args(argv)
    indexes = [
        (open_index(Settings(data_dir=Path(data_dir))), [q for path in sets for q in load_questions(Path(path))])
        for data_dir, *sets in args.index
    ]
    print(report(indexes))


if __name__ == "__main__":
    prepare()
    main()
