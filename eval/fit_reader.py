"""The reader's candidates, measured on the dev split's halves: which scorer picks the quotes that carry the answer.

Every dev question is asked once with the `rules` reader. Questions that a decision leads, and
unanswerable ones, are left out; every candidate quotes from the passages the reader reads
(`Assistant.units`: the units of the best five, less a decision's record cited first, and of the
passages beside them), and each candidate scores the units:

- `model`: the cross-encoder on the bare unit;
- `model, headed`: the cross-encoder on the unit under its excerpt's paper, meeting and section
  (what `answer.reader = "model"` does);
- `cosine`: MiniLM's cosine of question and unit;
- `fusion`: what `answer.reader = "model"` scores (`answer/read.py`, `FUSION`): a logistic fit of the
  headed model score, the question's words the unit holds (`held_words`: those its paper is known by
  apart), its passage's place among those read, a figure where an amount is asked and a decision
  recorded where a decision is asked, fitted on one half's units and tested
  on the other, both ways. A unit counts as positive when it carries an accept string.

Each candidate quotes its best units as the reader does (`quotes_of`: `answer.answer_sentences` at
most, within 150 words). The table gives the share of questions whose quotes carry the answer, and
the mean words, on each half. The rules' own answers are given beside them::

    python -m councilqa.eval.fit_reader --index .councilqa-eval ../shared/eval/cheshire_dev.jsonl \\
        ../shared/eval/kent_dev.jsonl eval/decisions.jsonl --index .councilqa-eval-gallery eval/gallery_dev.jsonl
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from councilqa.answer.ask import Assistant
from councilqa.answer.grounds import ASKS_AMOUNT
from councilqa.answer.read import FUSION, Scored, Unit, held_words, quotes_of, shortlist, signals
from councilqa.answer.relevance import CrossEncoder
from councilqa.eval.dev_split import asked_by_half
from councilqa.eval.metrics import carries_answer
from councilqa.eval.questions import Question
from councilqa.index.embed import SentenceTransformerEmbedder
from councilqa.index.store import open_index
from councilqa.process import prepare
from councilqa.records import Answer
from councilqa.settings import Settings


@dataclass
class Case:
    """One question as asked: its half, the rules' answer, its units and each unit's scores."""

    half: str
    question: Question
    answer: Answer
    units: list[Unit]
    scores: dict[str, np.ndarray]
    features: np.ndarray  # one row per unit: `signals`, with the headed model's score


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


def rates(cases: list[Case], scorer: Callable[[Case], np.ndarray] | None, n: int) -> tuple[float, float]:
    """The share of `cases` whose quotes (`n` units at most) carry the answer, and their mean words (the
    rules' own answers where `scorer` is None)."""
    carried, words = [], []
    for case in cases:
        if scorer is None:
            text = case.answer.answer
        else:
            scores = scorer(case)
            scored = [Scored(case.units[i], float(scores[i])) for i in np.argsort(-scores, kind="stable")]
            amount = bool(ASKS_AMOUNT.search(case.question.question))
            text = " ".join(quote.text for quote in quotes_of(scored, n, needs_figure=amount))
        carried.append(carries_answer(case.question, text))
        words.append(len(text.split()))
    return float(np.mean(carried)), float(np.mean(words))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", nargs="+", action="append", required=True, metavar=("DATA_DIR", "SET"))
    args = parser.parse_args(argv)
    model, embedder = CrossEncoder(), SentenceTransformerEmbedder()
    readers = {}  # each question set's assistant, for the passages it reads
    for data_dir, *sets in args.index:
        settings = Settings(data_dir=Path(data_dir))
        assistant = Assistant(settings, open_index(settings), relevance=model)
        readers.update({Path(path).stem: assistant for path in sets})
    words, n = assistant.index.words, assistant.settings.answer.answer_sentences
    cases = []
    for half, question, answer in asked_by_half(args.index, {"reader": "rules"}, model):
        if not question.answerable or answer.outcome is not None:
            continue
        units = readers[question.set_name].units(question.question)
        if not units:
            continue
        texts = [unit.text for unit in units]
        vectors = embedder.embed([question.question, *texts])
        headed = model.score(question.question, [f"{u.header}: {u.text}" for u in units])
        scores = {
            "model": model.score(question.question, texts),
            "model, headed": headed,
            "cosine": vectors[1:] @ vectors[0],
        }
        cases.append(
            Case(
                half,
                question,
                answer,
                units,
                scores,
                signals(question.question, units, headed, held_words(question.question, units, words)),
            )
        )
    halves = {half: [c for c in cases if c.half == half] for half in ("fit", "held_out")}
    weights = {}
    for half, fitting in halves.items():
        y = np.array([carries_answer(c.question, u.text) for c in fitting for u in c.units], dtype=float)
        weights[half] = logistic(np.vstack([c.features for c in fitting]), y)
        print(f"Fusion fitted on the {half} half: " + ", ".join(f"{w:+.2f}" for w in weights[half]) + " (bias last)")
    other = {"fit": "held_out", "held_out": "fit"}

    def scores_of(name: str) -> Callable[[Case], np.ndarray]:
        return lambda case: case.scores[name]

    candidates: dict[str, Callable[[Case], np.ndarray] | None] = {
        "rules (the answers given)": None,
        **{name: scores_of(name) for name in ("model", "model, headed", "cosine")},
        "fusion, fitted on the other half": lambda c: c.features @ weights[other[c.half]][:-1],
        "fusion as `answer/read.py` has it (FUSION)": lambda c: FUSION.score(c.features),
    }
    print(f"Questions answered without a lead: fitting half {len(halves['fit'])}, held out {len(halves['held_out'])}.")
    print("\n| candidate | fitting half: answer in quotes (words) | held-out half: the same |\n|---|---|---|")
    for name, scorer in candidates.items():
        (fa, fw), (ha, hw) = rates(halves["fit"], scorer, n), rates(halves["held_out"], scorer, n)
        print(f"| {name} | {fa:.3f} ({fw:.0f}) | {ha:.3f} ({hw:.0f}) |")
    for half, part in halves.items():
        held, kept = shortlisted(part)
        print(f"{half} half: {held} questions have a unit carrying the answer; the shortlist keeps one for {kept}")
    across(cases_by_index(cases, args.index), n)


def linear(weights: np.ndarray) -> Callable[[Case], np.ndarray]:
    """A case's units scored by fitted `weights` (bias last, which ranks nothing)."""
    return lambda case: case.features @ weights[:-1]


def cases_by_index(cases: list[Case], indexes: list[list[str]]) -> dict[str, list[Case]]:
    """The cases of each `--index` (its data directory: one corpus, its own councils)."""
    where = {Path(path).stem: data_dir for data_dir, *sets in indexes for path in sets}
    return {data_dir: [c for c in cases if where[c.question.set_name] == data_dir] for data_dir, *_ in indexes}


def across(corpora: dict[str, list[Case]], n: int) -> None:
    """The fusion fitted on each corpus's questions (both halves) and tested on every other's: a reader
    fitted on some councils' papers, asked about other councils'."""
    if len(corpora) < 2:
        return
    fitted = {}
    for name, fitting in corpora.items():
        y = np.array([carries_answer(c.question, u.text) for c in fitting for u in c.units], dtype=float)
        fitted[name] = logistic(np.vstack([c.features for c in fitting]), y)
        print(f"Fusion fitted on {name}: " + ", ".join(f"{w:+.2f}" for w in fitted[name]) + " (bias last)")
    print("\n| fitted on | " + " | ".join(f"asked on {name}" for name in corpora) + " |")
    print("|---|" + "---|" * len(corpora))
    rows: dict[str, Callable[[Case], np.ndarray]] = {
        **{name: linear(w) for name, w in fitted.items()},
        "FUSION (answer/read.py)": lambda c: FUSION.score(c.features),
        "model, headed, alone": lambda c: c.scores["model, headed"],
    }
    for name, scorer in rows.items():
        cells = [f"{rates(cases, scorer, n)[0]:.3f}" for cases in corpora.values()]
        print(f"| {name} | " + " | ".join(cells) + " |")


def shortlisted(cases: list[Case]) -> tuple[int, int]:
    """How many of `cases` have a unit carrying the answer, and for how many of them the reader's
    shortlist (`shortlist` by `FUSION.cheap`) keeps one: a unit not shortlisted is never quoted."""
    held = kept = 0
    for case in cases:
        carrying = {i for i, unit in enumerate(case.units) if carries_answer(case.question, unit.text)}
        held += bool(carrying)
        kept += bool(carrying & set(shortlist(case.units, FUSION.cheap(case.features).tolist())))
    return held, kept


if __name__ == "__main__":
    prepare()
    main()
