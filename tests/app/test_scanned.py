"""A scanned paper answers questions: real pages of the sample pack rendered to images, wrapped as an
image-only PDF, ingested with OCR; the answer cites the right PDF page and the printed page read from
the OCR text, and says the page was read by OCR."""

from pathlib import Path

import pytest

from councilqa.answer.ask import Assistant
from councilqa.app.present import answer_cards, chat_markdown
from councilqa.index.build import ingest
from councilqa.index.store import open_index
from councilqa.settings import Settings
from tests.ingest.test_ocr import PACK, image_pdf, ocr_engine, rendered

pytestmark = pytest.mark.slow


def test_a_scanned_report_is_cited_by_pdf_page_and_printed_page(tmp_path: Path, embedder):
    ocr_engine()  # skips (or fails in CI) without Tesseract
    root = tmp_path / "papers"
    root.mkdir()
    image_pdf(rendered(PACK, [5, 6, 7, 8]), root / "Riverside report (scan).pdf")  # printed "Page 4" to "Page 7"
    settings = Settings(data_dir=tmp_path / "data")
    index = open_index(settings, embedder)
    report = ingest([root], index)
    assert report.added == ["Riverside report (scan).pdf"] and report.pages == 4
    assert report.ocr == [("Riverside report (scan).pdf", "4 scanned page(s) read by OCR: 1–4")]
    answer = Assistant(settings, index).ask("When would the leisure centre reopen after the works?")
    first = answer.citations[0]
    assert (first.doc, first.pdf_page, first.printed_page, first.ocr) == (
        "Riverside report (scan).pdf",
        3,
        "Page 6",
        True,
    )
    assert "October 2027" in answer.answer and not answer.abstained
    assert "read by OCR ([1]" in chat_markdown(answer)
    assert "Read by OCR from a scanned page." in answer_cards(answer)[0]
    again = ingest([root], index)  # nothing read again
    assert again.unchanged == ["Riverside report (scan).pdf"] and again.ocr == []
