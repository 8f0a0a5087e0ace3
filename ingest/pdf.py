"""Read a PDF's pages with pypdf. The parser sits behind a Protocol so another can be swapped in."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import pypdf
from pypdf.errors import DependencyError, FileNotDecryptedError, PdfReadError

from councilqa.ingest.errors import CorruptPDF, EmptyPDF, EncryptedPDF, NotAPDF, NoTextLayer
from councilqa.ingest.labels import printed_labels
from councilqa.records import Page

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ParsedPdf:
    """A file's pages, and what the parser repaired on the way (damaged cross-references and the like)."""

    pages: list[Page]
    warnings: tuple[str, ...] = ()


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
    """Keeps the warnings pypdf logs while it reads one file."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if message not in self.messages:
            self.messages.append(message)


@contextmanager
def _pypdf_warnings() -> Iterator[list[str]]:
    collector = _Collect()
    logger = logging.getLogger("pypdf")
    logger.addHandler(collector)
    propagate, logger.propagate = logger.propagate, False  # reported once, by name, in the ingest summary
    try:
        yield collector.messages
    finally:
        logger.removeHandler(collector)
        logger.propagate = propagate


class PypdfParser:
    """pypdf's text extraction, one `Page` per PDF page, with printed labels detected."""

    version = f"pypdf {pypdf.__version__}, labels v3"

    def parse(self, path: Path, name: str) -> ParsedPdf:
        with _pypdf_warnings() as warnings:
            pages = self._parse(path, name)
        return ParsedPdf(pages, tuple(warnings[:5]))

    def _parse(self, path: Path, name: str) -> list[Page]:
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
        if not any(text.strip() for text in texts):
            raise NoTextLayer(name, f"no text layer on any of its {n_pages} page(s); it looks scanned and needs OCR")
        declared = list(reader.page_labels) if "/PageLabels" in reader.root_object else None
        labels = printed_labels(texts, declared)
        return [Page(i + 1, label, text) for i, (label, text) in enumerate(zip(labels, texts, strict=True))]

    @staticmethod
    def _page_text(reader: pypdf.PdfReader, index: int, name: str) -> str:
        try:
            return reader.pages[index].extract_text() or ""
        except Exception as error:  # pypdf raises many kinds on damaged content streams
            log.warning("%s: page %d text could not be extracted (%s); indexed as empty", name, index + 1, error)
            return ""
