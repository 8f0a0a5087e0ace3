"""Decisions listed with their outcome, vote and movers, and the report their item considered: on the
sample corpus, on papers written here, and on Kent's minutes and reports (where ../shared exists)."""

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from councilqa.answer.cite import where
from councilqa.app.cli import main
from councilqa.app.resolutions import FoundDecision, list_decisions, outcome_line
from councilqa.index.build import ingest
from councilqa.index.store import Index, open_index
from councilqa.records import DecisionFilter
from councilqa.settings import Settings
from tests.conftest import shared_corpus

PACK = "riverford/Public reports pack 12th-Mar-2026 18.30 Cabinet.pdf"
MINUTES = "riverford/Printed minutes 12th-Mar-2026 18.30 Cabinet.pdf"
KENT_CABINET = "cabinet/2025-01-30/originals"
KENT_CABINET_FILES = (
    "Printed minutes 30th-Jan-2025 10.00 Cabinet.pdf",
    "24-00109 - Transfer the 18-25 section of the Strengthening Independence Service - Report.pdf",
    "24-00109 - Appendix A - PROD.pdf",
    "Item 7 - Supplementary - 24-00109 - Transfer the 18-25 section of the Strengthening Independence Ser.pdf",
)
KENT_COUNCIL = "full_council/2025-02-13/originals"
KENT_COUNCIL_FILES = ("Printed minutes 13th-Feb-2025 09.30 County Council.pdf",)


def by_item(found: list[FoundDecision], heading: str) -> list[FoundDecision]:
    return [record for record in found if record.decision.item_title == heading]


def test_the_report_an_item_considered_is_found_in_the_packs_agenda(sample_index: Index):
    found = by_item(list_decisions(sample_index, DecisionFilter()), "38. Riverside Leisure Centre Refurbishment")
    assert len(found) == 1 and found[0].document.path == MINUTES
    report = found[0].report
    assert report is not None and report.document.path == PACK
    assert (report.title, report.pdf_page, report.pdf_page_end) == ("Riverside Leisure Centre Refurbishment", 6, 9)
    assert where(report) == "Page 4 · PDF p.6–9"  # the agenda lists "4. ... (Pages 4 - 7)"
    pages = sample_index.papers.pages(report.document.sha256)
    assert "Riverside Leisure Centre" in pages[report.pdf_page - 1].text
    assert [pages[n - 1].label for n in (6, 9, 10)] == ["Page 4", "Page 7", "Page 8"]  # page 8 is the next report


def test_items_with_no_paper_of_their_meeting_have_no_report(sample_index: Index):
    found = list_decisions(sample_index, DecisionFilter())
    tanners = by_item(found, "41. Disposal of Land at Tanners Yard")  # an exempt report, not in the pack
    earlier = [record for record in found if record.decision.meeting_date == "2026-02-12"]  # minutes in the pack
    assert tanners and earlier and all(record.report is None for record in tanners + earlier)
    waste = by_item(found, "39. Household Waste Collection Contract")  # the amendment and the resolution
    assert {(r.report.pdf_page, r.report.pdf_page_end) for r in waste if r.report} == {(10, 11)} and len(waste) == 2


def test_outcome_line_says_outcome_kind_vote_and_movers(sample_index: Index):
    (lost,) = list_decisions(sample_index, DecisionFilter(outcome="lost"))
    assert outcome_line(lost.decision) == "amendment lost · For (2), Against (5) · proposed by Councillor Brennan"
    (leisure,) = list_decisions(sample_index, DecisionFilter(search="leisure refurbishment"))
    (delegate,) = leisure.decision.delegated  # as printed: "(b) ... be delegated to the Director of ..."
    assert delegate.endswith("Director of Communities in consultation with the Portfolio Holder for Leisure")
    assert outcome_line(leisure.decision) == f"resolution agreed · delegated to {delegate}"


MINUTES_PAGE = """Riverford Borough Council
MINUTES of a meeting of the Cabinet held on Thursday, 12th March, 2026 at 6.30 pm.
12. 25/00042 - Library Opening Hours
(Item 5)
The Portfolio Holder introduced the report on Saturday opening.
RESOLVED: That the library opening hours be extended on Saturdays.
13. Parks Maintenance Contract
RESOLVED: That the parks maintenance contract be extended by one year.
14. Cabinet Member Updates
RESOLVED: That the updates be noted.
15. 25/00050 - Library Opening Hours Consultation
(Item 8)
RESOLVED: That the consultation be launched."""


@pytest.fixture
def written_meeting(make_pdf: Callable[..., Path], tmp_path: Path, embedder) -> Index:
    """A meeting's minutes and papers written here, and a paper of a later meeting with the same reference."""
    meeting = "papers/cabinet/2026-03-12"
    make_pdf(f"{meeting}/Printed minutes 12th-Mar-2026 18.30 Cabinet.pdf", [MINUTES_PAGE])
    make_pdf(f"{meeting}/25-00042 - Appendix A - EqIA.pdf", ["Equality impact assessment: library opening hours."])
    make_pdf(f"{meeting}/25-00042 - Library Opening Hours - Report.pdf", ["Library Opening Hours", "Page two."])
    make_pdf(f"{meeting}/Parks Maintenance Contract - Report.pdf", ["Parks maintenance: the contract."])
    make_pdf(f"{meeting}/Parks Maintenance Contract Extension - Report.pdf", ["Parks maintenance: an extension."])
    make_pdf("papers/cabinet/2026-04-09/25-00042 - Library Opening Hours - Report.pdf", ["An update in April."])
    index = open_index(Settings(data_dir=tmp_path / "data"), embedder)
    ingest([tmp_path / "papers"], index)
    return index


def test_reports_are_found_by_reference_or_title_and_never_guessed(written_meeting: Index):
    found = list_decisions(written_meeting, DecisionFilter())
    reports = {record.decision.item_title: record.report for record in found}
    assert set(reports) == {
        "12. 25/00042 - Library Opening Hours",
        "13. Parks Maintenance Contract",
        "14. Cabinet Member Updates",
        "15. 25/00050 - Library Opening Hours Consultation",
    }
    library = reports["12. 25/00042 - Library Opening Hours"]
    assert library is not None  # the report of this meeting: not its appendix, not April's paper
    assert library.document.path == "cabinet/2026-03-12/25-00042 - Library Opening Hours - Report.pdf"
    assert (library.pdf_page, library.pdf_page_end) == (1, 2)
    assert reports["13. Parks Maintenance Contract"] is None  # two reports match it equally well
    assert reports["14. Cabinet Member Updates"] is None  # no paper
    assert reports["15. 25/00050 - Library Opening Hours Consultation"] is None  # 25/00042's paper is not its own


@pytest.fixture(scope="module")
def kent(tmp_path_factory: pytest.TempPathFactory, embedder) -> Settings:
    """Kent's cabinet minutes of 30 January 2025 with the papers of item 90, and the County Council's
    budget minutes, copied into one ingest root (a few files, to keep the run short)."""
    source = shared_corpus("kent")
    root = tmp_path_factory.mktemp("kent-papers") / "kent"
    for folder, names in ((KENT_CABINET, KENT_CABINET_FILES), (KENT_COUNCIL, KENT_COUNCIL_FILES)):
        (root / folder).mkdir(parents=True)
        for name in names:
            shutil.copyfile(source / folder / name, root / folder / name)
    settings = Settings(data_dir=tmp_path_factory.mktemp("kent-data"))
    report = ingest([root.parent], open_index(settings, embedder))
    assert not report.skipped, report.summary()
    return settings


@pytest.mark.model  # the CLI opens the index with the real model
def test_kent_item_report_is_the_paper_named_by_its_decision_reference(kent: Settings, capsys):
    assert main(["resolutions", "--search", "24/00109", "--data-dir", str(kent.data_dir)]) == 0
    out = capsys.readouterr().out
    report = f"kent/{KENT_CABINET}/24-00109 - Transfer the 18-25 section of the Strengthening Independence Service"
    assert "2025-01-30 · Cabinet · 90. 24/00109 - Transfer the 18-25 section" in out
    assert f"\n  report: {report} - Report.pdf · PDF p.1–9\n" in out  # not the appendix or the supplementary copy
    assert out.rstrip().endswith("1 decision(s)")


@pytest.mark.model  # the CLI opens the index with the real model
def test_kent_amendments_lost_with_their_votes_as_printed(kent: Settings, capsys):
    data = ["--data-dir", str(kent.data_dir)]
    assert main(["resolutions", "--committee", "county council", "--outcome", "lost", "--json", *data]) == 0
    lost = json.loads(capsys.readouterr().out)
    assert lost and {(r["kind"], r["outcome"], r["meeting_date"]) for r in lost} == {
        ("amendment", "lost", "2025-02-13")
    }
    hook = next(r for r in lost if r["proposer"] == "Mr Hook")
    assert (
        hook["votes"]["printed"] == ["For (9)", "Against (41)", "Abstain (8)"] and hook["seconder"] == "Mr Streatfeild"
    )
    assert (hook["votes"]["in_favour"], hook["votes"]["against"], hook["votes"]["abstained"]) == (9, 41, 8)
    assert all(r["report"] is None for r in lost)  # the budget papers of that meeting are not ingested here
