"""`make bench-ingest`: how fast ingest is, against the floor of pure embedding on this machine.

Ingests a corpus into a fresh data directory with the model already loaded, then embeds the very
same chunk texts again in one call: the ingest cannot be faster than that. Also times pypdf alone,
and pypdfium2 on the same files when it is installed, with how far its text agrees with pypdf's.
Prints one table; every figure comes from this one run, on this machine, as ratios are what carry.

    python -m councilqa.eval.bench_ingest ../shared/corpus
"""

from __future__ import annotations

import argparse
import re
import tempfile
import time
from pathlib import Path

from councilqa.index.build import ingest, open_index
from councilqa.index.embed import SentenceTransformerEmbedder
from councilqa.ingest.discover import discover
from councilqa.ingest.errors import IngestError
from councilqa.ingest.pdf import PypdfParser
from councilqa.settings import Settings

WORD = re.compile(r"\w+")


def time_pypdf(files: list[Path]) -> tuple[float, int, dict[Path, list[str]]]:
    parser, texts, pages = PypdfParser(), {}, 0
    started = time.perf_counter()
    for path in files:
        try:
            texts[path] = [page.text for page in parser.parse(path, path.name).pages]
        except IngestError:
            continue
        pages += len(texts[path])
    return time.perf_counter() - started, pages, texts


def time_pdfium(files: list[Path], reference: dict[Path, list[str]]) -> tuple[float, int, float] | None:
    """Seconds, pages, and the share of pypdf's words that pdfium's text also has (page by page)."""
    try:
        import pypdfium2
    except ImportError:
        return None
    started, pages, texts = time.perf_counter(), 0, {}
    for path in files:
        document = pypdfium2.PdfDocument(path)
        texts[path] = [document[i].get_textpage().get_text_range() for i in range(len(document))]
        pages += len(texts[path])
        document.close()
    seconds = time.perf_counter() - started
    shared = total = 0
    for path, theirs in texts.items():
        for ours, other in zip(reference.get(path, []), theirs, strict=False):
            words, others = WORD.findall(ours.lower()), set(WORD.findall(other.lower()))
            total += len(words)
            shared += sum(word in others for word in words)
    return seconds, pages, shared / max(total, 1)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    args = parser.parse_args(argv)
    files = [source.path for source in discover([args.corpus])]
    parse_seconds, pages, texts = time_pypdf(files)
    pdfium = time_pdfium(files, texts)
    embedder = SentenceTransformerEmbedder()
    embedder.embed(["warm up"])
    embedder.count_tokens("warm up")
    with tempfile.TemporaryDirectory() as data_dir:
        index = open_index(Settings(data_dir=Path(data_dir)), embedder)
        started = time.perf_counter()
        report = ingest([args.corpus], index)
        total = time.perf_counter() - started
        chunks = index.stored_chunks()
        started = time.perf_counter()
        embedder.embed([chunk.embed_text for chunk in chunks])
        floor = time.perf_counter() - started
        index.close()
    rows = [
        (
            "files",
            f"{len(files)} ({len(report.added)} added, {len(report.copies)} copies, {len(report.skipped)} skipped)",
        ),
        ("pages", f"{pages}"),
        ("chunks", f"{len(chunks)}"),
        ("parse, pypdf alone", f"{parse_seconds:.1f} s, {pages / parse_seconds:.1f} pages/s"),
    ]
    if pdfium:
        seconds, pdfium_pages, agreement = pdfium
        rows.append(
            (
                "parse, pypdfium2 alone",
                f"{seconds:.1f} s, {pdfium_pages / seconds:.1f} pages/s, "
                f"{agreement:.1%} of pypdf's words found in its text",
            )
        )
    rows += [
        ("embed alone (the floor)", f"{floor:.1f} s, {len(chunks) / floor:.1f} chunks/s"),
        (
            "ingest, total",
            f"{total:.1f} s (reader thread busy {report.parse_seconds:.1f} s, embedding {report.embed_seconds:.1f} s)",
        ),
        ("ratio total / floor", f"{total / floor:.2f}"),
    ]
    width = max(len(name) for name, _ in rows)
    print("\n".join(f"{name:<{width}}  {value}" for name, value in rows))


if __name__ == "__main__":
    main()
