"""Gradio's queue spoken over plain HTTP, as a browser speaks it: join an event in a session, read the
session's stream. The attack tests need what gradio_client hides: their own session ids, private events
(opening a page from a card), and the raw answers of routes they should not reach."""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx

TIMEOUT = httpx.Timeout(120.0, connect=10.0)


@contextmanager
def log_in(url: str, name: str | None, password: str = "") -> Iterator[httpx.Client]:
    """An HTTP client with `name`'s login cookie (none for None)."""
    with httpx.Client(base_url=url, timeout=TIMEOUT) as client:
        if name is not None:
            answer = client.post("/login", data={"username": name, "password": password})
            assert answer.status_code == 200, (name, answer.status_code, answer.text)
        yield client


def dependency(client: httpx.Client, elem_id_or_api: str, trigger: str | None = None) -> int:
    """The fn_index of the event named `api_name`, or of the `trigger` event of the element with that id."""
    config = client.get("/config").json()
    ids = {c["id"]: c.get("props", {}).get("elem_id") for c in config["components"]}
    for index, dep in enumerate(config["dependencies"]):
        if trigger is None and dep.get("api_name") == elem_id_or_api:
            return index
        if trigger is not None and any(ids.get(t[0]) == elem_id_or_api and t[1] == trigger for t in dep["targets"]):
            return index
    raise LookupError(elem_id_or_api)


def join(
    client: httpx.Client,
    session: str,
    fn_index: int,
    data: list[Any],
    *,
    event_data: Any = None,
    read: bool = True,
) -> Any:
    """Join the queue for event `fn_index` in `session`; with `read`, the event's output data, read from
    the session's stream (an AssertionError with the message when the event failed); without, the reply to
    the join itself (an `httpx.Response`)."""
    joined = client.post(
        "/gradio_api/queue/join",
        json={
            "data": data,
            "fn_index": fn_index,
            "session_hash": session,
            "event_data": event_data,
            "trigger_id": None,
        },
    )
    if not read or joined.status_code != 200:
        return joined
    return stream(client, session, joined.json()["event_id"])


def stream(client: httpx.Client, session: str, event_id: str | None = None) -> Any:
    """The output of `event_id` (or of the first event to complete) from the session's stream."""
    with client.stream("GET", "/gradio_api/queue/data", params={"session_hash": session}) as answer:
        assert answer.status_code == 200, answer.status_code
        for line in answer.iter_lines():
            if not line.startswith("data:"):
                continue
            message = json.loads(line[5:])
            if message.get("msg") == "process_completed" and event_id in (None, message.get("event_id")):
                assert message.get("success"), message.get("output")
                return message["output"]["data"]
    raise AssertionError("the stream ended without the event's output")


def new_session() -> str:
    return secrets.token_hex(6)


def file_urls(value: Any) -> list[str]:
    """Every file a Gradio output names (its `url` or `path`), and every /file= link in its HTML."""
    text = json.dumps(value)
    found = re.findall(r'"(?:url|path)": "([^"]+)"', text)
    found += re.findall(r"(/gradio_api/file=[^\"'#\\\\ ]+)", text)
    return found
