"""Keyword (BM25) search beside Chroma, and its fusion with dense search."""

from pathlib import Path

import pytest

from councilqa.index.build import ingest, open_index
from councilqa.index.keyword import KeywordIndex
from councilqa.index.vectors import ChromaStore
from councilqa.settings import Settings


def test_keyword_index_rebuilds_saves_and_loads(tmp_path: Path):
    index = KeywordIndex(tmp_path / "bm25")
    assert index.search("anything", 3) == []
    index.rebuild(["a", "b", "c"], ["Riverside leisure centre pool", "Waste collection contract", "Car parks"])
    assert [cid for cid, _ in index.search("pools at the leisure centre", 3)] == ["a"]
    assert index.search("zebra crossings", 3) == []  # no query word is indexed
    loaded = KeywordIndex(tmp_path / "bm25")
    assert loaded.ids == ["a", "b", "c"] and loaded.search("waste", 1)[0][0] == "b"
    assert not (tmp_path / "bm25.new").exists()


def test_an_exact_rare_word_is_found_by_keyword(sample_index):
    hits = sample_index.search("Greenway", k=3)  # the waste contractor, named once in the pack
    assert "Greenway Services" in hits[0].chunk.text


def test_hybrid_hits_carry_their_cosine_similarity(sample_index, embedder):
    hits = sample_index.search("Mill Lane car park tariff", k=5)
    vector = embedder.embed(["Mill Lane car park tariff"])[0]
    for hit in hits:
        expected = float(embedder.embed([hit.chunk.embed_text])[0] @ vector)
        # in bf16 a text's vector varies with the padding of the batch it is embedded in (by ~2e-4)
        assert hit.score == pytest.approx(expected, abs=1e-4 if embedder.precision == "fp32" else 1e-3)


def test_keyword_index_follows_the_collection_after_an_interruption(tmp_path: Path, embedder, make_pdf):
    settings = Settings(data_dir=tmp_path / "data")
    index = open_index(settings, embedder)
    make_pdf("root/report.pdf", ["The pool will cost four million pounds."])
    ingest([tmp_path / "root"], index)
    assert index.keywords.ids == sorted(index.vectors.ids())
    index.keywords.rebuild([], [])  # as if killed after new chunks were stored, before the rebuild
    reopened = open_index(settings, embedder)
    assert reopened.keywords.ids == sorted(reopened.vectors.ids()) != []


def test_a_keyword_index_built_with_other_parameters_is_rebuilt(tmp_path: Path, embedder, make_pdf):
    import bm25s

    settings = Settings(data_dir=tmp_path / "data")
    index = open_index(settings, embedder)
    make_pdf("root/report.pdf", ["The pool will cost four million pounds."])
    ingest([tmp_path / "root"], index)
    old = bm25s.BM25(k1=1.5, b=0.75)  # bm25s' defaults, as an older councilqa saved them
    old.index(bm25s.tokenize(["pool cost"], show_progress=False), show_progress=False)
    old.save(str(tmp_path / "data" / "bm25"), show_progress=False)
    assert KeywordIndex(tmp_path / "data" / "bm25").stale
    reopened = open_index(settings, embedder)
    assert not reopened.keywords.stale and reopened.search("pool", 1)


def test_opening_an_up_to_date_index_lists_no_chunks(tmp_path: Path, embedder, make_pdf, monkeypatch):
    settings = Settings(data_dir=tmp_path / "data")
    make_pdf("root/report.pdf", ["The pool will cost four million pounds."])
    ingest([tmp_path / "root"], open_index(settings, embedder))

    def listed(*_: object) -> None:
        raise AssertionError("the whole vector store was read")

    monkeypatch.setattr(ChromaStore, "chunks", listed)  # a spy on the real store: only this call is replaced
    monkeypatch.setattr(ChromaStore, "ids", listed)
    reopened = open_index(settings, embedder)
    assert reopened.keywords.ids and reopened.search("pool cost", k=1)
    with pytest.raises(AssertionError, match="whole vector store"):  # new content does rebuild from the store
        make_pdf("root/library.pdf", ["The library opens on Sundays."])
        ingest([tmp_path / "root"], reopened)
