"""Answers from the real sample index: quoted, verified against their pages, filtered, or abstained."""

from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import pytest

from councilqa.answer.ask import Assistant
from councilqa.answer.cite import verify
from councilqa.answer.read import compose
from councilqa.errors import InvalidInput
from councilqa.records import Chunk, Hit, Quote, SearchFilter
from tests.conftest import collapse


@pytest.mark.model
def test_concurrent_questions_are_all_answered(sample_settings, sample_index):
    assistant = Assistant(sample_settings, sample_index)
    questions = ["Mill Lane car park tariff", "Tanners Yard sale", "waste contract length", "leisure centre cost"] * 4
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(assistant.ask, questions))
    assert all(answer.citations and not answer.abstained for answer in answers)


@pytest.mark.model
def test_an_amount_question_prefers_the_sentence_with_the_figure(sample_index):
    chunk = Chunk(
        "sha",
        0,
        "The refurbishment was discussed at length by members. The works will cost £8.7 million in total.",
        1,
        1,
        None,
        None,
        "t",
    )
    quotes = compose("How much will the refurbishment cost?", [Hit(chunk, 0.5, ())], 1, sample_index.words)
    assert quotes == (Quote(1, "The works will cost £8.7 million in total."),)


@pytest.mark.model
def test_every_quote_and_excerpt_is_verbatim_on_its_pages(sample_settings, sample_index):
    answer = Assistant(sample_settings, sample_index).ask(
        "How much will the Riverside Leisure Centre refurbishment cost?"
    )
    assert not answer.abstained and answer.quotes
    for quote in answer.quotes:
        assert quote.text in answer.citations[quote.citation - 1].text
        assert f"{quote.text} [{quote.citation}]" in answer.answer
    for citation in answer.citations:
        sha256 = sample_index.papers.document(citation.doc).sha256
        pages = sample_index.papers.pages(sha256)[citation.pdf_page - 1 : citation.pdf_page_end]
        assert citation.text in " ".join(" ".join(page.text for page in pages).split())


@pytest.mark.model
def test_a_question_the_papers_do_not_answer_is_abstained_with_closest_matches(sample_settings, sample_index):
    answer = Assistant(sample_settings, sample_index).ask("How many library branches will close in 2026?")
    assert answer.abstained and answer.quotes == () and answer.citations
    assert answer.answer.startswith("The passages found give no number of library branches")


def test_explicit_filters_limit_the_citations(sample_settings, sample_index):
    wanted = SearchFilter(doc_type="strategy")
    answer = Assistant(sample_settings, sample_index).ask("What will it cost?", filters=wanted)
    assert answer.filters == wanted and answer.filter_note is None
    assert {c.doc for c in answer.citations} == {"riverford/Climate Action Plan 2026-2030 - Report.pdf"}


@pytest.mark.model
def test_a_meeting_named_in_the_question_ranks_its_papers_first(sample_settings, sample_index):
    assistant = Assistant(sample_settings, sample_index)
    answer = assistant.ask("What overspend was reported at the February 2026 cabinet meeting?")
    assert not answer.filters and "February 2026" in (answer.filter_note or "")  # a preference, not a filter
    assert not answer.abstained and "£2.4 million" in answer.answer
    first = answer.citations[0]
    assert first.doc.endswith("Public reports pack 12th-Mar-2026 18.30 Cabinet.pdf")  # mentions the meeting


@pytest.mark.model
def test_a_meeting_nothing_indexed_mentions_is_said_so_and_abstained(sample_settings, sample_index):
    answer = Assistant(sample_settings, sample_index).ask("What did cabinet resolve at the 3 June 2019 meeting?")
    assert answer.abstained and answer.answer.startswith("No indexed paper is from that meeting or mentions it")
    assert "3 June 2019" in (answer.filter_note or "") and "all papers were searched" in (answer.filter_note or "")
    assert answer.citations and not answer.filters  # closest matches from all papers


@pytest.mark.model
def test_a_table_rows_figures_are_quoted_with_its_label_and_paragraph_numbers_are_not(sample_index):
    from councilqa.answer.units import answer_units

    text = (
        "No Outcome Measure Current 2020 Target 1 Support more carers with advice. 1,810 3,000 2 Reduce "
        "repeat referrals (within 12 months). 18% 10% 6.4 The council tax rate rises. It funds care."
    )
    assert answer_units(text) == [
        "No Outcome Measure Current 2020 Target 1 Support more carers with advice. 1,810 3,000",
        "2 Reduce repeat referrals (within 12 months). 18% 10%",
        "6.4 The council tax rate rises. It funds care.",
    ]
    chunk = Chunk("sha", 0, text, 1, 1, None, None, "t")
    quotes = compose(
        "What is the target for repeat referrals within 12 months?", [Hit(chunk, 0.5, ())], 1, sample_index.words
    )
    assert quotes == (Quote(1, "2 Reduce repeat referrals (within 12 months). 18% 10%"),)


@pytest.mark.model
def test_what_a_meeting_decided_is_not_answered_from_its_agenda_alone(sample_settings, sample_index):
    assistant = Assistant(sample_settings, sample_index)
    answer = assistant.ask("What did cabinet resolve about the climate plan at the 9 April 2026 meeting?")
    assert answer.abstained and answer.answer.startswith("No minutes of the meeting the question names (9 April 2026)")
    assert answer.citations and answer.citations[0].meeting_date == "2026-04-09"  # its papers, as closest matches
    minuted = assistant.ask("What did cabinet resolve about the waste contract at the 12 March 2026 meeting?")
    assert not minuted.abstained and "RESOLVED" in minuted.answer


@pytest.mark.model
def test_a_numbered_paragraph_or_resolved_block_that_answers_is_quoted_whole(sample_index):
    text = (
        "6.3 The council tax base grew by 1.2%. 6.4 The referendum limit is 3% for general increases. "
        "Members noted the limit and asked for a briefing. 6.5 The adult social care levy is 2%."
    )
    chunk = Chunk("sha", 0, text, 1, 1, None, None, "t")
    quotes = compose(
        "What is the referendum limit for general increases?", [Hit(chunk, 0.5, ())], 1, sample_index.words
    )
    assert quotes == (
        Quote(
            1, "6.4 The referendum limit is 3% for general increases. Members noted the limit and asked for a briefing."
        ),
    )
    text = (
        "27. Parking charges. Members discussed the charges at length. RESOLVED: That the parking charges be "
        "approved. The Director be delegated to set the start date. 28. Waste contract."
    )
    chunk = replace(chunk, text=text)
    quotes = compose("What was resolved about the parking charges?", [Hit(chunk, 0.5, ())], 1, sample_index.words)
    assert quotes == (
        Quote(1, "RESOLVED: That the parking charges be approved. The Director be delegated to set the start date."),
    )
    cut = replace(chunk, text=text.removesuffix(" 28. Waste contract."))  # the block may go on past the excerpt
    quotes = compose("What was resolved about the parking charges?", [Hit(cut, 0.5, ())], 1, sample_index.words)
    assert quotes == (Quote(1, "RESOLVED: That the parking charges be approved."),)


def test_a_question_longer_than_a_question_is_refused_with_its_length(sample_settings, sample_index):
    with pytest.raises(InvalidInput, match="the question is 1001 characters long; ask in at most 1000"):
        Assistant(sample_settings, sample_index).ask("a" * 1001)


@pytest.mark.model
def test_each_step_of_the_trip_runs_alone_and_in_order_gives_the_answer(sample_settings, sample_index):
    """plan → retrieve → read → verify → judge → respond, each called alone, give what `ask` gives."""
    assistant = Assistant(sample_settings, sample_index)
    question = "How much will the leisure centre refurbishment cost?"
    plan = assistant.plan(question)
    k = sample_settings.answer.k
    found = assistant.retrieve(question, plan, k)
    on_pages = [
        " ".join(
            p.text
            for p in sample_index.papers.pages(hit.chunk.doc_sha256)
            if hit.chunk.pdf_page <= p.pdf_page <= hit.chunk.pdf_page_end
        )
        for hit in found.hits
    ]
    assert found.hits and all(
        collapse(hit.chunk.text) in collapse(text) for hit, text in zip(found.hits, on_pages, strict=True)
    )
    reading = verify(assistant.read(question, found, k))
    assert any("£8.7 million" in quote.text for quote in reading.quotes)
    assert assistant.judge(question, plan, reading) == ()
    stepped = assistant.respond(question, plan, reading, ())
    asked = assistant.ask(question)
    assert (stepped.answer, stepped.quotes) == (asked.answer, asked.quotes)
    assert [replace(c, score=0.0) for c in stepped.citations] == [replace(c, score=0.0) for c in asked.citations]


@pytest.mark.model
def test_verify_drops_a_quote_not_in_the_citation_it_names_and_judge_names_its_reasons(sample_settings, sample_index):
    quoting = sample_settings.model_copy(  # the reader's quotes: the decision, which would lead, is not read here
        update={"answer": sample_settings.answer.model_copy(update={"min_topic_lead_relevance": None})}
    )
    assistant = Assistant(quoting, sample_index)
    question = "How much will the leisure centre refurbishment cost?"
    plan = assistant.plan(question)
    reading = assistant.read(question, assistant.retrieve(question, plan, 10), 10)
    forged = replace(reading, quotes=(*reading.quotes, Quote(1, "The works will cost £1 in total."), Quote(99, "x")))
    assert verify(forged).quotes == reading.quotes
    unread = replace(reading, quotes=())
    assert [reason.check for reason in assistant.judge(question, plan, unread)] == ["weak evidence"]
    answer = assistant.respond(question, plan, unread, assistant.judge(question, plan, unread))
    assert answer.abstained and answer.checks == ("weak evidence",) and answer.answer.startswith("The papers don't")


def test_a_sentence_that_records_a_decision_gains_what_the_setting_gives(sample_index):
    text = (
        "Mr Joyce raised the Copper Beech trees on Fell Lane with the council. "
        "The council resolved that the Fell Lane trees be cut down."
    )
    chunk = Chunk("sha", 0, text, 1, 1, None, None, "t")
    question = "Fell Lane trees"  # both sentences hold its words
    assert compose(question, [Hit(chunk, 0.5, ())], 1, sample_index.words)[0].text.startswith("Mr Joyce")
    chosen = compose(question, [Hit(chunk, 0.5, ())], 1, sample_index.words, decided_gain=1.0)
    assert chosen[0].text.startswith("The council resolved")
