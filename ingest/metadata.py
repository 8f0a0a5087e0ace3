"""What a document is: its title, council, committee, meeting date and type.

Taken from the file's name (ModernGov names such as "Printed minutes 13th-Feb-2025 09.30 County
Council.pdf"), its folder (a "2025-01-30" folder is a meeting date) and the text of its first pages
("MINUTES of a meeting of the Cabinet held ... on 9 January 2025", "To: Cabinet – 30 January 2025",
"Subject: ..."). Pure: no I/O. A field is None where nothing says it, never a guess.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import unquote

from councilqa.dates import MONTH, iso_day
from councilqa.records import Page

# Part of the index stamp: raise councilqa/versions.py's METADATA when `describe` reads a paper differently.

WEEKDAY = r"(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,?\s+)"
DATE = rf"{WEEKDAY}?(?P<day>\d{{1,2}})\s*(?:st|nd|rd|th)?\s+(?P<month>{MONTH}),?\s+(?P<year>\d{{4}})"
MODERNGOV = re.compile(
    rf"^(?P<kind>.*?)\s*(?P<day>\d{{1,2}})(?:st|nd|rd|th)-(?P<month>{MONTH})-(?P<year>\d{{4}})"
    rf"\s+\d{{1,2}}\.\d{{2}}\s+(?P<committee>.+)$",
    re.IGNORECASE,
)
MINUTES_OF = re.compile(  # "MINUTES of a meeting of the Cabinet held ... on", "Minutes of the Cabinet meeting held on"
    rf"minutes\s+of\s+(?:(?:a|an|the)\s+)?(?:(?P<named>[A-Z][\w'&,-]*(?:\s+[\w'&,-]+){{0,8}}?)\s+)?meeting\s+"
    rf"(?:of\s+(?:the\s+)+(?P<committee>[^.]{{2,100}}?)\s+)?held\b.{{0,300}}?\bon\s+{DATE}",
    re.IGNORECASE | re.DOTALL,
)
REPORT_TO = re.compile(  # "To: Cabinet – 30 January 2025", "Report of the Director ... to Cabinet, 9 April 2026"
    rf"(?:^To:[ \t]*|\breport\b[^.\n]{{0,80}}?\bto[ \t]+(?:the[ \t]+)?)"
    rf"(?P<committee>[A-Z][A-Za-z &'-]{{2,60}}?)[ \t]*(?:[–—,-]|on)?[ \t]*{DATE}",
    re.IGNORECASE | re.MULTILINE,
)
NAMED_DATE = re.compile(rf"(?<!\d)(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<month>{MONTH})\s+(?P<year>\d{{4}})\b", re.I)
COUNCIL_DATED = re.compile(  # a printed minutes' heading: "Milburn Parish Council  -  1st March 2016"
    rf"^[ \t]*(?:[A-Z][\w'’.-]*[ \t]+){{1,6}}Council\b[^\n]{{0,30}}?[-–—,][ \t]*{DATE}", re.MULTILINE
)
SUBJECT = re.compile(r"^Subject:\s*(?P<title>.+)$", re.IGNORECASE | re.MULTILINE)
DATE_FOLDER = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
LETTERHEAD = re.compile(
    r"^[ \t]*((?:[A-Z][A-Za-z]+[ \t]+){1,4}COUNCIL|(?:[A-Z][a-z]+[ \t]+){1,4}Council)[ \t]*$", re.MULTILINE
)
LEADING_COUNCIL = re.compile(  # a heading line that starts with the council's name: "Ayton Community Council   MINUTES"
    r"^[ \t]*((?:[A-Z][a-z]+[ \t]+){1,4}(?:Parish|Town|Community|County|Borough|City|District|Metropolitan)"
    r"[ \t]+Council)\b",
    re.MULTILINE,
)
NAMED_COUNCIL = re.compile(
    r"\b([A-Z][a-z]+(?:[ \t]+(?:and[ \t]+)?[A-Z][a-z]+){0,2}[ \t]+(?:County|Borough|City|District)[ \t]+Council)\b"
)
NOT_A_COUNCIL = {"county", "borough", "city", "district", "town", "parish", "full", "the", "this", "budget", "dear"}
COPY_SUFFIX = re.compile(r"_\d+$")
KINDS = (  # file-name keywords, most specific first
    (re.compile(r"minutes|cofnodion", re.I), "printed minutes"),  # Welsh: "Cofnodion" are minutes
    (re.compile(r"frontsheet|front sheet|^agenda\b|summons", re.I), "agenda frontsheet"),
    (re.compile(r"reports? pack|public pack|supplement", re.I), "reports pack"),
    (re.compile(r"amendment", re.I), "amendment"),
    (re.compile(r"question", re.I), "questions"),
    (re.compile(r"appendix|annex|\beqia\b|\bprod\b|\bdpia\b", re.I), "appendix"),
    (re.compile(r"strategy|intentions|\bplan\b|policy", re.I), "strategy"),
)


@dataclass(frozen=True)
class MeetingHint:
    """Committee and date that a ModernGov-named file gives the other files of its meeting folder."""

    committee: str
    meeting_date: str


@dataclass(frozen=True)
class DocumentInfo:
    title: str
    council: str | None
    committee: str | None
    meeting_date: str | None
    doc_type: str


def match_date(match: re.Match[str]) -> str | None:
    return iso_day(match["day"], match["month"], match["year"])


def minutes_meeting(match: re.Match[str]) -> tuple[str | None, str | None]:
    """Committee and date from a MINUTES_OF match ("of the Cabinet", or "the Cabinet meeting")."""
    name = match["committee"] or match["named"]
    if (
        match["committee"] is None
        and name
        and name.lower() in ("extraordinary", "special", "annual", "previous", "last")
    ):
        name = None
    return (committee_name(name) if name else None), match_date(match)


def committee_name(name: str) -> str:
    name = " ".join(name.split()).strip(" ,-–")
    name = re.sub(r"^(?:the\s+)+", "", name, flags=re.IGNORECASE)
    return name.title() if name.isupper() else name


def meeting_folder(rel_path: str) -> str:
    """The folder a file's meeting is named by: the nearest YYYY-MM-DD folder, else its own folder."""
    parts = PurePosixPath(rel_path).parts[:-1]
    for end in range(len(parts), 0, -1):
        if DATE_FOLDER.match(parts[end - 1]):
            return "/".join(parts[:end])
    return "/".join(parts)


def meeting_hints(rel_paths: Sequence[str]) -> dict[str, MeetingHint]:
    """Meeting folder → committee and date, from the ModernGov-named files in it. `describe` uses a
    hint only for a folder named by a date, so that a folder of mixed papers lends nothing."""
    hints: dict[str, MeetingHint] = {}
    for rel_path in rel_paths:
        parsed = MODERNGOV.match(_stem(rel_path))
        if parsed:
            when = iso_day(parsed["day"], parsed["month"], parsed["year"])
            if when:
                hints.setdefault(meeting_folder(rel_path), MeetingHint(committee_name(parsed["committee"]), when))
    return hints


def _stem(rel_path: str) -> str:
    return COPY_SUFFIX.sub("", unquote(PurePosixPath(rel_path).stem)).strip()


def describe(rel_path: str, pages: Sequence[Page], hint: MeetingHint | None = None) -> DocumentInfo:
    """Metadata of one document from its path (relative to its ingest root) and first pages.

    >>> info = describe("kent/2025-02-13/Printed minutes 13th-Feb-2025 09.30 County Council.pdf", [])
    >>> info.title, info.committee, info.meeting_date, info.doc_type
    ('Printed minutes', 'County Council', '2025-02-13', 'printed minutes')
    """
    stem = _stem(rel_path)
    text = "\n".join(page.text for page in pages[:2])
    parsed = MODERNGOV.match(stem)
    doc_type = _doc_type(stem, text, parsed is not None)
    committee, when = None, None
    minutes = MINUTES_OF.search(pages[0].text[:1500]) if pages else None
    report_to = REPORT_TO.search(pages[0].text) if pages else None
    if parsed:
        committee, when = committee_name(parsed["committee"]), iso_day(parsed["day"], parsed["month"], parsed["year"])
    elif minutes and doc_type != "agenda frontsheet":  # an agenda's "minutes of the meeting held on" are another's
        committee, when = minutes_meeting(minutes)
    elif doc_type in ("printed minutes", "agenda frontsheet") and (dated := _dated(stem, pages)):
        when = match_date(dated)
    elif report_to:
        committee, when = committee_name(report_to["committee"]), match_date(report_to)
    folder = meeting_folder(rel_path)
    folder_date = folder.rsplit("/", 1)[-1] if DATE_FOLDER.match(folder.rsplit("/", 1)[-1]) else None
    when = when or folder_date
    if hint and folder_date and when == hint.meeting_date:  # a sibling in the meeting's folder names it
        committee = committee or hint.committee
    return DocumentInfo(
        title=_title(stem, parsed, text),
        council=_council(text),
        committee=committee,
        meeting_date=when,
        doc_type=doc_type,
    )


def _dated(stem: str, pages: Sequence[Page]) -> re.Match[str] | None:
    """A meeting's day in a minutes' or agenda's file name ("Minutes 1 March 2016.pdf"), else in its
    heading ("Milburn Parish Council - 1st March 2016")."""
    return NAMED_DATE.search(stem) or (COUNCIL_DATED.search(pages[0].text[:1500]) if pages else None)


def _title(stem: str, parsed: re.Match[str] | None, text: str) -> str:
    subject = SUBJECT.search(text)
    if subject:
        return " ".join(subject["title"].split()).rstrip(" ,")
    if parsed and parsed["kind"].strip(" -"):
        return parsed["kind"].strip(" -")
    return stem


def _council(text: str) -> str | None:
    """A letterhead line ("KENT COUNTY COUNCIL") or a "X County/Borough/... Council" near the top."""
    head = "\n".join(text.splitlines()[:12])  # a letterhead or a named council near the top, or nothing
    candidates = [m.group(1) for m in LETTERHEAD.finditer(head)] + LEADING_COUNCIL.findall(head)
    candidates += NAMED_COUNCIL.findall(head)
    for candidate in candidates:
        name = " ".join(word.capitalize() if word.isupper() else word for word in candidate.split())
        if len(name.split()) >= 2 and name.split()[0].lower() not in NOT_A_COUNCIL:
            return name
    return None


def _doc_type(stem: str, text: str, moderngov: bool) -> str:
    for pattern, kind in KINDS:
        if pattern.search(stem):
            return kind
    head = text[:1500]
    if MINUTES_OF.search(head):
        return "printed minutes"
    if re.search(r"^\s*agenda\s*$", head, re.IGNORECASE | re.MULTILINE):
        return "agenda frontsheet"
    return "reports pack" if moderngov else "report"
