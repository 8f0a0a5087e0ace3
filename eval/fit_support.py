"""Fit `answer.llm.min_support` on some question sets and test it on others.

A sentence a language model writes is shown only where the excerpts it cites hold at least
`min_support` of its content words (`answer/claims.py`, with its other checks). The fit needs sentences
known to be borne out by a text and sentences known not to be. Each answerable question of a set gives
both: its written answer (a person's sentence, in their own words) against its own evidence span (borne
out), and against the evidence span of the question of the same set that shares most words with the
answer but carries none of its accept strings (not borne out: close in words, another fact). The
threshold kept best separates the two on the fitting sets (the largest true-positive rate less
false-positive rate, the middle of the widest run of such values); the test sets report what it gives,
and what all the checks together give::

    python -m councilqa.eval.fit_support --fit ../shared/eval/kent_dev.jsonl ../shared/eval/cheshire_dev.jsonl \\
        eval/decisions.jsonl --test eval/gallery_dev.jsonl eval/riverford_sample.jsonl
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

from councilqa.answer.claims import held_stems, support, unsupported
from councilqa.eval.dev_split import widest_middle
from councilqa.eval.metrics import carries_answer
from councilqa.eval.questions import Question, load_questions

GRID = [round(0.05 * step, 2) for step in range(21)]  # 0 … 1


@dataclass(frozen=True)
class Pair:
    """A written answer and a text, and whether the text bears it out."""

    sentence: str
    text: str
    borne_out: bool

    @property
    def support(self) -> float:
        return support(self.sentence, held_stems([self.text]))


def pairs(questions: list[Question]) -> list[Pair]:
    """Each answerable question's answer against its own evidence and against the closest other evidence
    that carries none of its accept strings."""
    found = []
    answerable = [q for q in questions if q.answerable and q.answer and q.evidence]
    for question in answerable:
        found.append(Pair(str(question.answer), str(question.evidence), True))
        others = [q for q in answerable if q is not question and not carries_answer(question, str(q.evidence))]
        if others:
            closest = max(others, key=lambda q: support(str(question.answer), held_stems([str(q.evidence)])))
            found.append(Pair(str(question.answer), str(closest.evidence), False))
    return found


def rates(found: list[Pair], threshold: float) -> tuple[float, float]:
    """The shares of borne-out and of not-borne-out pairs kept at `threshold`.

    >>> rates([Pair("roof", "the roof", True), Pair("roof cost", "the roof", False)], 0.6)
    (1.0, 0.0)
    """
    right = [p for p in found if p.borne_out]
    wrong = [p for p in found if not p.borne_out]
    return (
        sum(p.support >= threshold for p in right) / max(1, len(right)),
        sum(p.support >= threshold for p in wrong) / max(1, len(wrong)),
    )


def fit(found: list[Pair]) -> float:
    """The threshold with the largest kept-right less kept-wrong share (the middle of the widest run)."""
    gain = {threshold: rates(found, threshold)[0] - rates(found, threshold)[1] for threshold in GRID}
    best = max(gain.values())
    return widest_middle(GRID, lambda threshold: gain[threshold] >= best - 1e-9)


def all_checks(found: list[Pair], threshold: float) -> tuple[float, float]:
    """The shares of borne-out and of not-borne-out pairs every check of `claims.unsupported` keeps."""
    right = [p for p in found if p.borne_out]
    wrong = [p for p in found if not p.borne_out]
    kept = [unsupported(p.sentence, [p.text], threshold) is None for p in right]
    slipped = [unsupported(p.sentence, [p.text], threshold) is None for p in wrong]
    return sum(kept) / max(1, len(kept)), sum(slipped) / max(1, len(slipped))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fit", nargs="+", type=Path, required=True, metavar="F.jsonl")
    parser.add_argument("--test", nargs="+", type=Path, required=True, metavar="F.jsonl")
    args = parser.parse_args()
    fitting = [p for path in args.fit for p in pairs(load_questions(path))]
    threshold = fit(fitting)
    print(f"answer.llm.min_support fitted on {', '.join(p.name for p in args.fit)}: {threshold}")
    print("| sets | pairs | borne out kept (support) | not borne out kept (support) | all checks: kept | slipped |")
    print("|---|---|---|---|---|---|")
    for name, paths in (("fitted", args.fit), ("tested", args.test)):
        found = [p for path in paths for p in pairs(load_questions(path))]
        right, wrong = rates(found, threshold)
        kept, slipped = all_checks(found, threshold)
        sets = f"{name}: {', '.join(p.name for p in paths)}"
        print(f"| {sets} | {len(found)} | {right:.3f} | {wrong:.3f} | {kept:.3f} | {slipped:.3f} |")


if __name__ == "__main__":
    main()
