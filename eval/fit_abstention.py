"""Fit the evidence threshold on one half of the dev split and test it on the other, both ways.

The threshold is the reader's (`--reader`): `answer.min_evidence` for the rules (cosine plus word
coverage), `answer.min_relevance` for the model (its logit). Every question is asked once with no
threshold; an answer then abstains at threshold t when it abstained anyway (a refusal, or a reason
`Grounds` found) or when it is not led by a decision and its evidence is below t. The fit picks, on
the fitting half, the t with the highest abstain_recall whose false_abstain is at most
`--max-false-abstain`, the middle of the widest run of such t; the held-out half then reports what
that t gives it (eval/dev_split.toml: the dev questions by meeting). Each `--index` names a data
directory and the question sets whose papers it holds (`make eval` builds .councilqa-eval for the
shared corpus and .councilqa-eval-gallery for the gallery)::

    python -m councilqa.eval.fit_abstention --reader rules \\
        --index .councilqa-eval ../shared/eval/cheshire_dev.jsonl ../shared/eval/kent_dev.jsonl \\
            eval/decisions.jsonl \\
        --index .councilqa-eval-gallery eval/gallery_dev.jsonl
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass

from councilqa.eval.dev_split import asked_by_half, widest_middle
from councilqa.process import prepare

GRIDS = {  # the thresholds tried, per reader
    "rules": [round(0.40 + 0.01 * step, 2) for step in range(36)],  # 0.40 … 0.75
    "model": [round(-6.0 + 0.25 * step, 2) for step in range(41)],  # -6 … 4, the model's logits
}


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


def fit(asked: list[Asked], max_false: float, grid: list[float] = GRIDS["model"]) -> float:
    """The threshold with the best abstain_recall at false_abstain ≤ `max_false`, the middle of the
    widest run of equally good ones; when none keeps false_abstain that low, the one that comes
    closest (the best abstain_recall among those with the least false_abstain).

    >>> fit([Asked(True, False, 2.0), Asked(True, False, 1.5), Asked(False, False, 0.5)], 0.0)
    1.25
    >>> fit([Asked(True, True, None), Asked(False, False, 0.5)], 0.0)  # false_abstain is 1 at every t
    2.5
    """
    measured = {t: rates(asked, t) for t in grid}
    least = min(false for _, false in measured.values())
    allowed = [t for t, (_, false) in measured.items() if false <= max(max_false, least)]
    best = max(measured[t][0] for t in allowed)
    return widest_middle(grid, lambda t: t in allowed and measured[t][0] == best)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--index",
        nargs="+",
        action="append",
        required=True,
        metavar=("DATA_DIR", "SET"),
        help="a data directory, then the question sets (JSONL) whose papers it holds",
    )
    parser.add_argument("--reader", choices=sorted(GRIDS), default="rules", help="whose threshold to fit")
    parser.add_argument("--max-false-abstain", type=float, default=0.05)
    args = parser.parse_args(argv)
    asked: dict[str, list[Asked]] = {"fit": [], "held_out": []}
    unthresholded = {"reader": args.reader, "min_evidence": -1.0, "min_relevance": -20.0}
    for half, q, a in asked_by_half(args.index, unthresholded):
        asked[half].append(Asked(q.answerable, a.abstained, None if a.outcome else a.evidence))
    print("| fit on | threshold | fitting half: abstain_recall / false_abstain | held-out half: the same |")
    print("|---|---|---|---|")
    for fitted, held in (("fit", "held_out"), ("held_out", "fit")):
        t = fit(asked[fitted], args.max_false_abstain, GRIDS[args.reader])
        (fr, ff), (hr, hf) = rates(asked[fitted], t), rates(asked[held], t)
        print(f"| {fitted} ({len(asked[fitted])} q) | {t:.2f} | {fr:.2f} / {ff:.3f} | {hr:.2f} / {hf:.3f} |")


if __name__ == "__main__":
    prepare()
    main()
