"""A question that names a council ("beckton parish council …") is answered from that council's papers,
papers whose council is not known, and papers that name it (or, named as a place, that name the
place); never from a paper known to be another council's that doesn't; and a decision of another item
on the page doesn't lead it (real PDFs, real index, real model)."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from councilqa.answer.ask import Assistant
from councilqa.index.build import ingest
from councilqa.index.embed import SentenceTransformerEmbedder
from councilqa.index.store import Index, open_index
from councilqa.records import SearchFilter
from councilqa.settings import Settings
from tests.conftest import REPO, write_pdf

OWN = "Minutes 3 September 2019.pdf"  # Beckton's minutes
OTHER = "Ayford Minutes 7 May 2019.pdf"  # another council's minutes on the same subject
NAMING = "Ayford Minutes 4 June 2019.pdf"  # another council's minutes that name Beckton Parish Council
UNKNOWN = "Village Hall Trust report 2019.pdf"  # a paper of no council known
LANE = "Ayford Minutes 2 July 2019.pdf"  # another council's minutes that name the place, not the council
QUESTION = "beckton parish council putting a councillor on the village hall committee?"


@pytest.fixture(scope="module")
def councils(tmp_path_factory: pytest.TempPathFactory, embedder: SentenceTransformerEmbedder) -> tuple[Settings, Index]:
    root = tmp_path_factory.mktemp("councils")
    write_pdf(
        root / OWN,
        [
            "Beckton Parish Council\nMinutes of the meeting held on 3 September 2019\n19.09.07 Financial Policy\n"
            "NALC's revised model financial regulations were considered. It was therefore resolved to retain the\n"
            "Financial Policy already in place for Beckton Parish Council.\n19.09.08 Village Hall\n"
            "The Parish Council have received a letter from the Village Hall Committee asking if the Parish\n"
            "Council would like to appoint a Councillor onto the village hall committee. Councillors felt the\n"
            "Parish Council is not in a position to join the Committee at present, as it has only five members.\n"
            "19.09.09 Grass Cutting\nThe contractor cut the verges twice in August at a cost of £240."
        ],
    )
    write_pdf(
        root / OTHER,
        [
            "Ayford Parish Council\nMinutes of the meeting held on 7 May 2019\n19.05.07 Village Hall\n"
            "The Village Hall Committee asked the Parish Council to put a councillor on the village hall\n"
            "committee. It was agreed that Councillor Smith would join the village hall committee as the\n"
            "Parish Council's representative.\n19.05.08 Footpaths\nThe stile on footpath 12 has been repaired."
        ],
    )
    write_pdf(
        root / NAMING,
        [
            "Ayford Parish Council\nMinutes of the meeting held on 4 June 2019\n19.06.04 Correspondence\n"
            "Beckton Parish Council has written to ask whether the two councils could share the cost of the\n"
            "village hall committee's insurance. The Clerk will reply that Ayford has no funds for this."
        ],
    )
    write_pdf(
        root / UNKNOWN,
        [
            "Village Hall Trust\nAnnual report 2019\nThe committee of the village hall met six times. It would\n"
            "welcome a councillor from each parish on the village hall committee, and has written to both.\n"
            "The hall was re-roofed in 2015."
        ],
    )
    write_pdf(
        root / LANE,
        [
            "Ayford Parish Council\nMinutes of the meeting held on 2 July 2019\n19.07.03 Highways\n"
            "The pothole on Beckton Lane by the village hall has been reported to the county council again."
        ],
    )
    settings = Settings(data_dir=tmp_path_factory.mktemp("councils-data"))
    index = open_index(settings, embedder)
    ingest([root], index)
    return settings, index


def test_the_papers_know_their_councils(councils):
    _, index = councils
    known = {Path(document.path).name: document.council for document in index.papers.documents()}
    assert known == {
        OWN: "Beckton Parish Council",
        OTHER: "Ayford Parish Council",
        NAMING: "Ayford Parish Council",
        LANE: "Ayford Parish Council",
        UNKNOWN: None,
    }


def test_a_council_filter_passes_its_papers_those_of_no_council_known_and_those_that_name_it(councils):
    _, index = councils
    beckton = SearchFilter(councils=("Beckton Parish Council",))  # a page must name the council
    assert {Path(d.path).name for d in index.papers.matching(beckton)} == {OWN, NAMING, UNKNOWN}
    ayford = SearchFilter(councils=("Ayford Parish Council",))
    assert {Path(d.path).name for d in index.papers.matching(ayford)} == {OTHER, NAMING, LANE, UNKNOWN}
    place = SearchFilter(councils=("Beckton Parish Council",), council_mentions=("beckton",))  # a page names the place
    assert {Path(d.path).name for d in index.papers.matching(place)} == {OWN, NAMING, LANE, UNKNOWN}
    everything = {Path(d.path).name for d in index.papers.matching(SearchFilter())}
    assert everything == {OWN, OTHER, NAMING, LANE, UNKNOWN}


@pytest.mark.model
def test_a_question_naming_a_council_is_answered_from_its_papers_not_another_councils(councils):
    settings, index = councils
    assistant = Assistant(settings, index)
    answer = assistant.ask(QUESTION)
    assert "not in a position to join the Committee" in answer.answer
    assert answer.filters.council_mentions == ("Beckton Parish Council",)
    assert answer.filter_note is not None and answer.filter_note.startswith("Only papers of Beckton Parish Council")
    cited = {Path(citation.doc).name for citation in answer.citations}
    assert OWN in cited and OTHER not in cited
    schema = json.loads((REPO / "app" / "answer.schema.json").read_text())
    jsonschema.validate(answer.to_json(), schema)
    assert answer.to_json()["filters"]["councils"] == ["Beckton Parish Council"]
    assert "Councillor Smith" not in answer.answer
    assert answer.outcome is None  # the decision on the page is another item's (`Assistant.settle`)

    # The same question naming no council searches every paper: Ayford's answer is within reach again.
    unnamed = assistant.ask(QUESTION.replace("beckton parish council ", "parish council "))
    assert unnamed.filters.councils == () and unnamed.filter_note is None
    assert OTHER in {Path(citation.doc).name for citation in unnamed.citations}


@pytest.mark.model
def test_a_place_named_alone_keeps_another_councils_papers_that_name_the_place(councils):
    """Beckton named alone is a place: Ayford's paper that mentions Beckton passes, as a paper about the
    place may be another council's; Ayford's papers that don't are left out."""
    settings, index = councils
    answer = Assistant(settings, index).ask("village hall committee councillor beckton")
    assert answer.filters.councils == ("Beckton Parish Council",) and answer.filters.council_mentions == ("beckton",)
    passed = {Path(d.path).name for d in index.papers.matching(answer.filters)}
    assert passed == {OWN, NAMING, LANE, UNKNOWN}
    assert OTHER not in {Path(citation.doc).name for citation in answer.citations}


@pytest.mark.model
def test_a_year_no_paper_of_the_council_named_mentions_is_not_answered(councils):
    """2015 is in the index, in a paper of no council known that doesn't name Beckton: no paper of
    Beckton's, nor one naming it, says anything of 2015. 2019 is in Beckton's minutes."""
    settings, index = councils
    assistant = Assistant(settings, index)
    other_year = assistant.ask("what did beckton parish council pay for grass cutting in 2015")
    assert other_year.abstained and "unknown year" in other_year.checks
    assert "No paper of Beckton Parish Council, nor any naming “Beckton Parish Council”, mentions 2015." in (
        other_year.answer
    )
    own_year = assistant.ask("what did beckton parish council pay for grass cutting in 2019")
    assert "unknown year" not in own_year.checks and "£240" in own_year.answer


@pytest.mark.model
def test_filters_given_are_kept_and_said_beside_the_council(councils):
    """A date filter set in the sidebar and a council named in the question: both hold, and the note says both."""
    settings, index = councils
    given = SearchFilter(date_from="2019-05-01", date_to="2019-09-30")  # both parishes' minutes, not the trust's
    answer = Assistant(settings, index).ask(QUESTION, filters=given)
    assert answer.filters.date_from == "2019-05-01" and answer.filters.councils == ("Beckton Parish Council",)
    assert answer.filter_note is not None and "within meetings 2019-05-01 to 2019-09-30" in answer.filter_note
    cited = {Path(citation.doc).name for citation in answer.citations}
    assert OWN in cited and not cited & {OTHER, UNKNOWN}


def test_a_council_named_in_an_index_of_that_council_alone_filters_nothing(sample_settings, sample_index):
    """Every paper of the sample corpus is Riverford's or of no council known: naming Riverford leaves out
    none, so there is no filter and no note."""
    answer = Assistant(sample_settings, sample_index).ask("Riverford Borough Council leisure centre cost")
    assert answer.filters.councils == () and answer.filter_note is None
