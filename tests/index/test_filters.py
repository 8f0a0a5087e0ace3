"""Filters on committee, meeting date, document type and document apply to dense and keyword search alike."""

import pytest

from councilqa.index.keyword import KeywordIndex
from councilqa.index.store import MODES
from councilqa.records import SearchFilter

PACK = "riverford/Public reports pack 12th-Mar-2026 18.30 Cabinet.pdf"
PLAN = "riverford/Climate Action Plan 2026-2030 - Report.pdf"


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    ("filters", "allowed"),
    [
        (SearchFilter(doc=PLAN), {PLAN}),
        (SearchFilter(doc_type="strategy"), {PLAN}),
        (SearchFilter(date_from="2026-04-01"), {PLAN}),
        (SearchFilter(committee="CABINET", date_to="2026-03-31", doc_type="reports pack"), {PACK}),
    ],
)
def test_every_hit_passes_the_filter_in_every_mode(sample_index, mode, filters, allowed):
    hits = sample_index.search("leisure centre refurbishment cost and carbon emissions", 10, filters, mode)
    assert hits
    assert {d.path for hit in hits for d in hit.documents} <= allowed


@pytest.mark.model
def test_unfiltered_search_finds_more_than_one_paper(sample_index):
    hits = sample_index.search("leisure centre refurbishment cost and carbon emissions", 10)
    assert len({d.path for hit in hits for d in hit.documents}) > 1


def test_a_filter_no_paper_passes_finds_nothing(sample_index):
    assert sample_index.papers.matching(SearchFilter(committee="Planning Committee")) == []
    assert sample_index.search("car parking", 5, SearchFilter(committee="Planning Committee")) == []


def test_a_pack_carrying_minutes_of_the_meeting_passes_a_date_filter_by_mention(sample_index):
    february = SearchFilter(date_from="2026-02-01", date_to="2026-02-28")
    assert sample_index.papers.matching(february) == []  # no paper is dated February 2026 …
    mentioned = sample_index.papers.matching(
        SearchFilter(date_from="2026-02-01", date_to="2026-02-28", mentions=("12 February 2026",))
    )
    assert PACK in {d.path for d in mentioned}  # … but the pack holds that meeting's minutes


def test_keyword_search_within_groups(tmp_path):
    index = KeywordIndex(None)
    index.rebuild(["a:0", "a:1", "b:0"], ["pool cost", "pool opening", "pool closure"])
    assert {i for i, _ in index.search("pool", 3, groups={"a"})} == {"a:0", "a:1"}
    assert index.search("pool", 3, groups=set()) == []


def test_minute_items_are_read_by_key_however_many_keys(sample_index):
    """A listing of every decision in a large archive asks for tens of thousands of items at once: more
    arguments than SQLite takes in one statement (32,766), so they are read in batches."""
    items = sample_index.papers.items()
    real = {(document.sha256, item.ordinal) for item, document in items}
    keys = real | {("0" * 64, ordinal) for ordinal in range(20_000)}  # 40,000 arguments, and keys of no item
    found = sample_index.papers.minute_items(keys)
    assert set(found) == real and len(real) >= 5
    assert sample_index.papers.minute_items(set()) == {}


def test_a_meetings_papers_are_found_by_its_committee_in_any_case_or_spacing(sample_index):
    """Minutes print "CABINET", a site sends "Executive  Cabinet": one rule (`folded`) compares names in SQL."""
    paper = next(d for d in sample_index.papers.overview().documents if d.committee and d.meeting_date)
    assert paper.meeting_date is not None and paper.committee is not None
    papers = sample_index.papers.meeting_papers(paper.meeting_date, paper.committee)
    shouted = f"  {'  '.join(paper.committee.upper().split())} "
    assert paper in papers and sample_index.papers.meeting_papers(paper.meeting_date, shouted) == papers
    assert sample_index.papers.meeting_papers(paper.meeting_date, "Planning Committee") == [
        d for d in papers if d.committee is None
    ]
