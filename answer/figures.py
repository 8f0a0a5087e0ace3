"""Figures as a sentence and a page write them, normalised so that they compare: sums, percentages,
rates, counts (in digits or words), dates (with or without a year), years and financial years, votes.

Used by `claims` to check a language model's sentence against the excerpts it cites.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from councilqa.dates import MONTH, iso_day, month_number

UNITS = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
UNITS += "seventeen eighteen nineteen"
TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
NUMBER_WORDS = {word: number for number, word in enumerate(UNITS.split())} | TENS
SCALE = {"k": 1e3, "thousand": 1e3, "m": 1e6, "million": 1e6, "bn": 1e9, "billion": 1e9}
RATES = {"annum": "year", "annually": "year", "yearly": "year", "monthly": "month", "weekly": "week", "daily": "day"}
RATE = r"(?:\s?(?:per|a|an|each)\s(?P<rate>hour|day|night|week|month|year|annum|head|person|household)\b|\s(?P<adverb>annually|yearly|monthly|weekly|daily)\b)"  # noqa: E501
DAY_MONTH_YEAR = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({MONTH})\.?,?\s+(\d{{4}})\b", re.I)
MONTH_DAY_YEAR = re.compile(rf"\b({MONTH})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b", re.I)
DAY_MONTH = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({MONTH})\b", re.I)  # "3 March": no year
MONTH_DAY = re.compile(rf"\b({MONTH})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?!\s*,?\s*\d)", re.I)
NUMERIC_DATE = re.compile(r"\b(\d{1,2})[/.](\d{1,2})[/.](\d{4}|\d{2})\b")
ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
AMOUNT = re.compile(
    r"(?P<sign>[£$€])?\s?(?P<number>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    rf"(?:\s?(?P<scale>k|m|bn|thousand|million|billion)\b)?(?P<percent>\s?(?:%|per\s?cent\b))?(?P<pounds>\s+pounds?\b)?{RATE}?",
    re.I,
)
SPELLED = re.compile(  # "seven", "thirty thousand pounds", "a million", "two hundred and fifty"
    rf"\b(?:(?:a|one)\s+(?=(?:hundred|thousand|million|billion)\b))?(?:(?:{'|'.join(NUMBER_WORDS)}|hundred|thousand|"
    r"million|billion)(?:[\s-]+(?:and\s+)?(?=\w))?)+(?P<pounds>\s*pounds?\b)?",
    re.I,
)
VAGUE = re.compile(r"\b(?:dozens|hundreds|thousands|millions|billions)\b", re.I)  # a quantity no figure gives
CODE = re.compile(r"\b[A-Z]{1,4}\d{1,5}[A-Z]?\b")  # "S106", "A28", "H4", "M25": a road, a policy, an agreement
FINANCIAL_YEAR = re.compile(r"(?<![\d£$€,.])((?:19|20)\d\d)\s?[-/–]\s?((?:19|20)?\d\d)(?![\d,%]|\.\d)")
PLAIN_YEAR = re.compile(r"(?<![\d£$€,.])((?:19|20)\d\d)(?![\d,%]|\.\d)")
# A vote as an ordered pair (for, against): "7 votes to 2", "by 7 to 2", "7 for and 2 against", "7-2 vote",
# "For: 7 … Against: 2", "For (7) … Against (2)".
VOTES = (
    re.compile(r"\b(\d{1,3})\s+votes?\s+to\s+(\d{1,3})\b", re.I),
    re.compile(r"\bby\s+(\d{1,3})\s+(?:votes?\s+)?to\s+(\d{1,3})\b", re.I),
    re.compile(
        r"\b(\d{1,3})\s+(?:votes?\s+)?(?:in favour|for)\b[,;]?\s+(?:and\s+|with\s+)?(\d{1,3})\s+against\b", re.I
    ),
    re.compile(r"\b(\d{1,3})\s?[-–]\s?(\d{1,3})\s+(?:vote|majority)\b", re.I),
    re.compile(r"\b(?:for|in favour)\b\W{0,3}(\d{1,3})\W{0,3}[^0-9]{0,60}?\bagainst\b\W{0,3}(\d{1,3})", re.I),
)


@dataclass(frozen=True)
class Figure:
    """A figure as written and as compared: a date (its day's ordinal), a day of a month with no year
    (`daymonth`: month × 100 + day), an amount with its unit ("£", "%", "£/week"), or a count."""

    written: str
    value: tuple[str, float]
    start: int

    @property
    def year(self) -> int | None:
        """The year it is, or is of: a date's, or a count that is a year ("in 2025")."""
        unit, number = self.value
        if unit == "date":
            return date.fromordinal(int(number)).year
        return int(number) if unit == "" and number.is_integer() and 1900 <= number <= 2100 else None

    @property
    def also(self) -> tuple[str, float] | None:
        """What a date is too, compared with a date written without its year: its day of the month."""
        if self.value[0] != "date":
            return None
        day = date.fromordinal(int(self.value[1]))
        return ("daymonth", float(day.month * 100 + day.day))


def figures(text: str) -> list[Figure]:
    """The figures of `text`, normalised.

    >>> [(f.value[0], f.year or f.value[1]) for f in figures("£1.2m on 6 March 2025, 12% and seven votes")]
    [('£', 1200000.0), ('date', 2025), ('%', 12.0), ('', 7.0)]
    >>> figures("6 March 2025")[0].value == figures("06/03/2025")[0].value
    True
    >>> [f.value for f in figures("£1,200,000 or £1.2 million; thirty thousand pounds; £4 a week; 3 March")]
    [('£', 1200000.0), ('£', 1200000.0), ('£', 30000.0), ('£/week', 4.0), ('daymonth', 303.0)]
    """
    found = _Found()
    _dates(text, found)
    _amounts(text, found)
    return sorted(found.figures, key=lambda figure: figure.start)


class _Found:
    """The figures of a text so far, and the spans they take (a date's day is not a count too)."""

    def __init__(self) -> None:
        self.figures: list[Figure] = []
        self.taken: list[tuple[int, int]] = []

    def add(self, match: re.Match[str], value: tuple[str, float]) -> None:
        self.figures.append(Figure(match.group().strip(), value, match.start()))
        self.taken.append(match.span())

    def free(self, span: tuple[int, int]) -> bool:
        return not any(start <= span[0] < end or span[0] <= start < span[1] for start, end in self.taken)


def _dates(text: str, found: _Found) -> None:
    for pattern, read in ((DAY_MONTH_YEAR, _day_month_year), (MONTH_DAY_YEAR, _month_day_year), (ISO_DATE, _iso)):
        for match in pattern.finditer(text):
            if (day := read(match)) is not None:
                found.add(match, ("date", float(day.toordinal())))
    for match in NUMERIC_DATE.finditer(text):
        if (day := _numeric_date(match)) is not None and found.free(match.span()):
            found.add(match, ("date", float(day.toordinal())))
    for pattern, (day_at, month_at) in ((DAY_MONTH, (1, 2)), (MONTH_DAY, (2, 1))):
        for match in pattern.finditer(text):
            if found.free(match.span()) and 1 <= int(match[day_at]) <= 31:
                month = month_number(match[month_at]) or 0
                found.add(match, ("daymonth", float(month * 100 + int(match[day_at]))))


def _amounts(text: str, found: _Found) -> None:
    for match in AMOUNT.finditer(text):
        if not found.free(match.span("number")) or _in_word(text, match.start("number")):
            continue
        number = float(match["number"].replace(",", "")) * SCALE.get((match["scale"] or "").lower(), 1.0)
        unit = "%" if match["percent"] else ("£" if match["pounds"] else match["sign"] or "")
        rate = RATES.get((match["adverb"] or "").lower()) or RATES.get(match["rate"] or "", match["rate"])
        found.add(match, (f"{unit}/{rate.lower()}" if rate else unit, round(number, 2)))
    for match in SPELLED.finditer(text):
        words = re.findall(r"[a-z]+", match.group().lower().replace("pounds", "").replace("pound", ""))
        if words and found.free(match.span()) and (count := spelled(words)) is not None:
            found.add(match, ("£" if match["pounds"] else "", count))


def spelled(words: list[str]) -> float | None:
    """A number written in words.

    >>> spelled("two hundred and fifty thousand".split()), spelled(["a", "million"]), spelled(["and"])
    (250000.0, 1000000.0, None)
    """
    total = current = 0.0
    seen = False
    for word in words:
        if word in NUMBER_WORDS:
            current += NUMBER_WORDS[word]
        elif word == "hundred":
            current = max(current, 1) * 100
        elif word in ("thousand", "million", "billion"):
            total += max(current, 1) * SCALE[word]
            current = 0
        elif word in ("a", "and"):
            continue
        else:
            return None
        seen = True
    return total + current if seen else None


def _in_word(text: str, start: int) -> bool:
    """A digit inside a word or code ("A2", "S106") is no figure (`codes` are checked as written)."""
    return start > 0 and text[start - 1].isalpha()


def _day(year: int | str, month: int | str, day: int | str) -> date | None:
    found = iso_day(day, month, year)
    return date.fromisoformat(found) if found else None


def _day_month_year(match: re.Match[str]) -> date | None:
    return _day(match[3], match[2], match[1])


def _month_day_year(match: re.Match[str]) -> date | None:
    return _day(match[3], match[1], match[2])


def _iso(match: re.Match[str]) -> date | None:
    return _day(match[1], match[2], match[3])


def _numeric_date(match: re.Match[str]) -> date | None:
    """A British day/month/year ("06/03/2025", "6.3.25")."""
    year = int(match[3])
    return _day(year + 2000 if year < 100 else year, match[2], match[1])


def values(text: str) -> set[tuple[str, float]]:
    """Every value the figures of `text` have, a date's day of the month among them."""
    return {v for f in figures(text) for v in (f.value, f.also) if v is not None}


def years(text: str) -> set[tuple[int, int]]:
    """The years a text names, each as its first and last calendar year: (2025, 2025) for "2025" or a
    date in it, (2024, 2025) for the financial year "2024/25" or "2024-2025".

    >>> sorted(years("In 2023/24 the budget was £5m, from 1 April 2025 (2026)"))
    [(2023, 2024), (2025, 2025), (2026, 2026)]
    """
    spans = set()
    for first, second in FINANCIAL_YEAR.findall(text):
        spans.add((int(first), int(first[:2] + second[-2:])))
    for year in PLAIN_YEAR.findall(FINANCIAL_YEAR.sub(" ", text)):
        spans.add((int(year), int(year)))
    return spans


def same_years(named: set[tuple[int, int]], given: set[tuple[int, int]]) -> bool:
    """Whether a year a sentence names is one a text gives: the same, or a calendar year within a
    financial one."""
    return any(
        a == b or (a[0] == a[1] and b[0] <= a[0] <= b[1]) or (b[0] == b[1] and a[0] <= b[0] <= a[1])
        for a in named
        for b in given
    )


def votes(text: str) -> set[tuple[int, int]]:
    """The votes a text gives, as (for, against).

    >>> sorted(votes("carried by 7 votes to 2; For (41) Mr A, Mr B Against (10) Mr C"))
    [(7, 2), (41, 10)]
    """
    return {(int(a), int(b)) for pattern in VOTES for a, b in pattern.findall(text)}


def months(text: str) -> set[int]:
    """The months a text names in words ("March", "Sept"), not "may" the verb.

    >>> sorted(months("In March it may rain; by Sept. and May"))
    [3, 5, 9]
    """
    return {
        number
        for word in re.findall(rf"\b{MONTH}\b", text, re.I)
        if (word.lower() != "may" or word == "May") and (number := month_number(word)) is not None
    }
