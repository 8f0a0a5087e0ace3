"""The Chroma store itself (embedded, in a folder made in the test)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

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
