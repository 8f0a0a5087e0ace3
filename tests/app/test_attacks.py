"""The served app as an attacker meets it: every request that leaked before, as anonymous, `public`, a
reader, a member and an officer, over real HTTP against a real `launch`ed app with real accounts.

This file is the checklist for any new route: `test_every_route_is_classified` fails on a route the gate
does not name. Each leak test here failed on the code before the gate (see the closing note of issue 23):
a file route returning the restricted PDF's `%PDF-` bytes, a rendered page or export fetched by another
user, a member's answer read from their session by a reader, a restricted council named in a refusal.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import quote

import httpx
import pytest
from gradio_client import Client
from gradio_client.exceptions import AppError

from councilqa.answer.ask import Assistant
from councilqa.app.accounts import Accounts
from councilqa.app.serve import launch
from councilqa.app.ui import build_app
from councilqa.errors import CouncilQAError
from councilqa.index.build import ingest
from councilqa.index.store import open_index
from councilqa.settings import Settings
from tests.app.conftest import serve_papers
from tests.app.gradio_http import dependency, file_urls, join, log_in, new_session, stream
from tests.conftest import CORPUS, free_port, write_pdf

pytestmark = [pytest.mark.slow, pytest.mark.server]

SECRET = "sealed bid QX-7731"
EXEMPT = "exempt/Quillfeather depot valuation.pdf"
ZEDBURY = "zedbury/Printed minutes 19th-Mar-2026 Planning.pdf"
MINUTES = "riverford/Printed minutes 12th-Mar-2026 18.30 Cabinet.pdf"
QUESTION = "What was the sealed bid for the Mill Lane depot?"
PASSWORDS = {
    "rita": ("reader", "reader password"),
    "mo": ("member", "member password"),
    "ofelia": ("officer", "officer password"),
    "victim": ("reader", "victim password"),
}
READERS = ("public", "rita")  # may see public papers only
ASK: list[object] = [QUESTION, [], None, "", "", None]


def _papers(root: Path) -> None:
    shutil.copytree(CORPUS / "riverford", root / "riverford")
    (root / "exempt").mkdir()
    write_pdf(
        root / EXEMPT,
        [f"NOT FOR PUBLICATION\nRiverford Borough Council\nThe {SECRET} for the Mill Lane depot was £4.2 million."],
    )
    (root / "zedbury").mkdir()
    write_pdf(
        root / ZEDBURY,
        [
            "NOT FOR PUBLICATION\nZedbury District Council\nMINUTES of a meeting of the Planning Committee held on "
            "19 March 2026\n12. Gravel pit\nRESOLVED: That the Quarrington gravel pit be closed."
        ],
    )
    (root / "riverford" / "notes.txt").write_text("not a paper")  # beside the papers, never indexed


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory, embedder) -> Iterator[SimpleNamespace]:
    root = tmp_path_factory.mktemp("in")
    _papers(root)
    served, assistant, url = serve_papers(root, tmp_path_factory.mktemp("data"), PASSWORDS, embedder)
    accounts = Accounts(assistant.settings.data_dir)
    yield SimpleNamespace(url=url, root=root, index=assistant.index, accounts=accounts, blocks=served)
    served.close()


def login(app: SimpleNamespace, who: str | None) -> AbstractContextManager[httpx.Client]:
    password = "public" if who == "public" else PASSWORDS[who][1] if who else ""
    return log_in(app.url, who, password)


def restricted_bytes(answer: httpx.Response) -> bool:
    return answer.status_code == 200 and (b"%PDF-" in answer.content or SECRET.encode() in answer.content)


def file_attacks(root: Path) -> dict[str, str]:
    """Every way of asking the file routes for the restricted paper (and a file that is not a paper) that
    worked before; the server's working directory is `root` (the test changes to it)."""
    exempt = root / EXEMPT
    return {
        "old route": f"/gradio_api/file/{exempt}",
        "old route, relative": f"/gradio_api/file/{EXEMPT}",
        "relative to the server's directory": f"/gradio_api/file={quote(EXEMPT)}",
        "through /proc/self/root": f"/gradio_api/file=/proc/self/root{quote(str(exempt))}",
        "through /proc/self/cwd": f"/gradio_api/file=/proc/self/cwd/{quote(EXEMPT)}",
        "back into the root with ..": f"/gradio_api/file={root}/riverford/..%2F{quote(EXEMPT)}",
        "a text file beside the papers": f"/gradio_api/file={quote(str(root / 'riverford' / 'notes.txt'))}",
    }


@pytest.mark.parametrize("who", [None, *READERS])
def test_no_file_route_gives_a_restricted_paper(app, who, monkeypatch):
    monkeypatch.chdir(app.root)
    with login(app, who) as client:
        for attack, path in file_attacks(app.root).items():
            answer = client.get(path)
            assert not restricted_bytes(answer), attack
            assert answer.status_code in (400, 401, 404), (attack, answer.status_code)
            if attack == "a text file beside the papers":
                assert b"not a paper" not in answer.content


def test_a_member_gets_the_restricted_paper_by_its_own_path_only(app, monkeypatch):
    monkeypatch.chdir(app.root)
    with login(app, "mo") as member:
        assert restricted_bytes(member.get(f"/gradio_api/file={quote(str(app.root / EXEMPT))}"))
        for attack, path in file_attacks(app.root).items():
            if attack != "old route":  # the same real path as the new route's: theirs to read
                assert member.get(path).status_code in (400, 404), attack


def test_without_a_login_every_file_is_401_whatever_it_is(app):
    with login(app, None) as nobody:
        for path in (app.root / MINUTES, app.root / EXEMPT, app.root / "riverford" / "missing.pdf"):
            assert nobody.get(f"/gradio_api/file={quote(str(path))}").status_code == 401, path


@pytest.mark.parametrize("who", [None, "rita", "mo"])
def test_a_bad_path_is_400_or_404_never_500(app, who):
    with login(app, who) as client:
        for path in (f"{app.root / MINUTES}%00", "%00", f"{app.root}/%0a/x.pdf", "/etc/passwd", "http://x/y.pdf"):
            status = client.get(f"/gradio_api/file={path}").status_code
            assert status in (400, 401, 404), (path, status)


def test_an_app_without_accounts_serves_no_restricted_paper_to_anyone(tmp_path, embedder, monkeypatch):
    _papers(tmp_path / "in")
    settings = Settings(data_dir=tmp_path / "data")
    index = open_index(settings, embedder)
    ingest([tmp_path / "in"], index)
    assistant = Assistant(settings, index)
    served, port = build_app(assistant), free_port()
    launch(served, assistant, port=port, prevent_thread_lock=True, quiet=True)
    monkeypatch.chdir(tmp_path / "in")
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}") as anyone:
            for attack, path in file_attacks(tmp_path / "in").items():
                assert not restricted_bytes(anyone.get(path)), attack
            assert not restricted_bytes(anyone.get(f"/gradio_api/file={quote(str(tmp_path / 'in' / EXEMPT))}"))
            public = anyone.get(f"/gradio_api/file={quote(str(tmp_path / 'in' / MINUTES))}")
            assert public.status_code == 200 and public.content.startswith(b"%PDF-")
    finally:
        served.close()


def _ask_and_open(client: httpx.Client, question: str) -> tuple[list, list]:
    """Ask in a new session, then open the first card's page: (the answer's outputs, the page's)."""
    session = new_session()
    answered = join(client, session, dependency(client, "ask"), [question, [], None, "", "", None])
    key = answered[1].split('data-ref="', 1)[1].split('"', 1)[0]
    opened = join(client, session, dependency(client, "cq-answer-cards", "open_page"), [None], event_data={"ref": key})
    return answered, opened


def test_a_members_page_and_export_reach_nobody_else(app):
    with login(app, "mo") as member, login(app, "rita") as reader, login(app, None) as nobody:
        answered, opened = _ask_and_open(member, QUESTION)
        assert SECRET in str(answered[1])  # the member's answer holds the restricted paper
        for url in file_urls([answered, opened]):
            path = url.split("/gradio_api/file=", 1)[-1]
            for other in (reader, nobody):
                assert other.get(f"/gradio_api/file={path}").status_code != 200, url
        assert "data:image/png;base64," in str(opened[0])  # the member's page, inside the reply


def test_a_render_made_before_a_paper_was_restricted_is_gone_after(app):
    with login(app, "rita") as reader, login(app, "ofelia") as officer:
        answered, opened = _ask_and_open(reader, "What did Cabinet resolve about Riverside Leisure Centre?")
        urls = file_urls(opened)
        assert MINUTES in answered[1]
        session = new_session()
        join(officer, session, dependency(officer, "restrict"), [MINUTES, "draft"])
        try:
            for url in urls:
                assert reader.get(url.split("#")[0]).status_code != 200, url
        finally:
            join(officer, session, dependency(officer, "unrestrict"), [MINUTES, ""])


def test_a_session_is_read_only_by_its_own_login(app):
    with login(app, "mo") as member, login(app, "rita") as reader:
        session = new_session()
        assert join(member, session, dependency(member, "ask"), ASK, read=False).status_code == 200
        with reader.stream("GET", "/gradio_api/queue/data", params={"session_hash": session}) as stolen:
            body = b"".join(stolen.iter_bytes()) if stolen.status_code == 200 else b""
            assert stolen.status_code == 404 and SECRET.encode() not in body
        assert reader.get(f"/gradio_api/heartbeat/{session}").status_code == 404
        assert join(reader, session, dependency(reader, "ask"), ASK, read=False).status_code == 404
        assert SECRET in str(stream(member, session))  # still the member's


@pytest.mark.parametrize("who", READERS)
def test_refusals_name_nothing_restricted(app, who):
    """A council that only restricted papers name is answered for as one that no paper names: the reader's
    answer is the same either way, but for the name they asked about (tests/app/test_restricted_messages.py
    holds the same for words and meetings)."""
    client = Client(f"{app.url}/", analytics_enabled=False, verbose=False, auth=_auth(who))

    def said(question: str, name: str) -> str:
        history, *_ = client.predict(question, [], None, "", "", None, api_name="/ask")
        return str(history[-1]["content"]).replace(name, "NAME").replace(name.split(maxsplit=1)[0], "NAME")

    question = "What did {} decide about the gravel pit?"
    known, unknown = "Zedbury District Council", "Quornshire District Council"  # restricted minutes only; none
    assert said(question.format(known), known) == said(question.format(unknown), unknown)


def _auth(who: str) -> tuple[str, str]:
    return (who, "public" if who == "public" else PASSWORDS[who][1])


def test_login_failures_are_throttled_and_a_success_clears_them(app):
    with httpx.Client(base_url=app.url) as guesser:
        statuses = [guesser.post("/login", data={"username": "victim", "password": f"guess {n}"}) for n in range(8)]
        assert [answer.status_code for answer in statuses[:5]] == [400] * 5
        refused = [answer for answer in statuses[5:] if answer.status_code == 429]
        assert refused and all(1 <= int(answer.headers["Retry-After"]) <= 60 for answer in refused)
        time.sleep(int(refused[-1].headers["Retry-After"]) + 0.5)
        right = guesser.post("/login", data={"username": "victim", "password": PASSWORDS["victim"][1]})
        assert right.status_code == 200
        assert guesser.post("/login", data={"username": "victim", "password": "one more guess"}).status_code == 400


@pytest.mark.parametrize("who", ["public", "rita", "mo"])
def test_only_officers_upload_through_any_route(app, who, tmp_path):
    pdf = write_pdf(tmp_path / "Decision notice.pdf", ["Riverford Borough Council", "A public notice."])
    with login(app, who) as client:
        answer = client.post("/gradio_api/upload", files={"files": pdf.open("rb")})
        assert answer.status_code == 403
        assert client.get("/gradio_api/upload_progress", params={"upload_id": "x"}).status_code == 403
    with login(app, None) as nobody:
        assert nobody.post("/gradio_api/upload", files={"files": pdf.open("rb")}).status_code == 401


def test_an_officers_upload_is_served_back_to_them_alone_and_a_refused_one_is_removed(app, tmp_path):
    pdf = write_pdf(tmp_path / "Decision notice.pdf", ["Riverford Borough Council", "A public notice."])
    fake = tmp_path / "minutes.pdf"
    fake.write_text("this is not a PDF")
    with login(app, "ofelia") as officer, login(app, "rita") as reader:
        (stored,) = officer.post("/gradio_api/upload", files={"files": pdf.open("rb")}).json()
        assert officer.get(f"/gradio_api/file={quote(stored)}").content.startswith(b"%PDF-")
        assert reader.get(f"/gradio_api/file={quote(stored)}").status_code == 404
        (refused,) = officer.post("/gradio_api/upload", files={"files": fake.open("rb")}).json()
        file_data = {"path": refused, "meta": {"_type": "gradio.FileData"}}
        said = join(officer, new_session(), dependency(officer, "upload"), [[file_data]])
        assert "not a PDF" in said[0]
        assert not Path(refused).exists()


def test_removing_an_account_or_changing_its_role_ends_its_sessions(app):
    app.accounts.add("temp", "temporary password", "reader")
    app.accounts.add("temp2", "temporary password", "reader")
    with login_as(app, "temp") as gone, login_as(app, "temp2") as changed:
        assert gone.get("/gradio_api/info").status_code == 200
        assert changed.get("/gradio_api/info").status_code == 200
        app.accounts.remove("temp")
        app.accounts.add("temp2", "temporary password", "member")
        assert gone.get("/gradio_api/info").status_code == 401
        assert changed.get("/gradio_api/info").status_code == 401


def login_as(app: SimpleNamespace, name: str) -> AbstractContextManager[httpx.Client]:
    return log_in(app.url, name, "temporary password")


def test_a_refused_action_logs_one_line_and_no_traceback(app, caplog, capfd):
    reader = Client(f"{app.url}/", analytics_enabled=False, verbose=False, auth=_auth("rita"))
    capfd.readouterr()
    with caplog.at_level("INFO", logger="councilqa"), pytest.raises(AppError, match="only officers may"):
        reader.predict(EXEMPT, "", api_name="/restrict")
    time.sleep(0.5)
    assert "Traceback" not in capfd.readouterr().err
    refusals = [r.getMessage() for r in caplog.records if r.getMessage().startswith("refused")]
    assert refusals == [
        "refused restrict to rita: only officers may mark papers restricted (logged in; or `councilqa restrict`)"
    ]


def test_every_route_is_classified(app):
    """The gate names every route this Gradio serves: an upgrade that adds one fails here until it is classified."""
    from fastapi.routing import _IncludedRouter

    from councilqa.app.routes import ROUTES

    named = {(method, template) for methods, template, _ in ROUTES for method in methods}

    def walk(routes: list, prefix: str = "") -> Iterator[tuple[str, str]]:
        for route in routes:
            if isinstance(route, _IncludedRouter):
                yield from walk(route.original_router.routes, prefix + (route.include_context.prefix or ""))
            else:
                for method in sorted(getattr(route, "methods", None) or {"GET"}):
                    yield method, prefix + route.path

    served = set(walk(app.blocks.server_app.routes))
    assert len(served) > 50
    assert sorted(served - named) == []


@pytest.mark.parametrize("path", ["/gradio_api/proxy=http://127.0.0.1:9/x", "/monitoring", "/gradio_api/runs", "/nope"])
def test_routes_nobody_uses_are_refused(app, path):
    with login(app, "ofelia") as officer:
        assert officer.get(path).status_code == 404


def test_without_accounts_serve_stays_on_this_machine(tmp_path, embedder):
    settings = Settings(data_dir=tmp_path / "data")
    assistant = Assistant(settings, open_index(settings, embedder))
    served = build_app(assistant)
    with pytest.raises(CouncilQAError, match="with no accounts, anyone who reaches the app"):
        launch(served, assistant, host="0.0.0.0", port=free_port(), prevent_thread_lock=True, quiet=True)
    served.close()


def test_an_event_of_the_call_api_is_read_only_by_its_own_login(app):
    with login(app, "mo") as member, login(app, "rita") as reader:
        started = member.post("/gradio_api/call/ask", json={"data": ASK})
        event = started.json()["event_id"]
        assert reader.get(f"/gradio_api/call/ask/{event}").status_code == 404
        assert SECRET in member.get(f"/gradio_api/call/ask/{event}").text


def test_a_direct_call_may_not_name_another_logins_session(app):
    with login(app, "mo") as member, login(app, "rita") as reader:
        session = new_session()
        join(member, session, dependency(member, "ask"), ASK)
        data = [None, "", "", "", "any"]
        taken = reader.post("/gradio_api/api/resolutions", json={"data": data, "session_hash": session})
        assert taken.status_code == 404
        assert reader.post("/gradio_api/api/resolutions", json={"data": data}).status_code == 200


def test_a_session_named_twice_or_in_two_places_must_be_the_callers_each_time(app):
    """Gradio reads a session from one place (the body, or the last of a repeated query key), the gate checks
    every place: naming the caller's own session beside a member's gets nothing of the member's."""
    with login(app, "mo") as member, login(app, "rita") as reader:
        theirs, mine = new_session(), new_session()
        join(member, theirs, dependency(member, "ask"), ASK)
        with reader.stream("GET", f"/gradio_api/heartbeat/{mine}") as beating:  # a stream: only its status is read
            assert beating.status_code == 200
        both = httpx.QueryParams([("session_hash", mine), ("session_hash", theirs)])
        with reader.stream("GET", "/gradio_api/queue/data", params=both) as stolen:  # a stream: its status is enough
            assert stolen.status_code == 404
        body = {"data": [None, "", "", "", "any"], "session_hash": theirs}
        for route in ("/gradio_api/api/resolutions", "/gradio_api/call/resolutions", "/gradio_api/queue/join"):
            answer = reader.post(route, params={"session_hash": mine}, json={**body, "fn_index": 0})
            assert answer.status_code == 404, route


def test_logging_out_ends_the_login_on_every_route(app):
    with login(app, "mo") as member:
        exempt = f"/gradio_api/file={quote(str(app.root / EXEMPT))}"
        assert restricted_bytes(member.get(exempt))
        cookie = httpx.Cookies(member.cookies)  # a copy of the login cookie, kept by someone who saw it
        member.get("/logout", follow_redirects=False)
        with httpx.Client(base_url=app.url, cookies=cookie) as replay:
            assert replay.get(exempt).status_code == 401


def test_a_login_form_that_cant_be_read_is_400(app):
    with httpx.Client(base_url=app.url) as client:
        answer = client.post("/login", content=b"--x", headers={"content-type": "multipart/form-data"})
        assert answer.status_code == 400


def test_a_reader_cant_run_the_upload_event_through_the_queue(app):
    with login(app, "rita") as reader:
        file_data = {
            "path": "https://example.com/a.pdf",
            "url": "https://example.com/a.pdf",
            "meta": {"_type": "gradio.FileData"},
        }
        refused = join(reader, new_session(), dependency(reader, "upload"), [[file_data]], read=False)
        assert refused.status_code == 403
