"""Fit the evidence threshold (`answer.min_evidence`) on one question set and test it on another, both ways.

Every question is asked once with no threshold; an answer then abstains at threshold t when it
abstained anyway (a refusal, or a reason `Grounds` found) or when it is not led by a decision and its
evidence is below t. The fit picks, on the fitting set, the t with the highest abstain_recall whose
false_abstain is at most `--max-false-abstain`, the middle of the widest run of such t; the other set
then reports what that t gives it. Only the threshold is fitted this way: the checks of
`answer/grounds.py` were written looking at both dev sets. Run it over an index holding the sets' papers
(`make eval` builds one in .councilqa-eval)::

    python -m councilqa.eval.fit_abstention --data-dir .councilqa-eval \\
        ../shared/eval/cheshire_dev.jsonl ../shared/eval/kent_dev.jsonl
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

from councilqa.answer.ask import Assistant
from councilqa.eval.questions import load_questions
from councilqa.index.build import open_index
from councilqa.process import prepare
from councilqa.settings import AnswerSettings, Settings

GRID = [round(0.40 + 0.01 * step, 2) for step in range(36)]  # 0.40 … 0.75


@dataclass(frozen=True)
class Asked:
    answerable: bool
    abstained: bool  # whatever the threshold
    evidence: float | None  # None when no threshold applies (a decision leads the answer)

    def abstains(self, threshold: float) -> bool:
        return self.abstained or (self.evidence is not None and self.evidence < threshold)


def rates(asked: list[Asked], threshold: float) -> tuple[float, float]:
    """abstain_recall and false_abstain at `threshold`."""
    unanswerable = [a for a in asked if not a.answerable]
    answerable = [a for a in asked if a.answerable]
    recall = sum(a.abstains(threshold) for a in unanswerable) / len(unanswerable) if unanswerable else 1.0
    false = sum(a.abstains(threshold) for a in answerable) / len(answerable) if answerable else 0.0
    return recall, false


def fit(asked: list[Asked], max_false: float) -> float:
    """The threshold with the best abstain_recall at false_abstain ≤ `max_false`, the middle of the
    widest run of equally good ones; when none keeps false_abstain that low, the one that comes
    closest (the best abstain_recall among those with the least false_abstain).

    >>> fit([Asked(True, False, 0.6), Asked(True, False, 0.55), Asked(False, False, 0.45)], 0.0)
    0.51
    >>> fit([Asked(True, True, None), Asked(False, False, 0.5)], 0.0)  # false_abstain is 1 at every t
    0.63
    """
    measured = {t: rates(asked, t) for t in GRID}
    least = min(false for _, false in measured.values())
    allowed = [t for t, (_, false) in measured.items() if false <= max(max_false, least)]
    best = max(measured[t][0] for t in allowed)
    runs: list[list[float]] = []
    for t in GRID:
        if t in allowed and measured[t][0] == best:
            if runs and runs[-1][-1] == round(t - 0.01, 2):
                runs[-1].append(t)
            else:
                runs.append([t])
    widest = max(runs, key=len)
    return widest[len(widest) // 2]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sets", nargs=2, type=Path, help="two question sets (JSONL)")
    parser.add_argument("--data-dir", type=Path, required=True, help="an index holding both sets' papers")
    parser.add_argument("--max-false-abstain", type=float, default=0.05)
    args = parser.parse_args(argv)
    settings = Settings(data_dir=args.data_dir, answer=AnswerSettings(min_evidence=-1.0))
    assistant = Assistant(settings, open_index(settings))
    asked = {}
    for path in args.sets:
        asked[path.stem] = [
            Asked(q.answerable, a.abstained, None if a.outcome else a.evidence)
            for q in load_questions(path)
            for a in [assistant.ask(q.question)]
        ]
    first, second = asked
    print("| fit on | threshold | fit set: abstain_recall / false_abstain | held-out set: the same |")
    print("|---|---|---|---|")
    for fitted, held in ((first, second), (second, first)):
        t = fit(asked[fitted], args.max_false_abstain)
        (fr, ff), (hr, hf) = rates(asked[fitted], t), rates(asked[held], t)
        print(f"| {fitted} | {t:.2f} | {fr:.2f} / {ff:.3f} | {held}: {hr:.2f} / {hf:.3f} |")


if __name__ == "__main__":
    prepare()
    main()
