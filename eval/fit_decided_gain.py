"""Fit `answer.decided_gain` on one half of the dev split and test it on the other, both ways.

The `rules` reader scores each sentence of the passages found by the question's words it shares; a
sentence that records a decision ("It was resolved to opt for Group 3") gains `answer.decided_gain`
beside them. Every dev question is asked at each gain of the grid; the fit picks, on the fitting half,
the gain with the most answerable questions whose answer carries the answer (the middle of the widest
run of such gains), and the held-out half reports what it gives::

    python -m councilqa.eval.fit_decided_gain --index .councilqa-eval ../shared/eval/cheshire_dev.jsonl \\
        ../shared/eval/kent_dev.jsonl eval/decisions.jsonl --index .councilqa-eval-gallery eval/gallery_dev.jsonl
"""

from __future__ import annotations

import argparse

from councilqa.answer.relevance import CrossEncoder
from councilqa.eval.dev_split import asked_by_half, widest_middle
from councilqa.eval.metrics import carries_answer
from councilqa.process import prepare

GRID = [0.0, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", nargs="+", action="append", required=True, metavar=("DATA_DIR", "SET"))
    args = parser.parse_args(argv)
    model = CrossEncoder()
    share: dict[tuple[float, str], float] = {}
    for gain in GRID:
        answered: dict[str, list[bool]] = {"fit": [], "held_out": []}
        for half, q, answer in asked_by_half(args.index, {"decided_gain": gain}, model):
            if q.answerable:
                answered[half].append(not answer.abstained and carries_answer(q, answer.answer))
        for half, hits in answered.items():
            share[gain, half] = sum(hits) / len(hits)
        print(f"gain {gain}: fit {share[gain, 'fit']:.3f}, held out {share[gain, 'held_out']:.3f}", flush=True)
    print("| fit on | decided_gain | fitting half: ans∈answer | held-out half: ans∈answer (at 0) |")
    print("|---|---|---|---|")
    for fitted, held in (("fit", "held_out"), ("held_out", "fit")):
        gain = fit(share, fitted)
        print(f"| {fitted} | {gain} | {share[gain, fitted]:.3f} | {share[gain, held]:.3f} ({share[0.0, held]:.3f}) |")


def fit(share: dict[tuple[float, str], float], half: str) -> float:
    """The gain with the highest share on `half`, the middle of the widest run of such gains.

    >>> fit({(g, "fit"): (0.7 if g in (0.75, 1.0) else 0.6) for g in GRID}, "fit")
    1.0
    """
    best = max(share[g, half] for g in GRID)
    return widest_middle(GRID, lambda g: share[g, half] == best)


if __name__ == "__main__":
    prepare()
    main()
