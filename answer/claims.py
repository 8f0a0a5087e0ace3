"""The checks a language model's sentence must pass before it is shown, by rules of their own.

A sentence is shown only if it cites excerpts that were sent, and its cited excerpts hold:
- every figure, sum, percentage, date and count in it (normalised: "£1.2m" is "£1,200,000", "6 March
  2025" is "06/03/2025", "seven" is "7"), in one sentence of an excerpt that also holds a word of what
  the generated sentence says it measures, and no other year than the one it names;
- every proper name in it ("Cllr Patel", "Highways England", "KCC");
- its outcome, with the same sense: "carried" is not "lost", "approved" is not "not approved";
- enough of its content words (`answer.llm.min_support`, fitted by `python -m councilqa.eval.fit_support`).

These rules read the excerpts as text; they share nothing with the extractive answer's checks, so that a
sentence is judged against the page's words, not against what the reader believed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import Stemmer

from councilqa.text import split_sentences

MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        1,
    )
    for name in names
}
MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
NUMBER_WORDS = {
    word: number
    for number, word in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
        "seventeen eighteen nineteen twenty".split()
    )
}
SCALE = {"k": 1e3, "thousand": 1e3, "m": 1e6, "million": 1e6, "bn": 1e9, "billion": 1e9}
# Dates first (they hold numbers), then money and numbers with their scale or percent sign.
DAY_MONTH_YEAR = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({MONTH})\.?,?\s+(\d{{4}})\b", re.I)
MONTH_DAY_YEAR = re.compile(rf"\b({MONTH})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b", re.I)
NUMERIC_DATE = re.compile(r"\b(\d{1,2})[/.](\d{1,2})[/.](\d{4}|\d{2})\b")
ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
AMOUNT = re.compile(
    r"(?P<sign>[£$€])?\s?(?P<number>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"(?:\s?(?P<scale>k|m|bn|thousand|million|billion)\b)?(?P<percent>\s?(?:%|per\s?cent\b))?",
    re.I,
)
COUNT_WORD = re.compile(rf"\b({'|'.join(NUMBER_WORDS)})\b", re.I)
CITATION = re.compile(r"\[(\d{1,2}(?:\s*[,;]\s*\d{1,2})*)\]")
WORD = re.compile(r"[A-Za-z][A-Za-z’'-]*")
# Outcomes by sense: a sentence that says one must cite an excerpt that says the same, negated alike.
OUTCOMES = {
    "passed": re.compile(
        r"\b(?:carried|carry|approved?|approving|agreed?|adopted?|accepted?|granted|passed|endorsed?)\b", re.I
    ),
    "failed": re.compile(r"\b(?:lost|defeated|rejected?|refused?|declined?|fell)\b", re.I),
    "deferred": re.compile(r"\b(?:deferred|defer|postponed?|adjourned)\b", re.I),
    "withdrawn": re.compile(r"\bwithdra(?:wn|w|ew)\b", re.I),
}
NEGATION = re.compile(r"\b(?:not|no|never|neither|nor|without)\b|n[’']t\b", re.I)
NEGATION_REACH = 4  # words before an outcome word that negate it ("was not agreed", "did not approve")
# Capitalised words that name no one in particular: roles, bodies, months and the words that open sentences.
COMMON_CAPITALS = frozenset(
    """a an the this that these those it its they there their he she we i in on at of for to by and or but as
    if when where which who what how council councils councillor councillors cllr cllrs committee committees
    cabinet member members chair chairman chairperson vice mayor clerk officer officers report reports minutes
    minute item items meeting meetings agenda resolved resolution recommendation recommendations motion
    mr mrs ms miss dr sir the excerpt excerpts page appendix annex yes no budget plan policy strategy
    monday tuesday wednesday thursday friday saturday sunday""".split()
) | frozenset(MONTHS)
STOPWORDS = frozenset(  # words that say nothing of what a sentence is about
    """a an the this that these those it its they them there their he she his her we our i in on at of for to
    by and or but as if when where which who whom whose what how is are was were be been being has have had
    do does did will would shall should can could may might must not also any all some each other such than
    then so very more most less least only about into from with within over under after before between
    during up down out per said says say here yes no year years total amount figure figures number""".split()
) | frozenset(MONTHS)
FINANCIAL_YEAR = re.compile(r"(?<![\d£$€,.])((?:19|20)\d\d)\s?[-/–]\s?((?:19|20)?\d\d)(?![\d,%]|\.\d)")
PLAIN_YEAR = re.compile(r"(?<![\d£$€,.])((?:19|20)\d\d)(?![\d,%]|\.\d)")
STEMMER = Stemmer.Stemmer("english")
WINDOW = 3  # content words either side of a figure that say what it measures
TITLES = frozenset("cllr cllrs councillor councillors mr mrs ms miss dr sir lord lady dame professor prof".split())
ABBREVIATION = re.compile(r"[A-Z][A-Z0-9]*[A-Z][A-Z0-9]*")


@dataclass(frozen=True)
class Figure:
    """A figure as written and as compared: a date (its day's ordinal), an amount with its unit ("£", "%"),
    or a count (no unit)."""

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


def figures(text: str) -> list[Figure]:
    """The figures of `text`, normalised.

    >>> [(f.value[0], f.year or f.value[1]) for f in figures("£1.2m on 6 March 2025, 12% and seven votes")]
    [('£', 1200000.0), ('date', 2025), ('%', 12.0), ('', 7.0)]
    >>> figures("6 March 2025")[0].value == figures("06/03/2025")[0].value
    True
    >>> figures("£1,200,000")[0].value == figures("£1.2 million")[0].value
    True
    """
    found: list[Figure] = []
    taken: list[tuple[int, int]] = []
    for pattern, read in ((DAY_MONTH_YEAR, _day_month_year), (MONTH_DAY_YEAR, _month_day_year), (ISO_DATE, _iso)):
        for match in pattern.finditer(text):
            day = read(match)
            if day is not None:
                found.append(Figure(match.group(), ("date", float(day.toordinal())), match.start()))
                taken.append(match.span())
    for match in NUMERIC_DATE.finditer(text):
        day = _numeric_date(match)
        if day is not None and not _within(match.span(), taken):
            found.append(Figure(match.group(), ("date", float(day.toordinal())), match.start()))
            taken.append(match.span())
    for match in AMOUNT.finditer(text):
        if _within(match.span("number"), taken) or _in_word(text, match.start("number")):
            continue
        number = float(match["number"].replace(",", ""))
        scale = SCALE.get((match["scale"] or "").lower(), 1.0)
        unit = "%" if match["percent"] else (match["sign"] or "")
        found.append(Figure(match.group().strip(), (unit, round(number * scale, 2)), match.start()))
    for match in COUNT_WORD.finditer(text):
        found.append(Figure(match.group(), ("", float(NUMBER_WORDS[match[1].lower()])), match.start()))
    return sorted(found, key=lambda figure: figure.start)


def _within(span: tuple[int, int], taken: list[tuple[int, int]]) -> bool:
    return any(start <= span[0] < end for start, end in taken)


def _in_word(text: str, start: int) -> bool:
    """A digit inside a word or code ("A2", "S106") is no figure."""
    return start > 0 and text[start - 1].isalpha()


def _day(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _day_month_year(match: re.Match[str]) -> date | None:
    return _day(int(match[3]), MONTHS[match[2].lower()], int(match[1]))


def _month_day_year(match: re.Match[str]) -> date | None:
    return _day(int(match[3]), MONTHS[match[1].lower()], int(match[2]))


def _iso(match: re.Match[str]) -> date | None:
    return _day(int(match[1]), int(match[2]), int(match[3]))


def _numeric_date(match: re.Match[str]) -> date | None:
    """A British day/month/year ("06/03/2025", "6.3.25")."""
    year = int(match[3])
    return _day(year + 2000 if year < 100 else year, int(match[2]), int(match[1]))


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


def stem(word: str) -> str:
    """A word's stem, lower case: "approve" is "approved", "votes" is "voted".

    >>> stem("Approved") == stem("approve"), stem("votes") == stem("voted")
    (True, True)
    """
    return STEMMER.stemWord(word.lower().replace("’", "'").removesuffix("'s"))


def content_words(text: str) -> list[str]:
    """The words of `text` that carry its content: not stop words, not one letter."""
    return [w for w in WORD.findall(CITATION.sub(" ", text)) if len(w) > 1 and w.lower() not in STOPWORDS]


def names(text: str) -> list[str]:
    """The proper names of a sentence: a word after a title ("Cllr Patel", "Mrs Hook"), an abbreviation
    ("KCC"), and each uncommon word of a run of two or more capitalised words ("Turner Contemporary").
    A capitalised word alone ("the Chamber") is left to the content-word check; a possessive is the
    name's ("PCT's" is "PCT").

    >>> names("The committee heard Cllr Patel, the PCT's chief and Turner Contemporary in the Chamber in March.")
    ['Patel', 'PCT', 'Turner', 'Contemporary']
    """
    words = [re.sub(r"[’']s$", "", word) for word in WORD.findall(CITATION.sub(" ", text))]
    capital = [w[0].isupper() and w.lower() not in COMMON_CAPITALS for w in words]
    found = []
    for i, word in enumerate(words):
        if not capital[i]:
            continue
        titled = i > 0 and words[i - 1].lower() in TITLES
        in_run = (i > 0 and capital[i - 1]) or (i + 1 < len(words) and capital[i + 1])
        if titled or ABBREVIATION.fullmatch(word) or in_run:
            found.append(word)
    return found


def _window(sentence: str, figure: Figure) -> list[str]:
    """What a figure measures: the content words within `WINDOW` words of it."""
    before = content_words(sentence[: figure.start])[-WINDOW:]
    after = content_words(sentence[figure.start + len(figure.written) :])[:WINDOW]
    return [w for w in before + after if not w[0].isdigit()]


def _negated(text: str, at: int) -> bool:
    return bool(NEGATION.search(" ".join(text[:at].split()[-NEGATION_REACH:])))


def outcome_senses(text: str) -> set[tuple[str, bool]]:
    """The outcomes a text states, each with whether it is negated.

    >>> sorted(outcome_senses("The motion was not carried; the amendment was lost."))
    [('failed', False), ('passed', True)]
    """
    return {(sense, _negated(text, m.start())) for sense, pattern in OUTCOMES.items() for m in pattern.finditer(text)}


def unsupported(sentence: str, cited: list[str], min_support: float) -> str | None:
    """Why `sentence` is not borne out by the excerpts `cited` (their text as sent), or None if it is."""
    parts = [
        clause
        for text in cited
        for part in split_sentences(" ".join(text.split()))
        for clause in re.split(r";\s+", part)
    ]
    whole = " ".join(parts).lower()
    held = held_stems([whole])
    for figure in figures(sentence):
        reason = _figure_reason(sentence, figure, parts)
        if reason:
            return reason
    for name in names(sentence):
        if not re.search(rf"\b{re.escape(name.lower())}", whole):
            return f"the name “{name}” is not in the excerpts it cites"
    stated = outcome_senses(sentence)
    if stated:
        said = set().union(*(outcome_senses(part) for part in parts))
        for sense, negated in stated:
            if (sense, negated) not in said:
                how = "not " if negated else ""
                return f"it says {how}{sense}, which the excerpts it cites don't say"
    share = support(sentence, held)
    if share < min_support:
        return f"only {share:.0%} of its words are in the excerpts it cites (answer.llm.min_support {min_support:.0%})"
    return None


def held_stems(texts: list[str]) -> set[str]:
    """The stems of every word of `texts`."""
    return {stem(word) for text in texts for word in WORD.findall(text)}


def support(sentence: str, held: set[str]) -> float:
    """The share of a sentence's content words whose stems are among `held` (1 where it has none).

    >>> support("The roof cost £4,000 to mend.", held_stems(["the roof was mended"]))  # "cost" is not held
    0.6666666666666666
    """
    words = content_words(sentence)
    return sum(stem(word) in held for word in words) / len(words) if words else 1.0


def _figure_reason(sentence: str, figure: Figure, parts: list[str]) -> str | None:
    """Why a figure is not borne out: in no sentence of the excerpts; or only in sentences (with the ones
    either side, which may name what "this" is) that hold none of the words saying what the generated
    sentence says it measures, or name another year; or where more than a quarter of those words are in
    no excerpt."""
    holding = [i for i, part in enumerate(parts) if any(f.value == figure.value for f in figures(part))]
    if not holding:
        return f"“{figure.written}” is not in the excerpts it cites"
    measured = {stem(word) for word in _window(sentence, figure)}
    anywhere = held_stems(parts)
    if len(measured - anywhere) > len(measured) // 4:  # "the library budget is £640,000", of the parking budget
        return f"“{figure.written}” is in the excerpts it cites, but not what the sentence says it measures"
    named_years = {span for span in years(sentence) if figure.year not in span}
    for i in holding:
        context = held_stems(parts[max(0, i - 1) : i + 2])
        if measured and not measured & context:
            continue
        if named_years and (given := years(parts[i])) and not same_years(named_years, given):
            continue
        return None
    return f"“{figure.written}” is in the excerpts it cites, but not about what the sentence says it measures"
