"""Dates as the papers and questions write them: one table of month names (python-dateutil's, which
knows "Sept" as well as "Sep" and "September"), one way from a day, month and year to a real day, and
the ways a page prints a day (`long_date`, `printed_date`, `printed_mentions`). Used by ingest (meeting
dates in titles and headings), by the index (a meeting as text to search) and by answering (dates a
question names, and a decision's meeting checked on its page)."""

from __future__ import annotations

import calendar
import re
from datetime import date

from dateutil.parser import parserinfo

_MONTHS = parserinfo()
MONTH_NAMES = tuple(name for names in parserinfo.MONTHS for name in names)  # "Jan", "January", … "Sept" …
MONTH = "(?:" + "|".join(sorted(MONTH_NAMES, key=len, reverse=True)) + ")"  # a regex of them, longest first


def month_number(name: str) -> int | None:
    """1 to 12 for a month's name or abbreviation in any case, with or without a full stop; else None.

    >>> month_number("Sept."), month_number("february"), month_number("Mon")
    (9, 2, None)
    """
    number = _MONTHS.month(name.strip().rstrip("."))
    return int(number) if number is not None else None


def iso_day(day: int | str, month: int | str, year: int | str) -> str | None:
    """The ISO day of `day`, `month` (a number, or a name as `month_number` reads it) and `year`; None when
    that is no real day.

    >>> iso_day("13", "Sept", "2010"), iso_day(31, 2, 2025), iso_day(1, "Foo", 2025)
    ('2010-09-13', None, None)
    """
    number = int(month) if str(month).isdigit() else month_number(str(month))
    try:
        return date(int(year), number, int(day)).isoformat() if number else None
    except ValueError:
        return None


def month_span(year: int, month: int) -> tuple[str, str]:
    """The first and last ISO day of a month.

    >>> month_span(2024, 2)
    ('2024-02-01', '2024-02-29')
    """
    return date(year, month, 1).isoformat(), date(year, month, calendar.monthrange(year, month)[1]).isoformat()


def long_date(iso: str) -> str:
    """A date as papers and people write it.

    >>> long_date("2025-02-13")
    '13 February 2025'
    """
    day = date.fromisoformat(iso)
    return f"{day.day} {calendar.month_name[day.month]} {day.year}"


def printed_date(iso: str) -> re.Pattern[str]:
    """How a page may print a date: "13 February 2025", "13th February, 2025", "Thursday, 13 Feb 2025".

    >>> bool(printed_date("2009-11-18").search("held on Wednesday, 18th November, 2009 at"))
    True
    >>> bool(printed_date("2025-09-11").search("held on Thursday, 11 Sept 2025"))  # as ingest reads "Sept"
    True
    >>> bool(printed_date("2019-09-03").search("Newbiggin Parish Council - 3 rd September 2019"))
    True
    """
    day = date.fromisoformat(iso)
    month = "|".join(sorted((name for name in MONTH_NAMES if month_number(name) == day.month), key=len, reverse=True))
    return re.compile(rf"\b{day.day}\s*(?:st|nd|rd|th)?\s+(?:{month})\.?,?\s+{day.year}\b", re.IGNORECASE)


def printed_mentions(first: str, last: str) -> tuple[str, ...]:
    """How papers print the day or month from `first` to `last`: "13 January 2010", "13th January
    2010"; "January 2010" (which a day of that month also holds)."""
    start = date.fromisoformat(first)
    month = f"{calendar.month_name[start.month]} {start.year}"
    if first != last:
        return (month,)
    suffix = "th" if 11 <= start.day <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(start.day % 10, "th")
    return (long_date(first), f"{start.day}{suffix} {month}")
