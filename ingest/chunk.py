"""Split a document's pages into chunks that fit the embedding model and keep their pages.

Pure: no I/O. Lines are grouped into blocks at numbered items and paragraphs (``38.``, ``11.7``,
``(a)``), bullets and RESOLVED; blocks are split into sentences; sentences are packed into chunks of
at most `max_chunk_tokens` word pieces, counting the contextual header. A chunk moves on to a new
page with the paragraph it is in, but starts afresh at a new paragraph on a new page once it holds a
third of its budget, so that most citations name one page. Every chunk's text is a
verbatim run of its pages' text with whitespace collapsed, so it can be quoted and checked.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from councilqa.ingest.labels import label_line
from councilqa.records import Chunk, Page
from councilqa.settings import IngestSettings

TokenCounter = Callable[[str], int]

BLOCK_START = re.compile(r"^(?:\(?\d{1,3}(?:\.\d{1,3})*[.)]?\s|\(?[a-z]{1,3}\)\s|[•●▪◦*–-]\s|RESOLVED\b|Resolved\b)")
HEADING = re.compile(r"^(?:(?:Item|Minute)\s+)?\d{1,3}\.?\s+[A-Z][^.;!?]{2,90}$")
NUMBERING = re.compile(r"^\(?\d{1,3}(?:\.\d{1,3})*[.)]?$")
SENTENCE_END = re.compile(r"(?<=[.!?;])\s+(?=[A-Z0-9£\"'(])")
SPECIAL_TOKENS = 2  # [CLS] and [SEP]


@dataclass(frozen=True)
class _Unit:
    text: str
    page: Page
    section: str | None
    tokens: int
    starts_block: bool
    is_label: bool


def count_words(text: str) -> int:
    """A rough token counter for tests; ingest uses the embedding model's tokenizer."""
    return len(text.split())


def chunk_pages(
    doc_sha256: str,
    context: str,
    pages: Sequence[Page],
    settings: IngestSettings,
    count_tokens: TokenCounter = count_words,
) -> list[Chunk]:
    """Chunks of one document, in reading order. `context` (the document's title, committee and
    date) heads each chunk's header, before its section.

    >>> pages = [Page(1, None, "1. Welcome\\nThe Chair opened the meeting. RESOLVED: That it be noted.")]
    >>> [c.text for c in chunk_pages("ab", "Minutes", pages, IngestSettings())]
    ['1. Welcome The Chair opened the meeting. RESOLVED: That it be noted.']
    """
    units: list[_Unit] = []
    section: str | None = None
    for page in pages:
        page_units, section = _page_units(page, context, section, settings.max_chunk_tokens, count_tokens)
        units.extend(page_units)
    return _pack(doc_sha256, context, units, settings, count_tokens)


def _header(context: str, section: str | None) -> str:
    return f"{context} > {section}" if section else context


def _page_units(
    page: Page, context: str, section: str | None, max_tokens: int, count_tokens: TokenCounter
) -> tuple[list[_Unit], str | None]:
    label = label_line(page.text, page.label)
    blocks: list[tuple[list[str], str | None, bool]] = []
    for raw in page.text.splitlines():
        line = " ".join(raw.split())
        if not line:
            continue
        if line == label:
            blocks.append(([line], section, True))
            continue
        if HEADING.match(line) and len(line.split()) <= 14:
            section = line
        if not blocks or blocks[-1][2] or BLOCK_START.match(line):
            blocks.append(([line], section, False))
        else:
            blocks[-1][0].append(line)
    units: list[_Unit] = []
    for lines, block_section, is_label in blocks:
        budget = max_tokens - SPECIAL_TOKENS - count_tokens(_header(context, block_section))
        for index, sentence in enumerate(split_sentences(" ".join(lines))):
            for piece in _fit(sentence, budget, count_tokens):
                units.append(_Unit(piece, page, block_section, count_tokens(piece), index == 0, is_label))
    return units, section


def split_sentences(text: str) -> list[str]:
    """Sentences of a block, keeping a leading item number ("38.") with what follows it.

    >>> split_sentences("38. Leisure Centre. RESOLVED: That it be approved. Cost £8.7 million.")
    ['38. Leisure Centre.', 'RESOLVED: That it be approved.', 'Cost £8.7 million.']
    """
    sentences: list[str] = []
    for part in SENTENCE_END.split(text):
        if sentences and NUMBERING.match(sentences[-1]):
            sentences[-1] = f"{sentences[-1]} {part}"
        else:
            sentences.append(part)
    return sentences


def _fit(text: str, budget: int, count_tokens: TokenCounter) -> list[str]:
    """`text` cut at word boundaries into pieces of at most `budget` tokens."""
    if count_tokens(text) <= budget:
        return [text]
    pieces: list[list[str]] = [[]]
    used = 0
    for word in text.split(" "):
        cost = count_tokens(word)
        if pieces[-1] and used + cost > budget:
            pieces.append([])
            used = 0
        pieces[-1].append(word)
        used += cost
    return [" ".join(words) for words in pieces]


def _pack(
    doc_sha256: str, context: str, units: list[_Unit], settings: IngestSettings, count_tokens: TokenCounter
) -> list[Chunk]:
    chunks: list[Chunk] = []
    current: list[_Unit] = []

    def budget() -> int:
        header = _header(context, current[0].section)
        return settings.max_chunk_tokens - SPECIAL_TOKENS - count_tokens(header)

    for unit in units:
        used = sum(u.tokens for u in current)
        if current and unit.page != current[-1].page and unit.starts_block and used * 3 >= budget():
            _emit(chunks, doc_sha256, context, current)  # a new paragraph on a new page: cite one page
            current = []
        elif current and used + unit.tokens > budget():
            _emit(chunks, doc_sha256, context, current)
            current = current[-settings.overlap_units :] if settings.overlap_units else []
            while current and sum(u.tokens for u in current) + unit.tokens > budget():
                current = current[1:]
        current.append(unit)
    _emit(chunks, doc_sha256, context, current)
    return chunks


def _emit(chunks: list[Chunk], doc_sha256: str, context: str, units: list[_Unit]) -> None:
    """Append a chunk of `units`, less the printed page labels at its ends (interior ones stay,
    so the text remains a verbatim run of the pages)."""
    start, end = 0, len(units)
    while start < end and units[start].is_label:
        start += 1
    while end > start and units[end - 1].is_label:
        end -= 1
    body = units[start:end]
    if not body:
        return
    first, last = body[0], body[-1]
    chunks.append(
        Chunk(
            doc_sha256=doc_sha256,
            ordinal=len(chunks),
            text=" ".join(u.text for u in body),
            pdf_page=first.page.pdf_page,
            pdf_page_end=last.page.pdf_page,
            printed_page=first.page.label,
            section=first.section,
            header=_header(context, first.section),
        )
    )
