"""Read a PDF's pages with pypdf. The parser sits behind a Protocol so another can be swapped in."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Protocol

import pypdf
from pypdf.errors import DependencyError, FileNotDecryptedError, PdfReadError

from councilqa.ingest.errors import CorruptPDF, EmptyPDF, EncryptedPDF, NotAPDF, NoTextLayer
from councilqa.ingest.labels import printed_labels
from councilqa.records import Page

log = logging.getLogger(__name__)


class PdfParser(Protocol):
    """Anything that turns a PDF file into its pages, raising an `IngestError` when it can't."""

    @property
    def version(self) -> str:
        """Names the parser and its version; part of the index stamp."""
        ...

    def parse(self, path: Path, name: str) -> list[Page]:
        """Pages of the file at `path`; `name` is how errors refer to it."""
        ...


class PypdfParser:
    """pypdf's text extraction, one `Page` per PDF page, with printed labels detected."""

    version = f"pypdf {pypdf.__version__}, labels v1"

    def parse(self, path: Path, name: str) -> list[Page]:
        with path.open("rb") as handle:
            if b"%PDF-" not in handle.read(1024):
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
            raise NoTextLayer(name, f"none of its {n_pages} pages has a text layer; it looks scanned and needs OCR")
        labels = printed_labels(texts)
        return [Page(i + 1, label, text) for i, (label, text) in enumerate(zip(labels, texts, strict=True))]

    @staticmethod
    def _page_text(reader: pypdf.PdfReader, index: int, name: str) -> str:
        try:
            return reader.pages[index].extract_text() or ""
        except Exception as error:  # pypdf raises many kinds on damaged content streams
            log.warning("%s: page %d text could not be extracted (%s); indexed as empty", name, index + 1, error)
            return ""
