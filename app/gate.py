"""The one gate in front of the served app: every request passes it, and every byte of a file.

Each request is handled by its route's rule (`councilqa.app.routes`): refused (404) where no rule names
it; open; a login needed (401); its sessions and events the caller's own (404 otherwise, wherever in the
request it names them); officers' uploads (403); or a file, which the gate answers itself: a catalogued
paper the user may see (`Library.servable`), or a file this login uploaded, by its real path (absolute,
no "..", no symbolic link, nothing under /proc, /sys or /dev); anything else 404, the same answer for
"missing" and "not yours"; a path with a control character 400; no login where one is needed 401,
whatever the path. Pages and exports are never files: the app sends them inline (see `ui.py`).

Logins: tries are throttled (`LoginThrottle`: a capped 429 with Retry-After); a login ends when it logs
out, or its account is removed or changes role or password (`Accounts.epoch`). Each refusal is logged as
one line: who, what, why.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, PlainTextResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from councilqa.app.accounts import PUBLIC, Accounts
from councilqa.app.library import Library
from councilqa.app.owners import GateState
from councilqa.app.routes import API, Rule, rule_of

log = logging.getLogger(__name__)

FILE_PREFIXES = (f"{API}/file=", f"{API}/file/")
NOT_SERVED = ("/proc", "/sys", "/dev")
LARGEST_FORM = 8 * 2**20  # bytes of a login form or queue request read before it reaches Gradio


@dataclass(frozen=True)
class _Call:
    """One request as the gate handles it: its ASGI parts, its login name ("" for none), and the parts of
    its path its route names."""

    scope: Scope
    receive: Receive
    send: Send
    who: str
    parts: dict[str, str]
    rule: Rule


class Gate:
    """ASGI middleware: `Middleware(Gate, blocks=app, library=library, accounts=accounts, ...)`."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        blocks: Any,
        library: Library,
        accounts: Accounts,
        public_read: bool,
        upload_dir: Path,
        max_upload_dir_bytes: int,
        officer_events: frozenset[str] = frozenset(),
        trust_forwarded_for: bool = False,
        state: GateState | None = None,
    ) -> None:
        self.app, self.blocks, self.library, self.accounts = app, blocks, library, accounts
        self.public_read = public_read
        self.upload_dir = upload_dir
        self.max_upload_dir_bytes = max_upload_dir_bytes
        self.officer_events = officer_events
        self.trust_forwarded_for = trust_forwarded_for
        self.state = state or GateState()
        self.state.logins.on_forget = lambda token: self.blocks.server_app.tokens.pop(token, None)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)  # lifespan; Gradio has no websocket routes
            return
        rule, parts = rule_of(scope["method"], scope.get("path", ""))
        name = self._login(scope)
        call = _Call(scope, receive, send, name if name is not None else "", parts, rule)
        handlers = {"file": self._file, "upload": self._upload, "session": self._session, "event": self._event}
        if rule == "refused":
            await self._refuse(call, 404, "a route the app does not serve")
        elif any(ord(ch) < 32 for ch in scope.get("path", "")):
            await self._refuse(call, 400, "a path with a control character")
        elif rule == "open" and scope["method"] == "POST" and scope["path"].rstrip("/") == "/login":
            await self._log_in(call)
        elif rule != "open" and name is None and self.accounts.exist():
            await self._refuse(call, 401, "not logged in")
        elif rule in handlers:
            await handlers[rule](call)
        else:
            await self.app(scope, receive, send)

    # who asks

    def _login(self, scope: Scope) -> str | None:
        """The login name of the request's token, or None; a token whose account has gone, or changed its
        role or password since it logged in, is ended here (and in Gradio's table)."""
        server = self.blocks.server_app
        cookies = _cookies(scope)
        token = cookies.get(f"access-token-{server.cookie_id}") or cookies.get(
            f"access-token-unsecure-{server.cookie_id}"
        )
        if not token:
            return None
        login, named = self.state.logins.owner(token), server.tokens.get(token)
        if login is None or named != login[0] or self._epoch(login[0]) != login[1]:  # logged out, or changed
            if server.tokens.pop(token, None) is not None and login is not None:
                log.info("ended the session of %s: the account was removed or changed", login[0])
            self.state.logins.drop(token)
            return None
        return login[0]

    def _epoch(self, name: str) -> str | None:
        if self.public_read and name == PUBLIC:
            return PUBLIC
        return self.accounts.epoch(name)

    def _address(self, scope: Scope) -> str:
        if self.trust_forwarded_for:
            forwarded = dict(scope.get("headers", [])).get(b"x-forwarded-for", b"").decode("latin-1")
            if forwarded.strip():  # the address the proxy saw: the last it added, not what the client wrote
                return forwarded.split(",")[-1].strip()
        client = scope.get("client")
        return str(client[0]) if client else "unknown"

    async def _log_in(self, call: _Call) -> None:
        body = await _read_body(call.receive, LARGEST_FORM)
        if body is None:
            return await self._refuse(call, 413, "a login form too large")
        try:
            form = await Request(call.scope, _replay(body, call.receive)).form()  # url-encoded, or multipart
        except (HTTPException, MultiPartException, ValueError):
            return await self._refuse(call, 400, "a login form that can't be read")
        name, address = str(form.get("username") or "").strip(), self._address(call.scope)
        wait = self.state.throttle.attempt(name, address)  # counted before the check: parallel tries count too
        if wait > 0:
            log.info("refused a login for %r from %s: too many failures, wait %.0f s", name, address, wait)
            response = PlainTextResponse("Too many failed logins: try again later", status_code=429)
            response.headers["Retry-After"] = str(max(1, round(wait)))
            return await response(call.scope, call.receive, call.send)
        epoch = self._epoch(name)  # read before the password is checked: a change meanwhile ends the login
        status, headers = await _forward(self.app, call.scope, _replay(body, call.receive), call.send)
        if status == 200:
            self.state.throttle.succeeded(name, address)
            for token in _set_tokens(headers, self.blocks.server_app.cookie_id):
                self.state.logins.claim(token, self.blocks.server_app.tokens.get(token, name), epoch or "")
        else:
            log.info("failed login for %r from %s", name, address)

    # what they ask for

    async def _file(self, call: _Call) -> None:
        path, account = call.scope["path"], self.accounts.account(call.who or None)
        asked = next(path[len(prefix) :] for prefix in FILE_PREFIXES if path.startswith(prefix))
        real = _real_path(asked)
        if real is not None:
            if self.library.servable(real, account):
                return await FileResponse(real, content_disposition_type="inline")(call.scope, call.receive, call.send)
            owner = self.state.uploads.owner(str(real))
            if owner is not None and owner[0] == call.who and real.is_file():
                return await FileResponse(real)(call.scope, call.receive, call.send)
        await self._refuse(call, 404, f"file {asked!r}: not a paper or upload of theirs")

    async def _upload(self, call: _Call) -> None:
        if not self._officer(call):
            return await self._refuse(call, 403, "only officers may upload")
        if call.scope["method"] != "POST":
            return await self.app(call.scope, call.receive, call.send)
        if _folder_bytes(self.upload_dir) >= self.max_upload_dir_bytes:
            return await self._refuse(call, 507, "the upload folder is full (ui.max_uploads_mb)")
        body = bytearray()
        status, _ = await _forward(self.app, call.scope, call.receive, call.send, body)
        if status == 200:
            for uploaded in json.loads(bytes(body) or b"[]"):
                self.state.uploads.claim(str(Path(uploaded).resolve()), call.who)

    async def _session(self, call: _Call) -> None:
        """A request keyed by sessions (and the direct and `/call` API's requests): every session it names,
        wherever it names it (path, query, body: Gradio reads one of them, the gate checks them all), must be
        the caller's; an event that only officers may run is refused to anyone else, before Gradio reads its
        inputs."""
        body, receive = b"", call.receive
        if call.scope["method"] == "POST":
            found = await _read_body(call.receive, LARGEST_FORM)
            if found is None:
                return await self._refuse(call, 413, "a request too large")
            body, receive = found, _replay(found, call.receive)
        fields = _json_object(body)
        named = {call.parts["session_hash"]} if "session_hash" in call.parts else set()
        named |= set(_query(call.scope, "session_hash")) | {_text(fields.get("session_hash"))}
        if not all(self.state.sessions.claim(session, call.who) for session in named - {""}):
            return await self._refuse(call, 404, "another login's session")
        if self._for_officers(call, fields.get("fn_index")) and not self._officer(call):
            return await self._refuse(call, 403, "an event only officers may run")
        if call.rule != "event" or call.scope["method"] != "POST":
            return await self.app(call.scope, receive, call.send)
        answer = bytearray()  # a `/call` starts an event: it is the caller's
        status, _ = await _forward(self.app, call.scope, receive, call.send, answer)
        if status == 200 and (event := _text(_json_object(bytes(answer)).get("event_id"))):
            self.state.events.claim(event, call.who)

    async def _event(self, call: _Call) -> None:
        if call.scope["method"] == "POST":
            return await self._session(call)
        owner = self.state.events.owner(call.parts.get("event_id", ""))
        if owner is None or owner[0] != call.who:
            return await self._refuse(call, 404, "another login's event")
        await self.app(call.scope, call.receive, call.send)

    def _officer(self, call: _Call) -> bool:
        """Whether the caller may do what officers do: an officer, or anyone in an app with no accounts."""
        return not self.accounts.exist() or self.accounts.account(call.who or None).is_officer

    def _for_officers(self, call: _Call, index: object) -> bool:
        """Whether the request runs an event only officers may run (named by its path or its fn_index)."""
        names = {call.parts.get("api_name")}
        if isinstance(index, int) and index in self.blocks.fns:
            names.add(self.blocks.fns[index].api_name)
        return bool(names & self.officer_events)

    async def _refuse(self, call: _Call, status: int, why: str) -> None:
        """Answer `status`, and log who was refused what and why, in one line (not a missing login: the
        app's own page asks for one first)."""
        if status != 401:
            who = call.who or "anonymous"
            log.info("refused %s %s to %s (%d): %s", call.scope["method"], _shown(call.scope["path"]), who, status, why)
        response: Response
        if status == 401:
            response = JSONResponse({"detail": "Not authenticated"}, status_code=401)
        else:
            response = PlainTextResponse(_STATUS_TEXT.get(status, "Refused"), status_code=status)
        await response(call.scope, call.receive, call.send)


_STATUS_TEXT = {400: "Bad request", 403: "Not allowed", 404: "Not found", 413: "Too large", 507: "Upload folder full"}


def _real_path(asked: str) -> Path | None:
    """The file an asked-for path names, when it names it plainly: absolute, no "..", no symbolic link on
    the way, not under /proc, /sys or /dev; else None."""
    if not asked.startswith("/") or asked.startswith("//"):
        return None  # relative (to the server's working directory), or a URL
    normal = os.path.normpath(asked)
    if ".." in Path(asked).parts or any(normal == top or normal.startswith(top + "/") for top in NOT_SERVED):
        return None
    try:
        real = os.path.realpath(normal, strict=True)
    except (OSError, ValueError):
        return None
    return Path(real) if real == normal else None


def _folder_bytes(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file()) if folder.is_dir() else 0


def _shown(path: str) -> str:
    """A path for a log line: control characters escaped, at most 200 characters."""
    shown = path.encode("unicode_escape").decode("ascii")
    return shown if len(shown) <= 200 else shown[:200] + "…"


def _cookies(scope: Scope) -> dict[str, str]:
    cookies: dict[str, str] = {}
    for name, value in scope.get("headers", []):
        if name == b"cookie":
            for part in value.decode("latin-1").split(";"):
                key, _, content = part.strip().partition("=")
                cookies[key] = content
    return cookies


def _query(scope: Scope, key: str) -> list[str]:
    """Every value the query string gives `key` (a key given twice is read differently by different code)."""
    return parse_qs(scope.get("query_string", b"").decode("latin-1")).get(key, [])


def _json_object(body: bytes) -> dict[str, Any]:
    """A request or response body's JSON object, read once; {} for anything else."""
    try:
        found = json.loads(body) if body else {}
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _set_tokens(headers: list[tuple[bytes, bytes]], cookie_id: str) -> set[str]:
    """The login tokens a response's Set-Cookie headers give."""
    found = set()
    for name, value in headers:
        if name.lower() == b"set-cookie":
            key, _, rest = value.decode("latin-1").partition("=")
            if key in (f"access-token-{cookie_id}", f"access-token-unsecure-{cookie_id}"):
                found.add(rest.split(";", 1)[0])
    return found


async def _read_body(receive: Receive, largest: int) -> bytes | None:
    """The request's whole body, or None when it is larger than `largest` bytes."""
    body, more = bytearray(), True
    while more:
        message = await receive()
        body += message.get("body", b"")
        more = message.get("more_body", False)
        if len(body) > largest:
            return None
    return bytes(body)


def _replay(body: bytes, receive: Receive) -> Receive:
    """A `receive` that gives `body` first, then whatever the client sends next (its disconnect)."""
    given = False

    async def replayed() -> Message:
        nonlocal given
        if not given:
            given = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replayed


async def _forward(
    app: ASGIApp, scope: Scope, receive: Receive, send: Send, body: bytearray | None = None
) -> tuple[int, list[tuple[bytes, bytes]]]:
    """Pass the request on, and return the response's status and headers (its body too, into `body`)."""
    seen: dict[str, Any] = {"status": 0, "headers": []}

    async def watched(message: Message) -> None:
        if message["type"] == "http.response.start":
            seen["status"], seen["headers"] = message["status"], list(message.get("headers", []))
        elif message["type"] == "http.response.body" and body is not None and len(body) < LARGEST_FORM:
            body.extend(message.get("body", b""))
        await send(message)

    await app(scope, receive, watched)
    return seen["status"], seen["headers"]
