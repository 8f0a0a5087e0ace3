"""Serving the app: its gate, its login, Gradio's upload folder, and the app as its data directory's one
writer (`writer.WriterService` takes other processes' ingests while it serves)."""

from __future__ import annotations

import ipaddress
import threading
from typing import Any

from starlette.middleware import Middleware

from councilqa.answer.ask import Assistant
from councilqa.app.accounts import PUBLIC
from councilqa.app.gate import Gate
from councilqa.app.owners import GateState
from councilqa.app.ui import CSS, OFFICER_EVENTS, THEME, CouncilBlocks, build_app, gradio_folder
from councilqa.app.writer import WriterService
from councilqa.errors import CouncilQAError
from councilqa.index.lock import WriterLock


def launch(
    app: CouncilBlocks,
    assistant: Assistant,
    host: str = "127.0.0.1",
    port: int = 7860,
    writer: WriterLock | None = None,
    **kwargs: Any,
) -> Any:
    """Start serving `app` behind its gate (`gate.Gate`), as its data directory's only writer (holding
    `writer`, or taking the writer lock now; `WriterService` takes other processes' ingests). A login is
    asked for when any account exists (`councilqa users`, or `ui.username` and `ui.password`); with
    `ui.public_read`, the user "public", password "public", reads the public papers. Gradio's upload
    folder is the process's own (`ui.gradio_folder`). Extra keyword arguments go to `Blocks.launch` (tests
    pass `prevent_thread_lock`)."""
    settings, ui = assistant.settings, assistant.settings.ui
    handlers, accounts = app.handlers, app.handlers.accounts
    public_read = ui.public_read if ui.public_read is not None else not accounts.exist()
    if not accounts.exist() and not public_read:
        raise CouncilQAError("ui.public_read is off and no account exists: add one with `councilqa users add`")
    if not accounts.exist() and not _loopback(host):
        raise CouncilQAError(
            f"--host {host}: with no accounts, anyone who reaches the app could add and fetch papers; serve on "
            "127.0.0.1, or add accounts first (`councilqa users add NAME --role officer`)"
        )
    lock = writer or WriterLock(settings.data_dir)
    if not lock.acquire():
        raise CouncilQAError(f"{settings.data_dir}: another process writes this index; serve it when that ends")
    service = WriterService(assistant.index)
    uploads = gradio_folder()
    # closed last to first (also where Gradio's launch fails: `serve` closes the app): take no more ingests,
    # let the one running end, and only then let another process write
    app.on_close += [lock.release, lambda: _wait_for(assistant.index.write_lock), service.close]
    for folder in (handlers.library.uploads_dir, handlers.library.papers_dir):
        folder.mkdir(parents=True, exist_ok=True)

    def login(name: str, password: str) -> bool:
        if public_read and name == PUBLIC and password == PUBLIC:  # Gradio's form needs a password
            return True
        return accounts.verify(name, password) is not None

    gate = Middleware(
        Gate,
        blocks=app,
        library=handlers.library,
        accounts=accounts,
        public_read=public_read,
        upload_dir=uploads,
        max_upload_dir_bytes=int(ui.max_uploads_mb * 2**20),
        officer_events=OFFICER_EVENTS,
        trust_forwarded_for=ui.trust_forwarded_for,
        state=GateState(),
    )
    note = f'To read the public papers, sign in as "{PUBLIC}", password "{PUBLIC}".' if public_read else None
    service.start()  # before Gradio's launch, which serves until interrupted unless told not to block
    return app.launch(
        server_name=host,
        server_port=port,
        share=False,
        auth=login if accounts.exist() else None,
        auth_message=note,
        max_file_size=int(ui.max_upload_mb * 2**20),
        footer_links=["api", "settings"],
        run_history=False,
        enable_monitoring=False,
        mcp_server=False,
        ssr_mode=False,
        pwa=False,
        app_kwargs={"middleware": [gate]},
        theme=THEME,
        css=CSS.read_text(encoding="utf-8"),
        **kwargs,
    )


def _wait_for(lock: threading.Lock, seconds: float = 600.0) -> None:
    """Wait (up to `seconds`) until whoever holds `lock` lets it go."""
    if lock.acquire(timeout=seconds):
        lock.release()


def _loopback(host: str) -> bool:
    """Whether `host` is this machine only.

    >>> _loopback("127.0.0.1"), _loopback("localhost"), _loopback("0.0.0.0"), _loopback("::1")
    (True, True, False, True)
    """
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def serve(assistant: Assistant, writer: WriterLock | None = None, host: str = "127.0.0.1", port: int = 7860) -> None:
    """Serve the app until interrupted, once the models are loaded and the index open (so the first question
    does not wait seconds for them). Binds to this machine only unless `host` says otherwise."""
    assistant.warm()
    app = build_app(assistant)
    try:
        launch(app, assistant, host=host, port=port, writer=writer)
    finally:
        app.close()
