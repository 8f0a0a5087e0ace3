"""A client of the OpenAI-compatible chat-completions API (Azure OpenAI, vLLM, Ollama, llama.cpp's server).

Used only where `answer.llm` names a model (docs/llm.md). The reply is streamed where the server streams
(server-sent events) and read whole where it answers with one JSON body. Every failure is an `LlmError`
whose message says what failed and what to check; the caller falls back to the extractive answer.
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Callable, Iterator
from typing import Any, Protocol

import httpx

from councilqa.errors import CouncilQAError
from councilqa.retry import RETRY_STATUSES, retry_after
from councilqa.settings import LlmSettings

log = logging.getLogger(__name__)


class LlmError(CouncilQAError):
    """The language model could not be asked, or answered something that is not a chat completion."""


class ChatModel(Protocol):
    """A language model answering a chat: the reply's text, piece by piece as it comes."""

    name: str

    def chat(self, messages: list[dict[str, str]]) -> Iterator[str]: ...


def chat_url(url: str) -> str:
    """The chat-completions endpoint of `url`: a base ("…/v1") gets /chat/completions; a full URL (an Azure
    deployment's, with its ?api-version=) is used as it is.

    >>> chat_url("http://localhost:8080/v1/"), chat_url("https://x.openai.azure.com/openai/deployments/d/chat/completions?api-version=2024-10-21")
    ('http://localhost:8080/v1/chat/completions', 'https://x.openai.azure.com/openai/deployments/d/chat/completions?api-version=2024-10-21')
    """
    if "/chat/completions" in url:
        return url
    return url.rstrip("/") + "/chat/completions"


class OpenAIChat:
    """`ChatModel` over HTTP. Retries a 429 or 5xx reply (after its Retry-After) within `total_seconds`,
    which caps the whole call; a stall longer than `timeout_seconds` fails it."""

    def __init__(self, settings: LlmSettings, *, sleep: Callable[[float], None] = time.sleep) -> None:
        if not settings.configured:
            raise LlmError("answer.llm.url and answer.llm.model must both be set to use a language model")
        self.settings = settings
        self.url = chat_url(str(settings.url))
        self.name = f"{settings.model} at {httpx.URL(self.url).host}"
        self.sleep = sleep

    def chat(self, messages: list[dict[str, str]]) -> Iterator[str]:
        """The reply to `messages`, piece by piece; `LlmError` on any failure (the pieces given so far stand).
        No message carries the key."""
        s = self.settings
        body = {"model": s.model, "messages": messages, "temperature": 0, "max_tokens": s.max_tokens, "stream": True}
        deadline = time.monotonic() + s.total_seconds
        try:
            with httpx.Client(trust_env=False, follow_redirects=False) as client:
                yield from self._send(client, body, deadline)
        except httpx.TimeoutException:
            raise LlmError(
                f"{self.name} sent nothing for {s.timeout_seconds:g} s (answer.llm.timeout_seconds)"
            ) from None
        except httpx.TransportError as error:  # refused or dropped connections
            raise LlmError(self._redact(f"{self.name} could not be reached: {type(error).__name__}: {error}")) from None
        except httpx.HTTPError as error:  # a reply that could not be read (a broken encoding)
            raise LlmError(self._redact(f"{self.name} sent a reply that could not be read: {error}")) from None
        except LlmError as error:
            raise LlmError(self._redact(str(error))) from None

    def _key(self) -> str | None:
        name = self.settings.key_env
        return os.environ.get(name, "").strip() or None if name else None

    def _redact(self, text: str) -> str:
        key = self._key()
        return text.replace(key, "[key]") if key else text

    def _headers(self) -> dict[str, str]:
        headers = {"Content-Type": "application/json", "Accept": "text/event-stream, application/json"}
        name = self.settings.key_env
        if name:
            key = self._key()
            if not key:
                raise LlmError(f"answer.llm.key_env names ${name}, which is not set")
            if not (key.isascii() and key.isprintable()):
                raise LlmError(f"${name} holds characters an HTTP header cannot carry")
            authorisation = self.settings.key_header.lower() == "authorization"
            headers[self.settings.key_header] = f"Bearer {key}" if authorisation else key
        return headers

    def _send(self, client: httpx.Client, body: dict[str, Any], deadline: float) -> Iterator[str]:
        headers = self._headers()
        for attempt in range(self.settings.retries + 1):
            timeout = httpx.Timeout(min(self.settings.timeout_seconds, self._left(deadline)))
            with client.stream("POST", self.url, json=body, headers=headers, timeout=timeout) as response:
                if response.status_code in RETRY_STATUSES and attempt < self.settings.retries:
                    wait = retry_after(response.headers.get("Retry-After"), 1.0 * 2**attempt)
                    if time.monotonic() + wait >= deadline:
                        raise LlmError(
                            f"{self.name} answered HTTP {response.status_code} and asks to wait {wait:g} s, past "
                            f"answer.llm.total_seconds ({self.settings.total_seconds:g} s)"
                        )
                    log.info("HTTP %s from %s; retrying in %.1f s", response.status_code, self.name, wait)
                    self.sleep(wait)
                    continue
                yield from self._reply(response, deadline)
                return

    def _left(self, deadline: float) -> float:
        """The seconds left before `deadline`; `LlmError` when none are."""
        left = deadline - time.monotonic()
        if left <= 0:
            raise LlmError(f"{self.name} took longer than answer.llm.total_seconds ({self.settings.total_seconds:g} s)")
        return left

    def _reply(self, response: httpx.Response, deadline: float) -> Iterator[str]:
        if response.status_code != 200:
            response.read()
            raise LlmError(f"{self.name} answered HTTP {response.status_code}: {_said(response)}")
        kind = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if kind == "text/event-stream":
            for line in self._lines(response, deadline):
                if not line.startswith(b"data:"):
                    continue
                data = line[5:].strip()
                if data == b"[DONE]":
                    return
                piece = _piece(_json(data, self.name), self.name)
                if piece:
                    yield piece
        elif kind == "application/json":
            yield _content(_json(b"".join(self._lines(response, deadline)), self.name), self.name)
        else:
            raise LlmError(
                f"{self.name} answered with {kind or 'no content type'}, not an OpenAI-compatible chat completion "
                "(answer.llm.url should be the API's address, such as http://host:8080/v1)"
            )

    def _lines(self, response: httpx.Response, deadline: float) -> Iterator[bytes]:
        """The reply's lines as they come, the deadline checked at every piece received (a server trickling
        its reply out is given up on at answer.llm.total_seconds)."""
        pending = b""
        for chunk in response.iter_bytes():
            self._left(deadline)
            *lines, pending = (pending + chunk).split(b"\n")
            yield from lines
        if pending:
            yield pending


def _piece(event: dict[str, Any], name: str) -> str | None:
    """The text an event of a streamed reply adds, if any."""
    if "error" in event:
        raise LlmError(f"{name} failed: {str(event['error'])[:200]}")
    choices = event.get("choices")
    first = choices[0] if isinstance(choices, list) and choices else None
    delta = first.get("delta") if isinstance(first, dict) else None
    content = delta.get("content") if isinstance(delta, dict) else None
    return content if isinstance(content, str) else None


def _json(raw: bytes, name: str) -> dict[str, Any]:
    try:
        value = json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise LlmError(f"{name} answered with text that is not JSON: {raw[:80]!r}") from None
    if not isinstance(value, dict):
        raise LlmError(f"{name} answered with JSON that is not a chat completion: {str(value)[:80]}")
    return value


def _content(reply: dict[str, Any], name: str) -> str:
    try:
        content = reply["choices"][0]["message"]["content"]
    except (KeyError, IndexError, TypeError):
        raise LlmError(f"{name} answered with JSON that is not a chat completion: {str(reply)[:120]}") from None
    if not isinstance(content, str):
        raise LlmError(f"{name} answered with no text")
    return content


def _said(response: httpx.Response) -> str:
    """What an error reply says, briefly: its JSON error message, or the start of its text."""
    try:
        error = response.json().get("error")
        message = error.get("message") if isinstance(error, dict) else error
        if message:
            return str(message)[:200]
    except (ValueError, AttributeError):
        pass
    return " ".join(response.text.split())[:120] or "(no text)"
