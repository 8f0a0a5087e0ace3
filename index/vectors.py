"""Chunk vectors, with each chunk's text and metadata: the seam between the index and a vector database.

`VectorStore` is what the index needs of one. `ChromaStore` keeps them in Chroma, embedded in the data
directory (`PersistentClient`, the default) or on a Chroma server (`HttpClient`, when
`index.chroma_url` is set; a distributed Chroma deployment speaks the same HTTP API). Our own vectors
are passed in every time: the collection has no embedding function, so Chroma's default, which
downloads a model, can never run.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, Protocol, cast
from urllib.parse import urlsplit

import chromadb
import numpy as np
from chromadb.api import ClientAPI
from chromadb.api.types import Where
from chromadb.config import Settings as ChromaSettings
from chromadb.errors import ChromaError

from councilqa.errors import CouncilQAError
from councilqa.records import Chunk
from councilqa.settings import Settings

PAGE = 300  # records per read of the whole collection: distributed Chroma caps results at 300
EXACT_UP_TO = 2000  # chunks a search within some contents compares itself (see `ChromaStore.nearest`)
OVERFETCH = 1.5  # how many times more neighbours to fetch unfiltered than a random share would need
MOST_FETCHED = 10_000  # the most neighbours fetched unfiltered, to be filtered here


class VectorStoreUnavailable(CouncilQAError):
    """The configured vector store can't be reached or opened; the message says where and why."""


class VectorStore(Protocol):
    """Chunks and their vectors, found by id, by content (a document's sha256) or by nearness."""

    def upsert(self, chunks: Sequence[Chunk], vectors: np.ndarray) -> None:
        """Store `chunks` with their `vectors` (rows, in order), replacing any with the same ids."""
        ...

    def delete(self, sha256: str) -> None:
        """Drop every chunk of one content."""
        ...

    def nearest(self, vector: np.ndarray, n: int, within: Mapping[str, int] | None = None) -> dict[str, float]:
        """The `n` chunks nearest `vector`: id → cosine similarity. With `within` (content sha256 → its
        number of chunks), only chunks of those contents."""
        ...

    def get(self, ids: Sequence[str]) -> list[tuple[Chunk, np.ndarray]]:
        """The chunks with these ids that are stored, each with its vector."""
        ...

    def ids(self) -> list[str]:
        """Every stored chunk's id."""
        ...

    def chunks(self, sha256: str | None = None) -> list[Chunk]:
        """Every stored chunk (of one content, when `sha256` is given)."""
        ...

    def count(self) -> int:
        """How many chunks are stored."""
        ...


class ChromaStore:
    """A `VectorStore` in one Chroma collection (cosine space, HNSW `ef_search` as given)."""

    def __init__(self, client: ClientAPI, name: str, ef_search: int, most_fetched: int | None = None) -> None:
        # Writes go in batches of what the client allows (distributed Chroma: 300). A search asks for at
        # most 200 (`CANDIDATES` or k * 4 for k <= 50), and over-fetches at most `most_fetched` (for a
        # server, `PAGE`: distributed Chroma caps results at 300).
        self._most_fetched = MOST_FETCHED if most_fetched is None else most_fetched
        self._collection = client.get_or_create_collection(
            name, configuration={"hnsw": {"space": "cosine", "ef_search": ef_search}}, embedding_function=None
        )
        self.reload = False  # whether the client must be made again for a changed ef_search to apply
        if (self._collection.configuration.get("hnsw") or {}).get("ef_search") != ef_search:
            # Chroma saves the new value but searches the index it has loaded with the old one
            self._collection.modify(configuration={"hnsw": {"ef_search": ef_search}})
            self.reload = True
        self._batch = client.get_max_batch_size()

    def upsert(self, chunks: Sequence[Chunk], vectors: np.ndarray) -> None:
        for start in range(0, len(chunks), self._batch):
            part = chunks[start : start + self._batch]
            self._collection.upsert(
                ids=[chunk.id for chunk in part],
                embeddings=vectors[start : start + self._batch],
                documents=[chunk.text for chunk in part],
                metadatas=[_metadata(chunk) for chunk in part],
            )

    def delete(self, sha256: str) -> None:
        self._collection.delete(where={"doc_sha256": sha256})

    def nearest(self, vector: np.ndarray, n: int, within: Mapping[str, int] | None = None) -> dict[str, float]:
        """Without `within`, Chroma's HNSW search. Within some contents, whichever of three ways is
        fastest for how many chunks they hold (each was measured at 400,000 chunks of 384 dimensions,
        embedded; a metadata `where`, even on an integer field, took 250 to 720 ms, so none is used):

        - up to `EXACT_UP_TO` chunks: their vectors fetched by id and compared here (31 µs a chunk);
        - a large share of the collection: `OVERFETCH` times as many nearest as a random share that
          size would need, unfiltered (ids only: 41 ms for 10,000), kept if `n` of them are theirs;
        - otherwise, or when fewer are: HNSW search limited to their chunk ids (37 to 126 ms from
          30,000 to 200,000 ids; slower below, where few nodes of the graph are theirs: 276 ms for 1,000).
        """
        if within is None:
            return self._query(vector, n, None)
        allowed = sum(within.values())
        if allowed <= EXACT_UP_TO:
            return self._exact(vector, n, within)
        fetch = math.ceil(OVERFETCH * n * self.count() / allowed)
        if fetch <= self._most_fetched:
            found = {i: c for i, c in self._query(vector, fetch, None).items() if i.split(":", 1)[0] in within}
            if len(found) >= n:
                return dict(sorted(found.items(), key=lambda pair: -pair[1])[:n])
        return self._query(vector, n, _ids(within))

    def _query(self, vector: np.ndarray, n: int, ids: list[str] | None) -> dict[str, float]:
        found = self._collection.query(query_embeddings=[vector], n_results=n, ids=ids, include=["distances"])
        return dict(zip(found["ids"][0], (1.0 - d for d in (found["distances"] or [[]])[0]), strict=True))

    def _exact(self, vector: np.ndarray, n: int, within: Mapping[str, int]) -> dict[str, float]:
        """The `n` chunks of `within` nearest `vector`, by cosine similarity computed here."""
        ids = _ids(within)
        found: dict[str, float] = {}
        for start in range(0, len(ids), PAGE):
            got = self._collection.get(ids=ids[start : start + PAGE], include=["embeddings"])
            rows = _rows(got["embeddings"])
            if rows:
                matrix = np.stack(rows)
                cosines = matrix @ vector / (np.linalg.norm(matrix, axis=1) * np.linalg.norm(vector))
                found.update(zip(got["ids"], cosines.tolist(), strict=True))
        return dict(sorted(found.items(), key=lambda pair: -pair[1])[:n])

    def get(self, ids: Sequence[str]) -> list[tuple[Chunk, np.ndarray]]:
        if not ids:
            return []
        found = self._collection.get(ids=list(ids), include=["documents", "metadatas", "embeddings"])
        texts, metadatas = found["documents"] or [], found["metadatas"] or []
        return [
            (_chunk(str(text), metadata), vector)
            for text, metadata, vector in zip(texts, metadatas, _rows(found["embeddings"]), strict=True)
        ]

    def ids(self) -> list[str]:
        return [chunk_id for page in self._pages([], None) for chunk_id in page["ids"]]

    def chunks(self, sha256: str | None = None) -> list[Chunk]:
        where = None if sha256 is None else cast(Where, {"doc_sha256": sha256})
        return [
            _chunk(str(text), metadata)
            for page in self._pages(["documents", "metadatas"], where)
            for text, metadata in zip(page["documents"] or [], page["metadatas"] or [], strict=True)
        ]

    def _pages(self, include: list[str], where: Where | None) -> Iterator[Any]:
        """The collection (what `where` lets through), `PAGE` records at a time (distributed Chroma
        returns at most 300)."""
        offset = 0
        while True:
            page = self._collection.get(include=cast(Any, include), where=where, limit=PAGE, offset=offset)
            yield page
            if len(page["ids"]) < PAGE:
                return
            offset += PAGE

    def count(self) -> int:
        return self._collection.count()


def open_chroma(settings: Settings, name: str) -> ChromaStore:
    """The collection `name` in the Chroma that `settings` name: a server at `index.chroma_url`, or
    embedded in the data directory."""
    url = settings.index.chroma_url
    parts = urlsplit(url or "")
    if url is not None and (parts.scheme not in ("http", "https") or not parts.hostname):
        raise VectorStoreUnavailable(f"index.chroma_url {url!r} is not an http(s) URL like http://127.0.0.1:8000")
    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    try:
        if parts.hostname is None:
            folder = str(settings.data.chroma)
            client: ClientAPI = chromadb.PersistentClient(path=folder, settings=chroma_settings)
            store = ChromaStore(client, name, settings.index.search_ef)
            if not store.reload:
                return store
            # embedded: a client made afresh loads the index with the saved ef_search (a Chroma server
            # applies it when it next loads the collection). Chroma's cache of clients is cleared for
            # that: another client of this folder already open in this process keeps the old ef_search.
            client.clear_system_cache()
            client = chromadb.PersistentClient(path=folder, settings=chroma_settings)
        else:
            port = parts.port or (443 if parts.scheme == "https" else 8000)
            client = chromadb.HttpClient(
                host=parts.hostname, port=port, ssl=parts.scheme == "https", settings=chroma_settings
            )
            return ChromaStore(client, name, settings.index.search_ef, most_fetched=PAGE)
        return ChromaStore(client, name, settings.index.search_ef)
    except (ValueError, OSError, ChromaError) as error:  # no server answers: ValueError; a bad folder: OSError
        where = url or str(settings.data.chroma)
        raise VectorStoreUnavailable(f"Chroma at {where} could not be opened: {error}") from error


def _ids(within: Mapping[str, int]) -> list[str]:
    """The chunk ids of contents with these chunk counts: "sha256:0" to "sha256:count-1"."""
    return [f"{sha256}:{ordinal}" for sha256, count in within.items() for ordinal in range(count)]


def _rows(embeddings: Any) -> list[np.ndarray]:
    """Chroma's `embeddings` field as a list of vectors (it may be an array, a list or None)."""
    return [] if embeddings is None else [np.asarray(row, dtype=np.float32) for row in embeddings]


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
