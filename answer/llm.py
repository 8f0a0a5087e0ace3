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
        """The reply to `messages`, piece by piece; `LlmError` on any failure (the pieces given so far stand)."""
        s = self.settings
        body = {
            "model": s.model,
            "messages": messages,
            "temperature": 0,
            "max_tokens": s.max_tokens,
            "stream": True,
        }
        deadline = time.monotonic() + s.total_seconds
        timeout = httpx.Timeout(min(s.timeout_seconds, s.total_seconds))
        try:
            with httpx.Client(timeout=timeout, trust_env=False, follow_redirects=False) as client:
                yield from self._send(client, body, deadline)
        except httpx.TimeoutException:
            raise LlmError(
                f"{self.name} sent nothing for {s.timeout_seconds:g} s (answer.llm.timeout_seconds)"
            ) from None
        except httpx.TransportError as error:
            raise LlmError(f"{self.name} could not be reached: {type(error).__name__}: {error}") from None

    def _headers(self) -> dict[str, str]:
        headers = {"Content-Type": "application/json", "Accept": "text/event-stream, application/json"}
        name = self.settings.key_env
        if name:
            key = os.environ.get(name)
            if not key:
                raise LlmError(f"answer.llm.key_env names ${name}, which is not set")
            authorisation = self.settings.key_header.lower() == "authorization"
            headers[self.settings.key_header] = f"Bearer {key}" if authorisation else key
        return headers

    def _send(self, client: httpx.Client, body: dict[str, Any], deadline: float) -> Iterator[str]:
        headers = self._headers()
        for attempt in range(self.settings.retries + 1):
            with client.stream("POST", self.url, json=body, headers=headers) as response:
                if response.status_code in RETRY_STATUSES and attempt < self.settings.retries:
                    wait = retry_after(response.headers.get("Retry-After"), 1.0 * 2**attempt)
                    if time.monotonic() + wait > deadline:
                        raise LlmError(
                            f"{self.name} answered HTTP {response.status_code} and asks to wait {wait:g} s, past "
                            f"answer.llm.total_seconds ({self.settings.total_seconds:g} s)"
                        )
                    log.info("HTTP %s from %s; retrying in %.1f s", response.status_code, self.name, wait)
                    self.sleep(wait)
                    continue
                yield from self._reply(response, deadline)
                return

    def _reply(self, response: httpx.Response, deadline: float) -> Iterator[str]:
        if response.status_code != 200:
            response.read()
            raise LlmError(f"{self.name} answered HTTP {response.status_code}: {_said(response)}")
        kind = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if kind == "text/event-stream":
            yield from self._events(response, deadline)
        elif kind == "application/json":
            yield _content(_json(response.read(), self.name), self.name)
        else:
            raise LlmError(
                f"{self.name} answered with {kind or 'no content type'}, not an OpenAI-compatible chat completion "
                "(answer.llm.url should be the API's address, such as http://host:8080/v1)"
            )

    def _events(self, response: httpx.Response, deadline: float) -> Iterator[str]:
        for line in response.iter_lines():
            if time.monotonic() > deadline:
                raise LlmError(
                    f"{self.name} took longer than answer.llm.total_seconds ({self.settings.total_seconds:g} s)"
                )
            if not line.startswith("data:"):
                continue
            data = line[5:].strip()
            if data == "[DONE]":
                return
            event = _json(data.encode(), self.name)
            if "error" in event:
                raise LlmError(f"{self.name} failed: {str(event['error'])[:200]}")
            choices = event.get("choices") or [{}]
            piece = (choices[0].get("delta") or {}).get("content") if isinstance(choices[0], dict) else None
            if isinstance(piece, str) and piece:
                yield piece


def _json(raw: bytes, name: str) -> dict[str, Any]:
    try:
        value = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
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
