"""The index: chunk vectors in Chroma, and the catalog of documents and pages beside them.

Chroma runs embedded (`PersistentClient` in the data directory) with our own embeddings passed in
every time: the collection has no embedding function, so Chroma's default, which downloads a model,
can never run. The index is stamped with what built it and refuses to mix stamps.
"""

from __future__ import annotations

import hashlib
import json
import logging
import sqlite3
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any, Literal, cast

import chromadb
import numpy as np
from chromadb.api.types import Where
from chromadb.config import Settings as ChromaSettings

from councilqa.index.catalog import SCHEMA_VERSION, Catalog
from councilqa.index.decisions import DecisionSearch
from councilqa.index.embed import Embedder
from councilqa.index.keyword import KeywordIndex
from councilqa.ingest.minutes import Minutes
from councilqa.records import Chunk, Decision, DecisionHit, Document, Hit, Page, SearchFilter
from councilqa.settings import Settings

log = logging.getLogger(__name__)

COLLECTION = "chunks"
CANDIDATES = 50  # from each of the dense and keyword rankings, before fusion
# Weight of the embedding's score against BM25's in hybrid search. MiniLM alone finds far fewer right
# pages in council papers than BM25 (see `make eval`'s mode comparison), so it breaks ties and
# reorders near neighbours; a convex combination of normalised scores beat reciprocal rank fusion
# here, as Bruch et al. (2023, "An analysis of fusion functions for hybrid retrieval") found in general.
DENSE_WEIGHT = 0.25
PREFER_BONUS = 0.5  # added to the fused score of papers of (or mentioning) a meeting the question names
RECENT_BONUS = 0.1  # at most, for the newest meeting's papers, when the question asks for the latest
Mode = Literal["hybrid", "dense", "bm25"]
MODES: tuple[Mode, ...] = ("hybrid", "dense", "bm25")


class IndexStampMismatch(Exception):
    """The data directory was built with another model, parser or chunking."""


@dataclass(frozen=True)
class Stamp:
    """What built an index. Vectors or chunks made under two stamps must never be mixed."""

    model: str
    parser: str
    chunking: str
    catalog: int = SCHEMA_VERSION

    @property
    def id(self) -> str:
        return hashlib.sha256(self.to_json().encode()).hexdigest()[:12]

    def to_json(self) -> str:
        fields = {"model": self.model, "parser": self.parser, "chunking": self.chunking, "catalog": self.catalog}
        return json.dumps(fields, sort_keys=True)

    def __str__(self) -> str:
        return (
            f"{self.id} (model {self.model}; parser {self.parser}; chunking {self.chunking}; catalog v{self.catalog})"
        )


class Index:
    """Read and write access to one data directory. Example::

    index = Index(Settings(data_dir=tmp), SentenceTransformerEmbedder(), PypdfParser.version)
    index.search("car parking charges", k=3)
    """

    def __init__(self, settings: Settings, embedder: Embedder, parser_version: str) -> None:
        self.settings = settings
        self.embedder = embedder
        self.stamp = Stamp(embedder.model_id, parser_version, json.dumps(settings.ingest.model_dump(), sort_keys=True))
        data_dir = settings.data_dir
        data_dir.mkdir(parents=True, exist_ok=True)
        self.catalog = Catalog(data_dir / "catalog.sqlite")
        self._check_stamp()
        client = chromadb.PersistentClient(
            path=str(data_dir / "chroma"), settings=ChromaSettings(anonymized_telemetry=False)
        )
        ef = settings.index.search_ef
        self._collection = client.get_or_create_collection(
            COLLECTION, configuration={"hnsw": {"space": "cosine", "ef_search": ef}}, embedding_function=None
        )
        if (self._collection.configuration.get("hnsw") or {}).get("ef_search") != ef:
            self._collection.modify(configuration={"hnsw": {"ef_search": ef}})
        self._max_batch = client.get_max_batch_size()
        self._finish_pending()
        # a question is embedded once for its chunk and decision searches; kept small, so a question
        # set asked again (eval --mode) pays the model again and times stay comparable
        self._query_vector = lru_cache(maxsize=8)(lambda query: self.embedder.embed([query])[0])
        self.keywords = KeywordIndex(data_dir / "bm25")
        self.decisions = DecisionSearch()
        self.refresh_keywords()

    def _check_stamp(self) -> None:
        found = self.catalog.get_meta("stamp")
        if found is None:
            self.catalog.set_meta("stamp", self.stamp.to_json())
        elif found != self.stamp.to_json():
            raise IndexStampMismatch(
                f"{self.settings.data_dir}: this index was built with {found}, but the current settings "
                f"give {self.stamp.to_json()}. Use another --data-dir, or delete this one and ingest again."
            )

    def _finish_pending(self) -> None:
        """Drop vectors left by an ingest that was interrupted while adding or removing content."""
        for sha256 in self.catalog.pending():
            if not self.catalog.has_content(sha256):
                log.info("removing vectors of interrupted content %s", sha256[:12])
                self._collection.delete(where={"doc_sha256": sha256})
            with self.catalog.transaction() as db:
                db.execute("DELETE FROM pending WHERE sha256 = ?", (sha256,))

    def embed(self, chunks: Sequence[Chunk]) -> np.ndarray:
        """Vectors of the chunks' contextual text (header and text), in order."""
        return self.embedder.embed([chunk.embed_text for chunk in chunks])

    def embed_decisions(self, decisions: Sequence[Decision]) -> np.ndarray:
        """Vectors of decisions' item heading and text, in order."""
        if not decisions:
            return np.zeros((0, 0), dtype=np.float32)
        return self.embedder.embed([decision.embed_text for decision in decisions])

    def add_content(
        self,
        document: Document,
        pages: Sequence[Page],
        chunks: Sequence[Chunk],
        vectors: np.ndarray,
        *,
        minutes: Minutes | None = None,
        decision_vectors: np.ndarray | None = None,
    ) -> None:
        """Store a new file's chunks and their vectors, then record it; an interruption leaves no trace."""
        with self.catalog.transaction() as db:
            db.execute("INSERT OR IGNORE INTO pending VALUES (?)", (document.sha256,))
        self._collection.delete(where={"doc_sha256": document.sha256})
        step = self._max_batch
        for start in range(0, len(chunks), step):
            part = chunks[start : start + step]
            self._collection.upsert(
                ids=[chunk.id for chunk in part],
                embeddings=vectors[start : start + step],
                documents=[chunk.text for chunk in part],
                metadatas=[_metadata(chunk) for chunk in part],
            )
        with self.catalog.transaction() as db:
            db.execute("INSERT OR REPLACE INTO contents VALUES (?, ?, ?)", (document.sha256, len(pages), len(chunks)))
            db.executemany(
                "INSERT OR REPLACE INTO pages VALUES (?, ?, ?, ?)",
                [(document.sha256, page.pdf_page, page.label, page.text) for page in pages],
            )
            if minutes is not None:
                found = decision_vectors if decision_vectors is not None else self.embed_decisions(minutes.decisions)
                self.catalog.store_minutes(db, document.sha256, minutes, found)
            self._put_document(db, document)
            db.execute("DELETE FROM pending WHERE sha256 = ?", (document.sha256,))
        self._finish_pending()  # the content this path held before, if any

    def add_copy(self, document: Document) -> None:
        """Record another path for content already indexed: no parsing, no embedding."""
        with self.catalog.transaction() as db:
            self._put_document(db, document)
        self._finish_pending()

    def record_skip(self, path: str, root: str, sha256: str, reason: str, detail: str) -> None:
        """Remember a file that could not be ingested; an older good version of it is dropped."""
        with self.catalog.transaction() as db:
            db.execute("DELETE FROM documents WHERE path = ?", (path,))
            db.execute("INSERT OR REPLACE INTO skipped VALUES (?, ?, ?, ?, ?)", (path, root, sha256, reason, detail))
            _mark_orphans(db)
        self._finish_pending()

    def remove(self, path: str) -> None:
        """Forget a path (a file that is gone); its content goes too when no other path holds it."""
        with self.catalog.transaction() as db:
            db.execute("DELETE FROM documents WHERE path = ?", (path,))
            db.execute("DELETE FROM skipped WHERE path = ?", (path,))
            _mark_orphans(db)
        self._finish_pending()

    @staticmethod
    def _put_document(db: sqlite3.Connection, document: Document) -> None:
        db.execute("DELETE FROM skipped WHERE path = ?", (document.path,))
        db.execute(
            "INSERT OR REPLACE INTO documents (path, root, sha256, title, council, committee, meeting_date, doc_type) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                document.path,
                document.root,
                document.sha256,
                document.title,
                document.council,
                document.committee,
                document.meeting_date,
                document.doc_type,
            ),
        )
        _mark_orphans(db)

    def search(
        self,
        query: str,
        k: int,
        filters: SearchFilter | None = None,
        mode: Mode = "hybrid",
        *,
        prefer: SearchFilter | None = None,
        recent: bool = False,
    ) -> list[Hit]:
        """The `k` best chunks for `query`, each with every document that holds it (among those the
        filter lets through).

        Hybrid: the best 50 chunks by BM25 keywords and the nearest 50 by embedding are fused by a
        convex combination of their scores: BM25 divided by the best BM25 score, plus `DENSE_WEIGHT`
        times the cosine similarity scaled to 0..1 over the 50. `mode` "dense" or "bm25" uses one
        list alone. A hit's `score` is its cosine similarity to the question, whichever list found it.
        The papers `prefer` lets through (a meeting the question names, and the papers that mention
        it) rank first among near equals: `PREFER_BONUS` is added to their fused score; with `recent`
        ("latest", "current"), papers of newer meetings gain up to `RECENT_BONUS`.
        """
        allowed = None if not filters else self.catalog.matching(filters)
        if not self.keywords.ids or k < 1 or allowed == []:  # the keyword index mirrors the collection
            return []
        vector = self._query_vector(query)
        wanted = max(CANDIDATES, k * 4)
        shas = None if allowed is None else sorted({document.sha256 for document in allowed})
        scores: list[dict[str, float]] = []  # per list: chunk id -> score normalised to 0..1
        if mode in ("hybrid", "dense"):
            where = None if shas is None else cast(Where, {"doc_sha256": {"$in": shas}})
            found = self._collection.query(
                query_embeddings=[vector], n_results=wanted, where=where, include=["distances"]
            )
            cosines = dict(zip(found["ids"][0], (1.0 - d for d in (found["distances"] or [[]])[0]), strict=True))
            low, high = min(cosines.values(), default=0.0), max(cosines.values(), default=0.0)
            weight = DENSE_WEIGHT if mode == "hybrid" else 1.0
            scores.append({c: weight * (v - low) / (high - low or 1.0) for c, v in cosines.items()})
        if mode in ("hybrid", "bm25"):
            keyword = dict(self.keywords.search(query, wanted, shas))
            top = max(keyword.values(), default=1.0)
            scores.append({c: v / top for c, v in keyword.items()})
        fused: dict[str, float] = defaultdict(float)
        for listed in scores:
            for chunk_id, score in listed.items():
                fused[chunk_id] += score
        for sha256, bonus in self._bonuses({c.split(":", 1)[0] for c in fused}, prefer, recent).items():
            for chunk_id in fused:
                if chunk_id.startswith(sha256):
                    fused[chunk_id] += bonus
        order = sorted(fused, key=lambda chunk_id: -fused[chunk_id])[: k * 3 + 5]  # room for orphans and twins
        return self._hits(order, vector, allowed)[:k]

    def _bonuses(self, shas: set[str], prefer: SearchFilter | None, recent: bool) -> dict[str, float]:
        """Score added to the passages of each content: preferred papers, and newer meetings' papers."""
        bonus: dict[str, float] = defaultdict(float)
        if prefer:
            for document in self.catalog.matching(prefer):
                if document.sha256 in shas:
                    bonus[document.sha256] = PREFER_BONUS
        if recent:  # newer meetings' papers gain, up to RECENT_BONUS; a paper of no meeting gains half
            dated = {d.sha256: d.meeting_date for d in self.catalog.documents(shas)}
            days = sorted({day for day in dated.values() if day})
            for sha256, day in dated.items():
                bonus[sha256] += RECENT_BONUS * ((days.index(day) + 1) / len(days) if day else 0.5)
        return bonus

    def search_decisions(
        self, query: str, k: int, filters: SearchFilter | None = None, boost: Callable[[Decision], float] | None = None
    ) -> list[DecisionHit]:
        """The `k` decisions read from minutes that best match `query` (see `DecisionSearch`), within
        `filters`; `boost` adds to a decision's score (the meeting or committee a question names)."""
        allowed = None if not filters else {d.sha256 for d in self.catalog.matching(filters)}
        found = self.decisions.search(query, CANDIDATES, allowed, self._query_vector(query))
        if boost is not None:
            found = [replace(hit, score=hit.score + boost(hit.decision)) for hit in found]
            found.sort(key=lambda hit: -hit.score)
        return found[:k]

    def _hits(self, order: list[str], vector: np.ndarray, allowed: list[Document] | None) -> list[Hit]:
        """Hits for chunk ids in rank order: each with its cosine to `vector` and the documents (of
        `allowed`, when given) that hold it; the same text in two papers is one hit naming both."""
        found = self._collection.get(ids=order, include=["documents", "metadatas", "embeddings"])
        rows = {
            chunk_id: (str(text), metadata, float(np.dot(embedding, vector)))
            for chunk_id, text, metadata, embedding in zip(
                found["ids"],
                found["documents"] or [],
                found["metadatas"] or [],
                _rows(found["embeddings"]),
                strict=True,
            )
        }
        if allowed is None:
            allowed = self.catalog.documents(str(m["doc_sha256"]) for _, m, _ in rows.values())
        holders: dict[str, list[Document]] = defaultdict(list)
        for document in allowed:
            holders[document.sha256].append(document)
        hits: dict[str, Hit] = {}
        for chunk_id in order:
            if chunk_id not in rows:
                continue  # in the keyword index but no longer in the collection
            text, metadata, cosine = rows[chunk_id]
            chunk = _chunk(text, metadata)
            if chunk.doc_sha256 not in holders:
                continue  # vectors of an interrupted ingest
            documents = tuple(holders[chunk.doc_sha256])
            if chunk.text in hits:
                first = hits[chunk.text]
                hits[chunk.text] = replace(first, also=(*first.also, *((chunk, d) for d in documents)))
            else:
                hits[chunk.text] = Hit(chunk, cosine, documents)
        return list(hits.values())

    def refresh_keywords(self, force: bool = False) -> None:
        """Rebuild the keyword index from the collection if they differ or it was built with other
        parameters (or always, with `force`)."""
        self.decisions.refresh(self.catalog)
        ids = sorted(self._collection.get(include=[])["ids"])
        if not force and not self.keywords.stale and sorted(self.keywords.ids) == ids:
            return
        stored = self._collection.get(include=["documents", "metadatas"])
        texts = {
            i: _chunk(str(t), m).embed_text
            for i, t, m in zip(stored["ids"], stored["documents"] or [], stored["metadatas"] or [], strict=True)
        }
        self.keywords.rebuild(ids, [texts[i] for i in ids])

    def words(self, text: str) -> list[str]:
        """`text`'s words as the keyword index holds them: lower-cased, stemmed, stopwords dropped."""
        return self.keywords.words(text)

    def has_word(self, word: str) -> bool:
        """Whether any indexed chunk holds `word` (as from `words`) or a longer word it begins."""
        return self.keywords.has_word(word)

    def rarity(self, words: list[str]) -> dict[str, float]:
        """Each word's (as from `words`) inverse document frequency over the indexed chunks."""
        return self.keywords.rarity(words)

    def stored_chunks(self) -> list[Chunk]:
        """Every chunk in the collection, as stored (for benchmarks and checks)."""
        stored = self._collection.get(include=["documents", "metadatas"])
        return [_chunk(str(t), m) for t, m in zip(stored["documents"] or [], stored["metadatas"] or [], strict=True)]

    def close(self) -> None:
        self.catalog.close()


def _rows(embeddings: Any) -> list[np.ndarray]:
    """Chroma's `embeddings` field as a list of vectors (it may be an array, a list or None)."""
    return [] if embeddings is None else [np.asarray(row, dtype=np.float32) for row in embeddings]


def _mark_orphans(db: sqlite3.Connection) -> None:
    """Queue content that no path points at any more for removal, inside the caller's transaction."""
    db.execute(
        "INSERT OR IGNORE INTO pending SELECT sha256 FROM contents WHERE sha256 NOT IN (SELECT sha256 FROM documents)"
    )
    db.execute("DELETE FROM pages WHERE sha256 NOT IN (SELECT sha256 FROM documents)")
    db.execute("DELETE FROM items WHERE sha256 NOT IN (SELECT sha256 FROM documents)")
    db.execute("DELETE FROM decisions WHERE sha256 NOT IN (SELECT sha256 FROM documents)")
    db.execute("DELETE FROM contents WHERE sha256 NOT IN (SELECT sha256 FROM documents)")


def _metadata(chunk: Chunk) -> dict[str, str | int]:
    metadata: dict[str, str | int] = {
        "doc_sha256": chunk.doc_sha256,
        "ordinal": chunk.ordinal,
        "pdf_page": chunk.pdf_page,
        "pdf_page_end": chunk.pdf_page_end,
        "header": chunk.header,
    }
    if chunk.printed_page is not None:
        metadata["printed_page"] = chunk.printed_page
    if chunk.section is not None:
        metadata["section"] = chunk.section
    return metadata


def _chunk(text: str, metadata: Any) -> Chunk:
    printed, section = metadata.get("printed_page"), metadata.get("section")
    return Chunk(
        doc_sha256=str(metadata["doc_sha256"]),
        ordinal=int(metadata["ordinal"]),
        text=text,
        pdf_page=int(metadata["pdf_page"]),
        pdf_page_end=int(metadata["pdf_page_end"]),
        printed_page=None if printed is None else str(printed),
        section=None if section is None else str(section),
        header=str(metadata["header"]),
    )
