"""Read one paper: its pages (pypdf, and OCR for scanned pages), what it is (its meeting's sidecar first,
else its name, folder and first pages), its chunks, its minutes' decisions, and whether it is restricted.
Everything a path goes through before the index stores it (`index/build.py`)."""

from __future__ import annotations

import logging
from dataclasses import replace

from councilqa.ingest.chunk import TokenCounter, chunk_pages
from councilqa.ingest.discover import SourceFile
from councilqa.ingest.exempt import exemption
from councilqa.ingest.metadata import MeetingHint, describe
from councilqa.ingest.minutes import read_minutes
from councilqa.ingest.ocr import available_ocr
from councilqa.ingest.pdf import PdfParser, PypdfParser
from councilqa.ingest.sidecar import MeetingSidecar
from councilqa.records import Document, Minutes, Page, Paper
from councilqa.settings import IngestSettings, Settings

log = logging.getLogger(__name__)


def read_paper(  # noqa: PLR0917 - a paper, how to read it, and what its folder says of it
    source: SourceFile,
    sha256: str,
    parser: PdfParser,
    hint: MeetingHint | None,
    sidecar: MeetingSidecar | None,
    settings: IngestSettings,
    count_tokens: TokenCounter,
) -> Paper:
    """Parse, describe, chunk, read the minutes of and find the restriction of the file at `source` (its
    content's hash `sha256`); an `IngestError` where it can't be read."""
    parsed = parser.parse(source.path, source.rel)
    document = describe_paper(source, sha256, parsed.pages, hint, sidecar)
    return Paper(
        document,
        parsed.pages,
        chunk_pages(sha256, document.context, parsed.pages, settings, count_tokens),
        minutes_of(document, parsed.pages),
        restriction(source, sidecar, parsed.pages),
        parsed.warnings,
        parsed.ocr_notes,
    )


def default_parser(settings: Settings) -> PypdfParser:
    """pypdf, with Tesseract reading scanned pages where `ingest.ocr` is on and it is installed (its pages
    cached under the data directory's `ocr/`)."""
    ocr = available_ocr(settings.ingest.ocr_seconds_per_page) if settings.ingest.ocr else None
    return PypdfParser(ocr, settings.data.ocr)


def describe_paper(
    source: SourceFile, sha256: str, pages: list[Page], hint: MeetingHint | None, sidecar: MeetingSidecar | None
) -> Document:
    """What the document is: from its meeting's sidecar where the site said (committee, date, council, the
    meeting's page), else from its name, folder and first pages."""
    info = describe(source.rel, pages, hint)
    document = Document(
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
    if sidecar is None or sidecar.paper(source.path.name) is None:
        return document
    council, committee, day, url = sidecar.council or info.council, sidecar.committee, sidecar.date, sidecar.url
    return replace(document, council=council, committee=committee, meeting_date=day, url=url)


def restriction(source: SourceFile, sidecar: MeetingSidecar | None, pages: list[Page]) -> tuple[str, str] | None:
    """(source, why) when the paper is restricted: its site flags it, or its first pages mark it exempt."""
    paper = sidecar.paper(source.path.name) if sidecar else None
    if paper is not None and paper.restricted:
        return "site", "its ModernGov site lists it as restricted (exempt)"
    marked = exemption(pages)
    return ("marking", f"marked exempt, {marked}") if marked else None


def minutes_of(document: Document, pages: list[Page]) -> Minutes | None:
    """The meetings, items and decisions the document minutes. A paper the minutes reader can't read
    is still indexed, without them, and the reason is logged."""
    own = (document.committee, document.meeting_date) if document.doc_type == "printed minutes" else None
    try:
        return read_minutes(pages, own)
    except Exception:  # a form of minutes not seen before: keep the paper's passages, log the bug
        log.exception("minutes of %s could not be read; indexed without its decisions", document.path)
        return None
