import re
from pathlib import Path

import pypdf
import pytest
from pypdf.constants import PageLabelStyle
from reportlab.pdfgen.canvas import Canvas

from councilqa.ingest.errors import CorruptPDF, EmptyPDF, EncryptedPDF, NotAPDF, NoTextLayer
from councilqa.ingest.pdf import PypdfParser
from tests.conftest import CORPUS


def test_pages_have_numbers_labels_and_text(make_pdf):
    path = make_pdf("pack.pdf", ["Agenda front sheet", "Page 1\nMinutes of the meeting", "Report text\nPage 2"])
    pages = PypdfParser().parse(path, "pack.pdf").pages
    assert [(p.pdf_page, p.label) for p in pages] == [(1, None), (2, "Page 1"), (3, "Page 2")]
    assert "Minutes of the meeting" in pages[1].text


def test_sample_agenda_pack_labels():
    path = CORPUS / "riverford" / "Public reports pack 12th-Mar-2026 18.30 Cabinet.pdf"
    labels = [p.label for p in PypdfParser().parse(path, path.name).pages]
    assert labels == [None, None] + [f"Page {n}" for n in range(1, 10)]


def test_not_a_pdf(tmp_path: Path):
    path = tmp_path / "notes.pdf"
    path.write_text("minutes, but typed into a text file")
    with pytest.raises(NotAPDF, match=r"notes\.pdf: not a PDF"):
        PypdfParser().parse(path, "notes.pdf")


def test_truncated_pdf(make_pdf, tmp_path: Path):
    whole = make_pdf("whole.pdf", ["Page one text"] * 3).read_bytes()
    path = tmp_path / "truncated.pdf"
    path.write_bytes(whole[: len(whole) // 3])
    with pytest.raises(CorruptPDF, match=r"truncated\.pdf: damaged"):
        PypdfParser().parse(path, "truncated.pdf")


def test_encrypted_pdf(make_pdf, tmp_path: Path):
    writer = pypdf.PdfWriter(clone_from=make_pdf("plain.pdf", ["Secret report"]))
    writer.encrypt(user_password="secret", algorithm="AES-256")
    path = tmp_path / "locked.pdf"
    writer.write(path)
    with pytest.raises(EncryptedPDF, match=r"locked\.pdf: encrypted"):
        PypdfParser().parse(path, "locked.pdf")


def test_pdf_encrypted_without_a_user_password_is_read(make_pdf, tmp_path: Path):
    writer = pypdf.PdfWriter(clone_from=make_pdf("plain.pdf", ["Open report"]))
    writer.encrypt(user_password="", owner_password="owner", algorithm="AES-256")
    path = tmp_path / "owner-only.pdf"
    writer.write(path)
    assert "Open report" in PypdfParser().parse(path, "owner-only.pdf").pages[0].text


def test_zero_pages(tmp_path: Path):
    path = tmp_path / "empty.pdf"
    pypdf.PdfWriter().write(path)
    with pytest.raises(EmptyPDF, match=r"empty\.pdf: the PDF has no pages"):
        PypdfParser().parse(path, "empty.pdf")


def test_scanned_pdf_without_text_layer(tmp_path: Path):
    path = tmp_path / "scan.pdf"
    canvas = Canvas(str(path), invariant=True)
    canvas.rect(50, 50, 300, 400, fill=1)  # an image-like page: marks, no text
    canvas.showPage()
    canvas.save()
    with pytest.raises(NoTextLayer, match=r"scan\.pdf: .*needs OCR"):
        PypdfParser().parse(path, "scan.pdf")


def test_empty_file(tmp_path: Path):
    path = tmp_path / "zero.pdf"
    path.write_bytes(b"")
    with pytest.raises(NotAPDF, match=r"zero\.pdf: the file is empty"):
        PypdfParser().parse(path, "zero.pdf")


def damaged_xref(source: Path, target: Path) -> Path:
    """A copy of `source` whose cross-reference table points objects 1 and 2 at each other."""
    data = bytearray(source.read_bytes())
    table = re.search(rb"xref\s+0 \d+\s+", data)
    assert table
    first, second = table.end() + 20, table.end() + 40  # entries are 20 bytes; entry 0 is the free list
    data[first:second], data[second : second + 20] = data[second : second + 20], data[first:second]
    target.write_bytes(bytes(data))
    return target


def test_damaged_cross_references_are_repaired_and_reported(make_pdf, tmp_path: Path):
    path = damaged_xref(make_pdf("ok.pdf", ["Page one text", "Page two text"]), tmp_path / "damaged.pdf")
    parsed = PypdfParser().parse(path, "damaged.pdf")
    assert [p.text.strip() for p in parsed.pages] == ["Page one text", "Page two text"]
    assert parsed.warnings and any("repaired" in w or "wrong pointing" in w for w in parsed.warnings)
    assert PypdfParser().parse(make_pdf("clean.pdf", ["x"]), "clean.pdf").warnings == ()


def test_declared_page_labels_count_where_the_page_prints_them(make_pdf, tmp_path: Path):
    writer = pypdf.PdfWriter(clone_from=make_pdf("front.pdf", ["Contents\nii", "Foreword text", "Report\n1"]))
    writer.set_page_label(0, 1, style=PageLabelStyle.LOWERCASE_ROMAN, start=2)  # ii, iii
    writer.set_page_label(2, 2, style=PageLabelStyle.DECIMAL, start=1)  # 1
    path = tmp_path / "labelled.pdf"
    writer.write(path)
    labels = [p.label for p in PypdfParser().parse(path, "labelled.pdf").pages]
    assert labels == ["ii", None, "1"]  # page 2 declares "iii" but prints none
