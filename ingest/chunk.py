"""Split a document's pages into chunks that follow the papers' structure and keep their pages.

Pure: no I/O. Lines are grouped into blocks: an item heading ("38. Riverside Leisure Centre", "17
DECLARATIONS OF INTEREST"), a RESOLVED decision with its lettered parts and bullets, a numbered
paragraph ("11.7", "(3)"), a bullet, or a table row (a line that is mostly figures). Item headings,
RESOLVED decisions and table rows are packed whole (split by sentence only when one alone is too long
for a chunk); other blocks are packed sentence by sentence. Chunks hold at most `max_chunk_tokens`
word pieces, counting the contextual header, and repeat the last sentence (or row) of the chunk
before.

A chunk starts afresh at a new item, or at a new block on a new page, once it holds a third of its
budget, so that items don't run together and most citations name one page. Each chunk records its
section path ("38. Riverside Leisure Centre > RESOLVED") and, when it opens inside a table, the
table's header lines; its embedded header has both, and names any further item the chunk reaches
into ("35. Apologies for Absence + 36. Declarations of Interest"). The text itself is always a
verbatim run of its pages' text with whitespace collapsed, so it can be quoted and checked.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from councilqa.ingest.labels import label_line
from councilqa.records import Chunk, Page
from councilqa.settings import IngestSettings
from councilqa.text import split_sentences

# Part of the index stamp: raise councilqa/versions.py's CHUNKER when the chunks change for the same pages.

TokenCounter = Callable[[str], int]

HEADING = re.compile(r"^(?:(?:Item|Minute)\s+)?\d{1,3}\.?\s+[A-Z][^.;!?]{2,90}$")
RESOLVED = re.compile(r"^(?:RESOLVED|Resolved|AGREED)\b")
NUMBERED = re.compile(r"^\(?\d{1,3}(?:\.\d{1,3})*[.)]?\s")
SUB_ITEM = re.compile(r"^(?:\(?[a-z]{1,4}\)\s|[•●▪◦*–-]\s)")
TABLE_CELL = re.compile(r"^[(£$€-]*\d[\d,.]*%?[)km]*$|^[-–—]$")  # a figure standing alone in a table row
SPECIAL_TOKENS = 2  # [CLS] and [SEP]
NEW_ITEM_SHARE = 1 / 6  # a new item starts a new chunk once the current one holds this share of its budget
NEW_PAGE_SHARE = 1 / 3  # likewise a new block on a new page


@dataclass
class _Block:
    kind: str  # "label", "heading", "resolved", "row" or "text"
    section: str | None
    table_header: str | None = None
    lines: list[tuple[str, Page]] = field(default_factory=list)  # a block may run on over a page break

    @property
    def page(self) -> Page:
        return self.lines[0][1]

    @property
    def text(self) -> str:
        return " ".join(line for line, _ in self.lines)

    def pages_of(self, start: int, end: int) -> tuple[Page, Page]:
        """The first and last page of the characters `start`..`end` of `text`."""
        first = last = self.lines[0][1]
        offset = 0
        for line, page in self.lines:
            if offset <= start:
                first = page
            if offset < end:
                last = page
            offset += len(line) + 1
        return first, last


@dataclass(frozen=True)
class _Unit:
    """A piece of a block that is packed whole: the block itself, or one of its sentences."""

    text: str
    block: _Block
    tokens: int
    opens_block: bool
    first: Page
    last: Page


def count_words(text: str) -> int:
    """A rough token counter for tests; ingest uses the embedding model's tokenizer."""
    return len(text.split())


def is_table_row(line: str) -> bool:
    """A line that is mostly figures: "Transport 164.9 158.2 110.5", "Total £m 334.7 290.0"."""
    words = line.split()
    figures = sum(1 for word in words if TABLE_CELL.match(word))
    return figures >= 2 and figures * 5 >= len(words) * 2


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
    >>> [(c.text, c.section) for c in chunk_pages("ab", "Minutes", pages, IngestSettings())]
    [('1. Welcome The Chair opened the meeting. RESOLVED: That it be noted.', '1. Welcome')]
    """
    units = [unit for block in blocks(pages) for unit in _units(block, context, settings, count_tokens)]
    return _pack(doc_sha256, context, units, settings, count_tokens)


def blocks(pages: Sequence[Page]) -> list[_Block]:
    """The document's lines grouped into structural blocks, in reading order."""
    builder = _Blocks()
    for page in pages:
        label = label_line(page.text, page.label)
        for raw in page.text.splitlines():
            line = " ".join(raw.split())
            if line:
                builder.add(line, page, is_label=line == label)
    return builder.found


class _Blocks:
    """Reads lines in order, tracking the current item and any table being read."""

    def __init__(self) -> None:
        self.found: list[_Block] = []
        self.item: str | None = None
        self.table_header: str | None = None
        self.prose: list[str] = []  # the last two lines that were not table rows

    def add(self, line: str, page: Page, is_label: bool) -> None:
        if is_label:
            self.found.append(_Block("label", self.item, lines=[(line, page)]))
        elif is_table_row(line):
            self.table_header = self.table_header or _table_header(self.prose, line)
            self.found.append(_Block("row", self.item, self.table_header, [(line, page)]))
        else:
            if len(line.split()) > 12:
                self.table_header = None  # prose: any table has ended
            self.prose = [*self.prose[-1:], line]
            self._add_text(line, page)

    def _add_text(self, line: str, page: Page) -> None:
        last = self.found[-1] if self.found else None
        if HEADING.match(line) and len(line.split()) <= 14:
            self.item = line
            self.found.append(_Block("heading", self.item, lines=[(line, page)]))
        elif RESOLVED.match(line):
            section = f"{self.item} > RESOLVED" if self.item else "RESOLVED"
            self.found.append(_Block("resolved", section, lines=[(line, page)]))
        elif last and last.kind == "resolved" and _continues_decision(last, line):
            last.lines.append((line, page))  # a RESOLVED decision keeps its (a), (b) parts and bullets
        elif NUMBERED.match(line) or SUB_ITEM.match(line) or not last or last.kind in ("label", "row", "resolved"):
            self.found.append(_Block("text", self.item, lines=[(line, page)]))
        else:
            last.lines.append((line, page))


def _continues_decision(block: _Block, line: str) -> bool:
    """A line goes on with a RESOLVED decision unless it is a new numbered paragraph, or a new
    sentence after the decision's last sentence ended ("The meeting closed at 8.40 pm.")."""
    if NUMBERED.match(line):
        return False
    if SUB_ITEM.match(line):
        return True
    return not (block.lines[-1][0].endswith(".") and line[:1].isupper())


def _table_header(prose: list[str], first_row: str) -> str | None:
    """The lines above a table that are not sentences, and its first row if that holds no decimals
    (column headings such as "Sector 2019 2024 2030")."""
    lines = [line for line in prose if not line.endswith(".")]
    if not re.search(r"\d[.,]\d", first_row):
        lines.append(first_row)
    return " ".join(lines) or None


def _header(context: str, block: _Block) -> str:
    header = f"{context} > {block.section}" if block.section else context
    return f"{header} | {block.table_header}" if block.kind == "row" and block.table_header else header


def _units(block: _Block, context: str, settings: IngestSettings, count_tokens: TokenCounter) -> list[_Unit]:
    text = block.text
    budget = settings.max_chunk_tokens - SPECIAL_TOKENS - count_tokens(_header(context, block))
    tokens = count_tokens(text)
    if block.kind == "label" or (tokens <= budget and block.kind in ("row", "resolved", "heading")):
        return [_Unit(text, block, tokens, True, *block.pages_of(0, len(text)))]
    units: list[_Unit] = []
    start = 0
    for piece in (piece for sentence in split_sentences(text) for piece in _fit(sentence, budget, count_tokens)):
        start = text.index(piece, start)
        first, last = block.pages_of(start, start + len(piece))
        units.append(_Unit(piece, block, count_tokens(piece), not units, first, last))
        start += len(piece)
    return units


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

    def room(units: list[_Unit]) -> int:
        """Tokens left for text once the header these units would have is counted."""
        body = [u for u in units if u.block.kind != "label"] or units
        return settings.max_chunk_tokens - SPECIAL_TOKENS - count_tokens(_chunk_header(context, body))

    for unit in units:
        used = sum(u.tokens for u in current)
        new_item = (
            current and unit.opens_block and unit.block.kind == "heading" and used >= NEW_ITEM_SHARE * room(current)
        )
        new_page = current and unit.opens_block and unit.first.pdf_page != current[-1].last.pdf_page
        if new_item or (new_page and used >= NEW_PAGE_SHARE * room(current)):
            _emit(chunks, doc_sha256, context, current)
            current = []
        elif current and used + unit.tokens > room([*current, unit]):
            _emit(chunks, doc_sha256, context, current)
            current = current[-settings.overlap_units :] if settings.overlap_units else []
        current.append(unit)
        while len(current) > 1 and sum(u.tokens for u in current) > room(current):
            current = current[1:]  # a header longer than the first unit's may leave no room for overlap
    _emit(chunks, doc_sha256, context, current)
    return chunks


def _chunk_header(context: str, units: list[_Unit]) -> str:
    """The header of the first unit's block, naming any further items the chunk reaches into."""
    header = _header(context, units[0].block)
    sections = [units[0].block.section]
    for unit in units[1:]:
        section = unit.block.section
        if unit.block.kind == "heading" and section not in sections:
            sections.append(section)
            header += f" + {section}"
    return header


def _emit(chunks: list[Chunk], doc_sha256: str, context: str, units: list[_Unit]) -> None:
    """Append a chunk of `units`, less the printed page labels at its ends (interior ones stay,
    so the text remains a verbatim run of the pages)."""
    start, end = 0, len(units)
    while start < end and units[start].block.kind == "label":
        start += 1
    while end > start and units[end - 1].block.kind == "label":
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
            pdf_page=first.first.pdf_page,
            pdf_page_end=last.last.pdf_page,
            printed_page=first.first.label,
            section=first.block.section,
            header=_chunk_header(context, body),
        )
    )
