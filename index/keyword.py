"""Keyword search over chunks: bm25s with English stemming and stopwords, kept beside Chroma.

It indexes the same contextual text that is embedded (header and text). It is rebuilt whole after
an ingest that changed content (a few thousand chunks take about a second) and written to a new
folder that then replaces the old, so a crash leaves either the old index or none; the index is
rebuilt from the collection when it is missing or does not match it.
"""

from __future__ import annotations

import json
import logging
import math
import shutil
from collections.abc import Collection
from pathlib import Path
from typing import Any

import numpy as np

log = logging.getLogger(__name__)
IDS = "chunk_ids.json"
SOURCE = "source.txt"  # what the index was built from (`rebuild`'s `source`), to tell when it is stale
# BM25's term-saturation and length-normalisation parameters: Anserini's defaults (Lin et al.), which
# beat bm25s' (1.5, 0.75) on every dev set here; chunks are packed to similar lengths already, so
# normalising less for length loses little.
K1, B = 0.9, 0.4


class KeywordIndex:
    """BM25 over texts named by ids. With no `folder` it lives in memory only (the page baseline)."""

    def __init__(self, folder: Path | None, k1: float = K1, b: float = B) -> None:
        import bm25s
        import Stemmer

        logging.getLogger("bm25s").setLevel(logging.WARNING)  # it logs every build at DEBUG
        self._bm25s = bm25s
        self._stemmer = Stemmer.Stemmer("english")
        self.folder = folder
        self.k1, self.b = k1, b
        self.ids: list[str] = []
        self.source: str | None = None
        self._groups = _groups(self.ids)
        self._retriever: Any = None
        if folder is not None and (folder / IDS).is_file():
            self.ids = json.loads((folder / IDS).read_text())
            self.source = (folder / SOURCE).read_text() if (folder / SOURCE).is_file() else None
            self._groups = _groups(self.ids)
            if self.ids:
                self._retriever = bm25s.BM25.load(str(folder), show_progress=False)

    @property
    def stale(self) -> bool:
        """Whether the index was built with other BM25 parameters than these (it must be rebuilt)."""
        return self._retriever is not None and (self._retriever.k1, self._retriever.b) != (self.k1, self.b)

    def _tokens(self, texts: list[str]) -> Any:
        return self._bm25s.tokenize(texts, stopwords="en", stemmer=self._stemmer, show_progress=False)

    def words(self, text: str) -> list[str]:
        """The indexed form of `text`'s words: lower-cased, stemmed, stopwords dropped."""
        return list(
            self._bm25s.tokenize([text], stopwords="en", stemmer=self._stemmer, return_ids=False, show_progress=False)[
                0
            ]
        )

    def has_word(self, word: str) -> bool:
        """Whether any indexed text holds `word` (as from `words`), or, for a word of three letters or
        more, a word it begins ("lib" for "liber")."""
        if self._retriever is None:
            return False
        vocab = self._retriever.vocab_dict
        return word in vocab or (len(word) >= 3 and any(known.startswith(word) for known in vocab))

    def rarity(self, words: list[str]) -> dict[str, float]:
        """BM25's inverse document frequency of each word (as from `words`); a word in no text gets
        the highest."""
        total = len(self.ids)
        found: dict[str, int] = {}
        if self._retriever is not None:
            vocab, indptr = self._retriever.vocab_dict, self._retriever.scores["indptr"]
            found = {w: int(indptr[vocab[w] + 1] - indptr[vocab[w]]) for w in words if w in vocab}
        return {w: math.log(1 + (total - found.get(w, 0) + 0.5) / (found.get(w, 0) + 0.5)) for w in words}

    def rebuild(self, ids: list[str], texts: list[str], source: str | None = None) -> None:
        """Index `texts` under `ids`, replacing what was there; `source` names what they came from."""
        retriever = None
        if ids:
            retriever = self._bm25s.BM25(k1=self.k1, b=self.b)
            retriever.index(self._tokens(texts), show_progress=False)
        if self.folder is not None:
            self._save(retriever, ids, source)
        self._retriever, self.ids, self._groups, self.source = retriever, list(ids), _groups(ids), source
        log.info("keyword index rebuilt over %d texts", len(ids))

    def _save(self, retriever: Any, ids: list[str], source: str | None) -> None:
        assert self.folder is not None
        staging = self.folder.with_name(self.folder.name + ".new")
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        if retriever is not None:
            retriever.save(str(staging), show_progress=False)
        (staging / IDS).write_text(json.dumps(ids))
        if source is not None:
            (staging / SOURCE).write_text(source)
        shutil.rmtree(self.folder, ignore_errors=True)
        staging.rename(self.folder)

    def search(self, query: str, k: int, groups: Collection[str] | None = None) -> list[tuple[str, float]]:
        """Up to `k` (id, BM25 score) pairs, best first; none when no query word is indexed.

        With `groups`, only ids whose part before the first ":" is one of them can be found (chunk
        ids are "content-sha256:ordinal", so this limits a search to some documents).
        """
        if self._retriever is None or not self.ids or k < 1:
            return []
        tokens = self._tokens([query])
        if not tokens.vocab:
            return []
        mask = None if groups is None else np.isin(self._groups, list(groups)).astype(np.float32)
        found, scores = self._retriever.retrieve(
            tokens, k=min(k, len(self.ids)), show_progress=False, n_threads=1, weight_mask=mask
        )
        return [(self.ids[int(i)], float(s)) for i, s in zip(found[0], scores[0], strict=True) if float(s) > 0]


def _groups(ids: list[str]) -> np.ndarray:
    return np.array([i.split(":", 1)[0] for i in ids], dtype=str)
