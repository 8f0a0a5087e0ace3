"""Nothing restricted reaches a reader or anyone not logged in, on any surface of the served app.

A restricted paper made here carries a unique phrase, title and path. The app is served for real with
accounts (a reader, a member, an officer) and public reading on; every surface is driven over HTTP, through
Gradio's own client: answers (chat, cards, export), resolutions, the documents overview (through its handler:
the tab's load event is not an API endpoint), the page viewer's handler, the file route, and the officers'
actions. As a reader and as "public" the phrase, title and path appear nowhere in what comes back; as a
member they do. An officer's mark takes effect without restarting.
"""

import json
import os
import shutil
from collections.abc import Iterator
from types import SimpleNamespace
from urllib.parse import quote

import gradio as gr
import httpx
import pytest
from gradio_client import Client
from gradio_client.exceptions import AppError

from councilqa.app.library import NotServed
from councilqa.app.ui import Handlers
from councilqa.app.viewer import PageRef
from tests.app.conftest import serve_papers
from tests.conftest import CORPUS, write_pdf

pytestmark = pytest.mark.slow

SECRET = "sealed bid QX-7731"
TITLE = "Quillfeather depot valuation"
EXEMPT = f"exempt/{TITLE}.pdf"
QUESTION = "What was the sealed bid for the Mill Lane depot?"
PASSWORDS = {
    "rita": ("reader", "reader password"),
    "mo": ("member", "member password"),
    "ofelia": ("officer", "officer password"),
}


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory, embedder) -> Iterator[SimpleNamespace]:
    root = tmp_path_factory.mktemp("papers")
    shutil.copytree(CORPUS / "riverford", root / "riverford")
    (root / "exempt").mkdir()
    write_pdf(
        root / EXEMPT,
        [f"NOT FOR PUBLICATION\nRiverford Borough Council\nThe {SECRET} for the Mill Lane depot was £4.2 million."],
    )
    (root / "riverford" / "build_notes.txt").write_text("not a paper")  # beside the papers, never indexed
    outside = tmp_path_factory.mktemp("outside") / "elsewhere.pdf"
    shutil.copy(CORPUS / "riverford" / "Climate Action Plan 2026-2030 - Report.pdf", outside)
    os.symlink(outside, root / "riverford" / "link out.pdf")  # leaves the root: refused at ingest, never indexed
    served, assistant, url = serve_papers(root, tmp_path_factory.mktemp("data"), PASSWORDS, embedder)
    url, index, settings = f"{url}/", assistant.index, assistant.settings
    yield SimpleNamespace(url=url, root=root, index=index, settings=settings, assistant=assistant)
    served.close()


def client(app: SimpleNamespace, name: str) -> Client:
    password = "public" if name == "public" else PASSWORDS[name][1]
    return Client(app.url, analytics_enabled=False, verbose=False, auth=(name, password))


def leaks(value: object) -> list[str]:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return [said for said in (SECRET, TITLE, "exempt/", "QX-7731") if said in text]


@pytest.mark.parametrize("who", ["public", "rita"])
def test_a_reader_gets_nothing_restricted_from_the_api(app: SimpleNamespace, who: str):
    reader = client(app, who)
    history, cards, export, *_ = reader.predict(QUESTION, [], None, "", "", None, api_name="/ask")
    assert leaks([history, cards, export]) == []
    assert "Riverford" in cards  # answered from what they may see
    decisions = reader.predict(None, "", "", "depot", "any", api_name="/resolutions")
    assert leaks(decisions) == []
    for endpoint, args in (
        ("/restrict", (EXEMPT, "")),
        ("/unrestrict", (EXEMPT, "")),
        ("/fetch", ("http://127.0.0.1:9", "cabinet", "", "")),
    ):
        with pytest.raises(AppError, match="only officers may") as refused:
            reader.predict(*args, api_name=endpoint)
        assert leaks(str(refused.value)) == []


def test_a_member_gets_it(app: SimpleNamespace):
    _, cards, export, *_ = client(app, "mo").predict(QUESTION, [], None, "", "", None, api_name="/ask")
    assert SECRET in cards and SECRET in export and EXEMPT in cards


def test_the_documents_overview_and_viewer(app: SimpleNamespace):
    handlers = Handlers(app.assistant)

    def as_(name: str) -> gr.Request:
        return gr.Request(username=None if name == "public" else name)

    for who in ("public", "rita"):
        summary, documents, skipped, *menus, to_try = handlers.overview(as_(who))
        assert leaks([summary, documents, skipped, [m.choices for m in menus], to_try.samples]) == []
        assert "**3** documents" in summary  # riverford's three: not the restricted one, nor the link out
        ref = PageRef(EXEMPT, 1, "PDF p.1", TITLE, SECRET)
        with pytest.raises(NotServed, match=r"^exempt/Quillfeather depot valuation.pdf: not in the index$"):
            handlers.open_page({"a1": ref}, gr.EventData(None, {"ref": "a1"}), as_(who))
    summary, documents, *_ = handlers.overview(as_("mo"))
    (row,) = [row for row in documents if row[0] == EXEMPT]
    assert row[-1] == "marked exempt, page 1: “NOT FOR PUBLICATION”" and "**4** documents" in summary


def _log_in(browser: httpx.Client, app: SimpleNamespace, name: str) -> httpx.Client:
    password = "public" if name == "public" else PASSWORDS[name][1]
    assert browser.post(f"{app.url}login", data={"username": name, "password": password}).status_code == 200
    return browser


def test_the_file_route_serves_only_catalogued_papers_the_user_may_see(app: SimpleNamespace):
    def status(browser: httpx.Client, path: str) -> int:
        return browser.get(f"{app.url}gradio_api/file={quote(path, safe='')}").status_code  # ".." reaches the app

    public_pdf = str(app.root / "riverford" / "Printed minutes 12th-Mar-2026 18.30 Cabinet.pdf")
    restricted = str(app.root / EXEMPT)
    with httpx.Client() as reader, httpx.Client() as member, httpx.Client() as nobody:
        _log_in(reader, app, "rita"), _log_in(member, app, "mo")
        assert status(reader, public_pdf) == 200 and status(member, restricted) == 200
        assert status(reader, restricted) == 404
        assert status(nobody, public_pdf) == 401  # logins are on: not even public papers without one
        for path in (
            str(app.root / "riverford" / "build_notes.txt"),  # under a root, not a paper
            str(app.root / "riverford" / "link out.pdf"),  # leaves the root: not catalogued
            f"{app.root}/riverford/../exempt/{TITLE}.pdf",  # ".." back into a root
            str(app.root / "riverford" / "not there.pdf"),
        ):
            assert status(member, path) == 404, path
        body = reader.get(f"{app.url}gradio_api/file={quote(restricted)}").text
        assert leaks(body) == []


def test_an_officers_mark_takes_effect_without_restarting(app: SimpleNamespace):
    minutes = "riverford/Printed minutes 12th-Mar-2026 18.30 Cabinet.pdf"
    reader, officer = client(app, "rita"), client(app, "ofelia")
    question = "What did Cabinet resolve about Riverside Leisure Centre?"
    assert minutes in reader.predict(question, [], None, "", "", None, api_name="/ask")[1]
    said = officer.predict(minutes, "draft: not yet approved", api_name="/restrict")
    assert said == f"{minutes}: restricted (draft: not yet approved)"
    assert minutes not in reader.predict(question, [], None, "", "", None, api_name="/ask")[1]
    officer.predict(minutes, "", api_name="/unrestrict")
    assert minutes in reader.predict(question, [], None, "", "", None, api_name="/ask")[1]
