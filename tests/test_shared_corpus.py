"""Real council papers from ../shared/corpus (Cheshire). Skipped, saying why, where it is absent."""

import json

import pypdf
import pytest

from councilqa.answer.ask import Assistant
from councilqa.index.build import ingest
from councilqa.index.store import open_index
from councilqa.settings import Settings
from tests.conftest import SHARED, collapse, shared_corpus

PACK = "Public reports pack 13th-Jan-2010 10.00 Health and Adult Social Care Scrutiny Committee.pdf"


@pytest.fixture(scope="module")
def cheshire(tmp_path_factory: pytest.TempPathFactory, embedder):
    folder = shared_corpus("cheshire")
    settings = Settings(data_dir=tmp_path_factory.mktemp("cheshire"))
    index = open_index(settings, embedder)
    report = ingest([folder], index)  # the root is cheshire/, so paths are file names
    assert len(report.added) == 2 and not report.skipped, report.summary()
    return settings, index, folder


def test_agenda_pack_printed_labels(cheshire):
    _, index, _ = cheshire
    document = next(d for d in index.catalog.documents() if d.path == PACK)
    labels = {p.pdf_page: p.label for p in index.catalog.pages(document.sha256)}
    assert labels[1] is None and labels[2] is None  # the front sheet prints no number
    assert labels[3] == "Page 1" and labels[32] == "Page 30"


@pytest.mark.model
def test_citations_are_verbatim_and_labels_right_on_dev_questions(cheshire):
    settings, index, folder = cheshire
    assistant = Assistant(settings, index)
    questions = [json.loads(line) for line in (SHARED / "eval" / "cheshire_dev.jsonl").read_text().splitlines()]
    readers: dict[str, pypdf.PdfReader] = {}
    checked = found = 0
    for question in questions:
        answer = assistant.ask(question["question"])
        found += min(len(answer.citations), settings.answer.k)  # and any passage beside them that is quoted
        for citation in answer.citations:
            reader = readers.setdefault(citation.doc, pypdf.PdfReader(folder / citation.doc))
            pages = [reader.pages[i].extract_text() for i in range(citation.pdf_page - 1, citation.pdf_page_end)]
            assert collapse(citation.text) in collapse(" ".join(pages)), (question["id"], citation)
            if citation.printed_page:
                edges = [line.strip() for line in pages[0].splitlines() if line.strip()]
                assert citation.printed_page in edges[:2] + edges[-2:], (question["id"], citation)
            checked += 1
    assert found == 5 * len(questions) and checked >= found


@pytest.mark.model  # the CLI opens the index with the real model
def test_resolutions_search_deficit(cheshire, capsys):
    from councilqa.app.cli import main

    settings, _, _ = cheshire
    assert main(["resolutions", "--search", "deficit", "--data-dir", str(settings.data_dir)]) == 0
    out = capsys.readouterr().out
    committee = "Health and Adult Social Care Scrutiny Committee"
    assert (
        f"2009-11-18 · {committee} · 7. CENTRAL AND EASTERN CHESHIRE PRIMARY CARE TRUST -FINANCIAL UPDATE"
        "\n  resolution noted"
        f"\n  Public reports pack 13th-Jan-2010 10.00 {committee}.pdf · Page 4 · PDF p.6"
        "\n  RESOLVED: That the update be noted and the impact on any future Substantial Developments or Variations in "
        "Service be discussed at the mid point meeting." in out
    )
