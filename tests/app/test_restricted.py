"""Restricted (exempt) papers: found by their marking, searched only for those who may see them, inside
the search (top k is neither padded with nor shortened by them), and an officer's mark takes effect at
once. Real PDFs, the real model, real Chroma."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from councilqa.answer.ask import Assistant
from councilqa.app.resolutions import list_decisions
from councilqa.index.build import ingest
from councilqa.index.store import open_index
from councilqa.records import DecisionFilter, SearchFilter
from councilqa.settings import Settings
from tests.conftest import CORPUS, write_pdf

pytestmark = pytest.mark.slow

PHRASE = "Zephyrine Holdings"  # in the question too: what must not come back is the paper's own words
SECRET = "sealed bid QX-7731"
EXEMPT = "exempt/Land at Mill Lane - exempt report.pdf"
QUESTION = "What did Zephyrine Holdings offer for the Mill Lane depot?"


@pytest.fixture(scope="module")
def restricted_index(tmp_path_factory: pytest.TempPathFactory, embedder):
    root = tmp_path_factory.mktemp("papers")
    shutil.copytree(CORPUS / "riverford", root / "riverford")
    (root / EXEMPT).parent.mkdir(parents=True)
    write_pdf(
        root / EXEMPT,
        [
            "Riverford Borough Council\nNOT FOR PUBLICATION\n"
            "MINUTES of a meeting of the Cabinet held on 12 March 2026\n"
            f"41. Land at Mill Lane\n{PHRASE} offered £4.2 million for the Mill Lane depot in {SECRET}.\n"
            f"RESOLVED: That the sale of the Mill Lane depot to {PHRASE} for £4.2 million be approved."
        ],
    )
    settings = Settings(data_dir=tmp_path_factory.mktemp("data"))
    index = open_index(settings, embedder)
    ingest([root], index)
    return settings, index


def test_the_marking_restricts_the_paper_and_the_catalog_says_why(restricted_index):
    _, index = restricted_index
    (document,) = [d for d in index.catalog.documents() if d.path == EXEMPT]
    restriction = index.papers.restrictions()[document.sha256]
    assert restriction.restricted and restriction.source == "marking"
    assert restriction.why == "marked exempt, page 1: “NOT FOR PUBLICATION”"
    assert index.catalog.restricted() == {document.sha256}


def test_the_public_never_receive_it_and_members_do(restricted_index):
    settings, index = restricted_index
    public = Assistant(settings, index).ask(QUESTION)
    dumped = json.dumps(public.to_json(), ensure_ascii=False)
    assert SECRET not in dumped and "Mill Lane - exempt" not in dumped and "exempt/" not in dumped
    assert public.abstained and public.answer.startswith(f"No indexed paper mentions “{PHRASE}”")
    assert len(public.citations) == 5  # top k of what they may see, not shortened by what they may not

    member = Assistant(settings, index).ask(QUESTION, filters=SearchFilter(include_restricted=True))
    assert member.citations[0].doc == EXEMPT and SECRET in member.answer  # led by its decision, the offer quoted
    assert Assistant(settings, index, include_restricted=True).ask(QUESTION).citations[0].doc == EXEMPT


def test_decisions_in_it_are_listed_for_members_only(restricted_index):
    _, index = restricted_index
    assert list_decisions(index, DecisionFilter(search="Zephyrine")) == []
    (found,) = list_decisions(index, DecisionFilter(search="Zephyrine", include_restricted=True))
    assert found.document.path == EXEMPT and "depot" in found.decision.text
    settings, _ = restricted_index
    asked = Assistant(settings, index).ask("What did Cabinet decide about the sale of the Mill Lane depot?")
    assert asked.decision is None or PHRASE not in asked.decision.text
    assert all(c.doc != EXEMPT for c in asked.citations)


def test_an_officers_mark_takes_effect_without_reopening(restricted_index):
    settings, index = restricted_index
    assistant = Assistant(settings, index)
    minutes = "riverford/Printed minutes 12th-Mar-2026 18.30 Cabinet.pdf"
    question = "What did Cabinet resolve about Riverside Leisure Centre?"
    assert assistant.ask(question).citations[0].doc == minutes

    def councilqa(*args: str) -> str:
        command = [sys.executable, "-m", "councilqa.app.cli", *args, "--data-dir", str(settings.data_dir)]
        result = subprocess.run(command, check=False, capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stderr
        return result.stdout

    assert councilqa("restrict", minutes, "--why", "draft minutes") == f"{minutes}: restricted (draft minutes)\n"
    assert all(c.doc != minutes for c in assistant.ask(question).citations)  # the same assistant, no restart
    assert index.papers.restrictions()[index.papers.document(minutes).sha256].source == "officer"
    councilqa("unrestrict", minutes)
    assert assistant.ask(question).citations[0].doc == minutes
    ingest([Path(index.papers.document(minutes).root)], index)  # ingest again: the officer's word stands
    assert index.papers.restrictions()[index.papers.document(minutes).sha256].restricted is False

    unknown = subprocess.run(
        [sys.executable, "-m", "councilqa.app.cli", "restrict", "nowhere.pdf", "--data-dir", str(settings.data_dir)],
        check=False,
        capture_output=True,
        text=True,
    )
    assert unknown.returncode == 2 and "nowhere.pdf: not in the index" in unknown.stderr
