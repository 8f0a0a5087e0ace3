"""The Chroma store itself (embedded, in a folder made in the test)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from councilqa.index import vectors as vectors_module
from councilqa.index.vectors import ChromaStore, open_chroma
from councilqa.records import Chunk
from councilqa.settings import IndexSettings, Settings


@pytest.fixture
def vector_store() -> None:
    """Embedded only, once: a Chroma server applies a changed ef_search when it next loads the
    collection, which a client can't ask for."""


def recall(store: ChromaStore, vectors: np.ndarray, queries: np.ndarray) -> float:
    """The share of each query's true 50 nearest that the store returns, averaged."""
    found = 0.0
    for query in queries:
        truth = {f"s:{i}" for i in np.argsort(-(vectors @ query))[:50]}
        found += len(truth & set(store.nearest(query, 50))) / 50
    return found / len(queries)


def test_a_changed_search_ef_applies_at_once(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(5000, 64)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    queries = vectors[:20] + 0.5 * rng.normal(size=(20, 64)).astype(np.float32)
    queries /= np.linalg.norm(queries, axis=1, keepdims=True)
    shallow = open_chroma(Settings(data_dir=tmp_path, index=IndexSettings(search_ef=10)), "councilqa-test")
    shallow.upsert([Chunk("s", i, f"text {i}", 1, 1, None, None, "h") for i in range(len(vectors))], vectors)
    assert recall(shallow, vectors, queries) < 0.95  # ef 10 misses some of the 50 nearest
    deep = open_chroma(Settings(data_dir=tmp_path, index=IndexSettings(search_ef=1000)), "councilqa-test")
    assert recall(deep, vectors, queries) == 1.0  # in this process, not at the next start


@pytest.mark.parametrize("place", ["embedded", pytest.param("chroma-server", marks=pytest.mark.server)])
def test_search_within_contents_finds_their_nearest_every_way(
    tmp_path: Path, place: str, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each way of searching within some contents (compared here, over-fetched, limited to their
    ids, over-fetched and then limited) gives their true nearest: checked against cosines computed in
    the test. The thresholds are lowered so that 3,000 vectors take every way."""
    monkeypatch.setattr(vectors_module, "EXACT_UP_TO", 50)
    monkeypatch.setattr(vectors_module, "MOST_FETCHED", 200)  # a server's store fetches at most 300
    url = str(request.getfixturevalue("chroma_url")) if place == "chroma-server" else None
    store = open_chroma(Settings(data_dir=tmp_path, index=IndexSettings(chroma_url=url)), f"councilqa-{tmp_path.name}")
    rng = np.random.default_rng(1)
    toward = np.zeros(64, dtype=np.float32)
    toward[0] = 1.0
    vectors = rng.normal(size=(60 * 50, 64)).astype(np.float32)  # 60 contents of 50 chunks
    vectors[: 20 * 50] += 3 * toward  # contents 0 to 19 lie toward the query
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    store.upsert([Chunk(f"c{i // 50}", i % 50, f"text {i}", 1, 1, None, None, "h") for i in range(3000)], vectors)
    ways: list[str] = []
    real_exact, real_query = ChromaStore._exact, ChromaStore._query

    def exact(self: ChromaStore, *args: Any) -> dict[str, float]:
        ways.append("compared here")
        return real_exact(self, *args)

    def query(self: ChromaStore, vector: np.ndarray, n: int, ids: list[str] | None) -> dict[str, float]:
        ways.append("unfiltered" if ids is None else "limited to ids")
        return real_query(self, vector, n, ids)

    monkeypatch.setattr(ChromaStore, "_exact", exact)  # spies: the real methods run
    monkeypatch.setattr(ChromaStore, "_query", query)
    for contents, expected in (
        (range(1), ["compared here"]),  # 50 chunks
        (range(40), ["unfiltered"]),  # 2,000 of 3,000: the 23 nearest hold 10 of theirs
        (range(2), ["limited to ids"]),  # 100: the 450 nearest would be fetched, more than 200 (300)
        (range(20, 60), ["unfiltered", "limited to ids"]),  # the 23 nearest hold none of theirs
    ):
        ways.clear()
        found = store.nearest(toward, 10, {f"c{n}": 50 for n in contents})
        rows = [n * 50 + i for n in contents for i in range(50)]
        cosines = vectors[rows] @ toward
        truth = {f"c{rows[r] // 50}:{rows[r] % 50}": float(cosines[r]) for r in np.argsort(-cosines)[:10]}
        assert ways == expected
        assert list(found) == list(truth) and list(found.values()) == pytest.approx(list(truth.values()), abs=1e-5)
