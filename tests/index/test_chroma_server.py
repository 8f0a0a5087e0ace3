"""What only a Chroma server shows (the server is `tests/index/conftest.py`'s `chroma run`): the
vectors leave the data directory, two data directories keep apart on one server, and a server that
doesn't answer is named. The catalog and the keyword index stay in each data directory."""

from __future__ import annotations

from pathlib import Path

import pytest

from councilqa.answer.ask import Assistant
from councilqa.index.build import ingest
from councilqa.index.embed import SentenceTransformerEmbedder
from councilqa.index.store import open_index
from councilqa.index.vectors import VectorStoreUnavailable
from councilqa.records import Chunk, SearchFilter
from councilqa.settings import IndexSettings, Settings
from tests.conftest import CORPUS, free_port

pytestmark = pytest.mark.server


@pytest.fixture
def vector_store() -> None:
    """These tests name the server in their own settings: each runs once (not per `vector_store`)."""


def on_server(data_dir: Path, url: str) -> Settings:
    return Settings(data_dir=data_dir, index=IndexSettings(chroma_url=url))


@pytest.mark.model
def test_the_sample_corpus_is_searched_and_answered_from_a_chroma_server(
    tmp_path: Path, chroma_url: str, embedder: SentenceTransformerEmbedder
) -> None:
    settings = on_server(tmp_path / "data", chroma_url)
    index = open_index(settings, embedder)
    report = ingest([CORPUS], index)
    assert report.added and index.vectors.count() == index.papers.counts().chunks == report.chunks
    assert not (tmp_path / "data" / "chroma").exists()  # the vectors are on the server
    hits = index.search("Mill Lane car park tariff", k=3)
    assert hits and "Mill Lane" in hits[0].chunk.text
    cabinet = index.search("leisure centre", k=5, filters=SearchFilter(date_from="2026-03-12", date_to="2026-03-12"))
    assert cabinet and all(hit.documents[0].meeting_date == "2026-03-12" for hit in cabinet)
    answer = Assistant(settings, open_index(settings, embedder)).ask(
        "How much will the leisure centre refurbishment cost?"
    )
    assert not answer.abstained and "£8.7 million" in answer.answer  # reopened: the same collection


def test_two_data_directories_never_share_a_collection(
    tmp_path: Path, chroma_url: str, embedder: SentenceTransformerEmbedder, make_pdf
) -> None:
    make_pdf("one/pool.pdf", ["The pool will cost four million pounds."])
    make_pdf("two/library.pdf", ["The library opens on Sundays."])
    first = open_index(on_server(tmp_path / "first", chroma_url), embedder)
    second = open_index(on_server(tmp_path / "second", chroma_url), embedder)
    ingest([tmp_path / "one"], first)
    ingest([tmp_path / "two"], second)
    assert first.catalog.get_meta("collection") != second.catalog.get_meta("collection")
    assert [c.text for c in first.vectors.chunks()] == ["The pool will cost four million pounds."]
    assert [c.text for c in second.vectors.chunks()] == ["The library opens on Sundays."]


def test_removed_papers_and_interrupted_writes_leave_no_vectors_on_the_server(
    tmp_path: Path, chroma_url: str, embedder: SentenceTransformerEmbedder, make_pdf
) -> None:
    settings = on_server(tmp_path / "data", chroma_url)
    index = open_index(settings, embedder)
    make_pdf("root/keep.pdf", ["The library opens on Sundays."])
    gone = make_pdf("root/gone.pdf", ["The pool will cost four million pounds."])
    ingest([tmp_path / "root"], index)
    gone.unlink()
    ingest([tmp_path / "root"], index, prune=True)
    assert [c.text for c in index.vectors.chunks()] == ["The library opens on Sundays."]
    index.catalog.begin_content("deadbeef")  # as if killed between storing vectors and recording them
    index.vectors.upsert([Chunk("deadbeef", 0, "half-written", 1, 1, None, None, "x")], embedder.embed(["x"]))
    reopened = open_index(settings, embedder)
    assert [c.text for c in reopened.vectors.chunks()] == ["The library opens on Sundays."]
    assert reopened.catalog.pending() == []


def test_a_server_that_does_not_answer_is_named(tmp_path: Path, embedder: SentenceTransformerEmbedder) -> None:
    url = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    with pytest.raises(VectorStoreUnavailable, match=f"Chroma at {url} could not be opened"):
        open_index(on_server(tmp_path / "data", url), embedder)
    with pytest.raises(VectorStoreUnavailable, match="is not an http"):
        open_index(on_server(tmp_path / "other", "127.0.0.1:8000"), embedder)
