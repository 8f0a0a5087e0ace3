"""The actions behind the app's handlers: filters from the form, replies, pages, decisions."""

import base64
import io
import re

import pytest
from PIL import Image

from councilqa.answer.ask import Assistant
from councilqa.app.accounts import ANONYMOUS
from councilqa.app.chat import list_resolutions, open_page, questions_to_try, replies, respond, search_filter
from councilqa.app.library import Library, NotServed
from councilqa.app.viewer import PageRef
from councilqa.errors import InvalidInput, NotFound
from councilqa.index.build import ingest
from councilqa.index.store import open_index
from councilqa.records import SearchFilter
from councilqa.settings import AnswerSettings, LlmSettings, Settings
from tests.answer.llm_server import scripted_server
from tests.conftest import write_pdf


@pytest.fixture(scope="module")
def library(sample_settings, sample_index) -> Library:
    return Library(sample_settings, sample_index)


def test_filter_from_the_form():
    assert search_filter(None, "", "", None) == SearchFilter()
    assert search_filter(" Cabinet ", "2026-03-01", "2026-03-31", "printed minutes") == SearchFilter(
        "Cabinet", "2026-03-01", "2026-03-31", "printed minutes"
    )
    with pytest.raises(InvalidInput, match="'from' date '12/03/2026' is not a date"):
        search_filter(None, "12/03/2026", "", None)
    with pytest.raises(InvalidInput, match="after the 'to' date"):
        search_filter(None, "2026-04-01", "2026-03-01", None)


def test_reply_has_message_cards_and_a_markdown_download(sample_settings, sample_index):
    reply = respond(Assistant(sample_settings, sample_index), "Mill Lane car park tariff", SearchFilter())
    assert reply.cards.count('class="cq-card"') == len(reply.answer.citations) == len(reply.refs)
    link = r'<a class="cq-download" download="([^"]+)" href="data:[^,]+,([^"]+)">Download .md</a>'
    found = re.fullmatch(link, reply.download)
    assert found is not None, reply.download
    name, data = found.groups()
    assert name == "councilqa-mill-lane-car-park-tariff.md"
    assert base64.b64decode(data).decode("utf-8") == reply.export  # carried in the link: no file left anywhere
    with pytest.raises(InvalidInput, match="type a question"):
        respond(Assistant(sample_settings, sample_index), "  ", SearchFilter())


@pytest.mark.model
def test_prose_replies_come_sentence_by_sentence_and_export_both(sample_settings, sample_index):
    """With a language model configured (the scripted server of tests/answer/llm_server.py, real HTTP): the
    sources first while it writes, then a reply per checked sentence, then the whole; the export carries
    the prose and the quotes."""
    with scripted_server() as server:
        llm = LlmSettings(url=server.url, model="echo")
        settings = Settings(data_dir=sample_settings.data_dir, answer=AnswerSettings(llm=llm))
        shown = list(replies(Assistant(settings, sample_index), "Mill Lane car park tariff", SearchFilter()))
    assert "Writing an answer from the excerpts" in shown[0].message and shown[0].cards
    counts = [len(reply.answer.sentences) for reply in shown]
    assert counts[:3] == [0, 1, 2] and shown[-1].answer.answer_mode == "prose"
    assert "Writing" not in shown[-1].message and "<details>" in shown[-1].message
    export = shown[-1].export
    assert "Written by a language model" in export and "## Quoted from the papers" in export
    assert all(sentence.text.split(" [")[0][:30] in export for sentence in shown[-1].answer.sentences)


def test_open_page_renders_the_card_page(library: Library):
    ref = PageRef(
        "riverford/Printed minutes 12th-Mar-2026 18.30 Cabinet.pdf",
        2,
        "Page 2 · PDF p.2",
        "Printed minutes",
        "RESOLVED: That (a) Option A, the full refurbishment of Riverside Leisure Centre",
    )
    view = open_page(library, {"a1": ref}, "a1", ANONYMOUS)
    png = base64.b64decode(view.image_html.split("base64,", 1)[1].split('"', 1)[0])
    assert Image.open(io.BytesIO(png)).width > 800 and "the passage is marked" in view.caption
    assert "Printed%20minutes%2012th-Mar-2026%2018.30%20Cabinet.pdf#page=2" in view.caption
    with pytest.raises(NotFound):
        open_page(library, {"a1": ref}, "a9", ANONYMOUS)


def test_open_page_refuses_a_document_not_indexed(library: Library):
    ref = PageRef("../../../etc/passwd", 1, "PDF p.1")
    with pytest.raises(NotServed):
        open_page(library, {"a1": ref}, "a1", ANONYMOUS)


def test_decisions_by_committee_date_words_and_outcome(library: Library):
    html, refs = list_resolutions(library, "cabinet", "2026-03-01", "2026-03-31", "leisure centre")
    assert refs and all(ref.doc.startswith("riverford/") for ref in refs.values())
    assert "Riverside Leisure Centre" in html and "r1-report" in refs
    assert list_resolutions(library, "planning", "", "", "")[1] == {}
    html, refs = list_resolutions(library, "Cabinet", "", "", "", outcome="lost")
    assert "1 decision<" in html and "<b>amendment lost</b> · For (2), Against (5)" in html
    assert refs["r1"].doc == "riverford/Printed minutes 12th-Mar-2026 18.30 Cabinet.pdf"
    assert refs["r1-report"].pdf_page == 10  # the waste contract's report, "Page 8" of the pack
    assert list_resolutions(library, None, "", "", "", outcome="any")[0].startswith(
        '<div class="cq-cards"><p>9 decisions'
    )
    with pytest.raises(InvalidInput, match="'to' date"):
        list_resolutions(library, None, "", "31-03-2026", "")
    with pytest.raises(InvalidInput, match="after the 'to' date"):
        list_resolutions(library, None, "2026-04-01", "2026-03-01", "")
    with pytest.raises(InvalidInput, match="the outcome 'passed' is not one of: any, carried, lost"):
        list_resolutions(library, None, "", "", "", outcome="passed")


def test_a_decision_card_opens_its_minute_and_its_report(library: Library):
    _, refs = list_resolutions(library, None, "", "", "leisure")
    minute, report = open_page(library, refs, "r1", ANONYMOUS), open_page(library, refs, "r1-report", ANONYMOUS)
    assert "Page 2 · PDF p.2" in minute.caption and "the passage is marked" in minute.caption
    assert "Page 4 · PDF p.6–9" in report.caption and "#page=6" in report.caption
    assert "the passage is marked" in report.caption  # the report's title, as the agenda lists it


@pytest.mark.model
def test_questions_to_try_are_the_papers_own_decisions_and_answered(sample_settings, sample_index, embedder, tmp_path):
    """The Ask tab's Try questions come from the newest decisions in the papers the user may see (not the
    sample's whatever is indexed), each answered with a decision; a reader is offered none of a restricted
    paper's."""
    offered = questions_to_try(Assistant(sample_settings, sample_index), include_restricted=False)
    assert offered and len(offered) <= 3
    assert all(q.startswith("What did Cabinet decide about ") for q in offered)
    assert any("Riverside Leisure Centre" in q for q in offered)
    assert not any(re.search(r"minutes|apologies|exclusion", q, re.I) for q in offered)
    root = tmp_path / "papers"
    root.mkdir()
    write_pdf(
        root / "Printed minutes 2nd-Jun-2026 Planning Committee.pdf",
        [
            "Minutes of the meeting of the Planning Committee held on 2 June 2026\n4. Quillfeather Depot Sale\n"
            "RESOLVED: That the Quillfeather depot be sold to the highest bidder."
        ],
    )
    write_pdf(
        root / "Exempt minutes 3rd-Jun-2026 Planning Committee.pdf",
        [
            "EXEMPT\nMinutes of the meeting of the Planning Committee held on 3 June 2026\n5. Bramblewick Valuation\n"
            "RESOLVED: That the Bramblewick valuation of the site be accepted."
        ],
    )
    settings = Settings(data_dir=tmp_path / "data")
    index = open_index(settings, embedder)
    ingest([root], index)
    assistant = Assistant(settings, index)
    reader = questions_to_try(assistant, include_restricted=False)
    member = questions_to_try(assistant, include_restricted=True)
    assert any("Quillfeather" in q for q in reader) and not any("Bramblewick" in q for q in reader)
    assert any("Bramblewick" in q for q in member)
