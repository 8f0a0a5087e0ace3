"""The Gradio app, served for real and driven through Gradio's own client over HTTP."""

import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
from gradio_client import Client, handle_file
from gradio_client.exceptions import AppError

from councilqa.answer.ask import Assistant
from councilqa.app.serve import launch
from councilqa.app.ui import build_app
from councilqa.datadir import DataDir
from councilqa.index.store import open_index
from councilqa.settings import Settings, UiSettings
from tests.conftest import CORPUS, free_port
from tests.ingest.moderngov_site import ModernGovSite, start

pytestmark = pytest.mark.slow


def listening_addresses(port: int) -> set[str]:
    """IPv4 addresses with a socket listening on `port`, read from /proc/net/tcp (state 0A)."""
    addresses = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        local, state = line.split()[1], line.split()[3]
        host, hex_port = local.split(":")
        if state == "0A" and int(hex_port, 16) == port:
            addresses.add(socket.inet_ntoa(bytes.fromhex(host)[::-1]))
    return addresses


@pytest.fixture(scope="module")
def client(served: str) -> Client:
    return Client(served, analytics_enabled=False, verbose=False)


def ask(client: Client, question: str, *, committee=None, date_from="", date_to="", doc_type=None) -> tuple:
    return client.predict(question, [], committee, date_from, date_to, doc_type, api_name="/ask")


def text_of(message: dict) -> str:
    return "".join(part["text"] for part in message["content"] if part.get("type") == "text")


def status(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.headers.get("content-type", "")
    except urllib.error.HTTPError as error:
        return error.code, ""


def test_chat_answers_with_quotes_and_citation_cards(client: Client):
    history, cards, export, download, question = ask(client, "Who is buying the land at Tanners Yard?")
    user, reply = history
    assert text_of(user) == "Who is buying the land at Tanners Yard?" and question == ""
    assert "Riverford Community Housing Trust" in text_of(reply) and "**[1]**" in text_of(reply)
    assert '<span class="cq-title">Printed minutes</span> <span class=cq-meeting>Cabinet · 2026-03-12</span>' in cards
    assert "riverford/Printed minutes 12th-Mar-2026 18.30 Cabinet.pdf" in cards and "<mark>" in cards
    assert export.startswith("# Who is buying the land at Tanners Yard?") and "## Sources" in export
    assert 'download="councilqa-who-is-buying-the-land-at-tanners.md"' in download


def test_filters_from_the_sidebar_reach_the_question(client: Client):
    history, *_ = ask(client, "Mill Lane car park tariff", committee="Cabinet", date_from="2026-03-01")
    assert "Filtered to committee ~ Cabinet, meetings 2026-03-01 to any date" in text_of(history[-1])
    with pytest.raises(AppError, match="is not a date like"):
        ask(client, "Mill Lane car park tariff", date_to="March 2026")


def test_resolutions_endpoint(client: Client):
    cards = client.predict("Cabinet", "", "", "leisure", "any", api_name="/resolutions")
    assert "Riverside Leisure Centre" in cards and 'data-ref="r1"' in cards and 'data-ref="r1-report"' in cards
    assert client.predict("Cabinet", "", "", "leisure", api_name="/resolutions") == cards  # outcome defaults to any


def test_resolutions_endpoint_filters_by_outcome(client: Client):
    cards = client.predict("Cabinet", "", "", "", "lost", api_name="/resolutions")
    assert (
        "1 decision<" in cards
        and "<b>amendment lost</b> · For (2), Against (5) · proposed by Councillor Brennan" in cards
    )
    assert "0 decisions" in client.predict("Cabinet", "", "", "leisure", "lost", api_name="/resolutions")
    with pytest.raises(AppError):
        client.predict("Cabinet", "", "", "", "passed", api_name="/resolutions")  # not a choice of the menu


def test_files_are_served_only_from_the_ingest_roots(served: str, sample_settings, tmp_path: Path):
    minutes = (CORPUS / "riverford" / "Printed minutes 12th-Mar-2026 18.30 Cabinet.pdf").resolve()
    assert status(f"{served}gradio_api/file={quote(str(minutes))}") == (200, "application/pdf")
    outside = tmp_path / "elsewhere.pdf"
    outside.write_bytes(minutes.read_bytes())
    for path in (sample_settings.data_dir.resolve() / "catalog.sqlite", outside, Path("/etc/passwd")):
        assert status(f"{served}gradio_api/file={quote(str(path))}")[0] == 404, path
    for url in ("https://example.com/a.pdf", "http%3A//10.0.0.1/x", "//example.com/a.pdf"):
        assert status(f"{served}gradio_api/file={url}")[0] == 404, url  # no fetching on a client's behalf


def test_login_and_upload(tmp_path: Path, embedder, make_pdf):
    settings = Settings(data_dir=tmp_path / "data", ui=UiSettings(username="clerk", password="s3cret", max_upload_mb=1))
    assistant = Assistant(settings, open_index(settings, embedder))
    app = build_app(assistant)
    port = free_port()
    launch(app, assistant, port=port, prevent_thread_lock=True, quiet=True)
    try:
        url = f"http://127.0.0.1:{port}/"
        assert status(f"{url}config")[0] == 401
        with pytest.raises(Exception):  # noqa: B017 - gradio_client raises its own kinds when refused
            Client(url, analytics_enabled=False, verbose=False, auth=("clerk", "wrong"))
        logged_in = Client(url, analytics_enabled=False, verbose=False, auth=("clerk", "s3cret"))
        pdf = make_pdf("Decision notice.pdf", ["Riverford Borough Council", "The allotment rent rises to £40 a year."])
        summary = logged_in.predict([handle_file(str(pdf))], api_name="/upload")
        assert summary.startswith("1 added")
        (document,) = assistant.index.catalog.documents()
        assert document.path.endswith("/Decision notice.pdf")
        history, *_ = logged_in.predict("allotment rent", [], None, "", "", None, api_name="/ask")
        assert "£40 a year" in text_of(history[-1])
    finally:
        app.close()


def test_fetch_from_a_moderngov_site_as_a_logged_in_user(tmp_path: Path, embedder):
    """The Documents tab's fetch, through the served app's API: refused without a login, then papers
    fetched from a ModernGov site on a loopback port, indexed, cited with the site's meeting, and served."""
    settings = Settings(data_dir=tmp_path / "data", ui=UiSettings(username="clerk", password="s3cret"))
    assistant = Assistant(settings, open_index(settings, embedder))
    app, site = build_app(assistant), ModernGovSite()
    server, port = start(site), free_port()
    launch(app, assistant, port=port, prevent_thread_lock=True, quiet=True)
    try:
        url = f"http://127.0.0.1:{port}/"
        assert status(f"{url}gradio_api/info")[0] == 401
        clerk = Client(url, analytics_enabled=False, verbose=False, auth=("clerk", "s3cret"))
        with pytest.raises(AppError, match="no committee matches 'planning'"):
            clerk.predict(site.url, "planning", "", "", api_name="/fetch")
        summary = clerk.predict(site.url, "executive", "2026-01-01", "2026-12-31", api_name="/fetch")
        assert "4 fetched, 0 updated, 0 unchanged, 1 withheld (restricted), 3 failed" in summary
        assert "3 added, 0 updated, 1 copies of indexed files" in summary
        _, cards, *_ = clerk.predict("Riverside Leisure Centre", [], None, "", "", None, api_name="/ask")
        assert (
            "Executive Cabinet · 2026-03-12" in cards
            and f"{site.url}/ieListDocuments.aspx?CId=115&amp;MId=900" in cards
        )
        fetched = settings.data_dir.resolve() / "papers" / "Executive Cabinet" / "2026-03-12" / "Printed minutes.pdf"
        file_url = f"{url}gradio_api/file={quote(str(fetched))}"
        assert status(file_url)[0] == 401  # not without logging in
        with httpx.Client() as browser:
            assert browser.post(f"{url}login", data={"username": "clerk", "password": "s3cret"}).status_code == 200
            reply = browser.get(file_url)
            assert (reply.status_code, reply.content[:5]) == (200, b"%PDF-")
            catalog = settings.data_dir.resolve() / "catalog.sqlite"
            assert browser.get(f"{url}gradio_api/file={quote(str(catalog))}").status_code == 404
    finally:
        app.close()
        server.shutdown()


def test_serve_command_binds_to_this_machine_by_default_and_takes_an_ingest(
    sample_settings, sample_index, tmp_path: Path, make_pdf
):
    """`councilqa serve` as run from a shell: on this machine only; `councilqa ingest` into its data directory is
    handed to it (the next question cites the new paper); stopped by `kill`, it tidies its serving.json away."""
    data_dir = tmp_path / "data"  # a copy: the app this module serves is the sample index's writer
    shutil.copytree(sample_settings.data_dir, data_dir)
    port = free_port()
    command = [str(Path(sys.executable).parent / "councilqa"), "serve", "--port", str(port), "--data-dir"]
    command.append(str(data_dir))
    server = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as response:
                    assert response.status == 200
                    break
            except OSError:
                assert server.poll() is None, server.stdout.read() if server.stdout else ""
                time.sleep(0.5)
        else:
            pytest.fail("councilqa serve did not answer within 120 s")
        assert listening_addresses(port) == {"127.0.0.1"}
        assert DataDir(data_dir).serving.is_file()
        second = subprocess.run(
            [*command[:-3], str(free_port()), *command[-2:]], capture_output=True, text=True, timeout=120, check=False
        )
        assert second.returncode == 2 and f"is served already (process {server.pid})" in second.stderr, second.stderr
        make_pdf("new/Allotments report.pdf", ["Riverford Borough Council", "Allotment rents rise to £40 a year."])
        ingest = [str(Path(sys.executable).parent / "councilqa"), "ingest", str(tmp_path / "new"), "--data-dir"]
        ran = subprocess.run([*ingest, str(data_dir)], capture_output=True, text=True, timeout=300, check=False)
        assert ran.returncode == 0 and ran.stdout.startswith("1 added"), ran.stdout + ran.stderr
        client = Client(f"http://127.0.0.1:{port}/", analytics_enabled=False, verbose=False)
        history, *_ = client.predict("allotment rents", [], None, "", "", None, api_name="/ask")
        assert "£40 a year" in text_of(history[-1])
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert not DataDir(data_dir).serving.exists()


def test_login_comes_from_the_environment_and_needs_both_parts(monkeypatch):
    monkeypatch.setenv("COUNCILQA_UI__USERNAME", "clerk")
    assert Settings().ui.auth is None
    monkeypatch.setenv("COUNCILQA_UI__PASSWORD", "s3cret")
    settings = Settings()
    assert settings.ui.auth == ("clerk", "s3cret") and "s3cret" not in repr(settings)
