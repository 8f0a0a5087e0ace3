"""The index's read face (`index.papers`) and its checks, on a small real index: two councils' minutes, one
restricted. The public face tells nothing of the restricted paper: not its council, committee, meeting,
decision, pages or count; the catalog's reads can't write; a hit whose text is not on its stored pages is
never given. Real PDFs and Chroma; plumbing, so it runs in the fast tier too."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from councilqa.index.build import ingest
from councilqa.index.store import Index, open_index
from councilqa.records import DecisionFilter, SearchFilter
from councilqa.settings import Settings
from tests.conftest import write_pdf

OPEN = "Printed minutes 12th-Mar-2026 18.30 Cabinet.pdf"
HIDDEN = "exempt/Zedbury minutes.pdf"


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory, embedder) -> Index:
    root = tmp_path_factory.mktemp("papers")
    write_pdf(
        root / OPEN,
        [
            "Riverford Borough Council\nMINUTES of a meeting of the Cabinet held on 12 March 2026\n"
            "38. Ferndown allotments\nThe Cabinet considered the Ferndown allotments rents.\n"
            "RESOLVED: That the Ferndown allotments rents be frozen.",
            "39. Kestrel Way lighting\nThe Cabinet noted the Kestrel Way lighting survey.",
        ],
    )
    (root / "exempt").mkdir()
    write_pdf(
        root / HIDDEN,
        [
            "Zedbury District Council\nMINUTES of a meeting of the Licensing Committee held on 5 February 2026\n"
            "7. Quarry Lane licence\nThe committee heard the Quarry Lane application.\n"
            "RESOLVED: That the Quarry Lane licence be refused."
        ],
    )
    index = open_index(Settings(data_dir=tmp_path_factory.mktemp("data")), embedder)
    ingest([root], index)
    index.restrict(HIDDEN, True, "exempt: information about an individual")
    return index


def test_every_paper_is_read_by_the_whole_face(index: Index) -> None:
    papers = index.papers
    assert [d.path for d in papers.documents()] == [OPEN, HIDDEN]
    assert papers.counts().documents == 2 and papers.councils() == [
        "Riverford Borough Council",
        "Zedbury District Council",
    ]
    assert papers.facets().committees == ["Cabinet", "Licensing Committee"]
    assert {d.meeting_date for d, _ in papers.decisions()} == {"2026-03-12", "2026-02-05"}
    assert papers.overview().restricted and papers.minutes_council("Zedbury")


def test_the_public_face_tells_nothing_of_a_restricted_paper(index: Index) -> None:
    public, hidden = index.papers.public, index.papers.document(HIDDEN)
    assert hidden is not None and index.papers.seen(False) is not index.papers
    assert [d.path for d in public.documents()] == [OPEN] and public.document(HIDDEN) is None
    assert public.pages(hidden.sha256) == [] and index.papers.pages(hidden.sha256)
    counts = public.counts()
    assert (counts.documents, counts.skipped) == (1, 0) and counts.pages == 2
    assert public.councils() == ["Riverford Borough Council"] and not public.minutes_council("Zedbury")
    facets = public.facets()
    assert (facets.committees, facets.meeting_dates) == (["Cabinet"], ["2026-03-12"])
    decided = [d.text for d, _ in public.decisions(DecisionFilter(include_restricted=True))]
    assert len(decided) == 1 and "Ferndown" in decided[0]
    assert [m.date for m in public.meetings()] == ["2026-03-12"] and not public.has_minutes("2026-02-05", "2026-02-05")
    wider = SearchFilter(include_restricted=True)  # a filter can't widen the public face
    assert [d.path for d in public.matching(wider)] == [OPEN] and not public.mentioned(wider, "Quarry Lane")
    held = public.overview()
    assert (held.restricted, held.skipped, [d.path for d in held.documents]) == ({}, [], [OPEN])
    assert public.restrictions() == {} and public.chunk_counts().keys() == {public.documents()[0].sha256}


def test_the_catalogs_reads_cannot_write(index: Index) -> None:
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        index.catalog.rows("DELETE FROM documents")
    assert len(index.papers.documents()) == 2


def test_a_passage_whose_text_is_not_on_its_stored_pages_is_never_given(tmp_path: Path, make_pdf, embedder) -> None:
    """Search and the passages beside a hit give only passages found verbatim on their stored pages: here the
    stored page under one passage no longer holds its text, as after a damaged write."""
    make_pdf(
        "papers/report.pdf",
        [
            "The Ferndown allotments rents rise by four percent.\n" * 45,
            "The Kestrel Way lighting survey is done.\n" * 45,
        ],
    )
    index = open_index(Settings(data_dir=tmp_path / "data"), embedder)
    ingest([tmp_path / "papers"], index)
    hits = index.search("Kestrel Way lighting survey", 5)
    assert any(hit.chunk.pdf_page_end == 2 for hit in hits)
    sha256 = hits[0].chunk.doc_sha256
    with index.catalog.transaction() as db:
        db.execute("UPDATE pages SET text = 'torn' WHERE sha256 = ? AND pdf_page = 2", (sha256,))
    found = index.search("Kestrel Way lighting survey", 5)
    assert found and all(hit.chunk.pdf_page_end == 1 for hit in found)
    assert all(near.chunk.pdf_page_end == 1 for nearby in index.beside(found) for near in nearby)
