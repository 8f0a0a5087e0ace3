"""Step 1 of answering: how a question is searched. The filters given; the meeting a question names,
ranked first; only the papers of a council it names; newer meetings first for "latest"; or a refusal
where the papers can't answer it (no minutes of the council or meeting it names).

Every message is about the papers the asker may see (`Papers.seen`): none tells of a restricted one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date

from councilqa.answer.decisions import is_decision_question
from councilqa.answer.grounds import Reason, named_councils
from councilqa.answer.question_filter import named_councils_held, stated_filter
from councilqa.index.papers import Papers
from councilqa.records import Facets, SearchFilter

CLOSEST = "The closest passages are listed below."
RECENT = re.compile(r"\b(?:latest|current(?:ly)?|now|most recent|newest|up to date|to date)\b", re.I)


@dataclass(frozen=True)
class Plan:
    """How a question is searched: filters that must hold, a meeting to rank first, a note saying
    so, a reason to refuse, and whether newer meetings rank first; with the committees and meeting dates
    of the papers the asker may see (read once for the question: the decision search ranks by them too)."""

    filters: SearchFilter
    prefer: SearchFilter | None
    note: str | None
    refusal: Reason | None
    recent: bool
    facets: Facets


def plan_search(question: str, explicit: SearchFilter, papers: Papers) -> Plan:
    """What to search: the filters given; the meeting the question names, ranked first (or a
    refusal when no indexed paper is from it or mentions it, or when the question asks what it
    decided and no minutes of it are indexed); a refusal when it asks what a council decided and no
    indexed paper is that council's; only the papers of a council it names, of no council known, and
    those naming it, where that leaves some out (`named_councils_held`); newer meetings first for
    "latest" questions."""
    searched = Plan(explicit, None, None, None, bool(RECENT.search(question)), papers.facets())
    named = named_councils(question) if is_decision_question(question) else []
    outside = [name for name in named if not papers.minutes_council(name)]
    if outside and len(outside) == len(named):  # "Kent and Medway councillors": Kent's minutes may say
        councils = " and ".join(papers.councils())
        held = f"the index holds papers of {councils}" if councils else "no indexed paper names its council"
        elsewhere = Reason(
            "no minutes of the council named",
            f"No indexed minutes are {outside[0]}'s ({held}), so the papers don't record what {outside[0]} "
            f"decided. {CLOSEST}",
        )
        return replace(searched, refusal=elsewhere)
    asked = named_councils_held(question, papers.councils())
    within = replace(explicit, councils=asked.councils, council_mentions=asked.council_mentions)
    if not asked.councils or explicit.councils or not _narrows(papers, within, explicit):
        return _plan_meeting(papers, question, searched, bool(explicit))
    plan = _plan_meeting(papers, question, replace(searched, filters=within), bool(explicit))
    naming = " or ".join(f"“{mention}”" for mention in asked.council_mentions)
    told = f"Only papers of {' or '.join(asked.councils)}, papers of no council known, and papers naming {naming}"
    told += f" were searched{f', within {explicit.describe()}' if explicit else ''}."
    return replace(plan, note=f"{told} {plan.note}" if plan.note else told)


def _narrows(papers: Papers, within: SearchFilter, given: SearchFilter) -> bool:
    """Whether some paper passes `within` and fewer than pass `given` (in an index of one council's
    papers, or where every other council's papers name the place, a council filter leaves out none)."""
    passing = len(papers.matching(within))
    return 0 < passing < len(papers.matching(given))


def _plan_meeting(papers: Papers, question: str, searched: Plan, given: bool) -> Plan:
    """`plan_search` within `searched.filters` (the filters given, when `given`, and the councils the question
    names): the meeting the question names, ranked first."""
    explicit = searched.filters
    stated = None if given else stated_filter(question, searched.facets.committees, date.today())
    if stated is None or stated.about_minutes:  # "the September 2009 minutes": approved at a later meeting
        return searched
    stated_filters = replace(
        stated.filters,
        include_restricted=explicit.include_restricted,
        councils=explicit.councils,
        council_mentions=explicit.council_mentions,
    )
    for candidate in (stated_filters, replace(stated_filters, committee=None)):
        if papers.matching(candidate):
            note = f"Papers of {candidate.describe()} ranked first, as the question names {stated.phrase}."
            first, last = stated.filters.date_from, stated.filters.date_to
            refusal = None
            if is_decision_question(question) and not papers.has_minutes(first, last):
                refusal = Reason(
                    "no minutes of the meeting named",
                    f"No minutes of the meeting the question names ({stated.phrase}) are indexed, so the papers "
                    "don't record what was decided there. The closest passages are listed below.",
                )
            return replace(searched, prefer=candidate, note=note, refusal=refusal)
    note = (
        f"The question names {stated.phrase}: no indexed paper is from {stated.filters.describe()} or mentions "
        f"it, so all papers{' of the council named' if explicit.councils else ''} were searched."
    )
    refusal = Reason(
        "meeting named not indexed",
        "No indexed paper is from that meeting or mentions it. The closest passages from all papers are listed below.",
    )
    return replace(searched, note=note, refusal=refusal)
