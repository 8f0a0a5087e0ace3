"""What an answer says when the papers don't answer says nothing of restricted (exempt) papers to a reader
who may not see them: not the councils they name, not the words on their first pages, not the meetings
they minute. A member still gets answers that know of them. Real PDFs, the real model, real Chroma."""

from __future__ import annotations

import shutil

import pytest

from councilqa.answer.ask import Assistant
from councilqa.index.build import ingest
from councilqa.index.store import Index, open_index
from councilqa.records import SearchFilter
from councilqa.settings import Settings
from tests.conftest import CORPUS, write_pdf

pytestmark = pytest.mark.slow

READER = SearchFilter(include_restricted=False)
MEMBER = SearchFilter(include_restricted=True)
HIDDEN_WORD = "Wintlebury"  # only on the first page of restricted minutes that name no council
NOWHERE = "Quornshire"  # in no paper at all


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory, embedder) -> Index:
    root = tmp_path_factory.mktemp("papers")
    shutil.copytree(CORPUS / "riverford", root / "riverford")  # Riverford's public minutes and papers
    for day in (19, 26):  # public agendas of two meetings; restricted minutes of the first only
        write_pdf(
            root / "riverford" / f"Agenda frontsheet {day}th-Mar-2026 18.30 Planning Committee.pdf",
            [
                f"Riverford Borough Council\nAGENDA\nPlanning Committee, {day} March 2026\n"
                "1. Apologies for absence\n2. Householder applications\n3. Tree preservation orders"
            ],
        )
    (root / "exempt").mkdir()
    write_pdf(
        root / "exempt" / "Zedbury minutes.pdf",
        [
            "Zedbury District Council\nNOT FOR PUBLICATION\n"
            "MINUTES of a meeting of the Planning Committee held on 19 March 2026\n"
            "12. Quarry Lane bypass\nThe committee considered the route of the Quarry Lane bypass.\n"
            "RESOLVED: That the Quarry Lane bypass be approved."
        ],
    )
    write_pdf(
        root / "exempt" / "Licensing minutes.pdf",
        [
            "NOT FOR PUBLICATION\n"
            f"MINUTES of a meeting of the Licensing Committee held at {HIDDEN_WORD} Hall on 5 February 2026\n"
            "7. Late night licence\nThe committee heard the application for a late night licence.\n"
            "RESOLVED: That the late night licence be refused."
        ],
    )
    index = open_index(Settings(data_dir=tmp_path_factory.mktemp("data")), embedder)
    ingest([root], index)
    zedbury = [d for d in index.papers.documents() if d.council == "Zedbury District Council"]
    assert zedbury and all(d.sha256 in index.papers.restricted() for d in zedbury)  # named only in a restricted paper
    assert len(index.papers.restricted()) == 2
    return index


def ask(index: Index, question: str, filters: SearchFilter) -> str:
    return Assistant(index.settings, index).ask(question, filters=filters).answer


def test_a_council_named_only_in_a_restricted_paper_is_unknown_to_a_reader(index: Index) -> None:
    question = "What did {} District Council decide about the Quarry Lane bypass?"
    restricted, nowhere = ask(index, question.format("Zedbury"), READER), ask(index, question.format(NOWHERE), READER)
    assert "Zedbury" not in nowhere
    assert restricted.replace("Zedbury", NOWHERE) == nowhere
    assert nowhere.startswith(
        f"No indexed minutes are {NOWHERE}'s (the index holds papers of Riverford Borough Council), so the papers "
        f"don't record what {NOWHERE} decided."
    )


def test_a_word_on_the_first_page_of_restricted_minutes_is_unknown_to_a_reader(index: Index) -> None:
    question = "What did {} Council decide about the late night licence?"
    hidden, nowhere = ask(index, question.format(HIDDEN_WORD), READER), ask(index, question.format(NOWHERE), READER)
    assert hidden.replace(HIDDEN_WORD, NOWHERE) == nowhere
    assert "Zedbury" not in nowhere


def as_26th(text: str) -> str:
    """`text` with 19 March 2026, as the messages write it, put as 26 March 2026."""
    for day in ("2026-03-{}", "{} March", "{}th March"):
        text = text.replace(day.format(19), day.format(26))
    return text


def test_restricted_minutes_of_a_meeting_are_unknown_to_a_reader(index: Index) -> None:
    question = "What did the Planning Committee decide at the meeting on {} March 2026?"
    minuted = Assistant(index.settings, index).ask(question.format(19), filters=READER)  # restricted minutes only
    unminuted = Assistant(index.settings, index).ask(question.format(26), filters=READER)  # no minutes at all
    assert as_26th(minuted.answer) == unminuted.answer
    assert as_26th(minuted.filter_note or "") == unminuted.filter_note
    assert unminuted.abstained and unminuted.answer.startswith(
        "No minutes of the meeting the question names (26 March 2026) are indexed"
    )


def test_the_catalog_answers_for_what_a_reader_may_see(index: Index) -> None:
    papers, public = index.papers, index.papers.public
    assert public.councils() == ["Riverford Borough Council"]
    assert papers.councils() == ["Riverford Borough Council", "Zedbury District Council"]
    assert papers.minutes_council("Zedbury") and not public.minutes_council("Zedbury")
    assert papers.minutes_council(HIDDEN_WORD) and not public.minutes_council(HIDDEN_WORD)
    assert public.minutes_council("Riverford")
    assert papers.has_minutes("2026-03-19", "2026-03-19")
    assert not public.has_minutes("2026-03-19", "2026-03-19")
    assert public.has_minutes("2026-03-12", "2026-03-12")  # Riverford's own minutes


def test_a_member_still_gets_answers_that_know_the_restricted_papers(index: Index) -> None:
    zedbury = ask(index, "What did Zedbury District Council decide about the Quarry Lane bypass?", MEMBER)
    assert not zedbury.startswith("No indexed minutes")
    nowhere = ask(index, f"What did {NOWHERE} District Council decide about the Quarry Lane bypass?", MEMBER)
    assert "the index holds papers of Riverford Borough Council and Zedbury District Council" in nowhere
    assert not ask(index, f"What did {HIDDEN_WORD} Council decide about the late night licence?", MEMBER).startswith(
        "No indexed minutes"
    )
    minuted = ask(index, "What did the Planning Committee decide at the meeting on 19 March 2026?", MEMBER)
    assert not minuted.startswith("No minutes of the meeting")
