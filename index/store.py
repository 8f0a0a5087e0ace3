"""The index: chunk vectors in a vector store (`index/vectors.py`: Chroma, embedded or a server), and
the catalog of documents and pages and the keyword index beside them, in the data directory.

The index is stamped with what built it and refuses to mix stamps. Its collection is named after the
stamp and an id of its own, so two data directories never share one on a server.
"""

from __future__ import annotations

import logging
import secrets
import threading
from collections import defaultdict
from collections.abc import Callable, Collection, Sequence
from dataclasses import replace
from functools import lru_cache
from typing import Literal

import numpy as np

from councilqa.errors import NotFound
from councilqa.index.catalog import Catalog
from councilqa.index.decisions import DecisionSearch
from councilqa.index.embed import Embedder, SentenceTransformerEmbedder
from councilqa.index.keyword import KeywordIndex
from councilqa.index.lock import IndexReadOnly, WriterLock
from councilqa.index.papers import Papers
from councilqa.index.stamp import Stamp
from councilqa.index.vectors import VectorStore, open_chroma
from councilqa.records import (
    Chunk,
    Decision,
    DecisionHit,
    Document,
    Hit,
    Minutes,
    Page,
    SearchFilter,
)
from councilqa.settings import Settings
from councilqa.versions import PARSER

log = logging.getLogger(__name__)

# The index's own files in the data directory: what a rebuild removes (the rest is papers, uploads, accounts, OCR)
LEGACY_COLLECTION = "chunks"  # the one collection of an index built before collections were named
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


class NotIndexed(NotFound):
    """A path the catalog does not hold."""


class Index:
    """Search and writes over one data directory; what it holds is read through `papers` (`index/papers.py`).
    Example::

    index = Index(Settings(data_dir=tmp), SentenceTransformerEmbedder(), PARSER)
    index.search("car parking charges", k=3)
    index.papers.public.facets()

    Opened while another process holds the data directory's writer lock (`writer` is this process's,
    when it holds it), the index is read-only (`read_only`; see `councilqa.index.lock`): content can't be
    added or removed, though an officer's restriction (one row of the catalog) can be recorded.
    """

    def __init__(
        self, settings: Settings, embedder: Embedder, parser_version: str, *, writer: WriterLock | None = None
    ) -> None:
        self.settings = settings
        self.embedder = embedder
        self.stamp = Stamp.of(settings, embedder, parser_version)
        data_dir = settings.data_dir
        data_dir.mkdir(parents=True, exist_ok=True)
        lock = writer if writer is not None and writer.held else WriterLock(data_dir)
        held = lock.held  # the caller's, for as long as the index is open
        self.read_only = not (held or lock.acquire())
        self.write_lock = threading.Lock()  # held by whoever ingests here: one ingest at a time in this process
        try:  # a writable index is opened (its interrupted writes finished, its keywords brought in line) locked
            self.catalog = Catalog(settings.data.catalog)
            self.papers = Papers(self.catalog)  # the read face: what is indexed, for every paper or the public's
            self.stamp.check(self.catalog, settings)
            self.vectors: VectorStore = open_chroma(settings, self._collection_name())
            self.keywords = KeywordIndex(settings.data.bm25, read_only=self.read_only)
            if not self.read_only:  # else the pending contents may be the writer's, in flight
                self._finish_pending()
            # a question is embedded once for its chunk and decision searches; kept small, so a question
            # set asked again (eval --mode) pays the model again and times stay comparable
            self._query_vector = lru_cache(maxsize=8)(lambda query: self.embedder.embed([query])[0])
            self.decision_search = DecisionSearch()
            self.refresh_keywords()
        finally:
            if not held and not self.read_only:
                lock.release()

    def _collection_name(self) -> str:
        """This index's collection: "councilqa-<stamp>-<id of its own>", made at its first open; an
        index that has content from before collections were named keeps "chunks"."""
        name = self.catalog.get_meta("collection")
        if name is None:
            legacy = self.settings.index.chroma_url is None and bool(self.catalog.chunk_counts())
            name = LEGACY_COLLECTION if legacy else f"councilqa-{self.stamp.id}-{secrets.token_hex(4)}"
            self.catalog.set_meta("collection", name)
        return name

    def _finish_pending(self) -> None:
        """Drop vectors left by an ingest that was interrupted while adding or removing content."""
        for sha256 in self.catalog.pending():
            if not self.catalog.has_content(sha256):
                log.info("removing the chunks of content %s", sha256[:12])
                self.vectors.delete(sha256)
                self.keywords.remove([sha256])
            self.catalog.finish(sha256)

    def _writable(self) -> None:
        if self.read_only:
            raise IndexReadOnly(
                f"{self.settings.data_dir}: another process (a `councilqa serve` or ingest) writes this index; "
                "`councilqa ingest` hands its work to a running serve, or waits for an ingest to end"
            )

    def warm(self) -> None:
        """Load the embedding model now (seconds), rather than at the first question."""
        self._query_vector("warm up")

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
        restriction: tuple[str, str] | None = None,
    ) -> None:
        """Store a new file's chunks and their vectors, then record it (restricted, when `restriction`
        gives a source and why, in the same transaction); an interruption leaves no trace.
        (The vectors of an earlier attempt cut short were dropped as the index opened, so there are
        none to delete first: a delete by content is a metadata search, slow in a large collection.)"""
        self._writable()
        self.catalog.begin_content(document.sha256)
        self.vectors.upsert(chunks, vectors)
        found = None
        if minutes is not None:
            found = decision_vectors if decision_vectors is not None else self.embed_decisions(minutes.decisions)
        self.catalog.add_content(document, pages, len(chunks), minutes, found, restriction=restriction)
        self.keywords.add([chunk.id for chunk in chunks], [chunk.embed_text for chunk in chunks])
        self._finish_pending()  # the content this path held before, if any

    def add_copy(self, document: Document, restriction: tuple[str, str] | None = None) -> None:
        """Record another path for content already indexed: no parsing, no embedding."""
        self._writable()
        self.catalog.add_copy(document, restriction)
        self._finish_pending()

    def record_skip(self, path: str, root: str, sha256: str, reason: str, detail: str) -> None:
        """Remember a file that could not be ingested; an older good version of it is dropped."""
        self._writable()
        self.catalog.record_skip(path, root, sha256, reason, detail)
        self._finish_pending()

    def remove(self, path: str) -> None:
        """Forget a path (a file that is gone); its content goes too when no other path holds it."""
        self._writable()
        self.catalog.remove(path)
        self._finish_pending()

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
        filter lets through), checked verbatim on its pages (one that isn't is dropped: see `_checked`).

        Hybrid: the best 50 chunks by BM25 keywords and the nearest 50 by embedding are fused by a
        convex combination of their scores: BM25 divided by the best BM25 score, plus `DENSE_WEIGHT`
        times the cosine similarity scaled to 0..1 over the 50. `mode` "dense" or "bm25" uses one
        list alone. A hit's `score` is its cosine similarity to the question, whichever list found it.
        The papers `prefer` lets through (a meeting the question names, and the papers that mention
        it) rank first among near equals: `PREFER_BONUS` is added to their fused score; with `recent`
        ("latest", "current"), papers of newer meetings gain up to `RECENT_BONUS`.
        """
        filters = filters if filters is not None else SearchFilter()
        allowed = self._allowed(filters)
        if not len(self.keywords) or k < 1 or allowed == []:  # the keyword index mirrors the collection
            return []
        vector = self._query_vector(query)
        wanted = max(CANDIDATES, k * 4)
        within = None if allowed is None else self.catalog.chunk_counts({document.sha256 for document in allowed})
        scores: list[dict[str, float]] = []  # per list: chunk id -> score normalised to 0..1
        if mode in ("hybrid", "dense"):
            cosines = self.vectors.nearest(vector, wanted, within)
            scores.append(normalised(cosines, DENSE_WEIGHT if mode == "hybrid" else 1.0, floor=True))
        if mode in ("hybrid", "bm25"):
            scores.append(normalised(dict(self.keywords.search(query, wanted, within)), 1.0))
        contents = {chunk_id.split(":", 1)[0] for listed in scores for chunk_id in listed}
        order = fuse(scores, self._bonuses(contents, prefer, recent))[: k * 3 + 5]  # room for orphans and twins
        hits = self._hits(order, vector, allowed, public_only=not filters.include_restricted)[:k]
        return [hit for hit in self._checked(hits) if hit is not None]

    def _bonuses(self, shas: set[str], prefer: SearchFilter | None, recent: bool) -> dict[str, float]:
        """Score added to the passages of each content: preferred papers, and newer meetings' papers."""
        bonus: dict[str, float] = defaultdict(float)
        if prefer:
            for document in self.papers.matching(prefer):
                if document.sha256 in shas:
                    bonus[document.sha256] = PREFER_BONUS
        if recent:  # newer meetings' papers gain, up to RECENT_BONUS; a paper of no meeting gains half
            dated = {d.sha256: d.meeting_date for d in self.catalog.documents(shas)}
            days = sorted({day for day in dated.values() if day})
            for sha256, day in dated.items():
                bonus[sha256] += RECENT_BONUS * ((days.index(day) + 1) / len(days) if day else 0.5)
        return bonus

    def _allowed(self, filters: SearchFilter) -> list[Document] | None:
        """The papers `filters` let through (none restricted, unless they include restricted papers); None
        where that is every paper."""
        hide = not filters.include_restricted
        return self.papers.matching(filters) if filters or (hide and self.catalog.restricted()) else None

    def search_decisions(
        self, query: str, k: int, filters: SearchFilter | None = None, boost: Callable[[Decision], float] | None = None
    ) -> list[DecisionHit]:
        """The `k` decisions read from minutes that best match `query` (see `DecisionSearch`), within
        `filters`; `boost` adds to a decision's score (the meeting or committee a question names)."""
        filters = filters if filters is not None else SearchFilter()
        papers = self._allowed(filters)
        allowed = None if papers is None else {d.sha256 for d in papers}
        found = self.decision_search.search(query, CANDIDATES, allowed, self._query_vector(query))
        if (
            not filters.include_restricted
        ):  # restricted since `allowed` was read, or since the decisions were loaded: still hidden
            hidden = self.catalog.restricted()
            found = [hit for hit in found if hit.documents[0].sha256 not in hidden]
        if boost is not None:
            found = [replace(hit, score=hit.score + boost(hit.decision)) for hit in found]
            found.sort(key=lambda hit: -hit.score)
        return found[:k]

    def _hits(
        self, order: list[str], vector: np.ndarray, allowed: list[Document] | None, *, public_only: bool
    ) -> list[Hit]:
        """Hits for chunk ids in rank order: each with its cosine to `vector` and the documents (of
        `allowed`, when given; else not restricted, with `public_only`) that hold it; the same text in two
        papers is one hit naming both."""
        rows = {chunk.id: (chunk, float(np.dot(embedding, vector))) for chunk, embedding in self.vectors.get(order)}
        if allowed is None:
            shas = (chunk.doc_sha256 for chunk, _ in rows.values())
            allowed = self.catalog.documents(shas, public_only=public_only)
        holders: dict[str, list[Document]] = defaultdict(list)
        for document in allowed:
            holders[document.sha256].append(document)
        hits: dict[str, Hit] = {}
        for chunk_id in order:
            if chunk_id not in rows:
                continue  # in the keyword index but no longer in the collection
            chunk, cosine = rows[chunk_id]
            if chunk.doc_sha256 not in holders:
                continue  # vectors of an interrupted ingest
            documents = tuple(holders[chunk.doc_sha256])
            if chunk.text in hits:
                first = hits[chunk.text]
                hits[chunk.text] = replace(first, also=(*first.also, *((chunk, d) for d in documents)))
            else:
                hits[chunk.text] = Hit(chunk, cosine, documents)
        return list(hits.values())

    def beside(self, hits: Sequence[Hit]) -> list[list[Hit]]:
        """For each of `hits`, the passages just before and after it in its paper, held by the same
        documents, with its score, each checked on its pages (one read of the store, and one of the pages,
        for all): an item read on where a chunk ends ("… after discussion it" | "was resolved that …")."""
        ids = [
            [f"{hit.chunk.doc_sha256}:{hit.chunk.ordinal + step}" for step in (-1, 1) if hit.chunk.ordinal + step >= 0]
            for hit in hits
        ]
        found = {chunk.id: chunk for chunk, _ in self.vectors.get(list(dict.fromkeys(i for near in ids for i in near)))}
        near = [
            [Hit(found[i], hit.score, hit.documents) for i in group if i in found]
            for hit, group in zip(hits, ids, strict=True)
        ]
        checked = iter(self._checked([hit for group in near for hit in group]))
        return [[hit for hit in [next(checked) for _ in group] if hit is not None] for group in near]

    def _checked(self, hits: list[Hit]) -> list[Hit | None]:
        """Each of `hits` whose text occurs verbatim (whitespace collapsed) on its stored pages, with whether
        OCR read any of them, and the passages of its `also` that do too; None for any other, which is logged:
        a hit is a passage to cite."""
        chunks = [chunk for hit in hits for chunk in (hit.chunk, *(c for c, _ in hit.also))]
        stored = self.catalog.page_texts(
            {(c.doc_sha256, n) for c in chunks for n in range(c.pdf_page, c.pdf_page_end + 1)}
        )

        def pages(chunk: Chunk) -> list[tuple[str, bool]] | None:
            found = [stored.get((chunk.doc_sha256, n)) for n in range(chunk.pdf_page, chunk.pdf_page_end + 1)]
            return [page for page in found if page is not None] if None not in found else None

        def held(chunk: Chunk) -> bool:
            found = pages(chunk)
            return found is not None and " ".join(chunk.text.split()) in " ".join(" ".join(t for t, _ in found).split())

        checked: list[Hit | None] = []
        for hit in hits:
            chunk = hit.chunk
            if not held(chunk):
                log.warning(
                    "excerpt %s not found on its pages %s-%s: not shown", chunk.id, chunk.pdf_page, chunk.pdf_page_end
                )
                checked.append(None)
                continue
            also = tuple((c, d) for c, d in hit.also if held(c))
            checked.append(replace(hit, also=also, ocr=any(ocr for _, ocr in pages(chunk) or ())))
        return checked

    def refresh_keywords(self, force: bool = False) -> None:
        """Bring the keyword index in line with the catalog, content by content: chunks of content it
        lacks (or holds a different number of) are read from the vector store and added, and content
        the catalog no longer has is dropped. An index of another format or other BM25 parameters (or
        any, with `force`) is rebuilt whole. An up-to-date index reads nothing from the vector store."""
        self.decision_search.refresh(self.papers, self.catalog.decision_vectors())
        if force or self.keywords.stale:
            chunks = self.vectors.chunks()
            self.keywords.rebuild([chunk.id for chunk in chunks], [chunk.embed_text for chunk in chunks])
            return
        held, wanted = self.keywords.groups(), self.catalog.chunk_counts()
        self.keywords.remove([sha256 for sha256 in held if sha256 not in wanted])
        for sha256, count in wanted.items():
            if held.get(sha256, 0) != count:
                chunks = self.vectors.chunks(sha256)
                self.keywords.add([chunk.id for chunk in chunks], [chunk.embed_text for chunk in chunks])

    def words(self, text: str) -> list[str]:
        """`text`'s words as the keyword index holds them: lower-cased, stemmed, stopwords dropped."""
        return self.keywords.words(text)

    def has_word(self, word: str, hidden: Collection[str] = ()) -> bool:
        """Whether any indexed chunk (of no content in `hidden`) holds `word` (as from `words`) or a longer
        word it begins."""
        return self.keywords.has_word(word, hidden)

    def restrict(self, path: str, restricted: bool, why: str) -> Document:
        """An officer's word on a paper: restricted (or not), and why. It holds for every path with the same
        content, takes effect for the next search, and outlasts what ingest finds."""
        document = self.catalog.document(path)
        if document is None:
            raise NotIndexed(f"{path}: not in the index; give the path as `ask` cites it")
        self.catalog.restrict(document.sha256, restricted, "officer", why)
        return document

    def rarity(self, words: list[str]) -> dict[str, float]:
        """Each word's (as from `words`) inverse document frequency over the indexed chunks."""
        return self.keywords.rarity(words)

    def stored_chunks(self) -> list[Chunk]:
        """Every chunk in the vector store, as stored (for benchmarks and checks)."""
        return self.vectors.chunks()

    def stored(self, sha256: str) -> tuple[list[Chunk], np.ndarray, dict[int, np.ndarray]]:
        """A content as stored (for benchmarks and checks): its chunks in order, their vectors (a row each),
        and its decisions' vectors by ordinal."""
        count = self.catalog.chunk_counts({sha256}).get(sha256, 0)
        pairs = sorted(self.vectors.get([f"{sha256}:{n}" for n in range(count)]), key=lambda pair: pair[0].ordinal)
        decisions = {n: vector for (_, n), vector in self.catalog.decision_vectors(sha256).items()}
        return [chunk for chunk, _ in pairs], np.stack([vector for _, vector in pairs]), decisions

    def close(self) -> None:
        self.catalog.close()


def normalised(scores: dict[str, float], weight: float, *, floor: bool = False) -> dict[str, float]:
    """`scores` scaled to 0..`weight`: divided by the best, or, with `floor`, from the lowest to the best.

    >>> normalised({"a": 0.75, "b": 0.5, "c": 0.25}, 0.5, floor=True), normalised({"a": 2.0, "b": 1.0}, 1.0)
    ({'a': 0.5, 'b': 0.25, 'c': 0.0}, {'a': 1.0, 'b': 0.5})
    """
    high = max(scores.values(), default=0.0)
    low = min(scores.values(), default=0.0) if floor else 0.0
    return {key: weight * (value - low) / (high - low or 1.0) for key, value in scores.items()}


def fuse(rankings: Sequence[dict[str, float]], bonuses: dict[str, float]) -> list[str]:
    """Chunk ids, best first, by the sum of their normalised scores in `rankings`, plus the bonus of
    their content (a chunk id is "content-sha256:ordinal").

    >>> fuse([{"s1:0": 1.0, "s2:0": 0.5}, {"s2:0": 0.25, "s1:1": 1.0}], {"s2": 0.5})
    ['s2:0', 's1:0', 's1:1']
    """
    fused: dict[str, float] = defaultdict(float)
    for listed in rankings:
        for chunk_id, score in listed.items():
            fused[chunk_id] += score
    for chunk_id in fused:
        fused[chunk_id] += bonuses.get(chunk_id.split(":", 1)[0], 0.0)
    return sorted(fused, key=lambda chunk_id: -fused[chunk_id])


def open_index(
    settings: Settings,
    embedder: Embedder | None = None,
    parser_version: str | None = None,
    *,
    writer: WriterLock | None = None,
) -> Index:
    """The index in `settings.data_dir`, with the default model, and the default parser's version in its stamp
    unless another parser's is given (`index.build.ingest` reads with a parser of that version);
    read-only while another process holds its writer lock (`writer` is this process's, where it holds it)."""
    embedder = embedder or SentenceTransformerEmbedder(
        settings.index.model_path, settings.index.batch_size, settings.index.precision
    )
    return Index(settings, embedder, parser_version or PARSER, writer=writer)
