"""`make bench-scale`: councilqa over a council's whole archive (100,000 pages by default), on this machine.

What is real and what is varied (the output repeats it):

- A real sample (`../shared/corpus`, else the project's `corpus/`) is ingested with the real model.
  Its ingest speed, and its ratio to the floor of embedding the same chunk texts again in one call,
  are measured on it.
- The large index is the sample's contents repeated until it holds N pages, each copy written
  through the index's own `add_content` (catalog, vector store and keyword index, as an ingest
  writes them). A copy is new content (its sha256 is the original's hashed with the copy number,
  under its own path) whose text has one word in ten of the sample's lower-case vocabulary swapped
  for another of its words, the same swap throughout the copy (pages, chunks, minutes), so keywords
  see distinct papers in the sample's words and every chunk is still on its page. Its vectors are
  the sample's plus Gaussian noise, normalised again (not embedded again: the mean cosine to the
  original is printed). Its papers' meetings move back four weeks a copy, so that a year's filter
  holds about thirteen copies (its minutes keep the dates they print).
- Measured on the large index, in a fresh process: the time to open it, the first search (which
  loads the HNSW index), warm search p50/p95 over the question sets' questions (hybrid; unfiltered,
  within a committee and a year, within one meeting), warm answers (the whole `Assistant.ask`),
  the time to ingest one real 20-page PDF (the first 20 pages of the sample's longest paper) into
  it, and that process's peak memory.

    python -m councilqa.eval.bench_scale --pages 100000
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from councilqa.answer.ask import Assistant
from councilqa.eval.metrics import percentile
from councilqa.eval.questions import load_questions
from councilqa.index.build import ingest
from councilqa.index.embed import SentenceTransformerEmbedder
from councilqa.index.store import Index, open_index
from councilqa.process import prepare
from councilqa.records import Chunk, Decision, Document, MinuteItem, Minutes, Page, SearchFilter
from councilqa.settings import Settings

SWAPPED = 0.1  # the share of the sample's vocabulary each copy swaps
NOISE = 0.017  # the standard deviation of the noise added to each dimension of a copy's vectors
WEEKS_BACK = 4  # how far each copy's meetings move back
WORD = re.compile(r"\b[a-z]{4,}\b")  # swapped words: lower-case ones (names, dates and RESOLVED stay)
QUESTION_SETS = ("cheshire_dev.jsonl", "kent_dev.jsonl")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=100_000, help="pages in the large index")
    parser.add_argument("--shared", type=Path, default=Path("../shared"), help="the shared folder (corpus, eval)")
    parser.add_argument("--keep", type=Path, help="build the indexes here and keep them (default: a temporary folder)")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--serve", type=Path, help=argparse.SUPPRESS)  # the measuring process: a large index
    args = parser.parse_args(argv)
    sample = args.shared / "corpus" if (args.shared / "corpus").is_dir() else Path("corpus")
    questions = [args.shared / "eval" / name for name in QUESTION_SETS if (args.shared / "eval" / name).is_file()]
    questions.append(Path("eval/riverford_sample.jsonl"))
    if args.serve:
        print(json.dumps(serve(args.serve, questions, sample)))
        return
    with tempfile.TemporaryDirectory() as scratch:
        folder = args.keep or Path(scratch)
        say(f"ingesting the sample ({sample}) and embedding it again alone")
        figures = {"sample": str(sample), **measure_sample(sample, folder / "sample")}
        figures |= build_large(folder / "sample", folder / "large", args.pages)
        say("measuring the large index in a fresh process")
        command = [sys.executable, "-m", "councilqa.eval.bench_scale", "--serve", str(folder / "large")]
        command += ["--shared", str(args.shared)]
        figures |= json.loads(subprocess.run(command, check=True, stdout=subprocess.PIPE, text=True).stdout)
    print(table(figures))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))


def say(what: str) -> None:
    """Progress, on standard error (standard output carries the figures): the run takes many minutes."""
    print(f"bench-scale {time.strftime('%H:%M:%S')}: {what}", file=sys.stderr, flush=True)


def measure_sample(sample: Path, data_dir: Path) -> dict[str, Any]:
    """Ingest the real sample with the real model; then embed its chunk texts again in one call."""
    embedder = SentenceTransformerEmbedder()
    embedder.embed(["warm up"])
    index = open_index(Settings(data_dir=data_dir), embedder)
    started = time.perf_counter()
    report = ingest([sample], index)
    seconds = time.perf_counter() - started
    texts = [chunk.embed_text for chunk in index.stored_chunks()]
    started = time.perf_counter()
    embedder.embed(texts)
    floor = time.perf_counter() - started
    index.close()
    return {
        "sample_pages": report.pages,
        "sample_chunks": len(texts),
        "sample_ingest_pages_per_s": report.pages / seconds,
        "sample_ingest_chunks_per_s": len(texts) / seconds,
        "sample_ingest_over_floor": seconds / floor,
        "precision": embedder.precision,
    }


def build_large(sample_dir: Path, data_dir: Path, pages: int) -> dict[str, Any]:
    """The sample's contents copied, varied, until the index holds `pages` pages."""
    embedder = SentenceTransformerEmbedder()  # for the index stamp: nothing is embedded here
    source = open_index(Settings(data_dir=sample_dir), embedder)
    papers = _Paper.read_all(source)
    source.close()
    outcomes = {
        word.lower()
        for paper in papers
        for decision in (paper.minutes.decisions if paper.minutes else [])
        for word in re.findall(r"\w+", f"{decision.kind} {decision.outcome} {decision.outcome_printed or ''}")
    }  # words the minutes print outcomes in ("carried", "agreed") stay, so decisions still read as printed
    found = {word for paper in papers for page in paper.pages for word in WORD.findall(page.text)}
    words = sorted(found - outcomes)
    copies = -(-pages // sum(len(paper.pages) for paper in papers))
    target = open_index(Settings(data_dir=data_dir), embedder)
    rng = np.random.default_rng(0)
    started, cosines = time.perf_counter(), []
    for copy in range(copies):
        say(f"building the large index: copy {copy + 1} of {copies} of the sample ({pages} pages in all)")
        swapped = int(SWAPPED * len(words))
        swap = dict(zip(rng.choice(words, swapped, replace=False), rng.choice(words, swapped), strict=True))
        for paper in papers:
            vectors = paper.embeddings
            if copy:
                vectors = vectors + rng.normal(0, NOISE, vectors.shape).astype(np.float32)
                vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
                cosines += np.sum(vectors * paper.embeddings, axis=1).tolist()
            paper.copy(copy, swap if copy else {}, vectors, target)
    seconds = time.perf_counter() - started
    counts = target.papers.counts()
    target.close()
    return {
        "copies": copies,
        "pages": counts.pages,
        "chunks": counts.chunks,
        "build_seconds": seconds,
        "copy_vector_cosine_mean": float(np.mean(cosines)) if cosines else 1.0,
        "build_peak_memory_gb": _peak_memory_gb(),
    }


@dataclass
class _Paper:
    """One content of the sample as the index holds it."""

    document: Document
    pages: list[Page]
    chunks: list[Chunk]
    embeddings: np.ndarray  # of its chunks, a row each
    minutes: Minutes | None
    decision_vectors: np.ndarray | None

    @classmethod
    def read_all(cls, index: Index) -> list[_Paper]:
        """Every content of `index` (its first document), with its chunks, vectors and minutes."""
        held = index.papers
        items: dict[str, list[MinuteItem]] = defaultdict(list)
        for item, holder in held.items():
            items[holder.sha256].append(item)
        decisions: dict[str, list[Decision]] = defaultdict(list)
        for decision, holder in held.decisions():
            decisions[holder.sha256].append(decision)
        papers = []
        for document in {d.sha256: d for d in held.documents()}.values():
            sha256 = document.sha256
            chunks, vectors, decision_vectors = index.stored(sha256)
            own = decisions.get(sha256, [])
            papers.append(
                cls(
                    document,
                    held.pages(sha256),
                    chunks,
                    vectors,
                    Minutes(items[sha256], own) if sha256 in items or own else None,
                    np.stack([decision_vectors[d.ordinal] for d in own]) if own else None,
                )
            )
        return papers

    def copy(self, copy: int, swap: dict[str, str], vectors: np.ndarray, index: Index) -> None:
        """Write copy number `copy` of this paper into `index`, its words swapped by `swap`, with `vectors`."""
        sha256 = hashlib.sha256(f"{self.document.sha256}:{copy}".encode()).hexdigest() if copy else self.document.sha256

        def vary(text: str) -> str:
            return WORD.sub(lambda m: swap.get(m.group(), m.group()), text) if swap else text

        def moved(day: str | None) -> str | None:
            return None if day is None else (date.fromisoformat(day) - timedelta(weeks=WEEKS_BACK * copy)).isoformat()

        minutes = None
        if self.minutes is not None:  # varied as the pages are; dated as printed (the answer checks the date)
            minutes = Minutes(
                [replace(i, text=vary(i.text), title=i.title and vary(i.title)) for i in self.minutes.items],
                [
                    replace(
                        d,
                        text=vary(d.text),
                        excerpt=vary(d.excerpt),
                        item_title=d.item_title and vary(d.item_title),
                        moved=d.moved and vary(d.moved),
                        delegated=tuple(vary(part) for part in d.delegated),
                    )
                    for d in self.minutes.decisions
                ],
            )
        index.add_content(
            replace(
                self.document,
                path=f"copy-{copy:03d}/{self.document.path}",
                sha256=sha256,
                meeting_date=moved(self.document.meeting_date),
            ),
            [replace(page, text=vary(page.text)) for page in self.pages],
            [replace(chunk, doc_sha256=sha256, text=vary(chunk.text)) for chunk in self.chunks],
            vectors,
            minutes=minutes,
            decision_vectors=self.decision_vectors
            if minutes is not None and minutes.decisions
            else np.zeros((0, 384), np.float32),
        )


def serve(data_dir: Path, questions: list[Path], sample: Path) -> dict[str, Any]:
    """Open the large index in this fresh process and measure it."""
    figures: dict[str, Any] = {}
    say("loading the model and opening the large index")
    started = time.perf_counter()
    embedder = SentenceTransformerEmbedder()
    embedder.embed(["warm up"])
    figures["model_load_seconds"] = time.perf_counter() - started
    settings = Settings(data_dir=data_dir)
    started = time.perf_counter()
    index = open_index(settings, embedder)
    figures["open_seconds"] = time.perf_counter() - started
    asked = [q.question for path in questions for q in load_questions(path)]
    started = time.perf_counter()
    index.search(asked[0], 5)
    figures["first_search_seconds"] = time.perf_counter() - started
    dated = Counter((d.committee, d.meeting_date) for d in index.papers.documents() if d.committee and d.meeting_date)
    (committee, day), _ = dated.most_common(1)[0]  # the meeting with most papers, and its committee
    year = SearchFilter(committee=committee, date_from=f"{day[:4]}-01-01", date_to=f"{day[:4]}-12-31")
    meeting = SearchFilter(committee=committee, date_from=day, date_to=day)
    figures["filter_committee"], figures["filter_day"] = committee, day
    total, held = index.papers.counts().chunks, index.papers.chunk_counts()
    for name, filters in (("unfiltered", None), ("committee_year", year), ("one_meeting", meeting)):
        say(f"searching, {name.replace('_', ' ')}: {len(asked)} questions, twice")
        if filters is not None:
            within = {d.sha256 for d in index.papers.matching(filters)}
            figures[f"{name}_share"] = sum(held[sha256] for sha256 in within) / total
        for question in asked:  # warm: every question once first (the index keeps only the last 8 query vectors)
            index.search(question, 5, filters)
        times = []
        for question in asked:
            begun = time.perf_counter()
            index.search(question, 5, filters)
            times.append(1000 * (time.perf_counter() - begun))
        figures[f"search_{name}_p50_ms"], figures[f"search_{name}_p95_ms"] = (
            percentile(times, 50),
            percentile(times, 95),
        )
    assistant = Assistant(settings, index)
    say(f"answering {len(asked)} questions")
    times = []
    for question in asked:
        begun = time.perf_counter()
        assistant.ask(question)
        times.append(1000 * (time.perf_counter() - begun))
    figures["answer_p50_ms"], figures["answer_p95_ms"] = percentile(times, 50), percentile(times, 95)
    say("adding a 20-page PDF")
    figures["add_20_page_pdf_seconds"] = _add_twenty_pages(index, sample)
    figures["serve_peak_memory_gb"] = _peak_memory_gb()
    figures["index_gb"] = sum(f.stat().st_size for f in data_dir.rglob("*") if f.is_file()) / 2**30
    index.close()
    return figures


def _peak_memory_gb() -> float:
    """This process's peak resident memory since it started its program (VmHWM: `ru_maxrss` would
    carry the parent's peak over into a child)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 2**20
    return float("nan")


def _add_twenty_pages(index: Index, sample: Path) -> float:
    """Seconds to ingest the first 20 pages of the sample's longest paper, as a new PDF, into `index`."""
    import pypdf

    longest = max(sample.rglob("*.pdf"), key=lambda path: len(pypdf.PdfReader(path).pages))
    writer = pypdf.PdfWriter()
    for page in pypdf.PdfReader(longest).pages[:20]:
        writer.add_page(page)
    with tempfile.TemporaryDirectory() as folder:
        writer.write(Path(folder) / "twenty pages.pdf")
        started = time.perf_counter()
        report = ingest([Path(folder)], index)
        seconds = time.perf_counter() - started
    assert report.added == ["twenty pages.pdf"] and report.pages == 20, report.summary()
    return seconds


def table(figures: dict[str, Any]) -> str:
    """The figures as a table, with what was real and what was varied."""
    f = figures
    rows = [
        (
            "real sample",
            f"{f['sample']}: {f['sample_pages']} pages, {f['sample_chunks']} chunks, embedded in {f['precision']}",
        ),
        (
            "sample ingest",
            f"{f['sample_ingest_pages_per_s']:.1f} pages/s, {f['sample_ingest_chunks_per_s']:.1f} chunks/s, "
            f"{f['sample_ingest_over_floor']:.2f} times the embedding floor",
        ),
        (
            "large index (varied copies)",
            f"{f['pages']} pages, {f['chunks']} chunks: {f['copies']} copies of the sample, "
            f"one word in ten swapped per copy, vectors with noise (mean cosine {f['copy_vector_cosine_mean']:.3f})",
        ),
        (
            "build",
            f"{f['build_seconds']:.0f} s through Index.add_content, peak memory {f['build_peak_memory_gb']:.2f} GB",
        ),
        ("index on disk", f"{f['index_gb']:.2f} GB"),
        (
            "open the index",
            f"{f['open_seconds']:.2f} s (model load {f['model_load_seconds']:.1f} s apart; "
            f"first search {f['first_search_seconds']:.2f} s)",
        ),
        (
            "search, unfiltered",
            f"p50 {f['search_unfiltered_p50_ms']:.0f} ms, p95 {f['search_unfiltered_p95_ms']:.0f} ms",
        ),
        (
            "search, committee and year",
            f"p50 {f['search_committee_year_p50_ms']:.0f} ms, p95 "
            f"{f['search_committee_year_p95_ms']:.0f} ms ({f['filter_committee']}, {f['filter_day'][:4]}: "
            f"{f['committee_year_share']:.1%} of chunks)",
        ),
        (
            "search, one meeting",
            f"p50 {f['search_one_meeting_p50_ms']:.0f} ms, p95 {f['search_one_meeting_p95_ms']:.0f} ms "
            f"({f['filter_day']}: {f['one_meeting_share']:.2%} of chunks)",
        ),
        ("answer (Assistant.ask)", f"p50 {f['answer_p50_ms']:.0f} ms, p95 {f['answer_p95_ms']:.0f} ms"),
        ("add a 20-page PDF", f"{f['add_20_page_pdf_seconds']:.1f} s"),
        ("peak memory, serving", f"{f['serve_peak_memory_gb']:.2f} GB"),
    ]
    width = max(len(name) for name, _ in rows)
    return "\n".join(f"{name:<{width}}  {value}" for name, value in rows)


if __name__ == "__main__":
    prepare()
    main()
