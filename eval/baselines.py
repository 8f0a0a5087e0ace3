"""Two peers scored on the same questions, so the report can show where councilqa stands:

- `LlamaIndexStarter`: what LlamaIndex's starter tutorial builds. One Document per PDF page,
  `VectorStoreIndex` with its default `SentenceSplitter`, the same MiniLM model, Chroma, no LLM.
- `PageBM25`: keyword search over whole pages, as a council website's search box does: bm25s with
  English stemming and stopwords, one record per PDF page.

Both read the page texts that councilqa's catalog holds (the same pypdf extraction), one record per
page of every indexed path, copies included, as a user pointing them at the folder would get.
Neither abstains or knows printed pages, and neither writes an answer: their `answer` is empty.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from councilqa.errors import CouncilQAError
from councilqa.index.keyword import KeywordIndex
from councilqa.index.store import Index
from councilqa.records import Answer, Citation

log = logging.getLogger(__name__)


class EvalExtraMissing(CouncilQAError):
    """A part of the eval (the LlamaIndex baseline, the report's chart) whose libraries are not installed."""

    def __init__(self, what: str, error: ImportError) -> None:
        super().__init__(f"{what} needs the eval extra ({error.name} is not installed): pip install -e '.[eval]'")


class System(Protocol):
    """Anything that answers a question with ranked citations: councilqa's Assistant or a baseline."""

    def ask(self, question: str, k: int | None = None) -> Answer: ...


@dataclass(frozen=True)
class PageRecord:
    doc: str
    pdf_page: int
    text: str


def page_records(index: Index, *, public_only: bool = True) -> list[PageRecord]:
    """Every page of every indexed document path (none restricted, with `public_only`), in path and page order."""
    return [
        PageRecord(document.path, page.pdf_page, page.text)
        for document in index.papers.seen(not public_only).documents()
        for page in index.papers.pages(document.sha256)
    ]


def _citations(found: list[tuple[PageRecord, str, float]]) -> tuple[Citation, ...]:
    return tuple(
        Citation(
            rank=rank,
            doc=page.doc,
            pdf_page=page.pdf_page,
            pdf_page_end=page.pdf_page,
            printed_page=None,
            text=text,
            score=score,
            title=Path(page.doc).stem,
            committee=None,
            meeting_date=None,
            section=None,
        )
        for rank, (page, text, score) in enumerate(found, 1)
    )


class PageBM25:
    """bm25s over whole pages, English stemming and stopwords (councilqa's keyword index, in memory)."""

    def __init__(self, pages: list[PageRecord]) -> None:
        self._pages = pages
        self._index = KeywordIndex(None, k1=1.5, b=0.75)  # bm25s' defaults, as a plain setup has them
        self._index.rebuild([str(i) for i in range(len(pages))], [p.text for p in pages])

    def ask(self, question: str, k: int | None = None) -> Answer:
        found = []
        for page_id, score in self._index.search(question, k or 5):
            page = self._pages[int(page_id)]
            found.append((page, " ".join(page.text.split()), score))
        return Answer(question, "", False, _citations(found))


class LlamaIndexStarter:
    """The LlamaIndex starter pipeline, built with explicit components (never the global Settings).

    Its Chroma collection is kept in `cache_dir`, named after the pages and model it was built from,
    and marked complete only once built, so reruns of the eval reuse it.
    """

    def __init__(self, pages: list[PageRecord], model_path: Path, cache_dir: Path) -> None:
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        try:
            from llama_index.core import Document, StorageContext, VectorStoreIndex
            from llama_index.core.node_parser import SentenceSplitter
            from llama_index.embeddings.huggingface import HuggingFaceEmbedding
            from llama_index.vector_stores.chroma import ChromaVectorStore
        except ImportError as error:
            raise EvalExtraMissing("the LlamaIndex baseline (--baselines)", error) from error

        digest = hashlib.sha256(str(model_path).encode())
        for page in pages:
            digest.update(f"{page.doc}\0{page.pdf_page}\0{page.text}\0".encode())
        name = f"starter-{digest.hexdigest()[:16]}"
        embed_model = HuggingFaceEmbedding(model_name=str(model_path), device="cpu")
        client = chromadb.PersistentClient(path=str(cache_dir), settings=ChromaSettings(anonymized_telemetry=False))
        collection = client.get_or_create_collection(name, embedding_function=None)
        if not (collection.metadata or {}).get("complete"):
            client.delete_collection(name)
            collection = client.create_collection(name, embedding_function=None)
            log.info("building the LlamaIndex starter baseline over %d pages", len(pages))
            documents = [Document(text=p.text, metadata={"doc": p.doc, "pdf_page": p.pdf_page}) for p in pages]
            VectorStoreIndex.from_documents(
                documents,
                storage_context=StorageContext.from_defaults(
                    vector_store=ChromaVectorStore(chroma_collection=collection)
                ),
                embed_model=embed_model,
                transformations=[SentenceSplitter()],  # the tutorial's default, spelled out
            )
            collection.modify(metadata={"complete": True})
        self._index = VectorStoreIndex.from_vector_store(
            ChromaVectorStore(chroma_collection=collection), embed_model=embed_model
        )

    def ask(self, question: str, k: int | None = None) -> Answer:
        nodes = self._index.as_retriever(similarity_top_k=k or 5).retrieve(question)
        found = [
            (
                PageRecord(n.node.metadata["doc"], int(n.node.metadata["pdf_page"]), ""),
                n.node.get_content(),
                n.score or 0.0,
            )
            for n in nodes
        ]
        return Answer(question, "", False, _citations(found))
