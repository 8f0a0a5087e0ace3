"""Decision questions answered from the decisions read from minutes: led by the outcome and vote, every
fact of that line checked on the cited page, the RESOLVED block quoted whole (real index, real model)."""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import replace

import jsonschema
import pytest

from councilqa.answer.ask import Assistant
from councilqa.answer.decisions import unchecked_facts
from councilqa.dates import printed_date
from councilqa.index.build import ingest
from councilqa.index.embed import SentenceTransformerEmbedder
from councilqa.index.store import Index, open_index
from councilqa.records import Answer, Votes
from councilqa.settings import Settings
from tests.conftest import REPO, collapse, shared_corpus

KENT_MINUTES = (
    "full_council/2025-02-13/originals/Printed minutes 13th-Feb-2025 09.30 County Council.pdf",
    "full_council/2025-02-13/originals/3 - Amendment - Liberal Democrats - LEVI capital funding.pdf",
    "full_council/2025-02-13/originals/19 December 2024 - County Council minutes.pdf",
    "cabinet/2025-01-30/originals/Printed minutes 30th-Jan-2025 10.00 Cabinet.pdf",
)


def page_text(index: Index, answer: Answer, rank: int = 1) -> str:
    """The stored text of the pages citation `rank` cites, whitespace collapsed."""
    citation = answer.citations[rank - 1]
    document = index.papers.document(citation.doc)
    assert document is not None
    pages = index.papers.pages(document.sha256)
    return collapse(" ".join(p.text for p in pages if citation.pdf_page <= p.pdf_page <= citation.pdf_page_end))


@pytest.mark.model
def test_what_cabinet_decided_leads_with_the_outcome_and_quotes_the_whole_resolved_block(sample_settings, sample_index):
    answer = Assistant(sample_settings, sample_index).ask("What did Cabinet decide about the leisure centre?")
    assert answer.outcome == "Agreed at Cabinet on 12 March 2026."
    assert answer.answer.startswith(answer.outcome)
    resolved = next(quote.text for quote in answer.quotes if quote.text.startswith("RESOLVED"))
    assert resolved.startswith("RESOLVED: That (a) Option A") and "£8.7 million" in resolved  # (a), the decision itself
    assert "(b) the award of the construction contract" in resolved and resolved.endswith("in January 2027.")
    first = answer.citations[0]
    assert first.doc.endswith("Printed minutes 12th-Mar-2026 18.30 Cabinet.pdf") and first.pdf_page == 2
    assert resolved in first.text and first.meeting_date == "2026-03-12"
    assert answer.decision is not None and answer.decision.delegated  # "be delegated to the Director of Communities"
    record = answer.to_json()
    jsonschema.validate(record, json.loads((REPO / "app" / "answer.schema.json").read_text()))
    assert record["decision"]["outcome"] == "agreed" and record["outcome"] == answer.outcome


@pytest.mark.model
def test_a_decision_leads_only_when_the_model_reads_its_record_as_answering(sample_settings, sample_index):
    """The same decision, at a threshold the record clears and one it doesn't: led with, then only cited."""
    question = "What did Cabinet decide about the leisure centre?"
    led = Assistant(sample_settings, sample_index).ask(question)
    assert led.outcome and sample_settings.answer.min_lead_relevance == -7.0
    strict = sample_settings.model_copy(
        update={"answer": sample_settings.answer.model_copy(update={"min_lead_relevance": 20.0})}
    )
    cited = Assistant(strict, sample_index).ask(question)
    assert cited.outcome is None and cited.decision is None and not cited.answer.startswith("Agreed at Cabinet")
    assert cited.citations[0].text == led.citations[0].text  # the record is still cited first


@pytest.mark.model
def test_the_units_the_reader_reads_leave_out_the_decisions_record(sample_settings, sample_index):
    """`Assistant.units` (what `fit_reader` fits on): none where a decision leads; where it is only cited,
    the units of the passages cited after its record (and of those beside them), never the record's."""
    question = "What did Cabinet decide about the leisure centre?"
    assert Assistant(sample_settings, sample_index).units(question) == []
    strict = sample_settings.model_copy(
        update={"answer": sample_settings.answer.model_copy(update={"min_lead_relevance": 20.0})}
    )
    cited = Assistant(strict, sample_index)
    answer, units = cited.ask(question), cited.units(question)
    assert units and min(unit.citation for unit in units) == 2
    found = [unit for unit in units if not unit.beside]
    assert found and all(unit.text in answer.citations[unit.citation - 1].text for unit in found)
    record = answer.citations[0].text
    assert not any(unit.text in record for unit in units)


@pytest.mark.model
def test_a_question_that_doesnt_ask_what_was_decided_is_led_only_where_the_reader_agrees(sample_settings, sample_index):
    """A question that doesn't ask what was decided is led by a decision only when the reader's best unit
    of the passages found is of the decision's item, on its pages (`Assistant.settle`); where the reader's best is in
    the report, the decision is not cited; with answer.min_topic_lead_relevance unset, never."""
    assistant = Assistant(sample_settings, sample_index)
    led = assistant.ask("leisure centre refurbishment cost")
    assert led.outcome == "Agreed at Cabinet on 12 March 2026." and led.answer.startswith(led.outcome)
    assert led.citations[0].doc.endswith("Printed minutes 12th-Mar-2026 18.30 Cabinet.pdf")

    question = "when will the leisure centre contract be awarded"
    found = assistant.retrieve(question, assistant.plan(question), sample_settings.answer.k)
    assert found.decided is not None and found.if_read and not found.led  # it matches, and clears the threshold
    settled, read = assistant.settle(question, found, sample_settings.answer.k)
    assert read is not None and "Cabinet is asked to approve" in read.scored[0].unit.text  # the report's reads best
    assert settled.decided is None and not settled.led
    answer = assistant.ask(question)
    assert answer.decision is None and answer.outcome is None and not answer.answer.startswith("Agreed")

    unset = sample_settings.model_copy(
        update={"answer": sample_settings.answer.model_copy(update={"min_topic_lead_relevance": None})}
    )
    assert Assistant(unset, sample_index).ask("leisure centre refurbishment cost").decision is None


@pytest.mark.model
def test_an_amendment_that_was_lost_is_answered_with_its_vote(sample_settings, sample_index):
    answer = Assistant(sample_settings, sample_index).ask("What happened to the amendment to cut the waste contract?")
    assert answer.outcome is not None and answer.outcome.startswith("Amendment lost at Cabinet on 12 March 2026")
    assert "For (2), Against (5)" in answer.outcome
    assert "For (2), Against (5)" in answer.citations[0].text
    wording = "amendment that the contract length be reduced to five years"
    assert answer.answer.count(wording) == 1  # the moving sentence holds the wording: quoted once


@pytest.mark.model
def test_how_the_vote_went_is_answered_only_by_a_recorded_vote(sample_settings, sample_index):
    """The leisure centre was RESOLVED with no vote recorded: asked for the vote, the answer says so
    instead of leading with the decision; the amendment's vote is recorded, and leads."""
    assistant = Assistant(sample_settings, sample_index)
    unvoted = assistant.ask("How many councillors voted for and against the leisure centre refurbishment at Cabinet?")
    assert unvoted.abstained and unvoted.outcome is None and unvoted.checks == ("no vote recorded",)
    assert unvoted.answer.startswith("The minutes found record no vote on what the question asks.")
    voted = assistant.ask("What was the vote on the amendment to cut the waste contract?")
    assert not voted.abstained and voted.outcome is not None and "For (2), Against (5)" in voted.outcome


@pytest.mark.model
def test_a_meeting_whose_minutes_are_in_a_later_pack_is_answered_from_them(sample_settings, sample_index):
    answer = Assistant(sample_settings, sample_index).ask(
        "What did cabinet decide about car parking charges at the 12 February 2026 meeting?"
    )
    assert not answer.abstained, answer.answer  # no paper is dated 12 February: its minutes are in the March pack
    assert answer.outcome == "Agreed at Cabinet on 12 February 2026."
    first = answer.citations[0]
    assert first.doc.endswith("Public reports pack 12th-Mar-2026 18.30 Cabinet.pdf") and first.printed_page == "Page 2"
    assert "revised car parking charges be approved" in answer.answer


@pytest.mark.model
def test_a_decision_question_about_something_no_decision_holds_is_not_led_by_a_decision(sample_settings, sample_index):
    answer = Assistant(sample_settings, sample_index).ask("Was the library closure programme approved?")
    assert answer.outcome is None and answer.decision is None


@pytest.mark.model
def test_a_lead_line_whose_facts_are_not_on_the_page_is_not_shown(sample_settings, sample_index):
    decisions = sample_index.papers.decisions()
    decision, document = next((d, doc) for d, doc in decisions if d.votes is not None)
    pages = sample_index.papers.pages(document.sha256)
    assert unchecked_facts(decision, pages) == []
    forged = replace(decision, votes=Votes(7, 0, None, ("For (7)", "Against (0)")))
    assert unchecked_facts(forged, pages) == ["'For (7)' is not in the excerpt", "'Against (0)' is not in the excerpt"]
    assert unchecked_facts(replace(decision, outcome="carried"), pages)  # the page says it was lost
    assert unchecked_facts(replace(decision, meeting_date="2026-03-19"), pages)  # not the date the minutes print
    assert unchecked_facts(replace(decision, moved="Councillor Nobody proposed an amendment"), pages)
    assert unchecked_facts(replace(decision, moved_at=(3, 3, "3")), pages)  # quoted as on a page it is not on


@pytest.fixture(scope="module")
def kent_minutes(tmp_path_factory: pytest.TempPathFactory, embedder: SentenceTransformerEmbedder) -> Index:
    """Four real Kent papers (three sets of minutes and an amendment form) in their meeting folders."""
    kent = shared_corpus("kent")
    root = tmp_path_factory.mktemp("kent")
    for name in KENT_MINUTES:
        target = root / "kent" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(kent / name, target)
    index = open_index(Settings(data_dir=tmp_path_factory.mktemp("kent-index")), embedder)
    ingest([root], index)
    return index


@pytest.mark.model
def test_a_vote_answer_has_every_number_on_its_cited_page(kent_minutes: Index):
    assistant = Assistant(Settings(data_dir=kent_minutes.settings.data_dir), kent_minutes)
    answer = assistant.ask("Did the Lib Dem amendment to put money into LEVI charging get through at budget council?")
    assert answer.outcome == "Amendment lost at County Council on 13 February 2025: For (9), Against (41), Abstain (8)."
    page = page_text(kent_minutes, answer)
    for figure in re.findall(r"\w+ \(\d+\)", answer.outcome):
        assert figure in page  # "For (9)", "Against (41)", "Abstain (8)": each on the minutes page cited
    assert "lost" in page.lower() and printed_date("2025-02-13").search(
        collapse(" ".join(p.text for p in kent_minutes.papers.pages(kent_minutes.papers.decisions()[0][1].sha256)))
    )
    assert answer.quotes[0].text == "Mr Hook proposed, and Mr Streatfeild seconded the following amendment:"
    assert answer.citations[0].doc.endswith("Printed minutes 13th-Feb-2025 09.30 County Council.pdf")
    assert (answer.citations[0].pdf_page, answer.citations[0].pdf_page_end) == (8, 9)


@pytest.mark.model
def test_minutes_approved_at_a_later_meeting_answer_for_their_own_meeting(kent_minutes: Index):
    """The 19 December 2024 council minutes are papers of the 13 February 2025 meeting."""
    assistant = Assistant(Settings(data_dir=kent_minutes.settings.data_dir), kent_minutes)
    answer = assistant.ask(
        "How did the vote go on adopting the Local Transport Plan at the December 2024 council meeting?"
    )
    assert not answer.abstained, answer.answer
    assert answer.outcome is not None and answer.outcome.startswith(
        "Motion carried at County Council on 19 December 2024"
    )
    assert "For (51), Against (6), Abstain (2)" in answer.outcome
    assert answer.citations[0].doc.endswith("19 December 2024 - County Council minutes.pdf")
    assert "For (51)" in page_text(kent_minutes, answer)


def test_the_catalog_knows_each_meeting_and_the_papers_that_minute_it(sample_index):
    meetings = {(m.committee, m.date): m for m in sample_index.papers.meetings()}
    february = meetings[("Cabinet", "2026-02-12")]  # no paper is dated 12 February: its minutes are in March's pack
    assert february.documents == ("riverford/Public reports pack 12th-Mar-2026 18.30 Cabinet.pdf",)
    march = meetings[("Cabinet", "2026-03-12")]
    assert "riverford/Printed minutes 12th-Mar-2026 18.30 Cabinet.pdf" in march.documents
    assert list(meetings) == sorted(meetings, key=lambda key: key[1], reverse=True)  # newest first


def test_a_pack_with_two_meetings_minutes_checks_the_date_of_the_decisions_own_meeting():
    from councilqa.ingest.minutes import read_minutes
    from councilqa.ingest.pdf import PypdfParser

    name = "Public reports pack 13th-Jan-2010 10.00 Health and Adult Social Care Scrutiny Committee.pdf"
    pages = PypdfParser().parse(shared_corpus("cheshire") / name, name).pages
    joint = next(d for d in read_minutes(pages).decisions if "be thanked for their attendance" in d.text)
    assert joint.meeting_date == "2009-11-30" and unchecked_facts(joint, pages) == []
    assert unchecked_facts(replace(joint, meeting_date="2009-11-18"), pages) == [
        "the meeting date 2009-11-18 is not printed where these minutes begin"  # the pack's other minutes' date
    ]
