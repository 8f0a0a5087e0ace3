"""The reader's candidates, measured on the dev split's halves: which scorer picks the quotes that carry the answer.

Every dev question is asked once with the `rules` reader. Questions that a decision leads, and
unanswerable ones, are left out, so every candidate quotes from the same five cited excerpts the
rules answered from. Each excerpt is cut into units (`units_of`), and each candidate scores the units:

- `model`: the cross-encoder on the bare unit;
- `model, headed`: the cross-encoder on the unit under its excerpt's paper, meeting and section
  (what `answer.reader = "model"` does);
- `cosine`: MiniLM's cosine of question and unit;
- `fusion`: a logistic fit, on the fitting half's units, of the headed model score, the cosine, the
  excerpt's rank, the share of question words the unit holds, and whether it holds a figure. A unit
  counts as positive when it carries an accept string.

Each candidate quotes its best units as the reader does (`quotes_of`: three at most, within 150
words). The table gives the share of questions whose quotes carry the answer, and the mean words, on
each half. The rules' own answers are given beside them::

    python -m councilqa.eval.fit_reader --index .councilqa-eval ../shared/eval/cheshire_dev.jsonl \\
        ../shared/eval/kent_dev.jsonl eval/decisions.jsonl --index .councilqa-eval-gallery eval/gallery_dev.jsonl
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from councilqa.answer.grounds import FIGURE
from councilqa.answer.read import Scored, Unit, quotes_of, units_of
from councilqa.answer.relevance import CrossEncoder
from councilqa.eval.dev_split import asked_by_half
from councilqa.eval.metrics import carries_answer
from councilqa.eval.questions import Question
from councilqa.index.embed import SentenceTransformerEmbedder
from councilqa.process import prepare
from councilqa.records import Answer, Chunk, Citation, Hit

FEATURES = ("model, headed", "cosine", "rank", "words held", "figure")


@dataclass
class Case:
    """One question as asked: its half, the rules' answer, its units and each unit's scores."""

    half: str
    question: Question
    answer: Answer
    units: list[Unit]
    scores: dict[str, np.ndarray]


def header(citation: Citation) -> str:
    """The excerpt's paper, meeting and section, as the index heads a passage."""
    meeting = f" ({citation.meeting_date})" if citation.meeting_date else ""
    return f"{citation.title or citation.doc}{meeting}" + (f" > {citation.section}" if citation.section else "")


def as_hits(citations: tuple[Citation, ...]) -> list[Hit]:
    return [
        Hit(Chunk("", -1, c.text, c.pdf_page, c.pdf_page_end, c.printed_page, c.section, header(c)), c.score, ())
        for c in citations
    ]


def words_held(question: str, text: str) -> float:
    """The share of the question's words (3 letters or more) that `text` holds.

    >>> words_held("what was the precept", "The precept was set at £4,500.")
    0.75
    """
    asked = set(re.findall(r"[a-z]{3,}", question.lower()))
    return len(asked & set(re.findall(r"[a-z]{3,}", text.lower()))) / len(asked) if asked else 0.0


def logistic(x: np.ndarray, y: np.ndarray, steps: int = 3000, rate: float = 0.1) -> np.ndarray:
    """Weights (bias last) of a logistic regression of `y` on standardised `x`, by gradient descent,
    with a small L2 penalty; returns weights for the raw features.

    >>> w = logistic(np.array([[0.0], [1.0], [2.0], [3.0]]), np.array([0, 0, 1, 1]))
    >>> bool(w[0] > 0)
    True
    """
    mean, scale = x.mean(axis=0), x.std(axis=0) + 1e-9
    z = np.hstack([(x - mean) / scale, np.ones((len(x), 1))])
    w = np.zeros(z.shape[1])
    for _ in range(steps):
        p = 1 / (1 + np.exp(-z @ w))
        w -= rate * (z.T @ (p - y) / len(y) + 1e-3 * np.r_[w[:-1], 0.0])
    raw = w[:-1] / scale
    return np.r_[raw, w[-1] - float(raw @ mean)]


def features(case: Case) -> np.ndarray:
    text = case.question.question
    return np.column_stack(
        [
            case.scores["model, headed"],
            case.scores["cosine"],
            [unit.citation for unit in case.units],
            [words_held(text, unit.text) for unit in case.units],
            [bool(FIGURE.search(unit.text)) for unit in case.units],
        ]
    ).astype(float)


def rates(cases: list[Case], scorer: Callable[[Case], np.ndarray] | None) -> tuple[float, float]:
    """The share of `cases` whose quotes carry the answer, and their mean words (the rules' own answers
    where `scorer` is None)."""
    carried, words = [], []
    for case in cases:
        if scorer is None:
            text = case.answer.answer
        else:
            order = np.argsort(-scorer(case), kind="stable")
            scored = [Scored(case.units[i], float(scorer(case)[i])) for i in order]
            text = " ".join(quote.text for quote in quotes_of(scored))
        carried.append(carries_answer(case.question, text))
        words.append(len(text.split()))
    return float(np.mean(carried)), float(np.mean(words))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", nargs="+", action="append", required=True, metavar=("DATA_DIR", "SET"))
    args = parser.parse_args(argv)
    model, embedder = CrossEncoder(), SentenceTransformerEmbedder()
    cases = []
    for half, question, answer in asked_by_half(args.index, {"reader": "rules"}, model):
        if not question.answerable or answer.outcome is not None or not answer.citations:
            continue
        units = units_of(as_hits(answer.citations[:5]))
        if not units:
            continue
        texts = [unit.text for unit in units]
        vectors = embedder.embed([question.question, *texts])
        scores = {
            "model": model.score(question.question, texts),
            "model, headed": model.score(question.question, [f"{u.header}: {u.text}" for u in units]),
            "cosine": vectors[1:] @ vectors[0],
        }
        cases.append(Case(half, question, answer, units, scores))
    halves = {half: [c for c in cases if c.half == half] for half in ("fit", "held_out")}
    fitting = halves["fit"]
    x = np.vstack([features(c) for c in fitting])
    y = np.array([carries_answer(c.question, u.text) for c in fitting for u in c.units], dtype=float)
    weights = logistic(x, y)

    def scores_of(name: str) -> Callable[[Case], np.ndarray]:
        return lambda case: case.scores[name]

    def fused(case: Case) -> np.ndarray:
        return features(case) @ weights[:-1] + weights[-1]

    candidates: dict[str, Callable[[Case], np.ndarray] | None] = {
        "rules (the answers given)": None,
        **{name: scores_of(name) for name in ("model", "model, headed", "cosine")},
        "fusion (fitted on the fitting half)": fused,
    }
    print(f"Questions answered without a lead: fitting half {len(halves['fit'])}, held out {len(halves['held_out'])}.")
    print("Fusion weights: " + ", ".join(f"{n} {w:+.2f}" for n, w in zip(FEATURES, weights, strict=False)))
    print("\n| candidate | fitting half: answer in quotes (words) | held-out half: the same |\n|---|---|---|")
    for name, scorer in candidates.items():
        (fa, fw), (ha, hw) = rates(halves["fit"], scorer), rates(halves["held_out"], scorer)
        print(f"| {name} | {fa:.3f} ({fw:.0f}) | {ha:.3f} ({hw:.0f}) |")


if __name__ == "__main__":
    prepare()
    main()
