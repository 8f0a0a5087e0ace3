"""The checks a language model's sentence must pass before it is shown, by rules of their own.

A sentence is shown only if it cites excerpts that were sent, and its cited excerpts hold:
- every figure in it (`figures`: sums, percentages, rates, counts in digits or words, dates with or
  without a year, votes as for-against pairs), in a sentence of an excerpt (or one beside it) that holds
  the words saying what the generated sentence says it measures, and no other year than the one it
  names; every month, code ("S106", "A28"), web address and vague quantity ("hundreds") as written;
- every proper name in it ("Cllr Patel", "Highways England", "KCC", "Patel");
- its outcome, with the same sense ("carried" is not "lost", "approved" is not "not approved"), and
  "unanimously" or "majority" only where they say so;
- no word the excerpts say only with the opposite sense ("was not repaired" against "was repaired");
- enough of its content words (`answer.llm.min_support`, fitted by `python -m councilqa.eval.fit_support`).

These rules read the excerpts as text; they share nothing with the extractive answer's checks, so that a
sentence is judged against the page's words, not against what the reader believed.
"""

from __future__ import annotations

import re

import Stemmer

from councilqa.answer.figures import (
    CODE,
    VAGUE,
    Figure,
    figures,
    months,
    same_years,
    values,
    votes,
    years,
)
from councilqa.dates import MONTH_NAMES
from councilqa.text import split_sentences

CITATION = re.compile(r"\[(\d{1,2}(?:\s*[,;]\s*\d{1,2})*)\]")
WORD = re.compile(r"[A-Za-z][A-Za-z’'-]*")
NAME_WORD = re.compile(r"\b[A-Za-z][A-Za-z’'-]*\b(?!\d)")  # not the "A" of "A28": codes are checked whole
ADDRESS = re.compile(r"\bhttps?://\S+|\bwww\.\S+|\b[\w.+-]+@[\w-]+\.[\w.]+", re.I)
MONTH_NAMES_LOWER = frozenset(name.lower() for name in MONTH_NAMES)
# Outcomes by sense: a sentence that says one must cite an excerpt that says the same, negated alike.
OUTCOMES = {
    "passed": re.compile(
        r"\b(?:carried|carry|approved?|approving|agreed?|adopted?|accepted?|granted|passed|endorsed?|upheld|"
        r"ratified)\b",
        re.I,
    ),
    "failed": re.compile(
        r"\b(?:lost|defeated|rejected?|refused?|declined?|fell|failed|dismissed|overturned|turned down|voted down|"
        r"thrown out)\b",
        re.I,
    ),
    "deferred": re.compile(r"\b(?:deferred|defer|postponed?|adjourned)\b", re.I),
    "withdrawn": re.compile(r"\bwithdra(?:wn|w|ew)\b", re.I),
}
# How a decision was reached, said only where the excerpts say it.
MANNER = re.compile(r"\b(?:unanimous(?:ly)?|nem\.? con\.?|casting vote|majority|by acclamation)\b", re.I)
NEGATION = re.compile(r"\b(?:not|never|neither|nor|without)\b|\bno\b(?!\.?\s*\d)|n[’']t\b", re.I)
NEGATION_REACH = 4  # words before a word that negate it ("was not agreed", "did not approve")
# Capitalised words that name no one in particular: roles, bodies, days and months.
COMMON_CAPITALS = frozenset(
    """council councils councillor councillors cllr cllrs committee committees cabinet member members chair
    chairman chairperson vice mayor clerk officer officers report reports minutes minute item items meeting
    meetings agenda resolved resolution recommendation recommendations motion amendment mr mrs ms miss dr sir
    excerpt excerpts page appendix annex budget plan policy strategy leader deputy director head executive
    monday tuesday wednesday thursday friday saturday sunday""".split()
) | frozenset(MONTH_NAMES_LOWER)
STOPWORDS = frozenset(  # words that say nothing of what a sentence is about
    """a an the this that these those it its they them there their he she his her we our i in on at of for to
    by and or but as if when where which who whom whose what how is are was were be been being has have had
    do does did will would shall should can could may might must not also any all some each other such than
    then so very more most less least only about into from with within over under after before between
    during up down out per said says say here yes no year years total amount figure figures number""".split()
) | frozenset(MONTH_NAMES_LOWER)
# Words a sentence may open with that name nothing (a name opening a sentence is checked as any other).
OPENERS = STOPWORDS | frozenset(
    """however additionally also overall following further furthermore meanwhile therefore thus instead
    finally first firstly second secondly third lastly both either neither while although though because since
    until unless once whether according under over after before during members councillors residents officers
    it this there""".split()
)
STEMMER = Stemmer.Stemmer("english")
WINDOW = 3  # content words either side of a figure that say what it measures
TITLES = frozenset("cllr cllrs councillor councillors mr mrs ms miss dr sir lord lady dame professor prof".split())


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
    """The proper names of a sentence: its capitalised words, but common ones (roles, bodies, days and
    months) and a sentence's opening word where it names nothing ("However", "The"); a possessive is the
    name's ("PCT's" is "PCT").

    >>> names("However, Patel told the PCT's chief and Turner Contemporary in the Chamber in March.")
    ['Patel', 'PCT', 'Turner', 'Contemporary', 'Chamber']
    """
    words = [re.sub(r"[’']s$", "", word) for word in NAME_WORD.findall(CITATION.sub(" ", text))]
    return [
        word
        for i, word in enumerate(words)
        if word[0].isupper() and word.lower() not in COMMON_CAPITALS and not (i == 0 and word.lower() in OPENERS)
    ]


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
    whole = " ".join(parts)
    for check in (_figures_reason, _written_reason, _outcome_reason, _negation_reason):
        reason = check(sentence, parts, whole)
        if reason:
            return reason
    share = support(sentence, held_stems([whole]))
    if share < min_support:
        return f"only {share:.0%} of its words are in the excerpts it cites (answer.llm.min_support {min_support:.0%})"
    return None


def _figures_reason(sentence: str, parts: list[str], whole: str) -> str | None:
    """A vote given as another pair, a figure not borne out (`_figure_reason`), a month not named."""
    given = votes(whole)
    for vote in votes(sentence):
        if given and vote not in given:
            return f"the vote {vote[0]} to {vote[1]} is not in the excerpts it cites"
    for figure in figures(sentence):
        reason = _figure_reason(sentence, figure, parts)
        if reason:
            return reason
    if months(sentence) - months(whole) - {v // 100 for unit, v in _values(whole) if unit == "daymonth"}:
        return "a month it names is not in the excerpts it cites"
    return None


def _values(text: str) -> set[tuple[str, int]]:
    return {(unit, int(number)) for unit, number in values(text)}


def _written_reason(sentence: str, _: list[str], whole: str) -> str | None:
    """A name, code, web address, vague quantity or manner of deciding not written in the excerpts."""
    for name in names(sentence):
        if not re.search(rf"\b{re.escape(name)}(?:[’']s)?\b", whole, re.I):
            return f"the name “{name}” is not in the excerpts it cites"
    for pattern, what in ((CODE, "the code"), (ADDRESS, "the address"), (VAGUE, "the quantity"), (MANNER, "")):
        for match in pattern.finditer(sentence):
            said = match.group().rstrip(".,;:)")
            if not re.search(rf"(?<![\w/]){re.escape(said)}(?![\w/])", whole, re.I):
                return f"{what} “{said}” is not in the excerpts it cites".lstrip()
    return None


def _outcome_reason(sentence: str, parts: list[str], _: str) -> str | None:
    stated = outcome_senses(sentence)
    said = set().union(*(outcome_senses(part) for part in parts)) if stated else set()
    for sense, negated in sorted(stated):
        if (sense, negated) not in said:
            return f"it says {'not ' if negated else ''}{sense}, which the excerpts it cites don't say"
    return None


def _negation_reason(sentence: str, parts: list[str], _: str) -> str | None:
    """A word the sentence says with the opposite sense of every place the excerpts say it ("the roof was
    not repaired" where they say "the roof was repaired")."""
    given: dict[str, set[bool]] = {}
    for part in parts:
        for word, negated in _senses(part):
            given.setdefault(word, set()).add(negated)
    for word, negated in _senses(sentence):
        if word in given and negated not in given[word]:
            return (
                f"it says “{word}” {'negated' if negated else 'plainly'}, where the excerpts it cites say the opposite"
            )
    return None


def _senses(text: str) -> list[tuple[str, bool]]:
    """Each content word's stem with whether a negation comes within `NEGATION_REACH` words before it."""
    words = re.findall(r"[\w’']+|[,;:.()]", CITATION.sub(" ", text))
    found = []
    for i, word in enumerate(words):
        if not WORD.fullmatch(word) or word.lower() in STOPWORDS or len(word) < 3:
            continue
        before = []
        for earlier in reversed(words[max(0, i - NEGATION_REACH) : i]):
            if earlier in ",;:.()":
                break
            before.append(earlier)
        found.append((stem(word), any(NEGATION.fullmatch(w) for w in before)))
    return found


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
    holding = [i for i, part in enumerate(parts) if figure.value in values(part)]
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
