"""What the app may serve, its filter choices and its overview of the index."""

import os
from pathlib import Path

import pytest

from councilqa.app.accounts import ANONYMOUS
from councilqa.app.library import Library, NotServed, within
from tests.conftest import CORPUS

MINUTES = "riverford/Printed minutes 12th-Mar-2026 18.30 Cabinet.pdf"


@pytest.fixture(scope="module")
def library(sample_settings, sample_index) -> Library:
    return Library(sample_settings, sample_index)


def test_serves_only_the_ingest_roots_the_uploads_and_the_fetched_papers(library: Library, sample_settings):
    data_dir = sample_settings.data_dir.resolve()
    assert library.roots() == sorted([CORPUS.resolve(), data_dir / "uploads", data_dir / "papers"])


def test_file_for_a_cited_document(library: Library):
    assert library.file_for(MINUTES, ANONYMOUS) == (CORPUS / MINUTES).resolve()
    with pytest.raises(NotServed, match="not in the index"):
        library.file_for("../../etc/passwd", ANONYMOUS)


def test_paths_outside_the_roots_are_refused(tmp_path: Path):
    root = tmp_path / "papers"
    root.mkdir()
    (root / "a.pdf").write_bytes(b"%PDF-1.4")
    outside = tmp_path / "secret.pdf"
    outside.write_bytes(b"%PDF-1.4")
    os.symlink(outside, root / "link.pdf")
    assert within(root / "a.pdf", [root])
    assert not within(root / ".." / "secret.pdf", [root])
    assert not within(root / "link.pdf", [root])  # a link out of a root leads outside it
    assert not within(Path("/etc/passwd"), [root])


def test_choices_and_overview(library: Library):
    committees, doc_types = library.choices(ANONYMOUS)
    assert committees == ["Cabinet"]
    assert {"printed minutes", "reports pack"} <= set(doc_types)
    overview = library.overview(ANONYMOUS)
    assert (
        overview.counts.documents == 3 and overview.meetings == 3
    )  # 12 Feb (minuted in the March pack), 12 March, 9 April
    assert "**3** documents" in overview.markdown() and "**17** pages" in overview.markdown()
    assert [MINUTES, "Printed minutes", "Cabinet", "2026-03-12", "printed minutes", 3, ""] in overview.documents
