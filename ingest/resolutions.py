"""RESOLVED decisions as records: the text of each decision, its item, its meeting and its pages.

Pure: no I/O. A decision is a RESOLVED (or AGREED) block found by the chunker's block reader, so it
keeps its lettered parts. Its meeting is the one whose minutes it sits in: the nearest "Minutes of a
meeting of X held on DATE" at or before its page (a reports pack carries the minutes of earlier
meetings), or else None, for the caller to fill from the document's own metadata.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from councilqa.ingest.chunk import blocks
from councilqa.ingest.metadata import MINUTES_OF, minutes_meeting
from councilqa.records import Page

DISCUSSION_CHARS = 4000


@dataclass(frozen=True)
class Resolution:
    """One decision. `text` is verbatim from pages `pdf_page`..`pdf_page_end`, whitespace collapsed."""

    ordinal: int
    item: str | None
    text: str
    discussion: str  # the item's text before the decision, for search; not a quote
    pdf_page: int
    pdf_page_end: int
    printed_page: str | None
    committee: str | None
    meeting_date: str | None


def extract_resolutions(pages: Sequence[Page]) -> list[Resolution]:
    """Every RESOLVED block of a document, in order.

    >>> pages = [Page(1, "7", "Minutes of a meeting of the Cabinet held on 9 January 2025\\n"
    ...                    "5. Budget\\nRESOLVED: That\\n(a) the budget be noted.\\n6. Close")]
    >>> [(r.item, r.text, r.committee, r.meeting_date) for r in extract_resolutions(pages)]
    [('5. Budget', 'RESOLVED: That (a) the budget be noted.', 'Cabinet', '2025-01-09')]
    """
    meetings: dict[int, tuple[str, str | None]] = {}
    current: tuple[str, str | None] | None = None
    for page in pages:
        for match in MINUTES_OF.finditer(page.text):
            committee, when = minutes_meeting(match)
            if committee:  # "the minutes of the meeting held on ..." approved in an item names no meeting
                current = (committee, when)
        if current:
            meetings[page.pdf_page] = current
    found: list[Resolution] = []
    discussion: list[str] = []
    for block in blocks(pages):
        if block.kind == "heading":
            discussion = []
        if block.kind != "resolved":
            if block.kind != "label":
                discussion.append(block.text)
            continue
        first, last = block.lines[0][1], block.lines[-1][1]
        committee, meeting_date = meetings.get(first.pdf_page, (None, None))
        item = block.section.removesuffix(" > RESOLVED") if block.section != "RESOLVED" else None
        found.append(
            Resolution(
                ordinal=len(found),
                item=item,
                text=block.text,
                discussion=" ".join(discussion)[:DISCUSSION_CHARS],
                pdf_page=first.pdf_page,
                pdf_page_end=last.pdf_page,
                printed_page=first.label,
                committee=committee,
                meeting_date=meeting_date,
            )
        )
    return found
