"""Answer units: the pieces of a passage an answer quotes, each verbatim in it.

A unit is a sentence (a bulleted item is one of its own), with a table row's figures kept with the
row they belong to and a sentence that continues the one before ("This", "It") joined to it; a
numbered paragraph, RESOLVED block or numbered table row is quoted whole where the passage holds all
of it.
"""

from __future__ import annotations

import re

from councilqa.text import split_sentences

FIGURE_TOKEN = re.compile(r"[-–]?[£$€]?\d[\d,]*(?:\.\d+)?(?:%|m|bn|k)?(?=\s|$)")
LEADING_FIGURES = re.compile(rf"(?:{FIGURE_TOKEN.pattern}\s*)*")
ROW_NUMBER = re.compile(r"\d{1,2}(?:\.\d{1,2})?")
# Where a unit an answer quotes whole begins: a paragraph or row number ("6.4 ", "27. ", "3) "), or a
# RESOLVED block ("RESOLVED that", "(4) RESOLVED"). Such a unit is quoted whole up to WHOLE_WORDS.
WHOLE_START = re.compile(r"(?:\d{1,3}(?:\.\d{1,2})?[.)]?\s|\(\d{1,3}\)\s+RESOLVED\b|RESOLVED\b|Resolved\b|AGREED\b)")
WHOLE_WORDS = 120
CONTINUES = re.compile(r"(?:This|It|These|That|They|Such)\b")
# An abbreviation's full stop ends no sentence: "The ratio of the top earner i.e. Chief Executive …"; the
# Welsh "Cyng." is "Cllr." ("Cynigiwyd gan y Cyng. Jones": proposed by Cllr Jones).
ABBREVIATION = re.compile(r"(?:\b(?:i\.e|e\.g|viz|cf|Mr|Mrs|Ms|Dr|Cllr|Cyng|Rev|St|No|approx|incl)\.)$", re.I)
# A bullet opens an item of its own, full stop before it or not ("… carried out. • Trees on High Street -
# …"): the glyphs word processors print, and the Symbol and Wingdings fonts' bullets pypdf reads as
# private-use characters (U+F0B7; U+F0A7, U+F0D8).
BULLET = re.compile(r"\s+(?=[•▪●◦■➢\uf0a7\uf0b7\uf0d8]\s)")
# An item or paragraph number that ends a sentence opens the next one: a heading printed without a full
# stop, or a page's running header, runs into the number ("… Part 4 Page 7 8. QUORUM (a) The quorum …",
# "Risk Assessment 12. Finance"). Not a number a sentence ends with ("paragraph 63.", "received 500.",
# "2025- 26.", "For: 8.", "at Appendix 2."): one after a word in lower case, a colon, a comma or a dash, or
# a word that names what the number refers to.
TRAILING_NUMBER = re.compile(r"(?<=\s)\d{1,3}(?:\.\d{1,3})*\.$")
ENDS_SENTENCE = re.compile(
    r"(?:^[a-z]|[-–—:,]$|^(?:Appendix|Annex|Schedule|Section|Part|Paragraph|Item|Minute|Table|Chart|Figure|Page|"
    r"Option|Stage|Phase|Rule|Article|Recommendation)$)"
)

# A page's running header or footer, read into the text between two sentences: capitalised words,
# figures and dashes ending in the page's label ("Trafford Council Constitution – October 2019 Part 4
# Page 7", "Page 27 of 44"). It answers nothing, and is no unit.
RUNNING_LINE = re.compile(
    r"(?:(?:[A-Z0-9(“‘\"'][^\s]*|[-–—:|/&]|of|and|the|for|to|in|on|at)\s+)*Page\s+\d{1,4}(?:\s+of\s+\d{1,4})?[.:]?"
)


def answering_unit(text: str, position: int) -> str:
    """The numbered paragraph, RESOLVED block or numbered table row that sentence `position` of `text`
    (as `answer_units` gives them) belongs to, when the excerpt holds all of it (the next one starts
    within it) and it is at most `WHOLE_WORDS` long; else the sentence alone.

    >>> answering_unit("6.3 Tax rises. 6.4 The cap is 3%. It funds care. So it goes on. 6.5 Next.", 2)
    '6.4 The cap is 3%. It funds care. So it goes on.'
    """
    units = answer_units(text)
    starts = [i for i, unit in enumerate(units) if WHOLE_START.match(unit)]
    first = max((i for i in starts if i <= position), default=None)
    end = next((i for i in starts if i > position), None)
    if first is None or end is None:
        return units[position]
    whole = " ".join(units[first:end])
    return whole if len(whole.split()) <= WHOLE_WORDS and whole in text else units[position]


def answer_units(text: str) -> list[str]:
    """The sentences of an excerpt as the answer quotes them, each verbatim in it. pypdf puts a table
    row's figures after the row's label, so at the start of the next sentence: they join the sentence
    before them (a row number left in front of the next row stays), unless what follows them runs on
    in lower case: then they open the sentence ("83% of respondents supported …"). A sentence that
    opens with "This", "It" and the like joins the sentence it continues. A page's running header or
    footer (`RUNNING_LINE`) is none.

    >>> answer_units("Cut repeat referrals (within 12 months). 18% 10% 3 Support children. It is new.")
    ['Cut repeat referrals (within 12 months). 18% 10%', '3 Support children. It is new.']
    >>> answer_units("It had 1,134 responses. 83% of respondents backed a pool.")
    ['It had 1,134 responses.', '83% of respondents backed a pool.']
    >>> answer_units("Paths - repaired. • Trees - SBC would not fund it. It was up to residents • Skips - none")
    ['Paths - repaired.', '• Trees - SBC would not fund it. It was up to residents', '• Skips - none']
    >>> answer_units("Constitution – October 2019 Part 4 Page 7 8. QUORUM The quorum is a quarter.")
    ['8. QUORUM The quorum is a quarter.']
    """
    units: list[str] = []
    for sentence in sentences(text):
        leading = LEADING_FIGURES.match(sentence)
        figures = list(FIGURE_TOKEN.finditer(leading.group(0))) if leading else []
        if figures and ROW_NUMBER.fullmatch(figures[-1].group(0)):
            figures.pop()  # the next row's or paragraph's number ("3", "6.4")
        rest = sentence
        if figures and sentence[figures[-1].end() :].strip()[:1].islower():
            figures = []  # the sentence's own figures: "83% of respondents …"
        if units and figures:
            units[-1] = f"{units[-1]} {sentence[: figures[-1].end()]}"
            rest = sentence[figures[-1].end() :].strip()
        if not rest or RUNNING_LINE.fullmatch(rest):
            continue
        if units and CONTINUES.match(rest):
            units[-1] = f"{units[-1]} {rest}"
        else:
            units.append(rest)
    return units


def sentences(text: str) -> list[str]:
    """The sentences of `text`, each verbatim in it: a bulleted item is one of its own, and an
    abbreviation's full stop ends none.

    >>> sentences("The top earner i.e. Chief Executive earns 6.92 times more. • Paths - done • Trees")
    ['The top earner i.e. Chief Executive earns 6.92 times more.', '• Paths - done', '• Trees']
    >>> sentences("Constitution Page 7 8. QUORUM The quorum is a quarter. Votes For: 8. Against: 2.")
    ['Constitution Page 7', '8. QUORUM The quorum is a quarter.', 'Votes For: 8.', 'Against: 2.']
    >>> sentences("The list is at Appendix 2. The committee noted it.")
    ['The list is at Appendix 2.', 'The committee noted it.']
    >>> sentences("Cynigiwyd gan y Cyng. Jones. Cytunwyd.")
    ['Cynigiwyd gan y Cyng. Jones.', 'Cytunwyd.']
    """
    found: list[str] = []
    for item in (item for sentence in split_sentences(text) for item in BULLET.split(sentence)):
        if found and ABBREVIATION.search(found[-1]):
            found[-1] = f"{found[-1]} {item}"
            continue
        number = TRAILING_NUMBER.search(found[-1]) if found else None
        before = found[-1][: number.start()].rstrip() if number is not None else ""
        if number is not None and before and not ENDS_SENTENCE.search(before.split()[-1]):
            found[-1] = before
            found.append(f"{number.group(0)} {item}")
        else:
            found.append(item)
    return found
