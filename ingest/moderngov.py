"""Replies of a ModernGov site's web service (`mgWebService.asmx`), read into records. Pure: no I/O.

The plain-GET replies are bare XML; element names are matched without namespaces, so SOAP replies read
the same way, and a reply wrapped in a `<string>` element (XML sent as text) is unwrapped. Parsing goes
through defusedxml: a DOCTYPE is tolerated, entities and external references are refused. What the
service gets wrong is mended here (`../shared/docs/moderngov.md`): titles escaped twice are unescaped
once more, dates come as dd/mm/yyyy (or ISO), booleans as "True"/"False", and an attachment listed twice
is kept once.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from xml.etree.ElementTree import Element

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring

from councilqa.dates import iso_day
from councilqa.errors import CouncilQAError

UK_DATE = re.compile(r"^\s*(\d{1,2})/(\d{1,2})/(\d{4})(?!\d)")
ISO_DATE = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})(?!\d)")


class NotModernGov(CouncilQAError):
    """A reply that is not the web service's XML: the site is not a ModernGov site, or the page is an
    error or login page."""


@dataclass(frozen=True)
class Committee:
    id: int
    title: str
    deleted: bool = False
    expired: bool = False


@dataclass(frozen=True)
class MeetingRef:
    """A meeting as `GetMeetings` lists it. `date` is None where the reply's date could not be read;
    `raw_date` keeps what it said."""

    id: int
    date: date | None
    raw_date: str
    time: str
    status: str


@dataclass(frozen=True)
class LinkedPaper:
    """A paper linked from an agenda item."""

    attachment_id: int
    title: str
    url: str
    restricted: bool
    publication_date: str | None  # ISO day, where the reply gives a readable one
    item_number: str | None
    item_title: str | None


@dataclass(frozen=True)
class MeetingDetail:
    """A meeting as `GetMeeting` gives it, with each paper once, in agenda order."""

    id: int
    date: date | None
    raw_date: str
    time: str
    status: str
    location: str
    papers: tuple[LinkedPaper, ...]


def read_date(text: str) -> date | None:
    """A date from the service: "13/02/2025", "13/02/2025 10:00:00" or "2025-02-13T10:00:00"; None when
    it is none of these or not a real day.

    >>> read_date("13/02/2025 10:00:00"), read_date("2025-02-13T10:00:00"), read_date("31/02/2025")
    (datetime.date(2025, 2, 13), datetime.date(2025, 2, 13), None)
    """
    uk, iso = UK_DATE.match(text), ISO_DATE.match(text)
    found = iso_day(uk[1], uk[2], uk[3]) if uk else iso_day(iso[3], iso[2], iso[1]) if iso else None
    return date.fromisoformat(found) if found else None


def service_date(day: date) -> str:
    """A date as the service's parameters take it: dd/mm/yyyy."""
    return day.strftime("%d/%m/%Y")


def unescape(text: str | None) -> str:
    """A title as people read it: "Roads &amp;amp; Transport" arrives as "Roads &amp; Transport" after
    parsing, so it is unescaped once more; whitespace is collapsed.

    >>> unescape("Roads &amp; Transport  Committee")
    'Roads & Transport Committee'
    """
    return " ".join(html.unescape(text or "").split())


def parse_committees(xml: bytes) -> list[Committee]:
    """`GetCommittees`: every committee the site lists."""
    root = _root(xml, "committees")
    committees = []
    for node in _all(root, "committee"):
        ident = _int(_text(node, "committeeid"))
        if ident is not None:
            title = unescape(_text(node, "committeetitle")) or f"Committee {ident}"
            committees.append(
                Committee(ident, title, _bool(_text(node, "committeedeleted")), _bool(_text(node, "committeeexpired")))
            )
    return committees


def parse_meetings(xml: bytes) -> list[MeetingRef]:
    """`GetMeetings` (or `GetAllMeetingsByDate`): the meetings listed, in the reply's order."""
    root = _root(xml, "getmeetings", "getmeetingsbydate")
    meetings = []
    for node in _all(root, "meeting"):
        ident = _int(_text(node, "meetingid"))
        if ident is not None:
            raw = _text(node, "meetingdate")
            meetings.append(
                MeetingRef(ident, read_date(raw), raw, _text(node, "meetingtime"), _text(node, "meetingstatus"))
            )
    return meetings


def parse_meeting(xml: bytes) -> MeetingDetail:
    """`GetMeeting`: the meeting and the papers linked from its agenda items, each attachment once."""
    root = _root(xml, "meeting")
    meeting = root if _local(root.tag) == "meeting" else next(_all(root, "meeting"))
    papers: dict[int | str, LinkedPaper] = {}
    for item in _all(meeting, "agendaitem"):
        number = unescape(_text(item, "agendaitemnumber")) or None
        title = unescape(_text(item, "agendaitemtitle")) or None
        for doc in _all(item, "linkeddoc"):
            paper = _paper(doc, number, title)
            if paper is not None:
                papers.setdefault(paper.attachment_id, paper)
    unique: dict[str, LinkedPaper] = {}
    for paper in papers.values():  # the same document under two attachment ids: one URL, kept once
        unique.setdefault(paper.url, paper)
    raw = _text(meeting, "meetingdate")
    return MeetingDetail(
        id=_int(_text(meeting, "meetingid")) or 0,  # 0 where the reply leaves it out
        date=read_date(raw),
        raw_date=raw,
        time=_text(meeting, "meetingtime"),
        status=_text(meeting, "meetingstatus"),
        location=unescape(_text(meeting, "meetinglocation")),
        papers=tuple(unique.values()),
    )


def _paper(doc: Element, item_number: str | None, item_title: str | None) -> LinkedPaper | None:
    ident, url = _int(_text(doc, "attachmentid")), html.unescape(_text(doc, "url")).strip()
    if ident is None or not url:
        return None
    published = read_date(_text(doc, "publicationdate"))
    return LinkedPaper(
        attachment_id=ident,
        title=unescape(_text(doc, "title")) or f"Attachment {ident}",
        url=url,
        restricted=_bool(_text(doc, "isrestricted")),
        publication_date=published.isoformat() if published else None,
        item_number=item_number,
        item_title=item_title,
    )


def _root(xml: bytes, *expected: str) -> Element:
    """The reply's root element, unwrapped from `<string>`, or `NotModernGov` saying what came instead."""
    try:
        root = fromstring(xml)
        if _local(root.tag) == "string" and (root.text or "").lstrip().startswith("<"):
            root = fromstring(root.text.strip().encode())
    except (ParseError, DefusedXmlException) as error:
        start = xml[:60].decode("utf-8", "replace").strip()
        looks = "an HTML page" if b"<html" in xml[:2000].lower() else f"not XML ({error})"
        raise NotModernGov(f"the reply is {looks}, starting {start!r}") from error
    if _local(root.tag) not in expected and not any(_local(node.tag) in expected for node in root.iter()):
        looks = "an HTML page" if _local(root.tag) == "html" else f"<{_local(root.tag)}>"
        raise NotModernGov(f"the reply is {looks}, not <{expected[0]}>")
    return root


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1].lower()


def _all(node: Element, name: str) -> Iterator[Element]:
    return (child for child in node.iter() if _local(child.tag) == name)


def _text(node: Element, name: str) -> str:
    """The text of `node`'s first direct child called `name` (any namespace, any case), else ""."""
    for child in node:
        if _local(child.tag) == name:
            return (child.text or "").strip()
    return ""


def _int(text: str) -> int | None:
    return int(text) if text.strip().isdigit() else None


def _bool(text: str) -> bool:
    return text.strip().lower() == "true"
