"""Dates as the papers and questions write them: one table of month names (python-dateutil's, which
knows "Sept" as well as "Sep" and "September") and one way from a day, month and year to a real day.
Used by ingest (meeting dates in titles and headings) and by the app (dates a question names)."""

from __future__ import annotations

import calendar
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
