"""Ingest files into the index: discover, hash, parse, chunk, embed, store. Incremental.

A file whose path and sha256 are already recorded costs one hash and nothing else. An identical
file under a new path is recorded as a copy, with no parsing or embedding. A bad file is reported
by name, skipped and counted, and the run goes on.
"""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

from councilqa.files import sha256_file
from councilqa.index.store import Index
from councilqa.ingest.discover import LinkOut, SourceFile, discover_all
from councilqa.ingest.errors import CorruptPDF, IngestError, NoTextLayer
from councilqa.ingest.metadata import MeetingHint, meeting_folder, meeting_hints
from councilqa.ingest.pdf import PdfParser
from councilqa.ingest.read import default_parser, describe_paper, read_paper, restriction
from councilqa.ingest.sidecar import MeetingSidecar, read_sidecar
from councilqa.records import Chunk, Document, Minutes, Page, Paper

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
    ocr: list[tuple[str, str]] = field(default_factory=list)  # scanned pages read by OCR, or found unreadable
    pruned: list[str] = field(default_factory=list)
    pages: int = 0
    chunks: int = 0
    seconds: float = 0.0
    parse_seconds: float = 0.0  # hashing, parsing and chunking, in the reader thread
    embed_seconds: float = 0.0  # the model's share, in this thread

    @property
    def ingested_any(self) -> bool:
        return bool(self.added or self.updated or self.copies or self.unchanged)

    @property
    def exit_status(self) -> int:
        """1 where files were given and none could be ingested, else 0 (`ingest`'s and `fetch --ingest`'s)."""
        return 0 if self.ingested_any or not self.skipped else 1

    def summary(self) -> str:
        lines = [
            f"{len(self.added)} added, {len(self.updated)} updated, {len(self.copies)} copies of indexed files, "
            f"{len(self.unchanged)} unchanged, {len(self.skipped)} skipped, {len(self.pruned)} pruned; "
            f"{self.pages} pages and {self.chunks} chunks indexed in {self.seconds:.1f} s"
        ]
        lines += [f"skipped {message}" for _, message in self.skipped]
        lines += [f"repaired {path}: {message}" for path, message in self.warnings]
        lines += [f"ocr {path}: {message}" for path, message in self.ocr]
        return "\n".join(lines)


def ingest(
    paths: list[Path],
    index: Index,
    parser: PdfParser | None = None,
    on_file: Callable[[int, int, str, int], None] | None = None,
    prune: bool = False,
) -> IngestReport:
    """Bring the index up to date with the PDFs under `paths`.

    A reader thread hashes, parses and chunks the next files while this thread embeds and stores,
    and chunks of several files are embedded together, in batches of `index.batch_chunks`. Each file
    is committed on its own, so an interruption loses at most the files in flight.
    `on_file(done, total, path, pages)` is called as each file is done, with the pages indexed so
    far, for progress display. With `prune`,
    files recorded under the given folders that are no longer there are dropped. Example::

        report = ingest([Path("corpus")], open_index(Settings()))
        print(report.summary())
    """
    parser = parser or default_parser(index.settings)
    started = time.perf_counter()
    report = IngestReport()
    sources, links_out = discover_all(paths)
    for link in links_out:
        _refuse(link, index, report)
    hints = meeting_hints([source.rel for source in sources])
    sidecars = {folder: read_sidecar(folder) for folder in {source.path.parent for source in sources}}
    done = 0

    def finished(item: _Prepared) -> None:
        nonlocal done
        done += 1
        if on_file:
            on_file(done, len(sources), item.source.rel, report.pages)

    def prepare(source: SourceFile) -> _Prepared:
        sidecar = sidecars[source.path.parent]
        return _prepare(source, index, parser, hints.get(meeting_folder(source.rel)), sidecar)

    batch: list[_Prepared] = []
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="councilqa-reader") as reader:
        for item in _read_ahead(reader, sources, prepare, depth=READ_AHEAD):
            report.parse_seconds += item.seconds
            if item.outcome == "new":
                batch.append(item)
                if sum(len(b.chunks) for b in batch) >= index.settings.index.batch_size * BATCHES_PER_EMBED:
                    _store(batch, index, report, finished)
                    batch = []
            else:
                _record(item, index, report)
                finished(item)
        _store(batch, index, report, finished)
    if prune:
        report.pruned = _prune(paths, sources, index)
    index.refresh_keywords()
    report.seconds = time.perf_counter() - started
    return report


# Files parsed ahead of the embedder: enough to keep the reader busy while a call embeds (at 4, the
# embedder waited 16 s for the reader over ../shared/corpus; at 16, 3 s).
READ_AHEAD = 16
# Model batches embedded per call, across files: small files fill batches, and texts are sorted by
# length within a call, so fewer pad tokens are computed (over ../shared/corpus, padding adds 5.2% to
# the tokens in calls of 8 batches, 1.5% in calls of 32).
BATCHES_PER_EMBED = 32


@dataclass
class _Prepared:
    """A file as the reader thread left it: what to do with it, and its parsed content if new."""

    source: SourceFile
    sha256: str
    outcome: str  # "unchanged", "moved", "skipped before", "copy", "error" or "new"
    known: Document | None = None
    document: Document | None = None
    pages: list[Page] = field(default_factory=list)
    chunks: list[Chunk] = field(default_factory=list)
    minutes: Minutes | None = None
    restriction: tuple[str, str] | None = None  # (source, why): the site's flag, or a marking on its pages
    warnings: tuple[str, ...] = ()
    ocr_notes: tuple[str, ...] = ()
    error: IngestError | None = None
    seconds: float = 0.0

    def take(self, paper: Paper) -> None:
        """What reading the new file gave."""
        self.document, self.pages, self.chunks, self.minutes = paper.document, paper.pages, paper.chunks, paper.minutes
        self.restriction, self.warnings, self.ocr_notes = paper.restriction, paper.warnings, paper.ocr_notes


def _read_ahead(
    pool: ThreadPoolExecutor, items: list[SourceFile], work: Callable[[SourceFile], _Prepared], depth: int
) -> Iterator[_Prepared]:
    """`work(item)` for each item in order, running up to `depth` items ahead on `pool`."""
    queue: deque[Future[_Prepared]] = deque(pool.submit(work, item) for item in items[:depth])
    for upcoming in [*items[depth:], None]:
        result = queue.popleft().result()
        if upcoming is not None:
            queue.append(pool.submit(work, upcoming))
        yield result
    while queue:
        yield queue.popleft().result()


def _prepare(
    source: SourceFile, index: Index, parser: PdfParser, hint: MeetingHint | None, sidecar: MeetingSidecar | None
) -> _Prepared:
    """Hash, classify, and for a new file read it (`read_paper`). Reads the catalog, writes nothing."""
    started = time.perf_counter()
    sha256 = sha256_file(source.path)
    known = index.catalog.document(source.rel)
    item = _Prepared(source, sha256, "new", known=known)
    if known and known.sha256 == sha256:
        item.outcome = "unchanged" if known.root == str(source.root) else "moved"
    elif any(s.sha256 == sha256 and not _retry(s.reason, parser) for s in index.catalog.skipped(source.rel)):
        item.outcome = "skipped before"
    elif index.catalog.has_content(sha256):
        item.outcome = "copy"
        item.document = describe_paper(source, sha256, index.catalog.pages(sha256), hint, sidecar)
        item.restriction = restriction(source, sidecar, [])
    else:
        try:
            paper = read_paper(
                source, sha256, parser, hint, sidecar, index.settings.ingest, index.embedder.count_tokens
            )
        except IngestError as error:
            item.outcome, item.error = "error", error
        except Exception as error:  # a parser bug or a kind of damage not seen before: skip, don't stop
            log.exception("unexpected error reading %s", source.rel)
            item.outcome, item.error = "error", CorruptPDF(source.rel, f"could not be read ({error!r})")
        else:
            item.take(paper)
    item.seconds = time.perf_counter() - started
    return item


def _retry(reason: str, parser: PdfParser) -> bool:
    """Whether a file skipped before is read again: a scan, now that the parser has OCR."""
    return reason == NoTextLayer.reason and getattr(parser, "ocr", None) is not None


def _record(item: _Prepared, index: Index, report: IngestReport) -> None:
    """Everything but new content: unchanged, moved, copies and files that can't be read."""
    rel = item.source.rel
    if item.outcome == "unchanged":
        report.unchanged.append(rel)
    elif item.outcome == "moved" and item.known:
        index.add_copy(replace(item.known, root=str(item.source.root)))
        report.unchanged.append(rel)
    elif item.outcome == "skipped before":
        earlier = next(s for s in index.catalog.skipped(rel) if s.sha256 == item.sha256)
        report.skipped.append((rel, f"{rel}: {earlier.detail}"))
    elif item.outcome == "copy" and item.document:
        index.add_copy(item.document, item.restriction)
        report.copies.append(rel)
    elif item.error:
        log.warning("skipped %s", item.error)
        index.record_skip(rel, str(item.source.root), item.sha256, item.error.reason, item.error.detail)
        report.skipped.append((rel, str(item.error)))


def _refuse(link: LinkOut, index: Index, report: IngestReport) -> None:
    """A link out of its ingest root: reported with its target (to whoever ran the ingest), never read, and
    not kept among the catalog's skipped files, which would name the target. What an earlier ingest
    recorded at its path, from the same root, is forgotten: it was read through the link."""
    log.warning("skipped %s", link)
    root = str(link.root)
    known = index.catalog.document(link.rel)
    if (known is not None and known.root == root) or any(s.root == root for s in index.catalog.skipped(link.rel)):
        index.remove(link.rel)
    report.skipped.append((link.rel, str(link)))


def _store(batch: list[_Prepared], index: Index, report: IngestReport, finished: Callable[[_Prepared], None]) -> None:
    """Embed the chunks of a batch of new files in one call, then store and commit file by file."""
    fresh: list[_Prepared] = []
    for item in batch:
        if index.catalog.has_content(item.sha256) or any(item.sha256 == f.sha256 for f in fresh):
            item.outcome = "copy"  # the same file twice in one run: the second is a copy
        else:
            fresh.append(item)
    started = time.perf_counter()
    vectors = index.embed([chunk for item in fresh for chunk in item.chunks])
    decisions = index.embed_decisions([d for item in fresh if item.minutes for d in item.minutes.decisions])
    report.embed_seconds += time.perf_counter() - started
    offset = 0
    for item in batch:
        if item.outcome == "copy":
            _record(item, index, report)
            finished(item)
            continue
        assert item.document is not None
        count, decided = len(item.chunks), len(item.minutes.decisions) if item.minutes else 0
        chunk_vectors = vectors[offset : offset + count]
        index.add_content(
            item.document,
            item.pages,
            item.chunks,
            chunk_vectors,
            minutes=item.minutes,
            decision_vectors=decisions[:decided],
            restriction=item.restriction,
        )
        decisions = decisions[decided:]
        offset += count
        (report.updated if item.known else report.added).append(item.source.rel)
        report.warnings += [(item.source.rel, warning) for warning in item.warnings]
        report.ocr += [(item.source.rel, note) for note in item.ocr_notes]
        report.pages += len(item.pages)
        report.chunks += count
        finished(item)


def _prune(paths: list[Path], sources: list[SourceFile], index: Index) -> list[str]:
    roots = {str(path.resolve()) for path in paths if path.is_dir()}
    present = {(str(source.root), source.rel) for source in sources}
    recorded = [(d.root, d.path) for d in index.catalog.documents()]
    recorded += [(s.root, s.path) for s in index.catalog.skipped()]
    gone = sorted(path for root, path in recorded if root in roots and (root, path) not in present)
    for path in gone:
        index.remove(path)
    return gone
