"""Which decision an answer cites first, and whether it leads: the decision the minutes record that
matches the question (its lead line's facts checked on its pages), led with where the reader's model
finds that its record answers the question; and a sentence of its item's discussion the answer quotes too.
"""

from __future__ import annotations

import logging
from dataclasses import replace

from councilqa.answer.cite import Decided, decision_citations
from councilqa.answer.decisions import ASKING, preference, unchecked_facts
from councilqa.answer.plan import Plan
from councilqa.answer.question_filter import named_committee
from councilqa.answer.read import compose, coverage
from councilqa.answer.relevance import Relevance
from councilqa.index.store import Index
from councilqa.records import Chunk, Citation, Decision, Hit, Quote

log = logging.getLogger(__name__)

MORE_GAIN = 0.1  # share of the question's words a sentence must add to a decision's quotes to be quoted too
MORE_WORDS = 60  # … and at most this long (not a page's header run together)
# How well the best decision matches a decision question: the share of the question's distinctive words
# (rarity-weighted) its own record and its item's heading hold, plus the cosine of the question to its
# item title and text. Fitted on eval/decisions.jsonl while the words were counted in the whole item
# (every wrong or unanswerable decision there scored 0.64 or less, every right one 0.70 or more);
# counting them in the record alone gave the same answers on every set. At DECISION_LED the answer leads
# with the decision, at DECISION_CITED it is cited first.
DECISION_LED = 0.67
LEAD_WORDS = 100  # of a decision's record, read by the model before it may lead
DECISION_CITED = 0.5


def lead_text(decision: Decision) -> str:
    """What the model reads of a decision before it may lead: its item's title, then its record's first
    `LEAD_WORDS` words. (Measured against what was decided or moved with its printed outcome, and the
    better of the two: the record kept more right leads with no wrong one, eval/fit_lead.py.)"""
    return f"{decision.item_title or ''}: {' '.join(decision.excerpt.split()[:LEAD_WORDS])}"


def find_decision(index: Index, question: str, plan: Plan) -> Decided | None:
    """The decision the question asks about: the best match, if it holds most of the question's
    distinctive words and every fact of its lead line checks out against its pages."""
    facets = plan.facets
    newest = facets.meeting_dates[-1] if plan.recent and facets.meeting_dates else None
    boost = preference(question, plan.prefer, named_committee(question, facets.committees), newest)
    found = index.search_decisions(question, 1, plan.filters, boost)
    if not found:
        return None
    hit = found[0]
    decision = hit.decision
    covered = coverage(index, question, hit.record, ignore=ASKING)
    match = covered + hit.similarity
    if match < DECISION_CITED:
        log.info("decision %s not cited: match %.2f (words %.2f)", decision.ordinal, match, covered)
        return None
    document = hit.documents[0]
    pages = index.papers.pages(document.sha256)
    problems = unchecked_facts(hit.decision, pages)
    if problems:
        log.warning("decision %s of %s not shown: %s", hit.decision.ordinal, document.path, "; ".join(problems))
        return None
    return Decided(hit.decision, hit.documents, match, hit.similarity, hit.item, pages)


def leads(relevance: Relevance, question: str, decided: Decided, threshold: float) -> bool:
    """Whether the decision leads the answer: it matches the question (`DECISION_LED`) and its record,
    read under its item's title, answers it by the reader's model, at `threshold` or more
    (`answer.min_lead_relevance`, `answer.min_topic_lead_relevance`; fitted by `python -m
    councilqa.eval.fit_lead`). A decision that shares the question's words but is another item's (the
    final budget vote, for a question about a report noted at the same meeting) is cited, not led with."""
    if decided.score < DECISION_LED:
        return False
    d = decided.decision
    score = float(relevance.score(question, [lead_text(d)])[0])
    log.info("decision %s: relevance %.2f to the question", d.ordinal, score)
    return score >= threshold


def discussed(index: Index, question: str, decided: Decided, quotes: tuple[Quote, ...]) -> Citation | None:
    """A sentence of the decision's item (its discussion) that answers what the quotes leave out
    (what was said, which risk, which figure), as a citation of its own page; None unless it adds
    `MORE_GAIN` of the question's words."""
    item = decided.item
    if item is None:
        return None
    sha256 = decided.documents[0].sha256
    rest = item.text
    for quote in quotes:  # what the answer quotes already is not a candidate
        rest = " ".join(rest.replace(quote.text, " ").split())
    if not rest:
        return None
    pseudo = Hit(Chunk(sha256, -1, rest, item.pdf_page, item.pdf_page_end, None, None, ""), 0.0, ())
    quoted = " ".join(quote.text for quote in quotes)
    said = compose(question, [pseudo], 1, index.words)[0].text
    if len(said.split()) > MORE_WORDS:
        return None
    gain = coverage(index, question, f"{quoted} {said}", ASKING) - coverage(index, question, quoted, ASKING)
    pages = (p for p in decided.pages if item.pdf_page <= p.pdf_page <= item.pdf_page_end)
    page = next((p for p in pages if said in " ".join(p.text.split())), None)
    if gain < MORE_GAIN or page is None:
        return None
    record = decision_citations(decided)[0]
    return replace(
        record, pdf_page=page.pdf_page, pdf_page_end=page.pdf_page, printed_page=page.label, text=said, ocr=page.ocr
    )
