"""`make bench-ingest`: how fast ingest is, against the floor of pure embedding on this machine.

Ingests a corpus into a fresh data directory with the model already loaded, then embeds the very
same chunk texts again in one call: the ingest cannot be faster than that. Does so in fp32, and in
bf16 where the CPU has bf16 instructions (what `index.precision = "auto"` then chooses), and gives
the ratio of their ingest speeds. Also times pypdf alone,
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

from councilqa.index.build import IngestReport, ingest
from councilqa.index.embed import Precision, SentenceTransformerEmbedder, cpu_has_bf16, resolve_precision
from councilqa.index.store import open_index
from councilqa.ingest.discover import discover
from councilqa.ingest.errors import IngestError
from councilqa.ingest.pdf import PypdfParser
from councilqa.process import prepare
from councilqa.settings import IndexSettings, Settings

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


def time_ingest(corpus: Path, precision: Precision) -> tuple[IngestReport, float, int, float]:
    """Ingest `corpus` into a fresh data directory with the model (in `precision`) already loaded,
    then embed the same chunk texts again in one call: the report, ingest seconds, chunks, and the
    seconds of that floor."""
    embedder = SentenceTransformerEmbedder(precision=precision)
    embedder.embed(["warm up"])
    embedder.count_tokens("warm up")
    with tempfile.TemporaryDirectory() as data_dir:
        settings = Settings(data_dir=Path(data_dir), index=IndexSettings(precision=precision))
        index = open_index(settings, embedder)
        started = time.perf_counter()
        report = ingest([corpus], index)
        total = time.perf_counter() - started
        chunks = index.stored_chunks()
        started = time.perf_counter()
        embedder.embed([chunk.embed_text for chunk in chunks])
        floor = time.perf_counter() - started
        index.close()
    return report, total, len(chunks), floor


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    args = parser.parse_args(argv)
    files = [source.path for source in discover([args.corpus])]
    parse_seconds, pages, texts = time_pypdf(files)
    pdfium = time_pdfium(files, texts)
    chosen = resolve_precision("auto", cpu_has_bf16())
    runs = {precision: time_ingest(args.corpus, precision) for precision in dict.fromkeys(("fp32", chosen))}
    report, _, chunks, _ = runs["fp32"]
    rows = [
        (
            "files",
            f"{len(files)} ({len(report.added)} added, {len(report.copies)} copies, {len(report.skipped)} skipped)",
        ),
        ("pages", f"{pages}"),
        ("chunks", f"{chunks}"),
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
    for precision, (report, total, chunks, floor) in runs.items():
        rows += [
            (f"{precision}: embed alone (the floor)", f"{floor:.1f} s, {chunks / floor:.1f} chunks/s"),
            (
                f"{precision}: ingest, total",
                f"{total:.1f} s, {chunks / total:.1f} chunks/s (reader thread busy {report.parse_seconds:.1f} s, "
                f"embedding {report.embed_seconds:.1f} s)",
            ),
            (f"{precision}: ratio total / floor", f"{total / floor:.2f}"),
        ]
    if chosen != "fp32":
        fp32, fast = runs["fp32"], runs[chosen]
        rows.append((f"{chosen} / fp32, ingest chunks/s", f"{fp32[1] / fast[1]:.2f}"))
    else:
        rows.append(("bf16", "not measured: this CPU has no bf16 instructions, so ingest runs in fp32"))
    width = max(len(name) for name, _ in rows)
    print("\n".join(f"{name:<{width}}  {value}" for name, value in rows))


if __name__ == "__main__":
    prepare()
    main()
