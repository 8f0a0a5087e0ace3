"""A generated corpus of every kind of bad file: each is reported by name with its reason, skipped and
counted; the good files are ingested; the exit status is non-zero only when nothing could be."""

from pathlib import Path

import pypdf
import pytest
from reportlab.pdfgen.canvas import Canvas

from councilqa.app.cli import main
from councilqa.ingest.ocr import INSTALL, available_ocr
from tests.conftest import write_pdf
from tests.ingest.test_ocr import MINUTES, image_pdf, rendered
from tests.ingest.test_pdf import damaged_xref


@pytest.fixture
def bad_corpus(tmp_path: Path) -> Path:
    root = tmp_path / "papers"
    root.mkdir()
    good = write_pdf(root / "good minutes.pdf", ["12. Budget\nRESOLVED: That the budget be approved."])
    damaged_xref(good, root / "damaged xref.pdf")  # repaired by the parser: ingested, with a warning
    (root / "typed notes.pdf").write_text("minutes typed into a text file")
    (root / "zero bytes.pdf").write_bytes(b"")
    whole = write_pdf(tmp_path / "whole.pdf", ["text"] * 4).read_bytes()
    (root / "truncated.pdf").write_bytes(whole[: len(whole) // 3])
    writer = pypdf.PdfWriter(clone_from=write_pdf(tmp_path / "secret.pdf", ["Secret"]))
    writer.encrypt(user_password="secret", algorithm="AES-256")
    writer.write(root / "encrypted.pdf")
    pypdf.PdfWriter().write(root / "no pages.pdf")
    blot = Canvas(str(root / "blot.pdf"), invariant=True)  # an image of nothing: no text layer, nothing to read
    blot.rect(50, 50, 300, 400, fill=1)
    blot.showPage()
    blot.save()
    image_pdf(rendered(MINUTES, [0]), root / "scanned minutes.pdf")  # a scan of text: read by OCR
    return root


@pytest.mark.slow
def test_every_bad_file_is_named_with_its_reason(bad_corpus: Path, tmp_path: Path, capsys):
    ocr = available_ocr() is not None  # .ci/run installs it; elsewhere scans say how to enable it
    assert main(["ingest", str(bad_corpus), "--data-dir", str(tmp_path / "data")]) == 0
    out = capsys.readouterr().out
    counts = "3 added, 0 updated, 0 copies of indexed files, 0 unchanged, 6 skipped" if ocr else "2 added"
    assert out.startswith(counts), out
    lines = [
        "skipped typed notes.pdf: not a PDF file",
        "skipped zero bytes.pdf: the file is empty",
        "skipped truncated.pdf: damaged and can't be read",
        "skipped encrypted.pdf: encrypted with a password",
        "skipped no pages.pdf: the PDF has no pages",
        "repaired damaged xref.pdf: ",
    ]
    if ocr:
        lines += [
            "skipped blot.pdf: no text layer, and OCR found no readable words on its 1 page(s)",
            "ocr scanned minutes.pdf: 1 scanned page(s) read by OCR: 1",
        ]
    else:
        scanned = f"no text layer on any of its 1 page(s); it looks scanned and needs OCR ({INSTALL})"
        lines += [f"skipped blot.pdf: {scanned}", f"skipped scanned minutes.pdf: {scanned}"]
    for line in lines:
        assert line in out, line


def test_exit_status_is_non_zero_only_when_nothing_was_ingested(bad_corpus: Path, tmp_path: Path, capsys):
    for good in ("good minutes.pdf", "damaged xref.pdf", "scanned minutes.pdf"):
        (bad_corpus / good).unlink()
    assert main(["ingest", str(bad_corpus), "--data-dir", str(tmp_path / "data")]) == 1
    assert "6 skipped" in capsys.readouterr().out
