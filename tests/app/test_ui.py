"""The Gradio chat, served for real and asked through Gradio's own client over HTTP."""

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from gradio_client import Client

from councilqa.app.answer import Assistant
from councilqa.app.ui import answer_markdown, build_app


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


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
def served(sample_settings, sample_index):
    app = build_app(Assistant(sample_settings, sample_index))
    port = free_port()
    app.launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True)
    yield f"http://127.0.0.1:{port}/"
    app.close()


def test_chat_answers_with_cited_excerpts(served: str):
    client = Client(served, analytics_enabled=False, verbose=False)
    reply = client.predict("Who is buying the land at Tanners Yard?", api_name="/respond")
    assert reply.startswith("**Answer**")
    assert "Riverford Community Housing Trust" in reply
    assert "**[1] Printed minutes** · Cabinet, 2026-03-12 · " in reply
    assert "`riverford/Printed minutes 12th-Mar-2026 18.30 Cabinet.pdf`" in reply


def test_markdown_shows_printed_and_pdf_pages(sample_settings, sample_index):
    answer = Assistant(sample_settings, sample_index).ask("Mill Lane car park tariff")
    text = answer_markdown(answer)
    assert "**[1] Public reports pack** · Cabinet, 2026-03-12 · Page 2 · PDF p.4" in text


def test_abstention_is_shown_as_such(sample_settings, sample_index):
    answer = Assistant(
        sample_settings.model_copy(update={"answer": sample_settings.answer.model_copy(update={"min_evidence": 1.99})}),
        sample_index,
    ).ask("Mill Lane car park tariff")
    text = answer_markdown(answer)
    assert answer.abstained and text.startswith("**No clear answer in the papers.**") and "**Closest matches**" in text


def test_serve_command_binds_to_this_machine_by_default(sample_settings, sample_index):
    port = free_port()
    command = [
        str(Path(sys.executable).parent / "councilqa"),
        "serve",
        "--port",
        str(port),
        "--data-dir",
        str(sample_settings.data_dir),
    ]
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
    finally:
        server.terminate()
        server.wait(timeout=30)
