"""Every route the served app has, by who may use it: the table the gate (`councilqa.app.gate`) reads.

Gradio serves many routes, keyed by path, session or event, and adds more in each version. `ROUTES`
names each by method and path template, as Gradio declares it; a request no rule names is refused, and
`tests/app/test_attacks.py` walks the app's routes and fails on one that is not here, so an upgrade can't
open a door silently.

- `open`: the page, its scripts and styles, login and logout: anyone (Gradio asks for the login).
- `login`: a logged-in user where accounts exist.
- `session`: keyed by a `session_hash` (in the path, the query or the body; the direct `/api` and `/run`
  calls may name one too): only the login that first used the session.
- `event`: keyed by an event id (the `/call` API): only the login that started the event.
- `file`: Gradio's file routes, old and new, which the gate answers itself.
- `upload`: officers only.
- `refused`: everything else Gradio offers (its proxy, streams, run history, monitoring, vibe editing ...).
"""

from __future__ import annotations

import re
from typing import Literal

Rule = Literal["open", "login", "session", "event", "file", "upload", "refused"]
GET, POST, HEAD = frozenset({"GET"}), frozenset({"POST"}), frozenset({"HEAD"})
API = "/gradio_api"
# (methods, path template as Gradio declares it, rule). Order matters only where two templates match one
# path with one method; the first wins, as in Starlette.
ROUTES: tuple[tuple[frozenset[str], str, Rule], ...] = (
    (GET | HEAD, "/", "open"),
    (GET, "/config", "open"),
    (GET, "/config/", "open"),
    (GET, "/static/{path:path}", "open"),
    (GET, "/assets/{path:path}", "open"),
    (GET, "/svelte/{path:path}", "open"),
    (GET, "/favicon.ico", "open"),
    (GET, "/theme.css", "open"),
    (GET, "/robots.txt", "open"),
    (POST, "/login", "open"),
    (POST, "/login/", "open"),
    (GET, "/logout", "open"),
    (GET, f"{API}/theme.css", "open"),
    (GET, f"{API}/login_check", "open"),
    (GET, f"{API}/login_check/", "open"),
    (GET, f"{API}/user", "open"),
    (GET, f"{API}/user/", "open"),
    (GET, f"{API}/app_id", "login"),
    (GET, f"{API}/app_id/", "login"),
    (GET, f"{API}/info", "login"),
    (GET, f"{API}/info/", "login"),
    (GET, f"{API}/openapi.json", "login"),
    (GET, f"{API}/startup-events", "open"),  # Gradio calls it itself as it starts
    (GET, f"{API}/queue/status", "login"),
    (POST, f"{API}/api/{{api_name}}", "session"),
    (POST, f"{API}/api/{{api_name}}/", "session"),
    (POST, f"{API}/run/{{api_name}}", "session"),
    (POST, f"{API}/run/{{api_name}}/", "session"),
    (POST, f"{API}/queue/join", "session"),
    (GET, f"{API}/queue/data", "session"),
    (GET, f"{API}/heartbeat/{{session_hash}}", "session"),
    (POST, f"{API}/cancel", "session"),
    (POST, f"{API}/call/v2/{{api_name}}", "event"),
    (POST, f"{API}/call/v2/{{api_name}}/", "event"),
    (GET, f"{API}/call/v2/{{api_name}}/{{event_id}}", "event"),
    (POST, f"{API}/call/{{api_name}}", "event"),
    (POST, f"{API}/call/{{api_name}}/", "event"),
    (GET, f"{API}/call/{{api_name}}/{{event_id}}", "event"),
    (GET | HEAD, f"{API}/file={{path_or_url:path}}", "file"),
    (GET, f"{API}/file/{{path:path}}", "file"),
    (POST, f"{API}/upload", "upload"),
    (GET, f"{API}/upload_progress", "upload"),
    # Refused, named so that the test knows them from routes nobody has looked at.
    (GET | HEAD, "/openapi.json", "refused"),  # Gradio's FastAPI schema of every route
    (GET, f"{API}/token", "refused"),
    (GET, f"{API}/token/", "refused"),
    (GET, f"{API}/deep_link", "refused"),
    (GET, f"{API}/dev/reload", "refused"),
    (GET | HEAD, f"{API}/proxy={{url_path:path}}", "refused"),  # fetches other sites on a client's behalf
    (POST, f"{API}/reset", "refused"),
    (POST, f"{API}/reset/", "refused"),
    (POST, f"{API}/component_server", "refused"),
    (POST, f"{API}/component_server/", "refused"),
    (GET, f"{API}/custom_component/{{id}}/{{environment}}/{{type}}/{{file_name}}", "refused"),
    (POST, f"{API}/stream/{{event_id}}", "refused"),
    (POST, f"{API}/stream/{{event_id}}/close", "refused"),
    (GET, f"{API}/stream/{{session_hash}}/{{run}}/{{component_id}}/playlist.m3u8", "refused"),
    (GET, f"{API}/stream/{{session_hash}}/{{run}}/{{component_id}}/{{segment_id}}.{{ext}}", "refused"),
    (GET, f"{API}/stream/{{session_hash}}/{{run}}/{{component_id}}/playlist-file", "refused"),
    (POST, f"{API}/process_recording", "refused"),
    (GET, f"{API}/runs", "refused"),
    (GET, f"{API}/runs/", "refused"),
    (POST, f"{API}/run-history/connect", "refused"),
    (GET, f"{API}/run-history/buckets", "refused"),
    (GET, f"{API}/run-history/records", "refused"),
    (GET, f"{API}/run-history/records/{{endpoint}}/{{record_id}}/assets/{{asset_id}}", "refused"),
    (POST, f"{API}/vibe-edit", "refused"),
    (POST, f"{API}/vibe-edit/", "refused"),
    (POST, f"{API}/undo-vibe-edit", "refused"),
    (POST, f"{API}/undo-vibe-edit/", "refused"),
    (GET | POST, f"{API}/vibe-code", "refused"),
    (GET | POST, f"{API}/vibe-code/", "refused"),
    (POST, f"{API}/vibe-starter-queries", "refused"),
    (POST, f"{API}/vibe-starter-queries/", "refused"),
    (GET, "/pwa_icon", "refused"),
    (GET, "/pwa_icon/{size}", "refused"),
    (GET, "/manifest.json", "refused"),
    (GET, "/monitoring", "refused"),
    (GET, "/monitoring/summary", "refused"),
    (GET, "/monitoring/{key}", "refused"),
)


def template_regex(template: str) -> re.Pattern[str]:
    """A route template as a regular expression over request paths, as Starlette reads it.

    >>> bool(template_regex("/gradio_api/file={path_or_url:path}").fullmatch("/gradio_api/file=/a/b.pdf"))
    True
    >>> bool(template_regex("/gradio_api/heartbeat/{session_hash}").fullmatch("/gradio_api/heartbeat/a/b"))
    False
    """
    parts = re.split(r"(\{[^}]+\})", template)
    pattern = "".join(
        ("(?P<%s>.*)" if part.endswith(":path}") else "(?P<%s>[^/]+)") % part[1:-1].split(":")[0]
        if part.startswith("{")
        else re.escape(part)
        for part in parts
    )
    return re.compile(pattern)


_COMPILED = [(methods, template_regex(template), rule) for methods, template, rule in ROUTES]


def rule_of(method: str, path: str) -> tuple[Rule, dict[str, str]]:
    """The rule for a request, and the parts its path names ("refused" for a request no rule names)."""
    for methods, regex, rule in _COMPILED:
        if method in methods and (found := regex.fullmatch(path)):
            return rule, found.groupdict()
    return "refused", {}
