"""The hybrid search's dense weight, measured on the dev split's halves: MRR@10 of search alone.

Each dev question is planned as `Assistant.ask` plans it (its filters, the meeting it names ranked
first, newer meetings for "latest"; public papers only, as `make eval` asks) and searched with
`index/store.py`'s `DENSE_WEIGHT` set to each weight in turn; a question counts 1 / the rank of the
first passage on one of its source pages (0 beyond ten). No decision record is cited first here,
so the figures are below the eval's MRR@10::

    python -m councilqa.eval.fit_search --index .councilqa-eval ../shared/eval/cheshire_dev.jsonl \\
        ../shared/eval/kent_dev.jsonl eval/decisions.jsonl --index .councilqa-eval-gallery eval/gallery_dev.jsonl
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from councilqa.answer.ask import Assistant
from councilqa.eval.dev_split import load_split
from councilqa.eval.questions import Question, load_questions
from councilqa.index import store
from councilqa.index.store import open_index
from councilqa.process import prepare
from councilqa.records import Hit
from councilqa.settings import Settings

WEIGHTS = (0.0, 0.1, 0.25, 0.4, 0.6, 1.0)


def reciprocal_rank(hits: list[Hit], question: Question) -> float:
    """1 / the rank of the first of `hits` (ten at most) on one of the question's source pages; 0 if none."""
    for rank, hit in enumerate(hits[:10], 1):
        papers = {document.path for document in hit.documents}
        pages = range(hit.chunk.pdf_page, hit.chunk.pdf_page_end + 1)
        if any(source.doc in papers and set(source.pdf_pages) & set(pages) for source in question.sources):
            return 1 / rank
    return 0.0


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", nargs="+", action="append", required=True, metavar=("DATA_DIR", "SET"))
    parser.add_argument("--weights", nargs="+", type=float, default=WEIGHTS)
    args = parser.parse_args(argv)
    halves = {key: half for half, keys in load_split().items() for key in keys}
    asked: list[tuple[Assistant, Question, str]] = []
    for data_dir, *sets in args.index:
        settings = Settings(data_dir=Path(data_dir))
        assistant = Assistant(settings, open_index(settings))  # public papers, as `make eval` asks
        for path in sets:
            for question in load_questions(Path(path)):
                half = halves.get(f"{question.set_name}:{question.id}")
                if question.answerable and half is not None:
                    asked.append((assistant, question, half))
    print("| dense weight | fitting half MRR@10 (search alone) | held-out half |\n|---|---|---|")
    chosen = store.DENSE_WEIGHT
    try:
        for weight in args.weights:
            store.DENSE_WEIGHT = weight  # read by `Index.search` at each call
            found: dict[str, list[float]] = {"fit": [], "held_out": []}
            for assistant, question, half in asked:
                plan = assistant.plan(question.question)
                hits = assistant.index.search(
                    question.question, 10, plan.filters, prefer=plan.prefer, recent=plan.recent
                )
                found[half].append(reciprocal_rank(hits, question))
            mark = " (as shipped)" if weight == chosen else ""
            print(f"| {weight}{mark} | {np.mean(found['fit']):.3f} | {np.mean(found['held_out']):.3f} |")
    finally:
        store.DENSE_WEIGHT = chosen


if __name__ == "__main__":
    prepare()
    main()
