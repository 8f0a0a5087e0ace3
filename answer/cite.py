"""The citations of an answer, and what the reader read to choose its quotes: a decision's record (and
the sentence that moved it), then the passages found, each named by document, meeting and date, the
printed page label and the PDF pages, and whether OCR read them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Protocol

from councilqa.answer.read import Scored, Unit
from councilqa.records import Citation, Decision, Document, Hit, MinuteItem, Page, Quote

ITEM_REFERENCE = re.compile(r"^\s*\(Item\s+\d{1,3}[a-z]?\)", re.I)  # under a ModernGov item's heading


class Cited(Protocol):
    """Anything with pages to cite: a `Citation`, a resolution."""

    @property
    def pdf_page(self) -> int: ...
    @property
    def pdf_page_end(self) -> int: ...
    @property
    def printed_page(self) -> str | None: ...


def where(cited: Cited) -> str:
    """Printed page and PDF pages, as users read them: "Page 30 · PDF p.32", "PDF p.4–5"."""
    pages = f"PDF p.{cited.pdf_page}"
    if cited.pdf_page_end != cited.pdf_page:
        pages += f"–{cited.pdf_page_end}"
    return f"{cited.printed_page} · {pages}" if cited.printed_page else pages


@dataclass(frozen=True)
class Units:
    """The reader's scores of the units of `hits` (cited from `first` on) and of the passages beside them,
    and those passages beside that are not among `hits` (`beside`: numbered after `hits`, as the units
    cite them)."""

    scored: list[Scored]
    hits: list[Hit]
    beside: list[Hit]
    first: int

    def passage(self, citation: int) -> Hit:
        """The passage a unit's citation number names."""
        return [*self.hits, *self.beside][citation - self.first]

    def cite(self, quotes: tuple[Quote, ...]) -> tuple[tuple[Citation, ...], tuple[Quote, ...]]:
        """The passages beside those found that `quotes` quote, cited after them in turn, and the quotes
        renumbered to match."""
        after = self.first + len(self.hits)  # the first number a passage beside has
        quoted = sorted({quote.citation for quote in quotes if quote.citation >= after})
        number = {old: after + new for new, old in enumerate(quoted)}
        cited = tuple(citation(number[old], self.passage(old)) for old in quoted)
        return cited, tuple(replace(quote, citation=number.get(quote.citation, quote.citation)) for quote in quotes)


@dataclass(frozen=True)
class Reading:
    """What `read` chose: the citations, best first; the quotes, each with the number of the citation it
    is quoted from; how strongly they answer; the decision cited first; its lead line when it leads; the
    reader's model, when it chose the quotes; how many of the citations, the last, are passages beside
    those found, cited because a quote quotes them."""

    citations: tuple[Citation, ...]
    quotes: tuple[Quote, ...]
    evidence: float | None
    decided: Decided | None = None
    lead: str | None = None
    reader: str | None = None
    beside: int = 0


def verify(reading: Reading) -> Reading:
    """Step 4: only the quotes that stand verbatim in the citation they name (each citation's text was
    checked on its pages when it was found)."""
    quotes = tuple(
        q
        for q in reading.quotes
        if 0 < q.citation <= len(reading.citations) and q.text in reading.citations[q.citation - 1].text
    )
    return replace(reading, quotes=quotes)


@dataclass(frozen=True)
class Decided:
    """The decision an answer cites first, as `retrieve` found it."""

    decision: Decision
    documents: tuple[Document, ...]
    score: float  # how well it matches the question (DECISION_LED, DECISION_CITED)
    similarity: float  # cosine of the question to it: its citation's score
    item: MinuteItem | None  # the item it was decided in
    pages: list[Page]  # the stored pages of the document holding it, read once


def cite(
    hits: list[Hit], decided: Decided | None, k: int, said: Citation | None = None
) -> tuple[tuple[Citation, ...], list[Hit]]:
    """Citations, best first: the decision's record, if one answers, and the sentence that moved it
    where that is pages before, and a sentence of its discussion the answer quotes; then the passages
    (less those within the record), `k` in all; and the passages cited."""
    if decided is None:
        return tuple(citation(rank, hit) for rank, hit in enumerate(hits[:k], 1)), hits[:k]
    first = decision_citations(decided)
    if said is not None:
        first = (*first, replace(said, rank=len(first) + 1))
    hits = [hit for hit in hits if not overlaps(hit, decided)][: max(0, k - len(first))]
    return (*first, *(citation(rank, hit) for rank, hit in enumerate(hits, len(first) + 1))), hits


def in_item(unit: Unit, hit: Hit, decided: Decided) -> bool:
    """Whether a unit read from passage `hit` is of the decision's own item (the item's heading and
    text, where the item is known) and shares a page with its record."""
    d = decided.decision
    if hit.chunk.doc_sha256 != decided.documents[0].sha256:
        return False
    if not (hit.chunk.pdf_page <= d.pdf_page_end and d.pdf_page <= hit.chunk.pdf_page_end):
        return False
    item = decided.item
    said = " ".join(unit.text.split())
    if item is None:
        return True
    if item.title and item.title in said:  # "16.03.7 Tree Management - Fell Lane Mr Joyce has …"
        said = ITEM_REFERENCE.sub("", said.split(item.title, 1)[1]).strip()  # and ModernGov's "(Item 4)"
    return said in " ".join(item.text.split()) or said in " ".join(d.excerpt.split())


def overlaps(hit: Hit, decided: Decided) -> bool:
    """Whether a passage says nothing the decision's record doesn't: it lies within it."""
    return hit.chunk.text in decided.decision.excerpt


def decision_citations(decided: Decided) -> tuple[Citation, ...]:
    """The decision's record as citation 1 (its excerpt and pages, its meeting's committee and date)
    and, when the sentence that moved it is on earlier pages, that sentence as citation 2."""
    d, document = decided.decision, decided.documents[0]
    copies = tuple(other.path for other in decided.documents[1:])
    ocr = read_by_ocr(decided.pages, d.pdf_page, d.pdf_page_end)
    record = cited(1, document, d, d.excerpt, decided.similarity, d.item_title, copies, ocr=ocr)
    record = replace(record, committee=d.committee, meeting_date=d.meeting_date)  # the meeting the minutes record
    if d.moved is None or d.moved_at is None:
        return (record,)
    first, last, label = d.moved_at
    ocr = read_by_ocr(decided.pages, first, last)
    return record, replace(record, rank=2, pdf_page=first, pdf_page_end=last, printed_page=label, text=d.moved, ocr=ocr)


def read_by_ocr(pages: list[Page], first: int, last: int) -> bool:
    """Whether OCR read any of PDF pages `first`..`last` of `pages`."""
    return any(page.ocr for page in pages if first <= page.pdf_page <= last)


def citation(rank: int, hit: Hit) -> Citation:
    """A passage found, cited `rank`th, with the other papers holding it."""
    document, chunk = hit.documents[0], hit.chunk
    copies = tuple(other.path for other in hit.documents[1:])
    copies += tuple(f"{paper.path}#page={passage.pdf_page}" for passage, paper in hit.also)
    return cited(rank, document, chunk, chunk.text, hit.score, chunk.section, copies, ocr=hit.ocr)


def cited(  # noqa: PLR0917 - a citation's fields that are not its paper's
    rank: int,
    document: Document,
    at: Cited,
    text: str,
    score: float,
    section: str | None,
    copies: tuple[str, ...],
    *,
    ocr: bool,
) -> Citation:
    """A citation of `text` on the pages `at` (a passage's, a decision's) of `document`, with its meeting, and
    whether OCR read those pages."""
    return Citation(
        rank=rank,
        doc=document.path,
        pdf_page=at.pdf_page,
        pdf_page_end=at.pdf_page_end,
        printed_page=at.printed_page,
        text=text,
        score=score,
        title=document.title,
        committee=document.committee,
        meeting_date=document.meeting_date,
        section=section,
        copies=copies,
        url=document.url,
        ocr=ocr,
    )
