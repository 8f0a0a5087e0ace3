"""Filters a question states itself: "at the 13 January 2010 meeting", "cabinet last January",
"the February 2025 council meeting".

A date counts only where the question ties it to a meeting (a meeting word next to it, or a
committee named just before it), so "the 2020 target" or "the May 2025 elections" filter nothing.
A committee counts only together with such a date: named alone ("what did scrutiny resolve…") it
is left to the search, where titles and headers carry committee names anyway.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from councilqa.dates import MONTH, iso_day, month_number, month_span, printed_mentions
from councilqa.records import SearchFilter

_MONTH = rf"(?P<month>{MONTH})\.?"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
DATES = [
    re.compile(rf"\b{_DAY} (?:of )?{_MONTH},? {_YEAR}\b", re.I),  # 13 January 2010
    re.compile(rf"\b{_MONTH} {_DAY},? {_YEAR}\b", re.I),  # January 13, 2010
    re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<month>[01]\d)-(?P<day>[0-3]\d)\b"),  # 2010-01-13
    re.compile(r"\b(?P<day>[0-3]?\d)/(?P<month>[01]?\d)/(?P<year>(?:19|20)\d\d)\b"),  # 13/01/2010
    re.compile(rf"\b{_MONTH},? {_YEAR}\b", re.I),  # January 2010
    re.compile(rf"\b(?P<relative>last|this) {_MONTH}\b", re.I),  # last January
]
MEETING_WORDS = r"meeting|minutes|agenda|session"
NAME_WORDS = frozenset("the and of for committee council councils".split())  # in most committees' names
# words naming a kind of meeting; "committee" is left out, as every committee's name has it
COMMITTEE_WORDS = r"cabinet|council|scrutiny|board|panel|forum|executive"
# a meeting word after the date ("the 13 January 2010 meeting", "February 2025 council meeting") …
AFTER = re.compile(rf"^(?:\s+[\w&'-]+){{0,4}}?\s+(?:{MEETING_WORDS})\b", re.I)
# … or a meeting or committee word a few words before it ("meeting on 13 January", "cabinet agree last January")
BEFORE = re.compile(
    rf"\b(?:(?:{MEETING_WORDS})s?|{COMMITTEE_WORDS})(?:'s)?(?:\s+[\w'-]+){{0,3}}?"
    rf"(?:\s+(?:held|of|on|in|at|from|dated))?\s+(?:the\s+)?$",
    re.I,
)


@dataclass(frozen=True)
class StatedFilter:
    """A filter read from the question, and the words it was read from."""

    filters: SearchFilter
    phrase: str
    about_minutes: bool = False  # "the September 2009 minutes": minutes approved at a later meeting


def stated_filter(question: str, committees: Sequence[str], today: date) -> StatedFilter | None:
    """The meeting a question names, as a filter on meeting dates (and committee, when one of the
    indexed `committees` is named with the date); None when it names none.

    >>> stated_filter("What did cabinet decide at its meeting on 30 January 2025?", ["Cabinet"], date(2026, 1, 1))
    StatedFilter(filters=SearchFilter(committee='cabinet', date_from='2025-01-30', date_to='2025-01-30', \
doc_type=None, doc=None, mentions=('30 January 2025', '30th January 2025'), include_restricted=False, \
councils=(), council_mentions=()), phrase='30 January 2025', about_minutes=False)
    >>> stated_filter("Were the September 2009 minutes approved?", [], date(2026, 1, 1)).about_minutes
    True
    >>> stated_filter("What is the 2020 target for repeat referrals?", ["Cabinet"], date(2026, 1, 1)) is None
    True
    """
    for pattern in DATES:
        for found in pattern.finditer(question):
            after, before = AFTER.match(question[found.end() :]), BEFORE.search(question[: found.start()])
            if not (after or before):
                continue
            period = _period(found, today)
            if period is None:
                continue
            first, last = period
            stated = SearchFilter(
                named_committee(question, committees), first, last, mentions=printed_mentions(first, last)
            )
            tied = f"{after.group(0) if after else ''} {before.group(0) if before else ''}"
            return StatedFilter(stated, found.group(0), bool(re.search(r"\bminutes\b", tied, re.I)))
    return None


def _period(found: re.Match[str], today: date) -> tuple[str, str] | None:
    """First and last day (ISO) of the date or month matched, or None when it is not a real date."""
    parts = found.groupdict()
    month = month_number(parts["month"]) or int(parts["month"])
    if parts.get("relative"):
        year = today.year if parts["relative"].lower() == "this" or month < today.month else today.year - 1
    else:
        year = int(parts["year"])
    if parts.get("day"):
        day = iso_day(parts["day"], month, year)
        return (day, day) if day else None
    return month_span(year, month) if 1 <= month <= 12 else None


def named_committee(question: str, committees: Sequence[str]) -> str | None:
    """The indexed committee the question names, lower-cased: the longest name it holds whole; else
    the one sharing most of its words with the question, two at least ("health scrutiny committee"
    names the Health and Adult Social Care Scrutiny Committee); else the one committee word it shares
    with indexed names ("cabinet"). None when there is none or it is ambiguous.

    >>> named_committee("what did health scrutiny decide", ["Health and Adult Social Care Scrutiny Committee",
    ...                 "Cheshire and Wirral Councils' Joint Scrutiny Committee"])
    'health and adult social care scrutiny committee'
    """
    lowered = question.lower()
    named = [c for c in committees if c.lower() in lowered]
    if named:
        return max(named, key=len).lower()
    asked = set(re.findall(r"[a-z]+", lowered)) - NAME_WORDS
    shared = sorted(((len(asked & set(re.findall(r"[a-z]+", c.lower()))), c) for c in committees), reverse=True)
    if shared and shared[0][0] >= 2 and (len(shared) == 1 or shared[1][0] < shared[0][0]):
        return shared[0][1].lower()
    words = {w.lower() for w in re.findall(rf"\b(?:{COMMITTEE_WORDS})\b", question, re.I)}
    held = [w for w in words if any(re.search(rf"\b{w}\b", c, re.I) for c in committees)]
    return held[0] if len(held) == 1 else None


# words that say what kind of council a name is, not which: "Milburn Parish Council" is Milburn's
COUNCIL_KINDS = r"community|parish|town|county|city|district|borough|metropolitan|royal|london"
COUNCIL_WORD = re.compile(rf"\b(?:(?:{COUNCIL_KINDS}|the|of)\s+)*council\b", re.I)
AS_COUNCIL = rf"(?:['’]s)?\s+(?:(?:{COUNCIL_KINDS})\s+)*(?:council(?:s|lors?)?|cc|pc|tc|parish)\b"


def named_councils_held(question: str, councils: Sequence[str]) -> SearchFilter:
    """A filter to the indexed `councils` the question names, and what a page of another council's paper
    must hold to pass it (see `SearchFilter.councils`); an empty filter when it names none.

    Named as a council (its name whole, or the words that say which council it is followed by a council
    word: "milburn parish", "ayton cc", "trafford councillors", "salem community council" for Manordeilo
    and Salem Community Council), another council's page must name the council: "Newbiggin Mill" in
    Milburn's minutes says nothing of Newbiggin Parish Council. Named as a place ("how many councillors
    does trafford have"), it must name the place: another council's paper may be about its roads.

    >>> named_councils_held("trafford councillors mileage rate", ["Trafford Metropolitan Borough Council", "Kent"])
    SearchFilter(..., councils=('Trafford Metropolitan Borough Council',), \
council_mentions=('Trafford Metropolitan Borough Council',))
    >>> named_councils_held("dying tree up fell lane milburn", ["Milburn Parish Council"]).council_mentions
    ('milburn',)
    """
    lowered = " ".join(question.lower().split())
    named, mentions = [], []
    for council in councils:
        which = COUNCIL_WORD.sub(" ", council.lower()).split()
        parts = " ".join(which).split(" and ") if which else []
        phrases = [" ".join(which), *parts] if len(parts) > 1 else [" ".join(which)]
        if re.search(rf"\b{re.escape(council.lower())}\b", lowered) or any(
            phrase and re.search(rf"\b{re.escape(phrase)}{AS_COUNCIL}", lowered) for phrase in phrases
        ):
            named.append(council)
            mentions.append(council)
            continue
        places = [phrase for phrase in phrases if len(phrase) > 2 and re.search(rf"\b{re.escape(phrase)}\b", lowered)]
        if places:
            named.append(council)
            mentions += places
    return SearchFilter(councils=tuple(named), council_mentions=tuple(dict.fromkeys(mentions)))
