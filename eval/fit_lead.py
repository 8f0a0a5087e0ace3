"""Fit `answer.min_lead_relevance` (decision questions) and `answer.min_topic_lead_relevance` (any other
question) on one half of the dev split and test them on the other, both ways.

Every dev question is asked with every decision allowed to lead (one a question doesn't ask about still
only where the reader's best unit is of its item, on its pages: `Assistant.settle`). A lead is right when its first
citation is one of the question's source pages (`lead_wrong` in eval/metrics.py), wrong otherwise or on
a question the papers don't answer. The reader's model scores each leading decision as the answer does
(`lead_text`); the fit picks, on the fitting half, the threshold keeping the most right leads with no
wrong one (the middle of the widest run of such values); the held-out half then reports what it gives::

    python -m councilqa.eval.fit_lead --index .councilqa-eval ../shared/eval/cheshire_dev.jsonl \\
        ../shared/eval/kent_dev.jsonl eval/decisions.jsonl --index .councilqa-eval-gallery eval/gallery_dev.jsonl
"""

from __future__ import annotations

import argparse

from councilqa.answer.decided import lead_text
from councilqa.answer.decisions import is_decision_question
from councilqa.answer.relevance import CrossEncoder
from councilqa.eval.dev_split import asked_by_half, widest_middle
from councilqa.eval.metrics import matches_source
from councilqa.process import prepare

GRID = [round(-12.0 + 0.25 * step, 2) for step in range(65)]  # -12 … 4, the model's logits
Lead = tuple[float, bool]  # the model's score for a leading decision, and whether the lead is right


def kept(leads: list[Lead], threshold: float) -> tuple[int, int]:
    """Right and wrong leads at or above `threshold`.

    >>> kept([(2.0, True), (-5.0, True), (-8.0, False)], -6.0)
    (2, 0)
    """
    return sum(right for score, right in leads if score >= threshold), sum(
        not right for score, right in leads if score >= threshold
    )


def fit(leads: list[Lead]) -> float:
    """The threshold keeping the most right leads with the fewest wrong ones, the middle of the widest
    run of such values.

    >>> fit([(2.0, True), (-5.0, True), (-8.0, False)])
    -6.25
    """
    least = min(kept(leads, t)[1] for t in GRID)
    allowed = [t for t in GRID if kept(leads, t)[1] == least]
    best = max(kept(leads, t)[0] for t in allowed)
    return widest_middle(GRID, lambda t: t in allowed and kept(leads, t)[0] == best)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", nargs="+", action="append", required=True, metavar=("DATA_DIR", "SET"))
    args = parser.parse_args(argv)
    leads: dict[tuple[str, str], list[Lead]] = {
        (kind, half): [] for kind in ("decision", "topic") for half in ("fit", "held_out")
    }
    model = CrossEncoder()
    allowed: dict[str, object] = {"min_lead_relevance": -20.0, "min_topic_lead_relevance": -20.0}
    for half, q, answer in asked_by_half(args.index, allowed, model):
        if answer.decision is not None and answer.outcome is not None:
            score = float(model.score(q.question, [lead_text(answer.decision)])[0])
            right = q.answerable and bool(answer.citations) and matches_source(q, answer.citations[0])
            kind = "decision" if is_decision_question(q.question) else "topic"
            leads[kind, half].append((score, right))
    print(
        "| questions | fit on | threshold | fitting half: right / wrong leads kept (of all) | held-out half: the same |"
    )
    print("|---|---|---|---|---|")
    for kind, setting in (("decision", "min_lead_relevance"), ("topic", "min_topic_lead_relevance")):
        for fitted, held in (("fit", "held_out"), ("held_out", "fit")):
            mine, other = leads[kind, fitted], leads[kind, held]
            t = fit(mine)
            (fr, fw), (hr, hw) = kept(mine, t), kept(other, t)
            total = {
                h: (sum(r for _, r in leads[kind, h]), sum(not r for _, r in leads[kind, h])) for h in (fitted, held)
            }
            print(
                f"| {kind} (`{setting}`) | {fitted} | {t:.2f} "
                f"| {fr} of {total[fitted][0]} / {fw} of {total[fitted][1]} "
                f"| {hr} of {total[held][0]} / {hw} of {total[held][1]} |"
            )


if __name__ == "__main__":
    prepare()
    main()
