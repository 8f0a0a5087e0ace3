"""Every index test runs twice: with Chroma embedded in the data directory, and against a real Chroma
server (`chroma run`, which ships with chromadb, started once on a free loopback port and stopped by its
process id at the end of the session). `COUNCILQA_INDEX__CHROMA_URL` points the settings each test
makes at the server, as it would a user's."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import free_port

SERVER_URL = "COUNCILQA_INDEX__CHROMA_URL"


@pytest.fixture(scope="session")
def chroma_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The URL of a `chroma run` server of this session."""
    port = free_port()
    folder = tmp_path_factory.mktemp("chroma-server")
    command = [str(Path(sys.executable).parent / "chroma"), "run", "--path", str(folder), "--port", str(port)]
    process = subprocess.Popen([*command, "--host", "127.0.0.1"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        assert process.poll() is None, "chroma run ended before it answered"
        try:
            with urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=2):
                break
        except OSError:
            assert time.monotonic() < deadline, "chroma run did not answer within 60 s"
            time.sleep(0.2)
    yield url
    os.kill(process.pid, signal.SIGTERM)
    process.wait(timeout=30)


@pytest.fixture(params=["embedded", pytest.param("chroma-server", marks=pytest.mark.server)], autouse=True)
def vector_store(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str | None:
    """Where this run of the test keeps vectors: None (embedded) or the server's URL."""
    if request.param == "embedded":
        monkeypatch.delenv(SERVER_URL, raising=False)
        return None
    url = str(request.getfixturevalue("chroma_url"))
    monkeypatch.setenv(SERVER_URL, url)
    return url
