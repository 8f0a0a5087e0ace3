"""Find decisions by committee, meeting date, outcome and words, each with its citation and, where
it can be told, the report its item considered.

An item's report is looked for only among the indexed papers of the same meeting (same meeting date;
same committee where both are known): a paper whose title or file name carries the item's decision
reference ("24/00109" ↔ "24-00109 - Transfer ... - Report.pdf") or most of the item title's words,
or, in that meeting's reports pack, the pages its agenda lists for the item ("4. Riverside Leisure
Centre Refurbishment (Pages 4 - 7)" → the PDF pages labelled "Page 4" to "Page 7"). When nothing
matches well, or two different papers match equally well, there is no report: never a guess.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import PurePosixPath
from typing import Any

from councilqa.index.store import Index
from councilqa.records import Decision, DecisionFilter, Document, MinuteItem, Page, same_decision, votes_json

MIN_SHARE = 0.6  # share of an item title's words a paper's title must hold to be its report
REFERENCE = re.compile(r"(?<!\d)(\d{2})/(\d{5})(?!\d)")  # a decision reference: "24/00109"
NAMED_REFERENCE = re.compile(r"(?<!\d)(\d{2})[-/_ ](\d{5})(?!\d)")  # in a file name: "24-00109 - ... - Report.pdf"
LISTING = re.compile(  # an agenda entry with its pages: "4. Riverside Leisure Centre Refurbishment (Pages 4 - 7)"
    r"^[ \t]*\d+[A-Za-z]?\.?[ \t]+([^\n()]+(?:\n[^\n()]+)?)\(Pages?[ \t]*(\d+)(?:[ \t]*[-–][ \t]*(\d+))?[ \t]*\)",
    re.MULTILINE,
)
LABEL_NUMBER = re.compile(r"(?:page\s*)?(\d+)", re.IGNORECASE)
STOPWORDS = frozenset(
    """a an and are as at be by for from in into is it its of on or the this that to under with
    annex appendix including item pdf report supplementary""".split()
)


@dataclass(frozen=True)
class ItemReport:
    """The paper a minuted item considered: a document, or pages of a reports pack. `title` is the
    document's title, or the pack's agenda entry for it; `printed_page` is the label its first page
    prints, so `cite.where(report)` reads "Page 4 · PDF p.6–9"."""

    document: Document
    title: str
    pdf_page: int
    pdf_page_end: int
    printed_page: str | None


@dataclass(frozen=True)
class FoundDecision:
    """A decision as listed: the document that records it, its minuted item and the item's report."""

    decision: Decision
    document: Document
    item: MinuteItem | None = None
    report: ItemReport | None = None

    def to_json(self) -> dict[str, Any]:
        """The `resolutions --json` record (its keys are tabulated in README.md)."""
        d, report = self.decision, self.report
        return {
            "meeting_date": d.meeting_date,
            "committee": d.committee,
            "item": d.item_title,
            "kind": d.kind,
            "outcome": d.outcome,
            "votes": votes_json(d.votes),
            "proposer": d.proposer,
            "seconder": d.seconder,
            "delegated": list(d.delegated),
            "unanimous": d.unanimous,
            "text": d.text,
            "excerpt": d.excerpt,
            "doc": self.document.path,
            "title": self.document.title,
            "pdf_page": d.pdf_page,
            "pdf_page_end": d.pdf_page_end,
            "printed_page": d.printed_page,
            "report": None
            if report is None
            else {
                "doc": report.document.path,
                "title": report.title,
                "pdf_page": report.pdf_page,
                "pdf_page_end": report.pdf_page_end,
                "printed_page": report.printed_page,
            },
        }


def list_decisions(index: Index, wanted: DecisionFilter) -> list[FoundDecision]:
    """Matching decisions, newest meeting first (one of each: the same minutes printed and in a later
    pack are one decision), each with its minuted item and that item's report where one is found. The
    index reads only the matching decisions, their items and their meetings' papers.

    Example::

        [found.report for found in list_decisions(index, DecisionFilter(search="leisure"))]
    """
    found: list[tuple[Decision, Document]] = []
    seen: set[tuple[str | None, str | None, str]] = set()
    papers = index.papers.seen(wanted.include_restricted)  # nor a restricted paper as an item's report
    for decision, document in papers.decisions(wanted):
        if same_decision(decision) not in seen:
            seen.add(same_decision(decision))
            found.append((decision, document))
    keys = {(document.sha256, decision.item) for decision, document in found if decision.item is not None}
    items = papers.minute_items(keys)
    pages = lru_cache(maxsize=None)(papers.pages)
    reports: dict[tuple[str, int], ItemReport | None] = {}
    listed = []
    for decision, document in found:
        key = (document.sha256, decision.item if decision.item is not None else -1)
        item = items.get(key)
        if item is not None and key not in reports:
            meeting = papers.meeting_papers(item.meeting_date, item.committee) if item.meeting_date else []
            reports[key] = find_report(item, [paper for paper in meeting if paper.sha256 != document.sha256], pages)
        listed.append(FoundDecision(decision, document, item, reports.get(key)))
    return listed


def outcome_line(decision: Decision) -> str:
    """Outcome and kind, the vote as printed, who moved it and to whom it was delegated.

    >>> from dataclasses import replace
    >>> from councilqa.records import Votes
    >>> lost = Decision(0, 5, None, "amendment", "lost", None, "", "", 2, 2, None, None, None)
    >>> outcome_line(replace(lost, votes=Votes(2, 5, None, ("For (2)", "Against (5)")), proposer="Cllr Brennan"))
    'amendment lost · For (2), Against (5) · proposed by Cllr Brennan'
    """
    parts = [f"{decision.kind} {decision.outcome}"]
    if decision.votes is not None:
        parts.append(decision.votes.describe())
    if decision.unanimous:
        parts.append("unanimous")
    moved = ", ".join(
        f"{verb} by {name}" for verb, name in (("proposed", decision.proposer), ("seconded", decision.seconder)) if name
    )
    if moved:
        parts.append(moved)
    if decision.delegated:
        parts.append("delegated to " + "; ".join(decision.delegated))
    return " · ".join(parts)


def find_report(
    item: MinuteItem, meeting: Sequence[Document], pages: Callable[[str], Sequence[Page]]
) -> ItemReport | None:
    """The paper `item` considered, among `meeting`, the other papers of its meeting (`Papers.meeting_papers`):
    a paper named by the item's decision reference or most of its title's words (a report first), else
    the pages a reports pack's agenda lists for the item. `pages` gives a content's pages (with their
    labels). None when nothing matches well or two different papers match equally well.

    Example::

        find_report(item, papers.meeting_papers(item.meeting_date, item.committee), papers.pages)
    """
    if not item.title:
        return None
    papers = _papers(item.title, meeting)
    best = _unique([(score, document) for score, document in papers if score[:2] != (False, False)])
    if best is None:
        packs = [document for document in meeting if document.doc_type == "reports pack"]
        best = _unique(
            [(score, found) for pack in packs for score, found in _listed(item.title, pack, pages(pack.sha256))]
        )
    if best is None:
        best = _unique(papers)
    if isinstance(best, Document):
        first = pages(best.sha256)
        return ItemReport(best, best.title, 1, best.n_pages, first[0].label if first else None)
    return best


def words(text: str) -> set[str]:
    """The content words of a title: lower case, no stopwords, no numbers, plurals made singular.

    >>> sorted(words("24/00109 - Transfer the 18-25 section of the Services - Report"))
    ['section', 'service', 'transfer']
    """
    found = set()
    for word in re.findall(r"\w+", text.casefold()):
        if len(word) < 2 or word in STOPWORDS or not word.isalpha():
            continue
        found.add(word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word)
    return found


def _share(item_words: set[str], other: Iterable[str]) -> float:
    return len(item_words & set(other)) / len(item_words) if item_words else 0.0


Score = tuple[bool, bool, float]  # names the reference, looks like a report, share of the item's words


def _papers(title: str, meeting: Sequence[Document]) -> list[tuple[Score, Document]]:
    """The meeting's papers that name the item's reference or hold most of its title's words, scored."""
    references = {f"{year}/{number}" for year, number in REFERENCE.findall(title)}
    item_words = words(REFERENCE.sub(" ", title))
    scored = []
    for document in meeting:
        name = f"{document.title} {PurePosixPath(document.path).stem}"
        named = {f"{year}/{number}" for year, number in NAMED_REFERENCE.findall(name)}
        if references and named - references:  # the paper of another decision
            continue
        cites = bool(named & references)
        share = _share(item_words, words(name))
        if cites or share >= MIN_SHARE:
            reportish = document.doc_type == "report" or "report" in re.findall(r"[a-z]+", name.casefold())
            scored.append(((cites, reportish, share), document))
    return scored


def _listed(title: str, pack: Document, pages: Sequence[Page]) -> list[tuple[Score, ItemReport]]:
    """Agenda entries of a reports pack whose title matches the item's both ways, as the pages they list."""
    item_words = words(title)
    text = "\n".join(page.text for page in pages)
    found = []
    for listing in LISTING.finditer(text):
        listed_words = words(listing[1])
        share = min(_share(item_words, listed_words), _share(listed_words, item_words))
        if share < MIN_SHARE:
            continue
        first, last = int(listing[2]), int(listing[3] or listing[2])
        span = _labelled(pages, first, last)
        if span is not None:
            entry = " ".join(listing[1].split())
            found.append(
                ((False, True, share), ItemReport(pack, entry, span[0].pdf_page, span[1].pdf_page, span[0].label))
            )
    return found


def _labelled(pages: Sequence[Page], first: int, last: int) -> tuple[Page, Page] | None:
    """The pages printing the numbers `first` and `last` ("Page 4", or a bare "4"), in that order."""
    numbered = [(int(match[1]), page) for page in pages if page.label and (match := LABEL_NUMBER.fullmatch(page.label))]
    start = next((page for number, page in numbered if number == first), None)
    if start is None:
        return None
    end = next((page for number, page in numbered if number == last and page.pdf_page >= start.pdf_page), None)
    return None if end is None else (start, end)


def _unique(scored: Sequence[tuple[Score, Document | ItemReport]]) -> Document | ItemReport | None:
    """The best scored paper, or None when there is none or two different ones score the best: a copy
    of the same paper under another name (same title) is not a rival."""
    if not scored:
        return None
    top = max(score for score, _ in scored)
    best = [found for score, found in scored if score == top]
    key = [_identity(found) for found in best]
    return best[0] if len(set(key)) == 1 else None


def _identity(found: Document | ItemReport) -> tuple[str, int, int]:
    if isinstance(found, Document):
        return (found.title, 1, found.n_pages)
    return (found.document.title, found.pdf_page, found.pdf_page_end)
