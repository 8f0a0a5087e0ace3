"""Minutes written in Welsh and then in English, on one page (the forms the gallery's development half
lacks are tested on text written here): an English question is answered from the English, and the
Welsh lines, which share its names and figures but none of its words, are not quoted beside it (real
PDF, real index, real model and reader)."""

from __future__ import annotations

import pytest

from councilqa.answer.ask import Assistant
from councilqa.index.build import ingest
from councilqa.index.embed import SentenceTransformerEmbedder
from councilqa.index.store import Index, open_index
from councilqa.settings import Settings
from tests.conftest import write_pdf

pytestmark = pytest.mark.model

WELSH = (
    "Cyngor Cymuned Llanfair\nCofnodion cyfarfod a gynhaliwyd ar 14 Ionawr 2019\n5. Cyllideb a Phraesept\n"
    "Trafododd yr aelodau y gyllideb ddrafft ar gyfer 2019-20. Penderfynwyd gosod praesept o £12,000 ar gyfer "
    "2019-20. Cynigiwyd gan y Cyng. Jones ac eiliwyd gan y Cyng. Evans.\n6. Goleuadau Stryd\nAdroddodd y Clerc "
    "fod dau olau stryd ar Heol y Bont wedi torri. Cytunwyd i ofyn i'r Cyngor Sir eu trwsio.\n"
)
ENGLISH = (
    "Llanfair Community Council\nMinutes of the meeting held on 14 January 2019\n5. Budget and Precept\n"
    "Members discussed the draft budget for 2019-20. It was resolved to set a precept of £12,000 for 2019-20. "
    "Proposed by Cllr Jones and seconded by Cllr Evans.\n6. Street Lights\nThe Clerk reported that two street "
    "lights on Bridge Road were broken. It was agreed to ask the County Council to repair them.\n"
)


@pytest.fixture(scope="module")
def bilingual(
    tmp_path_factory: pytest.TempPathFactory, embedder: SentenceTransformerEmbedder
) -> tuple[Settings, Index]:
    root = tmp_path_factory.mktemp("bilingual")
    write_pdf(root / "Minutes 14 January 2019.pdf", [WELSH + ENGLISH])
    settings = Settings(data_dir=tmp_path_factory.mktemp("bilingual-data"))
    index = open_index(settings, embedder)
    ingest([root], index)
    return settings, index


def test_an_english_question_is_answered_from_the_english_without_the_welsh_beside_it(bilingual):
    settings, index = bilingual
    answer = Assistant(settings, index).ask("broken street lights bridge road")
    assert not answer.abstained
    assert "two street lights on Bridge Road were broken" in answer.answer
    assert not any(word in answer.answer for word in ("Cyngor", "Cofnodion", "Cynigiwyd", "Cyllideb", "Heol"))
    units = Assistant(settings, index).units("broken street lights bridge road")
    assert any("Cyngor Cymuned Llanfair" in unit.text for unit in units)  # read, but scored below the floor


def test_the_precept_is_answered_in_english(bilingual):
    settings, index = bilingual
    answer = Assistant(settings, index).ask("how much is llanfair's precept for 2019-20")
    assert "It was resolved to set a precept of £12,000 for 2019-20." in answer.answer
    assert "Penderfynwyd" not in answer.answer
