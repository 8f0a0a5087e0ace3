"""A scripted OpenAI-compatible chat server (stdlib), for the prose answer's tests: real HTTP, real sockets.

The request's `model` names the script: what the server replies. Each request is recorded (body and
headers) so that a test can see what was sent.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Script = Callable[["Handler", dict[str, Any]], None]


class Handler(BaseHTTPRequestHandler):
    server: Scripted

    def log_message(self, *_: object) -> None:  # quiet
        pass

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
        self.server.requests.append((body, dict(self.headers)))
        if self.path != "/v1/chat/completions":
            self.send_error(404)
            return
        SCRIPTS[body["model"]](self, body)

    def stream(self, text: str, pieces: int = 7) -> None:
        """`text` as server-sent events, in `pieces` parts (cut anywhere), then [DONE]."""
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        size = max(1, len(text) // pieces)
        for start in range(0, len(text), size):
            event = {"choices": [{"index": 0, "delta": {"content": text[start : start + size]}}]}
            self.wfile.write(f"data: {json.dumps(event)}\n\n".encode())
            self.wfile.flush()
        self.wfile.write(b"data: [DONE]\n\n")

    def whole(self, text: str) -> None:
        """`text` as one JSON chat completion (a server that doesn't stream)."""
        reply = json.dumps({"choices": [{"index": 0, "message": {"role": "assistant", "content": text}}]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    def status(self, code: int, headers: dict[str, str] | None = None) -> None:
        reply = json.dumps({"error": {"message": f"scripted {code}"}}).encode()
        self.send_response(code)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)


class Scripted(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.requests: list[tuple[dict[str, Any], dict[str, str]]] = []
        self.calls: dict[str, int] = {}

    def handle_error(self, request: object, client_address: object) -> None:
        """A client that gave up (the stall's timeout) breaks the pipe: expected, not printed."""

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/v1"


@contextmanager
def scripted_server() -> Iterator[Scripted]:
    server = Scripted()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


# The excerpts the scripts' sentences are about (tests/answer/test_prose.py makes an answer of them).
EXCERPTS = (
    "Cabinet agreed to raise the Mill Lane car park tariff to £1.20 per hour from 1 April 2025. The motion, "
    "proposed by Cllr Patel, was carried: For 7, Against 2, Abstain 1.",
    "The 2024/25 parking budget is £640,000. In 2023/24 it was £600,000, and 2,350 residents responded to the "
    "consultation.",
)
GOOD = (
    "Cabinet agreed to raise the Mill Lane car park tariff to £1.20 per hour from 1 April 2025 [1]. "
    "The motion was proposed by Cllr Patel, with 7 for and 2 against [1]. "
    "The 2024/25 parking budget is £640,000 [2]."
)
GOOD_SENTENCES = 3
BAD = {  # each sentence breaks one rule; the reason the test expects names the kind
    "figure": "The tariff rises to £1.50 per hour [1].",
    "date": "The new Mill Lane tariff applies from 1 May 2025 [1].",
    "vote": "The motion was carried with 9 in favour [1].",
    "name": "The motion was proposed by Cllr Jones [1].",
    "citation": "The parking budget is £640,000 [4].",
    "uncited": "The car park tariff rises to £1.20 per hour.",
    "outcome": "The motion on the Mill Lane tariff was lost [1].",
    "negation": "Cabinet did not agree to raise the Mill Lane car park tariff [1].",
    "year": "The 2023/24 parking budget is £640,000 [2].",
    "service": "The library budget is £640,000 [2].",
    "words": "The council will build a new swimming pool beside the library [1].",
    "bare-name": "Shah moved the motion on the Mill Lane tariff, which was carried [1].",
    "name-prefix": "The Mill Lane motion was proposed by Cllr Pat [1].",
    "month": "The Mill Lane car park tariff rises from May [1].",
    "day": "The Mill Lane car park tariff rises from 2 April [1].",
    "code": "The Mill Lane car park tariff on the A28 rises [1].",
    "spelled": "The Mill Lane car park tariff rises to thirty pounds per hour [1].",
    "rate": "The Mill Lane car park tariff rises to £1.20 per day [1].",
    "vote-order": "The Mill Lane car park tariff motion of Cllr Patel was carried by 2 votes to 7 [1].",
    "manner": "The motion on the Mill Lane tariff was carried unanimously [1].",
    "turned-down": "Cabinet turned down the Mill Lane car park tariff [1].",
    "not-done": "The motion was not proposed by Cllr Patel [1].",
    "link": "The [Mill Lane car park tariff](https://evil.example/x.png?q=tariff) rises [1].",
}


def _calls(handler: Handler, body: dict[str, Any]) -> int:
    count = handler.server.calls.get(body["model"], 0) + 1
    handler.server.calls[body["model"]] = count
    return count


def _obedient(handler: Handler, body: dict[str, Any]) -> None:
    """A model that does what any text it is sent tells it: "… say: X" makes it reply X."""
    sent = body["messages"][-1]["content"]
    if "say:" in sent:
        handler.stream(sent.split("say:", 1)[1].split("<", 1)[0].strip() + " [1].")
    else:
        handler.stream(GOOD)


def _good_and(sentence: str, handler: Handler, _: dict[str, Any]) -> None:
    handler.stream(f"{GOOD} {sentence}")


FIRST_SENTENCE = re.compile(r"(?<=[.!?])\s")


def _echo(handler: Handler, body: dict[str, Any]) -> None:
    """A model that answers with the first sentence of each of the first two excerpts it is sent, citing
    each: prose every check passes, whatever the papers."""
    sent = body["messages"][-1]["content"]
    found = re.findall(r'<excerpt number="(\d+)"[^>]*>\n(.*?)\n</excerpt>', sent, re.S)
    firsts = [(number, FIRST_SENTENCE.split(text.strip())[0].rstrip(".")) for number, text in found[:2]]
    sentences = [f"{first} [{number}]." for number, first in firsts]
    handler.stream(" ".join(sentences) or "NO ANSWER", pieces=12)


def _stall(handler: Handler, _: dict[str, Any]) -> None:
    handler.send_response(200)
    handler.send_header("Content-Type", "text/event-stream")
    handler.end_headers()
    handler.wfile.flush()
    time.sleep(4)


def _busy_then_good(handler: Handler, body: dict[str, Any]) -> None:
    if _calls(handler, body) == 1:
        handler.status(429, {"Retry-After": "1"})
    else:
        handler.stream(GOOD)


def _bad_gzip(handler: Handler, _: dict[str, Any]) -> None:
    body = b"this is not gzip"
    handler.send_response(200)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Encoding", "gzip")
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


def _odd_events(handler: Handler, _: dict[str, Any]) -> None:
    """Events of shapes no chat completion has, among good ones: skipped."""
    handler.send_response(200)
    handler.send_header("Content-Type", "text/event-stream")
    handler.end_headers()
    odd_shapes: list[dict[str, Any]] = [{"choices": {"a": 1}}, {"choices": [{"delta": "x"}]}, {"choices": []}]
    for odd in odd_shapes:
        handler.wfile.write(f"data: {json.dumps(odd)}\n\n".encode())
    event = {"choices": [{"index": 0, "delta": {"content": GOOD}}]}
    handler.wfile.write(f"data: {json.dumps(event)}\n\ndata: [DONE]\n\n".encode())


def _trickle(handler: Handler, _: dict[str, Any]) -> None:
    """A whole JSON reply sent a few bytes every tenth of a second: each read is quick, the whole is not."""
    reply = json.dumps({"choices": [{"message": {"content": GOOD}}]}).encode()
    handler.send_response(200)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(reply)))
    handler.end_headers()
    for start in range(0, len(reply), 8):
        handler.wfile.write(reply[start : start + 8])
        handler.wfile.flush()
        time.sleep(0.1)


def _good_then_error(handler: Handler, _: dict[str, Any]) -> None:
    handler.send_response(200)
    handler.send_header("Content-Type", "text/event-stream")
    handler.end_headers()
    event = {"choices": [{"index": 0, "delta": {"content": GOOD + " The"}}]}
    handler.wfile.write(f"data: {json.dumps(event)}\n\n".encode())
    handler.wfile.write(f"data: {json.dumps({'error': {'message': 'out of memory'}})}\n\n".encode())


def _html(handler: Handler, _: dict[str, Any]) -> None:
    page = b"<html><body><h1>Welcome to nginx!</h1></body></html>"
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html")
    handler.send_header("Content-Length", str(len(page)))
    handler.end_headers()
    handler.wfile.write(page)


SCRIPTS: dict[str, Script] = {
    "good": lambda h, _: h.stream(GOOD),
    "good-whole": lambda h, _: h.whole(GOOD),
    "refusal": lambda h, _: h.stream("NO ANSWER"),
    "refusal-words": lambda h, _: h.stream("The excerpts do not answer this question."),
    "all-bad": lambda h, _: h.stream(" ".join(BAD.values())),
    "busy-then-good": _busy_then_good,
    "always-busy": lambda h, _: h.status(503, {"Retry-After": "0"}),
    "busy-too-long": lambda h, _: h.status(429, {"Retry-After": "120"}),
    "unauthorised": lambda h, _: h.status(401),
    "stall": _stall,
    "html": _html,
    "obedient": _obedient,
    "bad-gzip": _bad_gzip,
    "odd-events": _odd_events,
    "trickle": _trickle,
    "good-then-error": _good_then_error,
    "good-cut-off": lambda h, _: h.stream(f"{GOOD} Cabinet agreed the Mill Lane car park tariff [1] from"),
    "echo": _echo,
    "broken-json": lambda h, _: (
        h.send_response(200),
        h.send_header("Content-Type", "application/json"),
        h.end_headers(),
        h.wfile.write(b"{not json"),
    ),
} | {f"good-and-{kind}": partial(_good_and, bad) for kind, bad in BAD.items()}
