"""Keyword (BM25) search beside Chroma, and its fusion with dense search."""

from pathlib import Path

import pytest

from councilqa.index.build import ingest
from councilqa.index.keyword import KeywordIndex
from councilqa.index.store import open_index
from councilqa.index.vectors import ChromaStore
from councilqa.settings import Settings


def test_keyword_index_adds_removes_saves_and_loads(tmp_path: Path):
    index = KeywordIndex(tmp_path / "bm25")
    assert index.search("anything", 3) == [] and len(index) == 0
    index.add(["a:0", "b:0"], ["Riverside leisure centre pool", "Waste collection contract"])
    index.add(["c:0"], ["Car parks"])
    assert [cid for cid, _ in index.search("pools at the leisure centre", 3)] == ["a:0"]
    assert index.search("zebra crossings", 3) == []  # no query word is indexed
    index.remove(["b"])
    index.add(["a:0", "a:1"], ["Library opening hours", "Library staff"])  # content "a" replaced whole
    loaded = KeywordIndex(tmp_path / "bm25")
    assert loaded.groups() == {"a": 2, "c": 1} and len(loaded) == 3
    assert loaded.search("pool", 3) == [] and loaded.search("waste", 3) == []
    assert {cid for cid, _ in loaded.search("library", 3)} == {"a:0", "a:1"}
    assert loaded.has_word("librari") and loaded.has_word("lib") and not loaded.has_word("pool")
    assert sorted(path.name for path in (tmp_path / "bm25").iterdir()) == ["00000004.npz", "manifest.json"]


def corpus_texts() -> list[str]:
    """The sample corpus's pages, read by pypdf (not by the code under test), four lines at a time."""
    import pypdf

    lines = []
    for path in sorted(Path(__file__).parents[2].glob("corpus/riverford/*.pdf")):
        lines += [line for page in pypdf.PdfReader(path).pages for line in page.extract_text().splitlines()]
    return ["\n".join(lines[start : start + 4]) for start in range(0, len(lines), 4)]


def test_scores_equal_one_bm25s_index_over_the_live_texts(tmp_path: Path):
    """Texts added in many segments, some removed and some replaced, score as bm25s scores the texts
    left, indexed at once: the statistics are the whole index's, and merging loses nothing."""
    import bm25s
    import Stemmer

    texts = corpus_texts()
    assert len(texts) >= 50
    index = KeywordIndex(tmp_path / "bm25")
    live: dict[str, str] = {}
    for start in range(0, len(texts), 3):  # a content of up to three texts at a time
        part = {f"c{start}:{n}": text for n, text in enumerate(texts[start : start + 3])}
        index.add(list(part), list(part.values()))
        live.update(part)
    index.remove(["c0", "c24"])
    index.add(["c9:0"], [texts[0]])  # content c9 now has one text, the first page
    live = {i: t for i, t in live.items() if i.split(":")[0] not in ("c0", "c24", "c9")} | {"c9:0": texts[0]}
    assert len(index._state.segments) <= 6  # segments merge as they come
    index = KeywordIndex(tmp_path / "bm25")  # as saved
    assert len(index) == len(live)

    stemmer = Stemmer.Stemmer("english")
    reference = bm25s.BM25(k1=index.k1, b=index.b)
    reference.index(bm25s.tokenize(list(live.values()), stopwords="en", stemmer=stemmer, show_progress=False))
    ids = list(live)
    for query in ("climate action plan budget", "car park charges", "minutes of the cabinet meeting", "pool pool"):
        words = bm25s.tokenize([query], stopwords="en", stemmer=stemmer, return_ids=False, show_progress=False)[0]
        expected = reference.get_scores(words)
        found = dict(index.search(query, len(ids)))
        assert found, query
        assert {i: pytest.approx(float(expected[ids.index(i)]), rel=1e-5) for i in found} == found
        assert len(found) == int((expected > 0).sum())
    holders = sorted({i.split(":")[0] for i, text in live.items() if "cabinet" in text.lower()})
    assert len(holders) > 1
    within = index.search("cabinet", 5, groups={holders[-1]})
    assert within and {i.split(":")[0] for i, _ in within} == {holders[-1]}


def test_a_write_cut_short_leaves_the_last_saved_state(tmp_path: Path):
    index = KeywordIndex(tmp_path / "bm25")
    index.add(["a:0"], ["Riverside leisure centre pool"])
    (tmp_path / "bm25" / "00000009.npz.tmp").write_bytes(b"half a segment")  # killed before its manifest
    (tmp_path / "bm25" / "manifest.json.tmp").write_text("{")
    loaded = KeywordIndex(tmp_path / "bm25")
    assert loaded.groups() == {"a": 1} and not loaded.stale
    assert sorted(path.name for path in (tmp_path / "bm25").iterdir()) == ["00000001.npz", "manifest.json"]


@pytest.mark.model
def test_an_exact_rare_word_is_found_by_keyword(sample_index):
    hits = sample_index.search("Greenway", k=3)  # the waste contractor, named once in the pack
    assert "Greenway Services" in hits[0].chunk.text


def test_hybrid_hits_carry_their_cosine_similarity(sample_index, embedder):
    hits = sample_index.search("Mill Lane car park tariff", k=5)
    vector = embedder.embed(["Mill Lane car park tariff"])[0]
    assert len(hits) == 5
    for hit in hits:
        expected = float(embedder.embed([hit.chunk.embed_text])[0] @ vector)
        # in bf16 a text's vector varies with the padding of the batch it is embedded in (by ~2e-4)
        assert hit.score == pytest.approx(expected, abs=1e-4 if embedder.precision == "fp32" else 1e-3)


def test_keyword_index_follows_the_catalog_after_an_interruption(tmp_path: Path, embedder, make_pdf):
    settings = Settings(data_dir=tmp_path / "data")
    index = open_index(settings, embedder)
    make_pdf("root/report.pdf", ["The pool will cost four million pounds."])
    make_pdf("root/library.pdf", ["The library opens on Sundays."])
    ingest([tmp_path / "root"], index)
    assert sorted(index.keywords.groups().elements()) == sorted(c.doc_sha256 for c in index.vectors.chunks())
    (pool,) = [c.doc_sha256 for c in index.vectors.chunks() if "pool" in c.text]
    index.keywords.remove([pool])  # as if killed after the catalog took the file, before the keywords did
    index.keywords.add(["gone:0"], ["A paper since removed"])  # and as if killed before a removal reached them
    reopened = open_index(settings, embedder)
    assert sorted(reopened.keywords.groups().elements()) == sorted(c.doc_sha256 for c in reopened.vectors.chunks())
    assert reopened.search("pool", 1)


def test_a_keyword_index_of_an_older_format_is_rebuilt(tmp_path: Path, embedder, make_pdf):
    import bm25s

    settings = Settings(data_dir=tmp_path / "data")
    make_pdf("root/report.pdf", ["The pool will cost four million pounds."])
    ingest([tmp_path / "root"], open_index(settings, embedder))
    folder = tmp_path / "data" / "bm25"
    for path in folder.iterdir():
        path.unlink()
    old = bm25s.BM25(k1=1.5, b=0.75)  # bm25s' own index, as an older councilqa saved it
    old.index(bm25s.tokenize(["pool cost"], show_progress=False), show_progress=False)
    old.save(str(folder), show_progress=False)
    assert KeywordIndex(folder).stale
    reopened = open_index(settings, embedder)
    assert not reopened.keywords.stale and reopened.search("pool", 1)
    assert sorted(path.name for path in folder.iterdir()) == ["00000001.npz", "manifest.json"]


def test_opening_an_up_to_date_index_lists_no_chunks(tmp_path: Path, embedder, make_pdf, monkeypatch):
    settings = Settings(data_dir=tmp_path / "data")
    make_pdf("root/report.pdf", ["The pool will cost four million pounds."])
    ingest([tmp_path / "root"], open_index(settings, embedder))

    def listed(*_: object) -> None:
        raise AssertionError("the whole vector store was read")

    monkeypatch.setattr(ChromaStore, "chunks", listed)  # a spy on the real store: only this call is replaced
    monkeypatch.setattr(ChromaStore, "ids", listed)
    reopened = open_index(settings, embedder)
    assert len(reopened.keywords) and reopened.search("pool cost", k=1)
    make_pdf("root/library.pdf", ["The library opens on Sundays."])
    ingest([tmp_path / "root"], reopened)  # nor does adding a file: its chunks go to the keywords as stored
    assert reopened.search("library Sundays", k=1)[0].chunk.text == "The library opens on Sundays."


def test_a_keyword_index_that_cannot_be_read_is_rebuilt(tmp_path: Path, embedder, make_pdf):
    settings = Settings(data_dir=tmp_path / "data")
    make_pdf("root/report.pdf", ["The pool will cost four million pounds."])
    ingest([tmp_path / "root"], open_index(settings, embedder))
    (segment,) = (tmp_path / "data" / "bm25").glob("*.npz")
    segment.write_bytes(segment.read_bytes()[:100])  # cut short, as a power cut might leave it
    assert KeywordIndex(tmp_path / "data" / "bm25").stale
    reopened = open_index(settings, embedder)
    assert not reopened.keywords.stale and reopened.search("pool cost", k=1)


def test_a_read_only_keyword_index_changes_nothing_on_disk(tmp_path: Path):
    """Another process writes the folder (it holds the writer lock): a reader neither tidies away the writer's
    segment in flight nor writes its own changes; it searches them in memory."""
    folder = tmp_path / "bm25"
    KeywordIndex(folder).add(["c1:0"], ["Riverside pool opening hours"])
    (folder / "00000009.npz").write_bytes(b"a segment the writer is still writing")
    before = {path.name: path.read_bytes() for path in folder.iterdir()}
    reader = KeywordIndex(folder, read_only=True)
    reader.add(["c2:0"], ["Waste contract extension"])
    reader.remove(["c1"])
    assert [text_id for text_id, _ in reader.search("waste contract", 5)] == ["c2:0"]
    assert {path.name: path.read_bytes() for path in folder.iterdir()} == before
