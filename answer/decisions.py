"""Answers to "what was decided": the decision found in the minutes, led with its outcome and vote.

A question about what was decided, agreed or resolved, whether something was approved, adopted,
passed or carried, how a vote went, or what became of a motion or amendment, is a decision
question (one about what a report asks a committee to decide is not: reports only recommend). Its
answer leads with a line made from the decision's record ("Amendment lost at County Council on 13
February 2025: For (9), Against (41), Abstain (8).") and then quotes the sentence that moved it ("Mr
Hook proposed, and Mr Streatfeild seconded the following amendment:") and what was decided, a
RESOLVED block whole. The line is not quoted text, so every fact in it is checked before it is
shown: each printed vote and the outcome word on the cited excerpt (itself checked against its
pages), the meeting's date printed on the minutes' pages up to the cited one, and the quoted
sentences on their pages.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import date

from councilqa.dates import long_date, printed_date
from councilqa.records import Decision, Page, SearchFilter
from councilqa.text import split_sentences

DECISION_QUESTION = re.compile(
    r"\b(?:decid\w*|decisions?|resolv\w*|resolutions?|agree[ds]?|approv\w*|adopt\w*|pass(?:ed)?|carried|"
    r"vot(?:e|es|ed|ing)|outcome|amendments?|motions?|(?:get|got|go|went) through|rejected|defeated|backed|"
    r"delegat\w*|authori[sz]\w*|seconded|nominat\w*|unanimous\w*|sign(?:ed)? off|what happened|(?:do|did) with|"
    r"cho(?:ose|osing|se|sen)|choice|opt(?:ed|ing)?|select(?:ed|ing)?|settled|backing|"
    r"back(?!\s+(?:to|in|into|on|up|out|down|from|off|then|at|with|for)\b))\b",
    re.IGNORECASE,
)
RECOMMENDED = re.compile(r"\b(?:asked to|recommend\w*)\b", re.IGNORECASE)
OUTCOME_WORDS = {  # word beginnings that print each outcome, in its printed phrase or its RESOLVED text
    "carried": ("carried", "agreed", "approved", "resolved", "decided", "unanimous", "penderfyn", "cytun"),
    "lost": ("lost", "defeated", "fell", "rejected"),
    "agreed": ("agreed", "resolved", "approved", "adopt", "decided", "unanimous", "penderfyn", "cytun"),
    "noted": ("note",),
    "deferred": ("deferred",),
    "withdrawn": ("withdrawn",),
}
MINUTES_BEGIN = re.compile(r"(?im)^\s*minutes\s+of\s+(?:a\s+meeting\b|the\s+[\w '&-]{2,80}?\s+meeting\s+held\b)")
KINDS = {"amendment": "Amendment", "motion": "Motion", "substantive motion": "Substantive motion"}
SAME_MEETING = 1.0  # added to a decision's search score when it is of the meeting the question names
SAME_COMMITTEE = 0.3  # … of the committee the question names
RECENT = 0.3  # … at most, for the newest meeting's decisions, when the question asks for the latest
RECENT_HALF_LIFE = 90  # days
SAME_KIND = 0.3  # … an amendment when the question asks about one, the substantive motion when it asks for the
# final vote, any other decision when it asks for neither
ASKING = """decide decided decision decisions resolve resolved resolution agree agreed approve approved adopt adopted
vote voted votes voting outcome result amendment motion carried pass passed happen happened meeting council committee
cabinet get got go went through actually really ever finally backed supported opposed against members councillors
councillor"""  # words of asking, not of the subject asked about
MOTION_SENTENCES = 2  # sentences quoted from a motion's or amendment's wording (a RESOLVED block is whole)


def is_decision_question(question: str) -> bool:
    """Whether the question asks what was decided or how a vote went; not what a report asks or
    recommends a committee to decide (reports only recommend: the answer is in the report).

    >>> is_decision_question("Did the LEVI amendment get through?"), is_decision_question("band D council tax")
    (True, False)
    >>> is_decision_question("Which audit option did the council choose?"), is_decision_question("is the cc backing it")
    (True, True)
    >>> is_decision_question("who can make them without going back to council?")
    False
    >>> is_decision_question("In the phase 2 paper, what was Cabinet asked to decide?")
    False
    """
    return bool(DECISION_QUESTION.search(question)) and not RECOMMENDED.search(question)


def preference(
    question: str, prefer: SearchFilter | None, committee: str | None, newest: str | None = None
) -> Callable[[Decision], float]:
    """What a decision gains in the ranking from matching what the question names: the meeting (its
    dates), the committee, whether it asks about an amendment or the final vote; and, for a "latest"
    question (`newest` given: the newest meeting indexed), up to `RECENT` by how near its meeting is
    to the newest (halving every `RECENT_HALF_LIFE` days)."""
    first = prefer.date_from if prefer else None
    last = prefer.date_to if prefer else None
    amendment = bool(re.search(r"\bamend", question, re.IGNORECASE))
    final = bool(re.search(r"\b(?:final|overall|substantive)\b", question, re.IGNORECASE))

    def boost(decision: Decision) -> float:
        if final:  # the final vote on a motion is on the substantive motion, after its amendments
            gain = SAME_KIND if decision.kind == "substantive motion" else 0.0
        else:
            gain = SAME_KIND if (decision.kind == "amendment") == amendment else 0.0
        when = decision.meeting_date
        if (first or last) and when and (first or "") <= when <= (last or "9999"):
            gain += SAME_MEETING
        if committee and committee in (decision.committee or "").lower():
            gain += SAME_COMMITTEE
        if newest and when:
            age = (date.fromisoformat(newest) - date.fromisoformat(when)).days
            gain += RECENT * 0.5 ** (max(age, 0) / RECENT_HALF_LIFE)
        return gain

    return boost


def lead_line(decision: Decision) -> str:
    """The outcome, meeting and vote of a decision, in one line (the sentence that moved it is quoted).

    >>> from councilqa.records import Votes
    >>> d = Decision(0, 0, "7. Budget", "amendment", "lost", None, "x", "x", 1, 1, None, "County Council", "2025-02-13",
    ...              Votes(9, 41, 8, ("For (9)", "Against (41)", "Abstain (8)")), "Mr Hook", "Mr Streatfeild")
    >>> lead_line(d)
    'Amendment lost at County Council on 13 February 2025: For (9), Against (41), Abstain (8).'
    """
    what = f"{KINDS[decision.kind]} {decision.outcome}" if decision.kind in KINDS else decision.outcome.capitalize()
    where = f" at {decision.committee}" if decision.committee else ""
    when = f" on {long_date(decision.meeting_date)}" if decision.meeting_date else ""
    line = f"{what}{where}{when}"
    if decision.votes:
        line += f": {decision.votes.describe()}."
    elif decision.unanimous:
        line += ", unanimously."
    else:
        line += "."
    return line


def decided_quote(decision: Decision) -> str:
    """What the answer quotes: a RESOLVED block whole, or the first sentences of a motion's wording."""
    if decision.text.startswith(("RESOLVED", "Resolved", "AGREED")) or decision.kind == "resolution":
        return decision.text
    return " ".join(split_sentences(decision.text)[:MOTION_SENTENCES])


def unchecked_facts(decision: Decision, pages: Sequence[Page]) -> list[str]:
    """The facts of `lead_line` and the quotes that the minutes' own pages don't bear out (none, when
    the answer may lead with it). `pages` are the stored pages of the document holding the decision.
    Checked with rules of their own, not the minutes reader's: the excerpt on its pages; each printed
    vote, the outcome as printed (or, for a RESOLVED block, in its text) and the sentence that moved
    it in the excerpt or on its pages; the meeting's date on the page where these minutes begin."""
    excerpt = " ".join(decision.excerpt.split())
    problems = (
        [] if excerpt in _text(pages, decision.pdf_page, decision.pdf_page_end) else ["the excerpt is not on its pages"]
    )
    printed = decision.votes.printed if decision.votes else ()
    problems += [f"{fact!r} is not in the excerpt" for fact in (*printed, *decision.delegated) if fact not in excerpt]
    if decision.moved and decision.moved_at:  # the sentence that moved it, pages before the vote
        first, last, _ = decision.moved_at
        if decision.moved not in _text(pages, first, last):
            problems.append(f"{decision.moved!r} is not on PDF pages {first}-{last}")
    elif decision.moved and decision.moved not in excerpt:
        problems.append(f"{decision.moved!r} is not in the excerpt")
    said = decision.outcome_printed or decision.text  # "Amendment lost"; or the RESOLVED block itself
    words = re.findall(r"[a-z]+", (said if decision.outcome_printed else said[:400]).lower())
    if said not in excerpt or not any(w.startswith(OUTCOME_WORDS[decision.outcome]) for w in words):
        problems.append(f"the outcome {decision.outcome!r} is not what the minutes print ({said[:60]!r})")
    if decision.unanimous and "unanimous" not in excerpt.lower():
        problems.append("'unanimously' is not in the excerpt")
    if decision.meeting_date and not printed_date(decision.meeting_date).search(_heading(pages, decision.pdf_page)):
        problems.append(f"the meeting date {decision.meeting_date} is not printed where these minutes begin")
    return problems


def _text(pages: Sequence[Page], first: int, last: int) -> str:
    return " ".join(" ".join(p.text.split()) for p in pages if first <= p.pdf_page <= last)


def _heading(pages: Sequence[Page], upto: int) -> str:
    """The text of the last page up to `upto` where minutes begin ("Minutes of a meeting of …",
    "Minutes of the Cabinet meeting held …" at the start of a line) and the page after it, where a
    heading may run on; all the pages up to `upto` where none does (printed minutes)."""
    starts = [p.pdf_page for p in pages if p.pdf_page <= upto and MINUTES_BEGIN.search(p.text)]
    first = starts[-1] if starts else 1
    return _text(pages, first, first + 1 if starts else upto)
