"""Scanned pages read by OCR (Tesseract): scans made here by rendering real pages of corpus/ to images
and wrapping them as an image-only PDF. Each page is read on its own, so a mixed PDF keeps its text
layer; what OCR reads is cached by the file's hash; a page of noise is reported, not indexed."""

import os
import random
from pathlib import Path

import pypdf
import pypdfium2
import pytest
from PIL import Image

from councilqa.ingest.errors import NoTextLayer
from councilqa.ingest.ocr import INSTALL, TesseractOcr, available_ocr
from councilqa.ingest.pdf import PypdfParser
from tests.conftest import CORPUS

pytestmark = pytest.mark.slow

MINUTES = CORPUS / "riverford" / "Printed minutes 12th-Mar-2026 18.30 Cabinet.pdf"
PACK = CORPUS / "riverford" / "Public reports pack 12th-Mar-2026 18.30 Cabinet.pdf"  # "Page N" footers


def ocr_engine() -> TesseractOcr:
    engine = available_ocr()
    if engine is None:
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the OCR tests: {INSTALL} (.ci/run does)")
        pytest.skip(f"Tesseract is not installed: {INSTALL}")
    return engine


def rendered(pdf: Path, pages: list[int], dpi: int = 200) -> list[Image.Image]:
    document = pypdfium2.PdfDocument(str(pdf))
    try:
        return [document[i].render(scale=dpi / 72).to_pil().convert("RGB") for i in pages]
    finally:
        document.close()


def image_pdf(images: list[Image.Image], out: Path, dpi: int = 200) -> Path:
    """An image-only PDF of `images`, as a scanner makes: no text layer at all."""
    images[0].save(out, "PDF", resolution=dpi, save_all=True, append_images=images[1:])
    assert not any((page.extract_text() or "").strip() for page in pypdf.PdfReader(out).pages)
    return out


def scan_of(pdf: Path, out: Path) -> Path:
    return image_pdf(rendered(pdf, list(range(len(pypdf.PdfReader(pdf).pages)))), out)


def noise(seed: int = 7) -> Image.Image:
    rng = random.Random(seed)
    return Image.frombytes("L", (1654, 2339), bytes(rng.choice((0, 255)) for _ in range(1654 * 2339))).convert("RGB")


def words(text: str) -> set[str]:
    return {word.strip(".,;:()").lower() for word in text.split()}


def test_a_scan_is_read_page_by_page_with_its_printed_labels(tmp_path: Path):
    original = PypdfParser().parse(PACK, PACK.name).pages[:5]
    scan = image_pdf(rendered(PACK, list(range(5))), tmp_path / "scan.pdf")
    parsed = PypdfParser(ocr_engine(), tmp_path / "cache").parse(scan, "scan.pdf")
    assert [page.ocr for page in parsed.pages] == [True] * 5
    for scanned, page in zip(parsed.pages, original, strict=True):
        found = words(page.text) & words(scanned.text)
        assert len(found) >= 0.85 * len(words(page.text)), scanned.pdf_page  # most of the page's own words
    assert [page.label for page in parsed.pages] == [None, None, "Page 1", "Page 2", "Page 3"]
    assert [page.label for page in original] == [None, None, "Page 1", "Page 2", "Page 3"]
    assert parsed.ocr_notes == ("5 scanned page(s) read by OCR: 1–5",)


def test_a_mixed_pdf_keeps_its_text_layer_and_reads_only_its_scanned_page(tmp_path: Path):
    writer = pypdf.PdfWriter(clone_from=MINUTES)
    writer.add_page(pypdf.PdfReader(image_pdf(rendered(MINUTES, [1]), tmp_path / "page2.pdf")).pages[0])
    writer.write(tmp_path / "mixed.pdf")
    original = PypdfParser().parse(MINUTES, MINUTES.name).pages
    mixed = PypdfParser(ocr_engine(), tmp_path / "cache").parse(tmp_path / "mixed.pdf", "mixed.pdf").pages
    assert [(p.text, p.ocr) for p in mixed[: len(original)]] == [(p.text, False) for p in original]
    assert mixed[-1].ocr and "Riverside Leisure Centre" in " ".join(mixed[-1].text.split())


def test_a_page_of_noise_is_reported_not_indexed(tmp_path: Path):
    pdf = image_pdf([noise(), *rendered(MINUTES, [0])], tmp_path / "noisy.pdf")
    parsed = PypdfParser(ocr_engine(), None).parse(pdf, "noisy.pdf")
    assert parsed.pages[0].text == "" and not parsed.pages[0].ocr and parsed.pages[1].ocr
    assert parsed.ocr_notes == (
        "1 scanned page(s) read by OCR: 2",
        "OCR found no readable words on page(s) 1 (blank, a picture, or noise)",
    )
    with pytest.raises(NoTextLayer, match="OCR found no readable words on its 1 page"):
        PypdfParser(ocr_engine(), None).parse(image_pdf([noise(8)], tmp_path / "noise.pdf"), "noise.pdf")


def test_what_ocr_reads_is_cached_by_the_files_hash(tmp_path: Path):
    class Counting:
        def __init__(self, engine: TesseractOcr) -> None:
            self.engine, self.version, self.pages = engine, engine.version, 0

        def read_page(self, pdf: Path, index: int) -> str:
            self.pages += 1
            return self.engine.read_page(pdf, index)

    scan = image_pdf(rendered(MINUTES, [0]), tmp_path / "scan.pdf")
    first, second = Counting(ocr_engine()), Counting(ocr_engine())
    once = PypdfParser(first, tmp_path / "cache").parse(scan, "scan.pdf").pages
    renamed = scan.rename(tmp_path / "renamed.pdf")  # the same bytes under another name
    again = PypdfParser(second, tmp_path / "cache").parse(renamed, "renamed.pdf").pages
    assert (first.pages, second.pages) == (1, 0) and again == once


def test_without_ocr_a_scan_says_how_to_enable_it(tmp_path: Path):
    with pytest.raises(NoTextLayer, match=rf"needs OCR \({INSTALL}\)"):
        PypdfParser().parse(image_pdf(rendered(MINUTES, [0]), tmp_path / "scan.pdf"), "scan.pdf")


def test_a_page_past_the_time_limit_is_reported_and_read_again_next_time(tmp_path: Path):
    scan = image_pdf(rendered(MINUTES, [0]), tmp_path / "scan.pdf")
    ocr_engine()
    with pytest.raises(NoTextLayer, match="OCR found no readable words"):
        PypdfParser(TesseractOcr(seconds_per_page=0.01), tmp_path / "cache").parse(scan, "scan.pdf")
    assert PypdfParser(ocr_engine(), tmp_path / "cache").parse(scan, "scan.pdf").pages[0].ocr  # not cached as empty
