"""How often the answer is within reach of the reader: in the passages search finds, with the passages
beside them (`Index.beside`, what the reader also reads), and anywhere on the pages those passages cite.

Each answerable question is planned and searched as `Assistant.ask` does (its filters, the meeting it
names ranked first, newer meetings for "latest"; public papers only, as `make eval` asks); a question
counts where one of its accepted answers is in the text (`carries_answer`). No decision record is
cited first here, so decision questions count lower than the eval's answer in the excerpts::

    python -m councilqa.eval.beside_reach --index .councilqa-eval ../shared/eval/cheshire_dev.jsonl \\
        ../shared/eval/kent_dev.jsonl eval/decisions.jsonl --index .councilqa-eval-gallery eval/gallery_dev.jsonl
"""

from __future__ import annotations

import argparse
from pathlib import Path

from councilqa.answer.ask import Assistant
from councilqa.answer.read import READ_HITS
from councilqa.eval.metrics import carries_answer
from councilqa.eval.questions import load_questions
from councilqa.index.store import open_index
from councilqa.process import prepare
from councilqa.settings import Settings


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", nargs="+", action="append", required=True, metavar=("DATA_DIR", "SET"))
    args = parser.parse_args(argv)
    print("| set | answerable | in the passages found | with those beside them | on the pages they cite |")
    print("|---|---|---|---|---|")
    for data_dir, *sets in args.index:
        settings = Settings(data_dir=Path(data_dir))
        assistant = Assistant(settings, open_index(settings))  # public papers, as `make eval` asks
        index = assistant.index
        for path in sets:
            counts = [0, 0, 0]
            questions = [question for question in load_questions(Path(path)) if question.answerable]
            for question in questions:
                plan = assistant.plan(question.question)
                hits = index.search(question.question, READ_HITS, plan.filters, prefer=plan.prefer, recent=plan.recent)
                found = [hit.chunk.text for hit in hits]
                beside = [near.chunk.text for nearby in index.beside(hits) for near in nearby]
                pages = [
                    page.text
                    for hit in hits
                    for page in index.papers.pages(hit.chunk.doc_sha256)
                    if hit.chunk.pdf_page <= page.pdf_page <= hit.chunk.pdf_page_end
                ]
                for i, texts in enumerate((found, found + beside, pages)):
                    counts[i] += any(carries_answer(question, text) for text in texts)
            shares = " | ".join(f"{count / len(questions):.3f}" for count in counts)
            print(f"| {Path(path).stem} | {len(questions)} | {shares} |")


if __name__ == "__main__":
    prepare()
    main()
