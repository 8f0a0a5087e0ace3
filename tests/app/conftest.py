"""The app served for real over the sample index, on a free port of this machine."""

from collections.abc import Iterator

import pytest

from councilqa.app.answer import Assistant
from councilqa.app.ui import build_app, launch
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
