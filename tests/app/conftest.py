"""The app served for real over the sample index, on a free port of this machine."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from councilqa.answer.ask import Assistant
from councilqa.app.accounts import Accounts
from councilqa.app.serve import launch
from councilqa.app.ui import CouncilBlocks, build_app
from councilqa.index.build import ingest
from councilqa.index.embed import Embedder
from councilqa.index.store import open_index
from councilqa.settings import Settings, UiSettings
from tests.conftest import free_port


@pytest.fixture(scope="module")
def served(sample_settings, sample_index) -> Iterator[str]:
    """The URL of the whole app over the sample index, as `councilqa serve` runs it."""
    assistant = Assistant(sample_settings, sample_index)
    app = build_app(assistant)
    port = free_port()
    launch(app, assistant, port=port, prevent_thread_lock=True, quiet=True)
    yield f"http://127.0.0.1:{port}/"
    app.close()


def serve_papers(
    root: Path, data_dir: Path, passwords: dict[str, tuple[str, str]], embedder: Embedder
) -> tuple[CouncilBlocks, Assistant, str]:
    """`root` ingested into `data_dir` and served for real, with these accounts (name: (role, password)) and
    public reading on: the app (close it), its assistant, and its URL (no trailing slash)."""
    settings = Settings(data_dir=data_dir, ui=UiSettings(public_read=True))
    accounts = Accounts(settings.data_dir)
    for name, (role, password) in passwords.items():
        accounts.add(name, password, role)
    index = open_index(settings, embedder)
    ingest([root], index)
    assistant = Assistant(settings, index)
    app, port = build_app(assistant), free_port()
    launch(app, assistant, port=port, prevent_thread_lock=True, quiet=True)
    return app, assistant, f"http://127.0.0.1:{port}"
