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
  the multi-word name it asks about ("Wirral PCT", where the figure beside it is another trust's);
  or whose best-matching sentence gives figures for other years than the one it asks about;
- a question in parts ("…, and who …?") whose quotes hold none of one part's words: the answer says
  which part is not answered.

Which council's decisions the index holds is checked in `Assistant._plan` (`named_councils`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

Words = Callable[[str], list[str]]  # text to its words as the keyword index holds them (`Index.words`)
QUESTION_WORDS = frozenset(
    "what how much mani doe did do who whom which when where why has have had been is was were will would".split()
)  # as `KeywordIndex.words` gives them; bm25s' stopwords keep them

AMOUNT = re.compile(
    r"\b(how (much|many)|what (percentage|proportion|share|number)|cost|total|figure|budget|rate|salary|turnout"
    r"|deficit|surplus|precept)\b",
    re.I,
)  # a question that wants a figure, for ranking sentences that hold one first
QUANTITY = (
    r"(percentage|proportion|share|number|figure|cost|total|budget|rate|salary|turnout|deficit|surplus|precept|target"
    r"|amount|sum)s?"
)
# A question that asks for an amount: "how much/many", "what … rate/cost/…", or words with no question
# word that name one ("repeat referrals target 2020").
ASKS_AMOUNT = re.compile(
    rf"\bhow (much|many)\b|\bwhat(?:\s+[\w'’-]+){{0,8}}?\s+{QUANTITY}\b"
    rf"|^(?!.*\b(what|how|who|which|when|where|why|did|does|is|was)\b).*\b{QUANTITY}\b",
    re.I,
)
# What an amount is of, when the question names it: a figure that answers it is given as one.
MEASURE = re.compile(
    r"\b(salary|salaries|turnout|deficit|surplus|precept|target|rate|budget|cost|saving|income|fee|price)s?\b", re.I
)
RATED = re.compile(r"\b(rate|percentage|proportion|turnout)s?\b", re.I)  # asks for a rate …
RATE = re.compile(r"\d\s?(%|per ?cent)|\bper\b|\ban? (hour|day|week|month|year)\b", re.I)  # … given as one
# What "how many" counts: the words after it, up to the verb or preposition ("how many library branches").
COUNTED = re.compile(
    r"\bhow many ((?:(?!(?:does|do|did|will|would|have|has|had|are|were|is|was|in|on|of|for|under|at|can|could|by)\s)"
    r"[\w’'-]+\s*){1,3})",
    re.I,
)
FIGURE = re.compile(r"[£$€]\s?\d|\d[\d,.]*\s?(%|per ?cent|m\b|bn\b|million|billion|k\b)|\b\d{2,}")
MONEY = re.compile(r"[£$€]\s?\d|\d[\d,.]*\s?(m|bn|k|million|billion)\b")
# A year, or a financial year ("2025-26", "2010/11"); both of a span's years count.
YEAR = re.compile(r"\b((?:19|20)\d\d)(?:\s?[-/–]\s?(\d\d(?:\d\d)?))?\b")
PARAGRAPH_NUMBER = re.compile(r"^\(?\d{1,3}(?:\.\d{1,3})*[.)]?\s")  # "2.23 The …", "(4) …"
# A question that asks when: "When did …", "What date …", "By when …"; and a date that answers it.
ASKS_DATE = re.compile(r"^(?:when\b|by when\b|(?:what|which) (?:date|day|month|year)\b)", re.I)
DATE = re.compile(
    r"\b(?:19|20)\d\d\b|\b\d{1,2}[/.]\d{1,2}[/.]\d{2,4}\b|\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\b"
    r"|\b(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"
)
WRITTEN_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
# A council the question names: "Medway councillors", "Kent County Council" ("Kent"), not "council tax".
COUNCIL_KIND = r"(?:County|Borough|City|District|Town|Parish)\b"
COUNCIL = re.compile(
    rf"\b(?P<name>(?!{COUNCIL_KIND})[A-Z][a-z]+(?:\s+(?:and\s+)?(?!{COUNCIL_KIND})[A-Z][a-z]+)*)(?:['’]s)?\s+"
    rf"(?:{COUNCIL_KIND}\s+)?[Cc]ouncil(?:lors?)?\b(?!\s+tax)"
)
# A name: capitalised words run together, with "and"/"of" inside ("Kent Fire and Rescue Authority"),
# or an abbreviation ("KCC", "LTP5"). A single capitalised word that opens the question is its first
# word, not a name.
NAME = re.compile(r"\b[A-Z][\w’'-]*(?:\s+(?:(?:and|of|for)\s+)?[A-Z][\w’'-]*)*")
CLAUSE = re.compile(r"\s*[;•\uf0b7\uf0a7\u25aa\u25cf]\s*")  # a list's items, and clauses set off by ";"
ABBREVIATION = re.compile(r"^[A-Z][A-Z0-9]+s?$")
OPENERS = frozenset(
    "what how who whom which when where why and but or the a an in at on of for to did does do is was were are has "
    "have had will would can could should".split()
)
MONTHS_AND_DAYS = frozenset(
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec monday tuesday wednesday thursday friday".split()
)
# Where a question asks two things: "…, and how much…", "…? What…".
PARTS = re.compile(r"\?\s+|,?\s+and\s+(?=(?:how|what|who|when|which|where|why|is|was|did|does)\b)", re.I)
# A part with PART_WORDS words of its own or more, at most PART_HELD of them quoted, is not answered
# (a part any quoted word belongs to may be answered in other words: "aiming for" by "Target").
PART_WORDS, PART_HELD = 2, 0


@dataclass(frozen=True)
class Grounds:
    """What the checks need of the index: its word forms, and whether it holds a word anywhere."""

    words: Words
    indexed: Callable[[str], bool]  # whether any indexed chunk holds this word (as `words` gives it)
    rarity: Callable[[list[str]], dict[str, float]]  # each word's inverse document frequency

    def unknown_names(self, question: str, passages: Iterable[str]) -> list[str]:
        """The names in `question` that no indexed paper holds (an abbreviation spelled out in one of
        `passages` is held)."""
        texts = list(passages)
        return [name for name in names(question) if not self._held(name, texts)]

    def unknown_years(self, question: str) -> list[str]:
        """The years written out in `question` ("2031", not the "26" of "2025-26") no indexed paper holds."""
        return [year for year in dict.fromkeys(WRITTEN_YEAR.findall(question)) if not self.indexed(year)]

    def _names(self, name: str, text: str) -> bool:
        """Whether `text` holds `name`: its words, or the words an abbreviation stands for."""
        if ABBREVIATION.match(name) and spells_out(name.rstrip("s"), text):
            return True
        return set(self.words(name)) <= set(self.words(text))

    def _held(self, name: str, passages: list[str]) -> bool:
        """Whether the index holds every word of `name` (or a longer word it begins), or `passages`
        spell out the abbreviation it is."""
        if ABBREVIATION.match(name) and any(spells_out(name.rstrip("s"), text) for text in passages):
            return True
        return all(self.indexed(word) for word in self.words(name))

    def withheld(self, question: str, quotes: list[str]) -> str | None:
        """Why `quotes` don't answer a date or amount question, in a sentence; None when they may. A
        question in parts is not withheld: a part left unanswered is said so instead (`unanswered_parts`)."""
        if len(parts(question)) > 1:
            return None
        if ASKS_DATE.search(question) and not any(DATE.search(quote) for quote in quotes):
            return "The passages found give no date for what the question asks."
        if not ASKS_AMOUNT.search(question):
            return None
        figured = [quote for quote in quotes if FIGURE.search(_values(quote))]
        if not figured:
            return "The passages found give no figure for what the question asks."
        clauses = [c for quote in figured for c in CLAUSE.split(quote) if FIGURE.search(_values(c))]
        return (
            self._uncounted(question, figured)
            or _other_years(question, max(figured, key=self._weigher(question)))
            or self._untied(question, clauses)
        )

    def _uncounted(self, question: str, figured: list[str]) -> str | None:
        """For "how many X": quotes whose figures are all sums of money, or none of which names X. For
        any other amount question: a measure it names ("salary") that no clause with a figure holds (a
        rate question: with a rate beside it)."""
        counted = COUNTED.search(question)
        if counted is not None:
            if all(_only_money(quote) for quote in figured):
                return "The passages found give sums of money, not the number the question asks for."
            things = set(self.words(counted.group(1))) - QUESTION_WORDS
            if things and not any(things & set(self.words(quote)) for quote in figured):
                return f"The passages found give no number of {counted.group(1).strip()}."
            return None
        clauses = [c for quote in figured for c in CLAUSE.split(quote) if FIGURE.search(_values(c))]
        measures = sorted({match.group(0).lower() for match in MEASURE.finditer(question)})
        wanted = {word for measure in measures for word in self.words(measure)}
        rated = RATED.search(question) is not None
        if wanted and not any(
            wanted & set(self.words(clause)) and (not rated or RATE.search(clause)) for clause in clauses
        ):
            return f"The passages found give no {' or '.join(measures)} figure for what the question asks about."
        return None

    def _untied(self, question: str, clauses: list[str]) -> str | None:
        """A name of more than one word ("Wirral PCT") that no clause with a figure holds."""
        named = [name for name in names(question) if len(name.split()) > 1]  # "KCC" may be "the Council"
        untied = [name for name in named if not any(self._names(name, clause) for clause in clauses)]
        if untied:
            return f"The passages found give no figure for {', '.join(f'“{name}”' for name in untied)}."
        return None

    def unanswered_parts(self, question: str, quotes: list[str]) -> list[str]:
        """The parts of a question in parts whose own words the quotes mostly lack (not all of them)."""
        asked = parts(question)
        if len(asked) < 2:
            return []
        held = set(self.words(" ".join(quotes)))
        missing = []
        for part in asked:
            own = set(self.words(part)) - QUESTION_WORDS
            if len(own) >= PART_WORDS and len(own & held) <= PART_HELD:
                missing.append(part)
        return missing if len(missing) < len(asked) else []

    def _weigher(self, question: str) -> Callable[[str], float]:
        """How much of the question a text holds: its question words, weighted by rarity."""
        rarity = self.rarity(list(dict.fromkeys(set(self.words(question)) - QUESTION_WORDS)))

        def weight(text: str) -> float:
            held = set(self.words(text))
            return sum(value for word, value in rarity.items() if word in held)

        return weight


def named_councils(question: str) -> list[str]:
    """The councils a question names ("How did Medway councillors vote" names Medway)."""
    return list(dict.fromkeys(match.group("name") for match in COUNCIL.finditer(question)))


def parts(question: str) -> list[str]:
    """The questions a question asks: "What is X, and how much is Y?" asks two."""
    return [part.strip(" ,?") for part in PARTS.split(question) if part.strip(" ,?")]


def names(question: str) -> list[str]:
    """The names a question asks about: capitalised runs and abbreviations, without months and days,
    the possessive "'s", or a sentence's capitalised first word when it stands alone."""
    found = []
    for match in NAME.finditer(question):
        words = re.sub(r"[’']s$", "", match.group(0)).split()
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
    """The years `text` names; a financial year ("2025-26") names both."""
    found = set()
    for match in YEAR.finditer(text):
        first = int(match.group(1))
        found.add(first)
        if match.group(2):
            second = int(match.group(2)[-2:]) + first // 100 * 100
            if 0 < second - first <= 1:
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


def _only_money(text: str) -> bool:
    """Whether every figure in `text` (years aside) is a sum of money."""
    rest = MONEY.sub(" ", _values(text))
    return FIGURE.search(rest) is None
