"""Read a PDF's pages with pypdf. The parser sits behind a Protocol so another can be swapped in.

A page with no text layer (fewer than `SCANNED_CHARS` characters: a scan, perhaps with a stamped page
number) is read by OCR where an engine is given (`ingest.ocr`), page by page, so a mixed PDF keeps its
own text where it has it. What OCR reads is cached by the file's sha256, so a file is never read twice.
OCR text with too few words to be text (a page of noise, a photograph) is not indexed, and is reported.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import pypdf
from pypdf.errors import DependencyError, FileNotDecryptedError, PdfReadError

from councilqa.ingest.errors import CorruptPDF, EmptyPDF, EncryptedPDF, NotAPDF, NoTextLayer
from councilqa.ingest.labels import printed_labels
from councilqa.ingest.ocr import INSTALL, Ocr, OcrFailed
from councilqa.records import Page
from councilqa.versions import PARSER

log = logging.getLogger(__name__)

SCANNED_CHARS = 20  # a page with less text than this has no text layer worth the name
WORDLIKE = re.compile(r"[A-Za-z]{2,}")


@dataclass(frozen=True)
class ParsedPdf:
    """A file's pages, and what the parser repaired on the way (damaged cross-references and the like)."""

    pages: list[Page]
    warnings: tuple[str, ...] = ()
    ocr_notes: tuple[str, ...] = ()  # which pages OCR read, and which it could not


class PdfParser(Protocol):
    """Anything that turns a PDF file into its pages, raising an `IngestError` when it can't."""

    @property
    def version(self) -> str:
        """Names the parser and its version; part of the index stamp."""
        ...

    def parse(self, path: Path, name: str) -> ParsedPdf:
        """Pages of the file at `path`; `name` is how errors refer to it."""
        ...


class _Collect(logging.Handler):
    """Keeps the warnings pypdf logs (damaged cross-references and the like) for the file being read in this
    thread or task, for the ingest summary. One is attached to pypdf's logger, by the first parser made."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.reading: ContextVar[list[str] | None] = ContextVar("pypdf_warnings", default=None)

    def emit(self, record: logging.LogRecord) -> None:
        messages = self.reading.get()
        if messages is not None and (message := record.getMessage()) not in messages:
            messages.append(message)

    @contextmanager
    def collecting(self) -> Iterator[list[str]]:
        messages: list[str] = []
        token = self.reading.set(messages)
        try:
            yield messages
        finally:
            self.reading.reset(token)


_WARNINGS = _Collect()


class PypdfParser:
    """pypdf's text extraction, one `Page` per PDF page, with printed labels detected; scanned pages read
    by `ocr` (and cached in `cache_dir`) where given."""

    version = PARSER  # councilqa/versions.py

    def __init__(self, ocr: Ocr | None = None, cache_dir: Path | None = None) -> None:
        self.ocr = ocr
        self.cache_dir = cache_dir
        logger = logging.getLogger("pypdf")
        if _WARNINGS not in logger.handlers:
            logger.addHandler(_WARNINGS)

    def parse(self, path: Path, name: str) -> ParsedPdf:
        notes: list[str] = []
        with _WARNINGS.collecting() as warnings:
            pages = self._parse(path, name, notes)
        return ParsedPdf(pages, tuple(warnings[:5]), tuple(notes))

    def _parse(self, path: Path, name: str, notes: list[str]) -> list[Page]:
        with path.open("rb") as handle:
            head = handle.read(1024)
        if not head:
            raise NotAPDF(name, "the file is empty (0 bytes); re-download it")
        if b"%PDF-" not in head:
            raise NotAPDF(name, "not a PDF file (no %PDF- header); remove it or convert it to PDF")
        try:
            reader = pypdf.PdfReader(path, strict=False)
            if reader.is_encrypted and not reader.decrypt(""):
                raise EncryptedPDF(name, "encrypted with a password; save an unencrypted copy")
            n_pages = len(reader.pages)
        except (FileNotDecryptedError, DependencyError) as error:
            raise EncryptedPDF(name, f"encrypted and can't be opened ({error})") from error
        except (PdfReadError, ValueError, KeyError, TypeError, OSError) as error:
            raise CorruptPDF(name, f"damaged and can't be read ({error}); re-save or re-download it") from error
        if n_pages == 0:
            raise EmptyPDF(name, "the PDF has no pages")
        texts = [self._page_text(reader, index, name) for index in range(n_pages)]
        scanned = [index for index, text in enumerate(texts) if len(text.strip()) < SCANNED_CHARS]
        read = self._read_scans(path, name, scanned, notes) if scanned and self.ocr is not None else {}
        texts = [read.get(index, text) for index, text in enumerate(texts)]
        if not any(text.strip() for text in texts):
            if self.ocr is None:
                raise NoTextLayer(
                    name, f"no text layer on any of its {n_pages} page(s); it looks scanned and needs OCR ({INSTALL})"
                )
            raise NoTextLayer(name, f"no text layer, and OCR found no readable words on its {n_pages} page(s)")
        declared = list(reader.page_labels) if "/PageLabels" in reader.root_object else None
        labels = printed_labels(texts, declared)
        return [Page(i + 1, label, text, i in read) for i, (label, text) in enumerate(zip(labels, texts, strict=True))]

    def _read_scans(self, path: Path, name: str, indices: list[int], notes: list[str]) -> dict[int, str]:
        """OCR text of each page of `indices` that reads as text, from the cache where it was read before."""
        assert self.ocr is not None
        cache = _OcrCache(self.cache_dir, path, self.ocr.version)
        read, unreadable = {}, []
        for done, index in enumerate(indices, 1):
            text = cache.get(index)
            if text is None:
                started = time.perf_counter()
                try:
                    text = self.ocr.read_page(path, index)
                except OcrFailed as error:  # not cached: tried again at the next ingest
                    log.warning("%s: page %d could not be read by OCR (%s)", name, index + 1, error)
                    text = ""
                else:
                    text = text if _readable(text) else ""
                    cache.put(index, text)
                seconds = time.perf_counter() - started
                log.info("%s: OCR page %d (%d of %d) in %.1f s", name, index + 1, done, len(indices), seconds)
            if text:
                read[index] = text
            else:
                unreadable.append(index + 1)
        if read:
            notes.append(f"{len(read)} scanned page(s) read by OCR: {_spans(sorted(i + 1 for i in read))}")
        if unreadable:
            notes.append(f"OCR found no readable words on page(s) {_spans(unreadable)} (blank, a picture, or noise)")
        return read

    @staticmethod
    def _page_text(reader: pypdf.PdfReader, index: int, name: str) -> str:
        try:
            return reader.pages[index].extract_text() or ""
        except Exception as error:  # pypdf raises many kinds on damaged content streams
            log.warning("%s: page %d text could not be extracted (%s); indexed as empty", name, index + 1, error)
            return ""


def _readable(text: str) -> bool:
    """Whether OCR output is text: five or more words of letters, making up half its tokens or more (a page
    of noise gives scattered marks and fragments)."""
    tokens = text.split()
    words = [token for token in tokens if WORDLIKE.search(token)]
    return len(words) >= 5 and len(words) >= len(tokens) / 2


def _spans(numbers: list[int]) -> str:
    """Page numbers as runs: [1, 2, 3, 5] → "1–3, 5"."""
    runs: list[list[int]] = []
    for number in numbers:
        if runs and number == runs[-1][-1] + 1:
            runs[-1].append(number)
        else:
            runs.append([number])
    return ", ".join(f"{run[0]}–{run[-1]}" if len(run) > 1 else str(run[0]) for run in runs)


class _OcrCache:
    """OCR text by page, in `cache_dir/{sha256 of the file}.json`, written after each page (so a killed
    ingest keeps what was read). A cache of another engine's version is ignored. No cache without a folder."""

    def __init__(self, cache_dir: Path | None, pdf: Path, engine: str) -> None:
        self.path = None if cache_dir is None else cache_dir / f"{hashlib.sha256(pdf.read_bytes()).hexdigest()}.json"
        self.engine = engine
        self.pages: dict[str, str] = {}
        if self.path is not None and self.path.is_file():
            try:
                record = json.loads(self.path.read_text(encoding="utf-8"))
                self.pages = record["pages"] if record.get("engine") == engine else {}
            except (OSError, ValueError, KeyError):
                self.pages = {}

    def get(self, index: int) -> str | None:
        return self.pages.get(str(index))

    def put(self, index: int, text: str) -> None:
        self.pages[str(index)] = text
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            part = self.path.with_suffix(".part")
            part.write_text(json.dumps({"engine": self.engine, "pages": self.pages}), encoding="utf-8")
            part.replace(self.path)
