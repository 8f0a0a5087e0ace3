"""Ingest files into the index: discover, hash, parse, chunk, embed, store. Incremental.

A file whose path and sha256 are already recorded costs one hash and nothing else. An identical
file under a new path is recorded as a copy, with no parsing or embedding. A bad file is reported
by name, skipped and counted, and the run goes on.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from councilqa.index.embed import Embedder, SentenceTransformerEmbedder
from councilqa.index.store import Index
from councilqa.ingest.chunk import chunk_pages
from councilqa.ingest.discover import SourceFile, discover, sha256_file
from councilqa.ingest.errors import IngestError
from councilqa.ingest.metadata import MeetingHint, describe, meeting_folder, meeting_hints
from councilqa.ingest.pdf import PdfParser, PypdfParser
from councilqa.ingest.resolutions import extract_resolutions
from councilqa.records import Document, Page
from councilqa.settings import Settings

log = logging.getLogger(__name__)


@dataclass
class IngestReport:
    """What one ingest run did, file by file."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    copies: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, message)
    warnings: list[tuple[str, str]] = field(default_factory=list)  # ingested, but the parser repaired damage
    pruned: list[str] = field(default_factory=list)
    pages: int = 0
    chunks: int = 0
    seconds: float = 0.0

    @property
    def ingested_any(self) -> bool:
        return bool(self.added or self.updated or self.copies or self.unchanged)

    def summary(self) -> str:
        lines = [
            f"{len(self.added)} added, {len(self.updated)} updated, {len(self.copies)} copies of indexed files, "
            f"{len(self.unchanged)} unchanged, {len(self.skipped)} skipped, {len(self.pruned)} pruned; "
            f"{self.pages} pages and {self.chunks} chunks indexed in {self.seconds:.1f} s"
        ]
        lines += [f"skipped {message}" for _, message in self.skipped]
        lines += [f"repaired {path}: {message}" for path, message in self.warnings]
        return "\n".join(lines)


def open_index(settings: Settings, embedder: Embedder | None = None, parser: PdfParser | None = None) -> Index:
    """The index in `settings.data_dir`, with the default model and parser unless others are given."""
    embedder = embedder or SentenceTransformerEmbedder(settings.index.model_path, settings.index.batch_size)
    return Index(settings, embedder, (parser or PypdfParser()).version)


def ingest(
    paths: list[Path],
    index: Index,
    parser: PdfParser | None = None,
    on_file: Callable[[int, int, str], None] | None = None,
    prune: bool = False,
) -> IngestReport:
    """Bring the index up to date with the PDFs under `paths`.

    `on_file(done, total, path)` is called after each file, for progress display. With `prune`,
    files recorded under the given folders that are no longer there are dropped. Example::

        report = ingest([Path("corpus")], open_index(Settings()))
        print(report.summary())
    """
    parser = parser or PypdfParser()
    started = time.perf_counter()
    report = IngestReport()
    sources = discover(paths)
    hints = meeting_hints([source.rel for source in sources])
    for done, source in enumerate(sources, 1):
        _ingest_one(source, index, parser, report, hints.get(meeting_folder(source.rel)))
        if on_file:
            on_file(done, len(sources), source.rel)
    if prune:
        report.pruned = _prune(paths, sources, index)
    report.seconds = time.perf_counter() - started
    return report


def _prune(paths: list[Path], sources: list[SourceFile], index: Index) -> list[str]:
    roots = {str(path.resolve()) for path in paths if path.is_dir()}
    present = {(str(source.root), source.rel) for source in sources}
    recorded = [(d.root, d.path) for d in index.catalog.documents()]
    recorded += [(s.root, s.path) for s in index.catalog.skipped()]
    gone = sorted(path for root, path in recorded if root in roots and (root, path) not in present)
    for path in gone:
        index.remove(path)
    return gone


def _document(source: SourceFile, sha256: str, pages: list[Page], hint: MeetingHint | None) -> Document:
    info = describe(source.rel, pages, hint)
    return Document(
        path=source.rel,
        root=str(source.root),
        sha256=sha256,
        title=info.title,
        n_pages=len(pages),
        council=info.council,
        committee=info.committee,
        meeting_date=info.meeting_date,
        doc_type=info.doc_type,
    )


def _ingest_one(
    source: SourceFile, index: Index, parser: PdfParser, report: IngestReport, hint: MeetingHint | None
) -> None:
    sha256 = sha256_file(source.path)
    root = str(source.root)
    known = index.catalog.document(source.rel)
    if known and known.sha256 == sha256:
        if known.root != root:
            index.add_copy(replace(known, root=root))
        report.unchanged.append(source.rel)
        return
    earlier_skip = next((s for s in index.catalog.skipped(source.rel) if s.sha256 == sha256), None)
    if earlier_skip:
        report.skipped.append((source.rel, f"{source.rel}: {earlier_skip.detail}"))
        return
    if index.catalog.has_content(sha256):
        index.add_copy(_document(source, sha256, index.catalog.pages(sha256), hint))
        report.copies.append(source.rel)
        return
    try:
        parsed = parser.parse(source.path, source.rel)
    except IngestError as error:
        log.warning("skipped %s", error)
        index.record_skip(source.rel, root, sha256, error.reason, error.detail)
        report.skipped.append((source.rel, str(error)))
        return
    pages = parsed.pages
    report.warnings += [(source.rel, warning) for warning in parsed.warnings]
    document = _document(source, sha256, pages, hint)
    chunks = chunk_pages(sha256, document.context, pages, index.settings.ingest, index.embedder.count_tokens)
    index.add_content(document, pages, chunks, extract_resolutions(pages))
    (report.updated if known else report.added).append(source.rel)
    report.pages += len(pages)
    report.chunks += len(chunks)
