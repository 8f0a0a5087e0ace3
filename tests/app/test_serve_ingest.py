"""`councilqa ingest` into the data directory of a running app: the app keeps answering while it runs, and
cites the new papers at the next question after it (no restart). The ingest is another process, the real
command line; the app is served for real; five clients ask over HTTP all along."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from gradio_client import Client

from councilqa.answer.ask import Assistant
from councilqa.app.serve import launch
from councilqa.app.ui import build_app
from councilqa.index.build import ingest
from councilqa.index.lock import IndexReadOnly, WriterLock
from councilqa.index.store import open_index
from councilqa.settings import Settings
from tests.conftest import CORPUS, free_port, write_pdf

pytestmark = [pytest.mark.slow, pytest.mark.server]

PARKS = ["Oakhurst", "Bramblewick", "Fenmoor", "Larkstone", "Hollins", "Quayside", "Marlow Fields", "Tanhill",
         "Ashgrove", "Whitbeck", "Copley", "Ravensworth", "Dunmore", "Elmstead", "Foxley", "Garthside", "Heathcote",
         "Ivybridge", "Juniper Vale", "Kestrel Down"]  # fmt: skip
QUESTIONS = [
    "What did Cabinet resolve about Riverside Leisure Centre?",
    "What is the two-hour tariff at Mill Lane car park?",
    "What is the 2030 target for transport emissions?",
]


def _command(*args: str) -> subprocess.CompletedProcess[str]:
    code = "import sys; from councilqa.app.cli import main; sys.exit(main())"
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=600, check=False)


def test_an_ingest_into_a_served_data_directory_while_five_clients_ask(tmp_path: Path, embedder):
    new = tmp_path / "new"
    new.mkdir()
    for n, park in enumerate(PARKS):
        write_pdf(
            new / f"{park} park report.pdf",
            [f"Riverford Borough Council\n{park} Park bandstand\nThe bandstand repair costs £{n + 11},500."],
        )
    settings = Settings(data_dir=tmp_path / "data")
    index = open_index(settings, embedder)
    ingest([CORPUS], index)
    assistant = Assistant(settings, index)
    app, port = build_app(assistant), free_port()
    launch(app, assistant, port=port, prevent_thread_lock=True, quiet=True)
    url, errors, answered = f"http://127.0.0.1:{port}/", [], []
    done = threading.Event()

    def ask_all_along(n: int) -> None:
        client = Client(url, analytics_enabled=False, verbose=False)
        while not done.is_set():
            question = QUESTIONS[n % len(QUESTIONS)]
            try:
                _, cards, *_ = client.predict(question, [], None, "", "", None, api_name="/ask")
                assert "riverford/" in cards, cards
                answered.append(question)
            except Exception as error:  # every failure is counted, and the test fails on any
                errors.append(repr(error))
            n += 1

    askers = [threading.Thread(target=ask_all_along, args=(n,)) for n in range(5)]
    try:
        assert settings.data.serving.is_file() and not WriterLock(settings.data_dir).acquire()
        for asker in askers:
            asker.start()
        before = len(answered)
        ran = _command("ingest", str(new), "--data-dir", str(settings.data_dir))
        during = len(answered) - before
        done.set()
        for asker in askers:
            asker.join(timeout=120)
        assert ran.returncode == 0, ran.stderr
        assert ran.stdout.startswith("20 added"), ran.stdout
        assert errors == [] and during >= 5, (errors, during)
        client = Client(url, analytics_enabled=False, verbose=False)
        history, cards, *_ = client.predict(
            "How much will the Kestrel Down Park bandstand repair cost?", [], None, "", "", None, api_name="/ask"
        )
        assert "Kestrel Down park report.pdf" in cards and "£30,500" in str(history[-1])
    finally:
        done.set()
        app.close()
    assert not settings.data.serving.exists()


def test_without_a_server_ingest_writes_itself_and_a_second_writer_waits(tmp_path: Path, make_pdf, embedder):
    """No app serves the data directory: `ingest` takes the writer lock itself; while another process holds
    it, `ingest` waits and says so; an index opened meanwhile is read-only."""
    data = tmp_path / "data"
    hold = (
        "import sys; from pathlib import Path; from councilqa.index.lock import WriterLock; "
        f"lock = WriterLock(Path({str(data)!r})); assert lock.acquire(); print('held', flush=True); "
        "sys.stdin.readline()"
    )
    holder = subprocess.Popen(  # holds the lock as an ingest would, until told to stop
        [sys.executable, "-c", hold], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout is not None and holder.stdin is not None and holder.stdout.readline().strip() == "held"
    make_pdf("papers/Allotments report.pdf", ["Riverford Borough Council", "Allotment rents rise to £40 a year."])
    waiting = subprocess.Popen(
        [sys.executable, "-c", "import sys; from councilqa.app.cli import main; sys.exit(main())", "ingest",
         str(tmp_path / "papers"), "--data-dir", str(data)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    try:
        assert waiting.stderr is not None
        assert "waiting for it" in waiting.stderr.readline()
        assert waiting.poll() is None
        meanwhile = open_index(Settings(data_dir=data), embedder)
        with pytest.raises(IndexReadOnly, match="another process"):
            ingest([tmp_path / "papers"], meanwhile)
    finally:
        holder.stdin.write("\n")
        holder.stdin.flush()
        holder.wait(timeout=30)
    out, _ = waiting.communicate(timeout=600)
    assert waiting.returncode == 0 and out.startswith("1 added"), out


def test_an_ingest_handed_over_finishes_when_its_caller_is_killed(tmp_path: Path, embedder):
    """The app takes the whole job: killing `councilqa ingest` (kill -9) after its first file loses nothing."""
    new = tmp_path / "new"
    new.mkdir()
    for n, park in enumerate(PARKS[:7]):
        write_pdf(new / f"{park} park report.pdf", [f"Riverford Borough Council\n{park} Park\nThe fee is £{n + 5}."])
    minutes = "Riverford Borough Council\nMINUTES of a meeting of the Cabinet held on 12 March 2026\n12. Tanhill Park\n"
    write_pdf(
        new / "Printed minutes 12th-Mar-2026 Cabinet.pdf", [f"{minutes}RESOLVED: That the Tanhill Park fee be £12."]
    )
    settings = Settings(data_dir=tmp_path / "data")
    assistant = Assistant(settings, open_index(settings, embedder))
    app = build_app(assistant)
    launch(app, assistant, port=free_port(), prevent_thread_lock=True, quiet=True)
    try:
        code = "import sys; from councilqa.app.cli import main; sys.exit(main())"
        caller = subprocess.Popen(
            [sys.executable, "-c", code, "ingest", str(new), "--data-dir", str(settings.data_dir)],
            stderr=subprocess.PIPE,
            text=True,
        )
        assert caller.stderr is not None and caller.stderr.readline().startswith("[1/8]")
        caller.kill()
        caller.wait(timeout=30)
        deadline = time.monotonic() + 120
        while len(assistant.index.papers.documents()) < len(PARKS[:7]) + 1 and time.monotonic() < deadline:
            time.sleep(0.5)
        with assistant.index.write_lock:  # the job is over, to its end: the decision search is refreshed
            assert sorted(d.path for d in assistant.index.papers.documents()) == sorted(p.name for p in new.iterdir())
        answer = assistant.ask("What did Cabinet resolve about the Tanhill Park fee?")
        assert answer.decision is not None and "£12" in answer.decision.text
    finally:
        app.close()
