"""Ingest into a real Chroma index with the real model: incremental runs, copies, changes, bad files."""

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from councilqa.index.build import ingest
from councilqa.index.catalog import Catalog
from councilqa.index.stamp import IndexStampMismatch
from councilqa.index.store import Index, open_index
from councilqa.ingest.sidecar import MeetingSidecar, PaperEntry, write_sidecar
from councilqa.records import Chunk
from councilqa.settings import IngestSettings, Settings
from tests.conftest import CORPUS, write_pdf


@pytest.fixture
def index(tmp_path: Path, embedder) -> Index:
    return open_index(Settings(data_dir=tmp_path / "data"), embedder)


def chunk_ids(index: Index) -> list[str]:
    return sorted(index.vectors.ids())


class CountingEmbedder:
    """The real embedder, counting the texts it is asked to embed."""

    def __init__(self, real) -> None:
        self.real, self.texts = real, 0
        self.model_id, self.precision = real.model_id, real.precision

    def embed(self, texts):
        self.texts += len(texts)
        return self.real.embed(texts)

    def count_tokens(self, text):
        return self.real.count_tokens(text)


def test_sample_corpus_ingests(sample_ingest):
    index, report = sample_ingest
    assert len(report.added) == 3 and not report.skipped
    counts = index.papers.counts()
    assert counts.documents == 3 and counts.pages == 17
    assert counts.chunks == report.chunks == index.vectors.count()
    described = {(d.title, d.council, d.committee, d.meeting_date, d.doc_type) for d in index.catalog.documents()}
    assert described == {
        ("Climate Action Plan 2026-2030 - Report", "Riverford Borough Council", "Cabinet", "2026-04-09", "strategy"),
        ("Printed minutes", "Riverford Borough Council", "Cabinet", "2026-03-12", "printed minutes"),
        ("Public reports pack", "Riverford Borough Council", "Cabinet", "2026-03-12", "reports pack"),
    }


def test_second_ingest_changes_nothing_and_embeds_nothing(tmp_path: Path, embedder):
    settings = Settings(data_dir=tmp_path / "data")
    first = ingest([CORPUS], open_index(settings, embedder))
    index = open_index(settings, counting := CountingEmbedder(embedder))
    before = (chunk_ids(index), index.catalog.documents(), index.papers.counts())
    second = ingest([CORPUS], index)
    assert first.added and not second.added and not second.updated
    assert sorted(second.unchanged) == sorted(first.added)
    assert second.chunks == 0 and counting.texts == 0
    assert (chunk_ids(index), index.catalog.documents(), index.papers.counts()) == before


def test_identical_file_under_another_path_is_stored_once(index: Index, make_pdf, tmp_path: Path):
    make_pdf("root/a/minutes.pdf", ["12. Budget\nRESOLVED: That the budget be approved."])
    (tmp_path / "root" / "b").mkdir()
    (tmp_path / "root" / "b" / "minutes copy.pdf").write_bytes((tmp_path / "root/a/minutes.pdf").read_bytes())
    report = ingest([tmp_path / "root"], index)
    assert (report.added, report.copies) == (["a/minutes.pdf"], ["b/minutes copy.pdf"])
    hit = index.search("budget approved", k=1)[0]
    assert [d.path for d in hit.documents] == ["a/minutes.pdf", "b/minutes copy.pdf"]
    assert index.papers.counts().unique_contents == 1


def test_changed_file_replaces_its_chunks(index: Index, make_pdf, tmp_path: Path):
    path = make_pdf("root/report.pdf", ["The pool will cost four million pounds."])
    ingest([tmp_path / "root"], index)
    old_ids = chunk_ids(index)
    make_pdf("root/report.pdf", ["The library will close on Sundays."])
    report = ingest([tmp_path / "root"], index)
    assert report.updated == ["report.pdf"]
    assert not set(old_ids) & set(chunk_ids(index))
    assert "library" in index.search("pool cost", k=5)[0].chunk.text
    assert index.papers.counts().unique_contents == 1 and path.exists()


def test_bad_files_are_reported_by_name_skipped_and_counted(index: Index, make_pdf, tmp_path: Path):
    make_pdf("root/good.pdf", ["Cabinet approved the plan."])
    (tmp_path / "root" / "broken.pdf").write_bytes(b"%PDF-1.7\n garbage with no objects")
    (tmp_path / "root" / "words.pdf").write_text("not a pdf at all")
    report = ingest([tmp_path / "root"], index)
    assert report.added == ["good.pdf"]
    assert sorted(path for path, _ in report.skipped) == ["broken.pdf", "words.pdf"]
    assert "words.pdf: not a PDF" in report.summary()
    assert index.papers.counts().skipped == 2
    again = ingest([tmp_path / "root"], index)
    assert len(again.skipped) == 2 and again.unchanged == ["good.pdf"]


def test_a_file_that_turns_bad_is_dropped(index: Index, make_pdf, tmp_path: Path):
    make_pdf("root/report.pdf", ["The pool will cost four million pounds."])
    ingest([tmp_path / "root"], index)
    (tmp_path / "root" / "report.pdf").write_bytes(b"%PDF-1.7\n damaged")
    report = ingest([tmp_path / "root"], index)
    assert [p for p, _ in report.skipped] == ["report.pdf"]
    assert index.search("pool", k=3) == [] and index.vectors.count() == 0


def test_interrupted_add_is_cleaned_up_on_next_open(tmp_path: Path, embedder, make_pdf):
    """Vectors written before the catalog commit (as when ingest is killed) are never searched,
    and the next open removes them."""
    settings = Settings(data_dir=tmp_path / "data")
    index = open_index(settings, embedder)
    make_pdf("root/report.pdf", ["The pool will cost four million pounds."])
    ingest([tmp_path / "root"], index)
    with index.catalog.transaction() as db:  # as if killed before the final commit of a new file
        db.execute("INSERT INTO pending VALUES ('deadbeef')")
        db.execute("INSERT INTO pages (sha256, pdf_page, text) VALUES ('deadbeef', 1, 'half-written')")  # on its page
    index.vectors.upsert([Chunk("deadbeef", 0, "half-written", 1, 1, None, None, "x")], embedder.embed(["pool cost"]))
    assert all(hit.chunk.text != "half-written" for hit in index.search("pool cost", k=5))
    reopened = open_index(settings, embedder)
    assert chunk_ids(reopened) and not any(i.startswith("deadbeef") for i in chunk_ids(reopened))
    assert reopened.catalog.pending() == []


def test_index_refuses_other_chunking_settings(tmp_path: Path, embedder):
    open_index(Settings(data_dir=tmp_path / "data"), embedder)
    other = Settings(data_dir=tmp_path / "data", ingest=IngestSettings(max_chunk_tokens=128))
    with pytest.raises(IndexStampMismatch) as refused:
        open_index(other, embedder)
    assert 'chunking: {"max_chunk_tokens": 224, "overlap_units": 1}, now {"max_chunk_tokens": 128' in str(refused.value)
    assert (
        "rm -rf catalog.sqlite catalog.sqlite-wal catalog.sqlite-shm chroma bm25; cd - && councilqa ingest PATH "
        in str(refused.value)
    )


@pytest.mark.slow
def test_a_stale_index_names_what_changed_and_the_rebuild_works(tmp_path: Path, embedder):
    """An index whose stamp records an older chunker is refused, naming the change and the command that rebuilds
    it from the folders it was ingested from; run as printed, the command rebuilds it and keeps what else the
    data directory holds (here the fetched papers it was ingested from). The OCR settings shape no chunk, so
    changing them refuses nothing."""
    settings = Settings(data_dir=tmp_path / "data dir")
    papers = settings.data_dir / "papers"
    papers.mkdir(parents=True)
    write_pdf(papers / "Report.pdf", ["The pool reopens in May."])
    ingest([papers], open_index(settings, embedder))
    open_index(Settings(data_dir=settings.data_dir, ingest=IngestSettings(ocr=False)), embedder).close()
    catalog = Catalog(settings.data_dir / "catalog.sqlite")
    catalog.set_meta("stamp", str(catalog.get_meta("stamp")).replace('"chunks v1"', '"chunks v0"'))
    catalog.close()
    with pytest.raises(IndexStampMismatch) as refused:
        open_index(settings, embedder)
    assert "chunker: chunks v0, now chunks v1" in str(refused.value)
    command = str(refused.value).split("`")[-2]
    assert f"councilqa ingest '{papers}' --data-dir '{settings.data_dir}'" in command
    path = f"{Path(sys.executable).parent}:{os.environ['PATH']}"  # the console script of this environment
    env = {**os.environ, "PATH": path}
    subprocess.run(["bash", "-c", command], cwd=tmp_path, env=env, check=True)
    # asked in a fresh process, as a user would: this one's Chroma client still holds the removed files
    asked = ["councilqa", "ask", "When does the pool reopen?", "--json", "--data-dir", str(settings.data_dir)]
    answer = json.loads(subprocess.run(asked, env=env, capture_output=True, text=True, check=True).stdout)
    assert (papers / "Report.pdf").is_file() and answer["citations"][0]["doc"] == "Report.pdf"


def test_chunks_fit_the_model_window(sample_index: Index, embedder):
    for chunk in sample_index.vectors.chunks():
        assert embedder.count_tokens(f"{chunk.header}\n{chunk.text}") + 2 <= 256


def test_prune_drops_files_that_are_gone(index: Index, make_pdf, tmp_path: Path):
    make_pdf("root/keep.pdf", ["The library opens on Sundays."])
    gone = make_pdf("root/gone.pdf", ["The pool will cost four million pounds."])
    (tmp_path / "root" / "bad.pdf").write_text("not a pdf")
    ingest([tmp_path / "root"], index)
    gone.unlink()
    (tmp_path / "root" / "bad.pdf").unlink()
    without_prune = ingest([tmp_path / "root"], index)
    assert without_prune.pruned == [] and index.catalog.document("gone.pdf") is not None
    report = ingest([tmp_path / "root"], index, prune=True)
    assert report.pruned == ["bad.pdf", "gone.pdf"]
    assert [d.path for d in index.catalog.documents()] == ["keep.pdf"] and index.catalog.skipped() == []
    assert all("pool" not in hit.chunk.text for hit in index.search("pool cost", k=5))
    assert index.vectors.count() == index.papers.counts().chunks


def test_citations_name_every_copy(index: Index, make_pdf, tmp_path: Path):
    from councilqa.answer.ask import Assistant

    make_pdf("root/a/minutes.pdf", ["12. Budget\nRESOLVED: That the budget be approved."])
    (tmp_path / "root" / "b").mkdir()
    (tmp_path / "root" / "b" / "minutes.pdf").write_bytes((tmp_path / "root/a/minutes.pdf").read_bytes())
    ingest([tmp_path / "root"], index)
    citation = Assistant(index.settings, index).ask("budget approved", k=1).citations[0]
    assert (citation.doc, citation.copies) == ("a/minutes.pdf", ("b/minutes.pdf",))


def test_an_unexpected_parser_error_skips_that_file_only(index: Index, make_pdf, tmp_path: Path):
    """A stand-in parser that fails on one file the way a parser bug would (no real PDF triggers one
    on demand); every other file goes through the real pypdf parser."""
    from councilqa.ingest.pdf import PypdfParser

    class Flaky(PypdfParser):
        def parse(self, path, name):
            if name == "odd.pdf":
                raise RuntimeError("unexpected structure")
            return super().parse(path, name)

    make_pdf("root/odd.pdf", ["Odd file."])
    make_pdf("root/fine.pdf", ["Cabinet approved the plan."])
    report = ingest([tmp_path / "root"], index, parser=Flaky())
    assert report.added == ["fine.pdf"]
    assert report.skipped == [("odd.pdf", "odd.pdf: could not be read (RuntimeError('unexpected structure'))")]


def test_a_catalog_from_before_meeting_links_gains_the_column_and_keeps_its_documents(tmp_path: Path):
    old = sqlite3.connect(tmp_path / "catalog.sqlite")
    old.executescript(
        "CREATE TABLE contents (sha256 TEXT PRIMARY KEY, n_pages INTEGER NOT NULL, n_chunks INTEGER NOT NULL);"
        "CREATE TABLE documents (path TEXT PRIMARY KEY, root TEXT NOT NULL, sha256 TEXT NOT NULL, title TEXT NOT NULL,"
        " council TEXT, committee TEXT, meeting_date TEXT, doc_type TEXT NOT NULL,"
        " ingested_at TEXT NOT NULL DEFAULT (datetime('now')));"
        "INSERT INTO contents VALUES ('abc', 2, 3);"
        "INSERT INTO documents (path, root, sha256, title, doc_type) VALUES ('a.pdf', '/r', 'abc', 'A', 'report');"
    )
    old.commit()
    old.close()
    catalog = Catalog(tmp_path / "catalog.sqlite")
    (document,) = catalog.documents()
    assert (document.path, document.n_pages, document.url) == ("a.pdf", 2, None)
    catalog.close()


def test_a_paper_its_site_lists_as_restricted_is_restricted_with_its_copies(tmp_path: Path, embedder):
    meeting = tmp_path / "papers" / "Cabinet" / "2026-03-12"
    meeting.mkdir(parents=True)
    write_pdf(meeting / "Valuation.pdf", ["Land at Mill Lane: the valuation is £4.2 million."])  # no marking of its own
    paper = PaperEntry(7, "Valuation", "mgConvert2PDF.aspx?ID=7", True, None, "9", "Land", file="Valuation.pdf")
    site = MeetingSidecar("http://x", None, "Cabinet", 1, 2, "2026-03-12", "18:30", "Published", "http://x/m", (paper,))
    write_sidecar(meeting, site)
    shutil.copy(meeting / "Valuation.pdf", tmp_path / "papers" / "copy elsewhere.pdf")
    index = open_index(Settings(data_dir=tmp_path / "data"), embedder)
    ingest([tmp_path / "papers"], index)
    (restriction,) = index.papers.restrictions().values()
    assert (restriction.restricted, restriction.source) == (True, "site")
    assert index.catalog.documents(public_only=True) == [] and len(index.catalog.documents()) == 2
