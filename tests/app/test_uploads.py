"""Uploads: type, size and name checks, then a real ingest of what passes."""

from pathlib import Path

import pytest

from councilqa.app.uploads import UploadRejected, add_uploads, safe_name, store_upload
from councilqa.index.store import open_index
from councilqa.settings import Settings
from tests.conftest import write_pdf

MB = 2**20


@pytest.mark.parametrize(
    "name",
    [
        "../../etc/cron.d/x.pdf",
        "..\\..\\boot.ini.pdf",
        "/etc/passwd.pdf",
        "papers/x.pdf",
        ".hidden.pdf",
        "..",
        "a\x00.pdf",
        " ",
    ],
)
def test_names_holding_a_path_are_refused(name: str):
    with pytest.raises(UploadRejected, match="not a plain file name"):
        safe_name(name)


def test_names_are_reduced_to_safe_characters():
    assert safe_name("Agenda <b>Cabinet<b>; rm -rf *.pdf") == "Agenda _b_Cabinet_b_ rm -rf _.pdf"
    assert safe_name("x" * 300 + ".pdf") == "x" * 116 + ".pdf"
    with pytest.raises(UploadRejected, match=r"only PDF files"):
        safe_name("minutes.docx")


def test_a_non_pdf_named_pdf_is_refused(tmp_path: Path):
    fake = tmp_path / "minutes.pdf"
    fake.write_text("<html>not a pdf</html>")
    with pytest.raises(UploadRejected, match="not a PDF"):
        store_upload(fake, "minutes.pdf", tmp_path / "uploads", 5 * MB)
    assert not (tmp_path / "uploads").exists()


def test_an_oversize_file_is_refused(tmp_path: Path):
    big = tmp_path / "big.pdf"
    big.write_bytes(b"%PDF-1.7\n" + b"0" * (2 * MB))
    with pytest.raises(UploadRejected, match=r"2.0 MB is more than the 1 MB allowed"):
        store_upload(big, "big.pdf", tmp_path / "uploads", 1 * MB)


def test_stored_under_a_content_hash_folder_whatever_the_temporary_path(tmp_path: Path):
    source = write_pdf(tmp_path / "tmp123", ["Agenda"])
    stored = store_upload(source, "Agenda 1st-Apr-2026 Cabinet.pdf", tmp_path / "uploads", MB)
    assert stored.parent.parent == tmp_path / "uploads" and len(stored.parent.name) == 12
    assert stored.name == "Agenda 1st-Apr-2026 Cabinet.pdf" and stored.read_bytes() == source.read_bytes()
    assert store_upload(source, "Agenda 1st-Apr-2026 Cabinet.pdf", tmp_path / "uploads", MB) == stored


def test_good_uploads_are_ingested_and_bad_ones_reported(tmp_path: Path, embedder):
    index = open_index(Settings(data_dir=tmp_path / "data"), embedder)
    good = write_pdf(
        tmp_path / "upload-a",
        ["Riverford Borough Council", "The Planning Committee approved the Mill Lane housing scheme of 40 homes."],
    )
    bad = tmp_path / "upload-b"
    bad.write_bytes(b"PK\x03\x04 a zip file")
    seen = []
    outcome = add_uploads(
        [(good, "Planning decision.pdf"), (bad, "sneaky.pdf")], index, MB, lambda *args: seen.append(args)
    )
    assert [path.name for path in outcome.stored] == ["Planning decision.pdf"]
    assert outcome.rejected == ["sneaky.pdf: not a PDF (it does not start with %PDF-)"]
    assert outcome.report is not None and len(outcome.report.added) == 1
    assert seen and seen[-1][:2] == (1, 1)
    (document,) = index.catalog.documents()
    assert (
        document.path.endswith("/Planning decision.pdf")
        and Path(document.root) == (tmp_path / "data" / "uploads").resolve()
    )
    assert "40 homes" in index.search("housing scheme homes", 1)[0].chunk.text
    assert "1 added" in outcome.markdown() and "Rejected sneaky.pdf" in outcome.markdown()
