"""Why the papers don't answer a question, said in the answer instead of quoting what is merely related.

The evidence score (cosine plus word coverage) tells "about the same topic" from "unrelated"; it cannot
tell "the papers say it" from "the papers share some words with it". These checks read the question's
form and the sentences the answer would quote:

- a name, organisation, abbreviation or year the question names that no indexed paper holds ("No
  indexed paper mentions “Zanzibar Holdings”"); an abbreviation counts as held when a passage found
  spells it out ("Kent County Council" for KCC), and a shortened word when the papers hold a longer
  one ("Lib Dem", "Liberal Democrat");
- an amount question whose quoted sentences hold no figure; only sums of money where it asks how
  many; no figure beside what it counts ("how many library branches"); none in the same clause as
  the measure it names ("salary"; a rate question needs a rate there, "%", "per", "an hour"), or as
  the multi-word name of a body it asks about ("Wirral PCT", where the figure beside it is another
  trust's);
  or whose best-matching sentence gives figures for other years than the one it asks about;
- a question about how a vote went ("how many voted for and against", "what was the vote") whose
  answer and the decision it cites hold no vote: the item was decided without one the minutes record
  (`unvoted`);
- a question in parts ("…, and who …?") whose quotes hold none of one part's words: the answer says
  which part is not answered.

"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from councilqa.dates import MONTH, MONTH_NAMES

Words = Callable[[str], list[str]]  # text to its words as the keyword index holds them (`Index.words`)
QUESTION_WORDS = frozenset(
    "what how much mani doe did do who whom which when where why has have had been is was were will would".split()
)  # as `KeywordIndex.words` gives them; bm25s' stopwords keep them

# A question that asks for an amount: "how much/many"; "what" and, before any verb, a quantity ("What
# deficit figure…", "What is the chief executive's salary?"); or words with no question word that end
# on one, a year aside ("repeat referrals target 2020"). Compose ranks sentences with figures first for
# these.
QUANTITY = (
    r"(?:percentage|proportion|share|number|figure|cost|total|budget|rate|salary|salaries|turnout|deficit|surplus"
    r"|precept|target|amount|sum|population)s?"
)
NOT_A_VERB = r"(?!(?:did|does|do|has|have|had|can|could|should|would|will|say|said|says|think|thinks)\b)"
ASKS_AMOUNT = re.compile(
    rf"\bhow (?:much|many)\b|\bwhat(?:['’]s)?(?:\s+{NOT_A_VERB}[\w'’-]+){{0,8}}?\s+{QUANTITY}\b"
    rf"|^(?!.*\b(?:what|how|who|which|when|where|why|did|does|is|was)\b).*\b{QUANTITY}"
    r"(?:\s+(?:for|in|by|of)?\s*(?:19|20)\d\d(?:\s?[-/–]\s?\d\d(?:\d\d)?)?)?\s*\??$",
    re.I,
)
HOW_MUCH = re.compile(r"\bhow much\b", re.I)
# What an amount is of, when the question names it: a figure that answers it is given with that word.
# A sum of money answers a cost, budget, price, fee or spend however it is put ("priced at £8.7m").
MEASURE = re.compile(
    r"\b(salary|salaries|turnout|deficit|surplus|precept|target|rate|saving|income|population|budget|cost|price"
    r"|fee|spend)s?\b",
    re.I,
)
PRICED = ("budget", "cost", "price", "fee", "spend")
RATED = re.compile(r"\b(rate|percentage|proportion|turnout)s?\b", re.I)  # asks for a rate (not "how much") …
RATE = re.compile(r"\d\s?(%|per ?cent)|\bper\b|\ban? (hour|day|week|month|year)\b", re.I)  # … given as one
# What "how many" counts: the words after it, up to the verb or preposition ("how many library branches").
COUNTED = re.compile(
    r"\bhow many ((?:(?!(?:does|do|did|will|would|have|has|had|are|were|is|was|in|on|of|for|under|at|can|could|by)\s)"
    r"[\w’'-]+\s*){1,3})",
    re.I,
)
FIGURE = re.compile(r"[£$€]\s?\d|\d[\d,.]*\s?(%|per ?cent|m\b|bn\b|million|billion|k\b)|\b\d{2,}|\b\d\s+[a-z]")
NUMBER_WORD = re.compile(
    r"\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|hundred"
    r"|thousand|dozen|no)\s+[a-z]",
    re.I,
)  # a count put in words: "two abstentions", "no votes against"
MONEY = re.compile(  # "£8.7m", "£ 640.00", "2 million"; an accounts table's "1753.00" (pounds and pence, no sign)
    r"[£$€]\s?\d|\d[\d,.]*\s?(m|bn|k|million|billion)\b|(?<![\d.,])\d{1,3}(?:,\d{3})+\.\d\d(?![\d.])"
    r"|(?<![\d.,])\d{3,}\.\d\d(?![\d.])"
)
# A year, or a span of years ("2025-26", "2010/11", "2016-2020"); a span names the years it joins. A
# number after a currency sign is no year ("£2000").
YEAR = re.compile(r"(?<![£$€\d,.])\b((?:19|20)\d\d)(?:\s?[-/–]\s?(\d\d(?:\d\d)?))?\b(?![,.]?\d|%)")
PARAGRAPH_NUMBER = re.compile(r"^\(?\d{1,3}(?:\.\d{1,3})+[.)]?\s|^\(?\d{1,3}[.)]\s+(?=[A-Z])")  # "2.23 The", "4) The"
DAYS = list(calendar.day_name)
SEASONS = "spring summer autumn winter".split()
# A question that asks when: "When did …", "What date …", "By when …"; and a date that answers it.
ASKS_DATE = re.compile(r"^(?:when\b|by when\b|(?:what|which) (?:date|day|month|year)\b)", re.I)
DATE = re.compile(
    rf"{YEAR.pattern}|\b\d{{1,2}}[/.]\d{{1,2}}[/.]\d{{2,4}}\b"
    rf"|\b(?:{MONTH}|{'|'.join(DAYS)}|{'|'.join(SEASONS)})\b",
    re.I,
)
# A council the question names: "Medway councillors", "Kent County Council" ("Kent"); not "council tax",
# "Full Council", "Labour councillors". The names are read from the question's first 300 characters.
COUNCIL_KIND = r"(?:County|Borough|City|District|Town|Parish)\b"
COUNCIL = re.compile(
    rf"\b(?P<name>(?!{COUNCIL_KIND})[A-Z][a-z]+(?:\s+(?:and\s+)?(?!{COUNCIL_KIND})[A-Z][a-z]+){{0,4}})(?:['’]s)?\s+"
    rf"(?:{COUNCIL_KIND}\s+)?[Cc]ouncil(?:lors?)?\b(?!\s+tax)"
)
NOT_A_COUNCIL = frozenset(
    "full the this that our your their each every any labour conservative conservatives tory tories liberal "
    "democrat democrats lib dem dems green greens reform independent independents opposition group party".split()
)
# A name: capitalised words run together, with "and"/"of" inside ("Kent Fire and Rescue Authority"),
# or an abbreviation ("KCC", "LTP5"). A single capitalised word that opens the question is its first
# word, not a name.
NAME = re.compile(r"\b[A-Z][\w’'-]*(?:\s+(?:(?:and|of|for)\s+)?[A-Z][\w’'-]*)*")
CLAUSE = re.compile(r"\s*[;•\uf0b7\uf0a7\u25aa\u25cf]\s*")  # a list's items, and clauses set off by ";"
ABBREVIATION = re.compile(r"^[A-Z][A-Z0-9]+s?$")
ORGANISATION = re.compile(  # a name that is a body's: an abbreviation ("PCT"), or a word that names one
    r"\b(?:[A-Z]{2,}s?|Council|Authority|Trust|Partnership|Board|Group|Ltd|Limited|plc|PLC|Association|Services?"
    r"|Agency|Company|Committee|Fund|Foundation|Society|Club|School|College|University|Hospital|Police|Fire"
    r"|Commission|Executive|Department|Ministry|Office|Government|Corporation|Institute|Network|Alliance)\b"
)
OPENERS = frozenset(  # a question's first word that is no part of a name after it: "Under Trafford's rules …"
    "what how who whom which when where why and but or the a an in at on of for to did does do is was were are has "
    "have had will would can could should under from after before during by with within since about over across "
    "between into as if according".split()
)
MONTHS_AND_DAYS = frozenset(
    [name.lower() for name in MONTH_NAMES]
    + [day.lower() for day in DAYS]
    + [day[:3].lower() for day in DAYS]
    + ["tues", "thurs"]
)
# A question about how a vote went, and a text that records one ("For (9)", "by six votes to three",
# "(8-1)", "four in favour", "unanimously", "nem con", "casting vote").
ASKS_VOTE = re.compile(
    r"\bhow many\b[^?]{0,60}?\bvot|\bvoted\s+(?:for\s+and\s+against|against\s+and\s+for)|\bvote\s+(?:count|tally|"
    r"result|breakdown|numbers|split|figures)\b|\b(?:what|how)\s+(?:was|were|did)\s+the\s+vot(?:e|es|ing)\b"
    r"|\bhow\s+did\s+[\w\s'’]{0,40}?\bvote\b|\bby how many votes\b|\bhow close was the vote\b",
    re.I,
)
VOTE_HELD = re.compile(
    r"\b(?:For|Against|Abstain\w*)\s*\(\d|\bvotes?\s+to\b|\bin\s+favou?r\b|\(\d{1,2}\s*[-–:]\s*\d{1,2}\)|\bunanimous"
    r"|\bnem\.?\s*con|\babstain|\bvoted\b|\bcasting\s+vote\b|\bmajority\b",
    re.I,
)
# Where a question asks two things: "…, and how much…", "…? What…".
PARTS = re.compile(r"\?\s+|,?\s+and\s+(?=(?:how|what|who|when|which|where|why|is|was|did|does)\b)", re.I)
PART_WORDS = 2  # a part with this many words of its own or more, none of them quoted, is not answered


CHECKS = (  # the names of the checks `Grounds.reasons` runs, in the order it runs them
    "no date",
    "no figure",
    "not the count asked",
    "not the measure asked",
    "another year's figure",
    "no figure beside the name",
)


@dataclass(frozen=True)
class Reason:
    """Why the papers don't answer a question: the check that found it (named, for the eval's count of
    each check's gains and losses) and the sentence the answer says."""

    check: str
    message: str


@dataclass(frozen=True)
class Grounds:
    """What the checks need of the index: its word forms, whether it holds a word, and how rare a
    word is in it."""

    words: Words
    has_word: Callable[[str], bool]  # whether an indexed chunk holds this word (as `words` gives it) or a longer one
    rarity: Callable[[list[str]], dict[str, float]]  # each word's inverse document frequency

    def unknown_names(self, question: str, passages: Iterable[str]) -> list[str]:
        """The names in `question` that no indexed paper holds (an abbreviation spelled out in one of
        `passages` is held)."""
        texts = list(passages)
        return [name for name in names(question) if not self._known(name, texts)]

    def unknown_years(self, question: str) -> list[str]:
        """The years written out in `question` no indexed paper holds."""
        return [year for year in self.written_years(question) if not self.has_word(year)]

    @staticmethod
    def written_years(question: str) -> list[str]:
        """The years written out in `question`: "2031", not the "2026" of "2025-26"."""
        return [str(year) for year in sorted(years(question)) if str(year) in question]

    def _known(self, name: str, passages: list[str]) -> bool:
        """Whether the index holds every word of `name` (or a longer word it begins), or `passages`
        spell out the abbreviation it is."""
        if ABBREVIATION.match(name) and any(spells_out(name.rstrip("s"), text) for text in passages):
            return True
        return all(self.has_word(word) for word in self.words(name))

    def _names_in(self, name: str, text: str) -> bool:
        """Whether `text` holds `name`: its words, or the words an abbreviation stands for."""
        if ABBREVIATION.match(name) and spells_out(name.rstrip("s"), text):
            return True
        return set(self.words(name)) <= set(self.words(text))

    def withheld(self, question: str, quotes: list[str], papers: Sequence[str] = ()) -> str | None:
        """Why `quotes` don't answer a date or amount question, in a sentence (the first of `reasons`)."""
        found = self.reasons(question, quotes, papers)
        return found[0].message if found else None

    def reasons(self, question: str, quotes: list[str], papers: Sequence[str] = ()) -> list[Reason]:
        """Every reason `quotes` don't answer a date or amount question, in the order the answer gives
        the first; none when they may. `papers` says, for each quote, what its paper is known by
        (`Document.known_by`). A question in parts is not withheld: a part left unanswered is said so
        instead (`unanswered_parts`)."""
        if len(parts(question)) > 1:
            return []
        found = []
        if ASKS_DATE.search(question) and not any(DATE.search(quote) for quote in quotes):
            found.append(Reason("no date", "The passages found give no date for what the question asks."))
        if not ASKS_AMOUNT.search(question):
            return found
        counted = COUNTED.search(question)
        figured = [quote for quote in quotes if _has_figure(quote, counted is not None)]
        given = papers or [""] * len(quotes)
        known = [paper for quote, paper in zip(quotes, given, strict=True) if quote in figured and paper]
        if not figured:
            return [*found, Reason("no figure", "The passages found give no figure for what the question asks.")]
        clauses = [c for quote in figured for c in CLAUSE.split(quote) if _has_figure(c, counted is not None)]
        checks = (
            ("not the count asked", self._uncounted(counted.group(1), figured) if counted else None),
            ("not the measure asked", None if counted else self._unmeasured(question, clauses)),
            ("another year's figure", _other_years(question, max(figured, key=self._weigher(question)))),
            ("no figure beside the name", self._untied(question, clauses, known)),
        )
        return found + [Reason(name, message) for name, message in checks if message]

    def _uncounted(self, counted: str, figured: list[str]) -> str | None:
        """For "how many X": quotes whose figures are all sums of money, or none of which names X."""
        if all(_only_money(quote) for quote in figured):
            return "The passages found give sums of money, not the number the question asks for."
        things = set(self.words(counted)) - QUESTION_WORDS
        if things and not any(things & set(self.words(quote)) for quote in figured):
            return f"The passages found give no number of {counted.strip()}."
        return None

    def _unmeasured(self, question: str, clauses: list[str]) -> str | None:
        """A measure the question names ("salary") that no clause with a figure holds: by its word, or,
        for a cost, budget, price, fee or spend, as a sum of money; a rate asked for ("what rate",
        not "how much … business rates") must be given as one."""
        measures = sorted({match.group(0).lower() for match in MEASURE.finditer(question)})
        wanted = {word for measure in measures for word in self.words(measure)}
        rated = RATED.search(question) is not None and not HOW_MUCH.search(question)
        priced = bool(wanted & set(self.words(" ".join(PRICED))))
        for clause in clauses:
            named = bool(wanted & set(self.words(clause))) or (priced and MONEY.search(clause) is not None)
            if named and (not rated or RATE.search(clause)):
                return None
        if not wanted:
            return None
        return f"The passages found give no {' or '.join(measures)} figure for what the question asks about."

    def _untied(self, question: str, clauses: list[str], known: Sequence[str] = ()) -> str | None:
        """An organisation's name of more than one word ("Wirral PCT", "Kent Fire and Rescue Authority")
        that no clause with a figure holds, and no paper they are quoted from is `known` by (each paper
        on its own: "Kent" from one and "Fire and Rescue Authority" from another name no body): the figure
        beside it is another body's (a council's own papers give its figures without its name). A
        one-word name ("KCC") may be put otherwise ("the Council"); a place ("Barton End") is what a
        figure is often given for without its name beside it ("44 horses in 2015")."""
        named = [name for name in names(question) if len(name.split()) > 1 and ORGANISATION.search(name)]
        untied = [name for name in named if not any(self._names_in(name, text) for text in [*clauses, *known])]
        if untied:
            return f"The passages found give no figure for {', '.join(f'“{name}”' for name in untied)}."
        return None

    def unanswered_parts(self, question: str, quotes: list[str]) -> list[str]:
        """The parts of a question in parts with `PART_WORDS` words of their own or more, none of which
        the quotes hold; none when that is every part (then nothing is answered, and the evidence says so)."""
        asked = parts(question)
        if len(asked) < 2:
            return []
        held = set(self.words(" ".join(quotes)))
        missing = [
            part
            for part in asked
            if len(own := set(self.words(part)) - QUESTION_WORDS) >= PART_WORDS and not own & held
        ]
        return missing if len(missing) < len(asked) else []

    def _weigher(self, question: str) -> Callable[[str], float]:
        """How much of the question a text holds: its question words, weighted by rarity."""
        rarity = self.rarity(list(dict.fromkeys(set(self.words(question)) - QUESTION_WORDS)))

        def weight(text: str) -> float:
            held = set(self.words(text))
            return sum(value for word, value in rarity.items() if word in held)

        return weight


def unvoted(question: str, texts: list[str]) -> Reason | None:
    """For a question about how a vote went: none of `texts` (the lead line, the quotes and the record of
    the decision cited) records a vote.

    >>> unvoted("How many councillors voted for and against?", ["It was decided to take no action."]).check
    'no vote recorded'
    >>> unvoted("what was the vote on the skate park", ["Agreed: (8-1)."]) is None
    True
    """
    if ASKS_VOTE.search(question) and not any(VOTE_HELD.search(text) for text in texts):
        return Reason("no vote recorded", "The minutes found record no vote on what the question asks.")
    return None


def named_councils(question: str) -> list[str]:
    """The councils a question names, each once ("How did Kent and Medway councillors vote" names Kent
    and Medway; "Full Council" and "Labour councillors" name none)."""
    found = []
    for match in COUNCIL.finditer(question[:300]):
        for name in re.split(r"\s+and\s+", match.group("name")):
            words = name.split()
            while words and words[0].lower() in OPENERS | NOT_A_COUNCIL:
                words = words[1:]
            if words and not any(word.lower() in NOT_A_COUNCIL for word in words):
                found.append(" ".join(words))
    return list(dict.fromkeys(found))


def parts(question: str) -> list[str]:
    """The questions a question asks: "What is X, and how much is Y?" asks two."""
    return [part.strip(" ,?") for part in PARTS.split(question) if part.strip(" ,?")]


def names(question: str) -> list[str]:
    """The names a question asks about: capitalised runs and abbreviations, without months and days,
    the possessive "'s", or a sentence's capitalised first word when it stands alone."""
    found = []
    for match in NAME.finditer(question):
        words = re.sub(r"[’']s$", "", match.group(0).strip("‘’'\"“”")).split()
        opens = match.start() == 0 or question[: match.start()].rstrip().endswith((".", "?", "!", ":"))
        if opens and (len(words) == 1 or words[0].lower() in OPENERS):
            words = words[1:]  # "What", or "And KCC": a sentence's first word
        kept = [word for word in words if word.lower() not in MONTHS_AND_DAYS]
        if not kept:
            continue
        found.append(" ".join(kept))
    return found


def spells_out(abbreviation: str, text: str) -> bool:
    """Whether `text` holds capitalised words whose initials spell `abbreviation` ("Kent County Council"
    for KCC), "and"/"of"/"the" between them allowed."""
    letters = [c for c in abbreviation if c.isalpha()]
    if len(letters) < 2:
        return False
    pattern = r"\s+(?:(?:and|of|the|for|&)\s+)?".join(rf"{c}[\w’'-]*" for c in letters)
    return re.search(rf"\b{pattern}\b", text) is not None


def years(text: str) -> set[int]:
    """The years `text` names; a span names both ends ("2025-26": 2025 and 2026; "2016-2020": 2016 and
    2020), a number after a currency sign none ("£2000").

    >>> sorted(years("the 2025-26 budget, 2010/11, 2016-2020 and £2000"))
    [2010, 2011, 2016, 2020, 2025, 2026]
    """
    found = set()
    for match in YEAR.finditer(text):
        first = int(match.group(1))
        found.add(first)
        if match.group(2):
            second = int(match.group(2)) if len(match.group(2)) == 4 else int(match.group(2)) + first // 100 * 100
            if 0 < second - first <= 50:
                found.add(second)
    return found


def _other_years(question: str, best: str) -> str | None:
    """When the question names years and the quote that answers it best names only others."""
    asked, given = years(question), years(best)
    if asked and given and not asked & given:
        found = ", ".join(str(year) for year in sorted(given))
        return f"The closest figures found are for {found}, not {', '.join(str(year) for year in sorted(asked))}."
    return None


def _values(text: str) -> str:
    """`text` without what looks like a figure but is none: years, and a paragraph number before it."""
    return YEAR.sub(" ", PARAGRAPH_NUMBER.sub(" ", text))


def _has_figure(text: str, counting: bool) -> bool:
    """Whether `text` holds a figure (years and paragraph numbers aside); counting, a count in words too."""
    rest = _values(text)
    return FIGURE.search(rest) is not None or (counting and NUMBER_WORD.search(rest) is not None)


def _only_money(text: str) -> bool:
    """Whether every figure in `text` (years aside) is a sum of money."""
    return not _has_figure(MONEY.sub(" ", text), counting=True)
