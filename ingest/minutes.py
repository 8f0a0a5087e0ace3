"""Minutes as records: the items of each meeting they record, and each item's decisions.

Pure: no I/O. Minutes start where a page says so ("MINUTES of a meeting of the County Council held
... on 13 February 2025"; a reports pack carries the minutes of earlier meetings, and each belongs to
its own meeting) or, for printed minutes that don't say, at the first page, with the meeting the
caller gives. They end at "The meeting closed/concluded ...", at an "Agenda Item N" sheet, or where
the next minutes start.

Items are numbered headings: "290.   Section 25 Report" over "(Item 5)" (ModernGov), "7 CENTRAL
AND EASTERN CHESHIRE PRIMARY CARE TRUST", "38. Riverside Leisure Centre Refurbishment", a parish
council's minute reference "16.03.7 Tree Management - Fell Lane". Item numbers rise through a meeting,
so a numbered paragraph ("1. Mr Gough proposed ...") is not taken for one.

Each item's decisions are read by `motions.py`, in the forms these papers use (`forms.py`).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence

from councilqa.ingest.forms import (
    END,
    ITEM,
    ITEM_REF,
    upper_case,
)
from councilqa.ingest.metadata import MINUTES_OF, minutes_meeting
from councilqa.ingest.motions import MinutesText, item_decisions
from councilqa.records import Decision, MinuteItem, Minutes, Page

PERSON = r"(?:Mr|Mrs|Ms|Miss|Dr|Sir|Dame|Lord|Councillor|Cllr)\b"
NOT_A_TITLE = re.compile(rf"^(?:{PERSON}|RESOLVED\b|Resolved\b|AGREED\b)")  # a numbered paragraph, not an item
NOT_A_PLAIN_TITLE = re.compile(
    r"^(?:The|It|This|That|These|There|Members?|Following|Further|Agreed?|Notes?|To|In|As|He|She|They)\b"
)

_Span = tuple[str | None, str | None, int, int]  # an item's number, title, first line and the line after its last


def read_minutes(pages: Sequence[Page], meeting: tuple[str | None, str | None] | None = None) -> Minutes:
    """The items and decisions of every meeting minuted in `pages`. `meeting` (committee, date) is
    the document's own, for printed minutes: it applies from the first page until minutes that name
    another meeting start.

    >>> pages = [Page(1, None, "Minutes of a meeting of the Cabinet held on 9 January 2025\\n"
    ...                    "5. Budget Update\\nCllr A Smith proposed an amendment to cut fees. The amendment was "
    ...                    "put to the vote and was lost: For (2), Against (5).\\nRESOLVED: That the budget be noted.")]
    >>> [(d.kind, d.outcome, d.item_title, d.meeting_date) for d in read_minutes(pages).decisions]
    [('amendment', 'lost', '5. Budget Update', '2025-01-09'), ('resolution', 'noted', '5. Budget Update', '2025-01-09')]
    """
    text = MinutesText(pages)
    items: list[MinuteItem] = []
    decisions: list[Decision] = []
    for committee, when, first, last in _meetings(text, meeting):
        for span in _items(text, first, last):
            item = _item(text, len(items), span, (committee, when))
            items.append(item)
            decisions += item_decisions(text, item, span[2], span[3], len(decisions))
    return Minutes(items, decisions)


def _meetings(
    text: MinutesText, meeting: tuple[str | None, str | None] | None
) -> list[tuple[str | None, str | None, int, int]]:
    """(committee, date, first line, line after the last) of each minuted meeting."""
    starts: list[tuple[int, str | None, str | None]] = [(0, *meeting)] if meeting else []
    for match in MINUTES_OF.finditer(text.text):
        committee, when = minutes_meeting(match)
        heading = match.group(0)[0] == "M" and (match.start() == 0 or text.text[match.start() - 1] == "\n")
        if committee and heading:  # not "To receive the minutes of the meeting of ... held on" in an agenda
            line = bisect.bisect_right(text.starts, match.start()) - 1
            if line <= 2 and meeting and meeting[0] and when == meeting[1]:
                committee = meeting[0]  # the document's own meeting, by the name its publisher gives it
            starts = [s for s in starts if s[0] != 0 or line > 2] + [(line, committee, when)]
    found = []
    for n, (line, committee, when) in enumerate(sorted(starts)):
        stop = starts[n + 1][0] if n + 1 < len(starts) else len(text.lines)
        end = next((i for i in range(line + 1, stop) if END.match(text.lines[i])), stop)
        found.append((committee, when, line, end))
    return found


def _items(text: MinutesText, first: int, last: int) -> list[_Span]:
    """(number, title, first line, line after the last) of each item; lines before the first
    numbered item form an untitled one."""
    headings: list[tuple[int, int, str, str]] = []  # (line, body line, number, title)
    previous: tuple[int, ...] = ()
    seen: set[tuple[int, ...]] = set()
    for i in range(first, last):
        found = ITEM.match(text.lines[i])
        if not found or not _next(_order(found["number"]), previous, seen):
            continue
        title, body = _title(text, i, last, found["title"])
        if title is not None:
            headings.append((i, body, found["number"], title))
            previous = _order(found["number"])
            seen.add(previous)
    spans: list[_Span] = []
    if not headings or headings[0][0] > first + 1:
        spans.append((None, None, first, headings[0][0] if headings else last))
    for n, (_, body, number, title) in enumerate(headings):
        stop = headings[n + 1][0] if n + 1 < len(headings) else last
        spans.append((number, title, body, stop))
    return [span for span in spans if span[2] < span[3]]


def _order(number: str) -> tuple[int, ...]:
    """An item number as it sorts: "7" → (7,), "16.03.7" → (16, 3, 7)."""
    return tuple(int(part) for part in number.split("."))


def _next(number: tuple[int, ...], previous: tuple[int, ...], seen: set[tuple[int, ...]]) -> bool:
    """Whether an item numbered `number` may follow one numbered `previous`: a higher number; or a
    minute reference ("19.05.01") of the same meeting's series not used yet, which minutes sometimes
    print out of order."""
    if number > previous:
        return True
    return len(number) == len(previous) == 3 and number[:2] == previous[:2] and number not in seen


def _title(text: MinutesText, line: int, last: int, title: str) -> tuple[str | None, int]:
    """The item title starting on `line` and the first line after it, or None if it isn't one."""
    if NOT_A_TITLE.match(title):
        return None, line + 1
    ahead = text.lines[line + 1 : min(line + 4, last)]
    ref = next((n for n, following in enumerate(ahead) if ITEM_REF.match(following)), None)
    if ref is not None and not any(
        ITEM.match(following) for following in ahead[:ref]
    ):  # ModernGov: the title runs on to the "(Item N)" line
        return " ".join([title, *ahead[:ref]]), line + ref + 2
    if upper_case(title):
        body = line + 1
        while body < last and upper_case(text.lines[body]) and not ITEM.match(text.lines[body]):
            title = f"{title} {text.lines[body]}"
            body += 1
        return title, body
    words = title.split()
    if len(words) <= 12 and not NOT_A_PLAIN_TITLE.match(title) and title[-1] not in ".:;," and title[0].isupper():
        return title, line + 1
    return None, line + 1


def _item(text: MinutesText, ordinal: int, span: _Span, meeting: tuple[str | None, str | None]) -> MinuteItem:
    number, title, start, end = span
    begin, stop = text.starts[start], text.starts[end - 1] + len(text.lines[end - 1])
    first, last = text.line_pages[start], text.line_pages[end - 1]
    return MinuteItem(
        ordinal, number, title, text.span(begin, stop), first.pdf_page, last.pdf_page, first.label, *meeting
    )
