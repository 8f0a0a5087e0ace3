"""Compare OCR engines on real pages: render pages of `../shared/corpus` that have a text layer to images
(pypdfium2, 300 dpi), read them back with each engine, and score the words read against the page's own
text layer (pypdf): word recall and precision (multisets of lower-cased words of letters and digits),
and seconds per page, one page at a time, on this machine's cores.

Engines: Tesseract 5 (Debian's `tesseract-ocr`, `tesseract-ocr-eng`; run as `tesseract IMAGE stdout`)
and RapidOCR (`rapidocr-onnxruntime` from PyPI, whose ONNX models ship in the wheel). An engine that is
not installed is reported as such. With `--ingest-scan N`, it also times councilqa ingesting a scan: N
pages of a real paper rendered at 200 dpi into an image-only PDF, ingested into a fresh index (OCR and
embedding), then removed and ingested again (its OCR now cached). Run::

    python -m councilqa.eval.bench_ocr ../shared/corpus --pages 24 --ingest-scan 20
"""

from __future__ import annotations

import argparse
import io
import re
import shutil
import subprocess
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pypdf
import pypdfium2
from PIL import Image

DPI = 300
WORD = re.compile(r"[a-z0-9]+")


def words(text: str) -> Counter[str]:
    return Counter(WORD.findall(text.lower()))


def sample_pages(corpus: Path, count: int) -> list[tuple[Path, int, str]]:
    """(pdf, 0-based page, text layer) for `count` pages with a text layer of 400 characters or more,
    spread over the corpus's files: one page from each in turn, from the middle of the file outwards."""
    per_file: list[list[tuple[Path, int, str]]] = []
    for pdf in sorted(corpus.rglob("*.pdf")):
        try:
            reader = pypdf.PdfReader(pdf)
            n = len(reader.pages)
            order = sorted(range(n), key=lambda i: abs(i - n // 2))[:6]
            pages = [(pdf, i, reader.pages[i].extract_text() or "") for i in order]
        except Exception:  # the bad-file examples
            continue
        kept = [page for page in pages if len(page[2]) >= 400]
        if kept:
            per_file.append(kept)
    chosen: list[tuple[Path, int, str]] = []
    while len(chosen) < count and any(per_file):
        for pages in per_file:
            if pages and len(chosen) < count:
                chosen.append(pages.pop(0))
    return chosen


def render(pdf: Path, index: int) -> Image.Image:
    document = pypdfium2.PdfDocument(str(pdf))
    try:
        return document[index].render(scale=DPI / 72).to_pil().convert("L")
    finally:
        document.close()


def tesseract(image: Image.Image) -> str:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    done = subprocess.run(
        ["tesseract", "stdin", "stdout", "-l", "eng", "--psm", "3"],
        input=buffer.getvalue(),
        capture_output=True,
        check=True,
    )
    return done.stdout.decode("utf-8", "replace")


def rapidocr() -> Callable[[Image.Image], str] | None:
    try:
        import numpy as np
        from rapidocr_onnxruntime import RapidOCR
    except ImportError:
        return None
    engine = RapidOCR()

    def read(image: Image.Image) -> str:
        found, _ = engine(np.asarray(image.convert("RGB")))
        return "\n".join(line[1] for line in found or [])

    return read


def ingest_scan(corpus: Path, count: int) -> None:
    """Time ingesting an image-only PDF of `count` pages of the corpus's longest paper."""
    import tempfile

    from councilqa.index.build import ingest
    from councilqa.index.store import open_index
    from councilqa.settings import Settings

    source = max(corpus.rglob("*.pdf"), key=_pages)
    work = Path(tempfile.mkdtemp(prefix="councilqa-scan-"))
    (work / "scans").mkdir()
    document = pypdfium2.PdfDocument(str(source))
    try:
        images = [document[i].render(scale=200 / 72).to_pil().convert("RGB") for i in range(count)]
    finally:
        document.close()
    scan = work / "scans" / "scan.pdf"
    images[0].save(scan, "PDF", resolution=200, save_all=True, append_images=images[1:])
    index = open_index(Settings(data_dir=work / "data"))
    started = time.perf_counter()
    report = ingest([work / "scans"], index)
    first = time.perf_counter() - started
    index.remove(report.added[0])
    started = time.perf_counter()
    ingest([work / "scans"], index)
    again = time.perf_counter() - started
    print(f"\n{count}-page scan of {source.name}: {report.summary()}")
    print(
        f"ingest {first:.1f} s ({first / count:.2f} s/page: OCR and parsing {report.parse_seconds:.1f} s, "
        f"embedding {report.embed_seconds:.1f} s); again with its OCR cached {again:.1f} s"
    )


def _pages(pdf: Path) -> int:
    try:
        return len(pypdf.PdfReader(pdf).pages)
    except Exception:
        return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--pages", type=int, default=24)
    parser.add_argument("--ingest-scan", type=int, default=0, metavar="N", help="time ingesting an N-page scan")
    args = parser.parse_args()
    engines: dict[str, Callable[[Image.Image], str] | None] = {
        "tesseract": tesseract if shutil.which("tesseract") else None,
        "rapidocr": rapidocr(),
    }
    pages = sample_pages(args.corpus, args.pages)
    print(f"{len(pages)} pages from {len({p for p, _, _ in pages})} files of {args.corpus}, rendered at {DPI} dpi")
    images = [(render(pdf, i), words(text)) for pdf, i, text in pages]
    print("| engine | word recall | word precision | s/page (mean) | s/page (max) |\n|---|---|---|---|---|")
    for name, read in engines.items() if images else ():
        if read is None:
            print(f"| {name} | not installed | | | |")
            continue
        read(images[0][0])  # load the models before timing
        hits = said = wanted = 0
        seconds = []
        for image, truth in images:
            started = time.perf_counter()
            text = read(image)
            seconds.append(time.perf_counter() - started)
            found = words(text)
            hits += sum((found & truth).values())
            said += sum(found.values())
            wanted += sum(truth.values())
        print(
            f"| {name} | {hits / wanted:.3f} | {hits / max(said, 1):.3f} | {sum(seconds) / len(seconds):.2f} "
            f"| {max(seconds):.2f} |"
        )
    if args.ingest_scan:
        ingest_scan(args.corpus, args.ingest_scan)


if __name__ == "__main__":
    main()
