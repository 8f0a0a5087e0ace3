"""A decision's citations say whether OCR read the pages they cite: its record's pages, and the earlier page
of the sentence that moved it, each on its own (pure: records made here)."""

from __future__ import annotations

from councilqa.answer.cite import Decided, decision_citations
from councilqa.records import Decision, Document, Page

MOVED = "Councillor Brennan proposed, and Councillor Ward seconded, that the rents be frozen."
RECORD = "RESOLVED: That the Ferndown allotments rents be frozen. Carried."


def decided(scanned: set[int]) -> Decided:
    pages = [Page(n, f"Page {n}", f"page {n}", ocr=n in scanned) for n in (1, 2, 3)]
    decision = Decision(
        0, 1, "38. Allotments", "motion", "carried", "Carried", RECORD, RECORD, 3, 3, "Page 3", "Cabinet",
        "2026-03-12", moved=MOVED, moved_at=(2, 2, "Page 2"),
    )  # fmt: skip
    paper = Document("minutes.pdf", "/papers", "ab" * 32, "Printed minutes", 3, committee="Cabinet")
    return Decided(decision, (paper,), 0.9, 0.8, None, pages)


def test_each_citation_of_a_decision_says_whether_ocr_read_its_own_pages() -> None:
    record, moved = decision_citations(decided({3}))
    assert (record.pdf_page, record.ocr, moved.pdf_page, moved.ocr) == (3, True, 2, False)
    record, moved = decision_citations(decided({2}))
    assert (record.ocr, moved.ocr) == (False, True)
    assert not any(c.ocr for c in decision_citations(decided({1})))  # a page neither cites
