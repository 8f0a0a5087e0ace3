"""A real `councilqa ingest` process killed with SIGKILL mid-run leaves a usable index, and the next
run completes it with no duplicate chunks."""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from councilqa.index.build import ingest
from councilqa.index.store import open_index
from councilqa.settings import Settings
from tests.conftest import write_pdf

# the console script ingests with the real model; the test then opens that index
pytestmark = [pytest.mark.slow, pytest.mark.model]

N_FILES = 60


def documents_recorded(catalog: Path) -> int:
    if not catalog.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{catalog}?mode=ro", uri=True, timeout=1) as db:
            return int(db.execute("SELECT COUNT(*) FROM documents").fetchone()[0])
    except sqlite3.OperationalError:  # the table is not created yet
        return 0


def test_kill_9_mid_ingest_then_resume(tmp_path: Path, embedder):
    root = tmp_path / "papers"
    root.mkdir()
    for n in range(N_FILES):
        pages = [
            f"{n}. Report number {n}\n" + f"Paragraph {p} of report {n} about parks and budgets. " * 12
            for p in range(3)
        ]
        write_pdf(root / f"report-{n:03}.pdf", pages)
    data_dir = tmp_path / "data"
    command = [str(Path(sys.executable).parent / "councilqa"), "ingest", str(root), "--data-dir", str(data_dir)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 180
    while documents_recorded(data_dir / "catalog.sqlite") < 3 and time.monotonic() < deadline:
        assert process.poll() is None, "ingest ended before it could be killed"
        time.sleep(0.05)
    os.kill(process.pid, signal.SIGKILL)
    assert process.wait(timeout=30) == -signal.SIGKILL
    done_before = documents_recorded(data_dir / "catalog.sqlite")
    assert 3 <= done_before < N_FILES

    settings = Settings(data_dir=data_dir)
    index = open_index(settings, embedder)  # usable: opens, and searches what was committed
    assert index.search("parks and budgets", k=3)
    complete = {d.sha256 for d in index.catalog.documents()}
    assert {chunk.doc_sha256 for chunk in index.vectors.chunks()} <= complete  # half-written vectors are gone

    report = ingest([root], index)
    assert len(report.added) == N_FILES - done_before and len(report.unchanged) == done_before
    counts = index.papers.counts()
    assert counts.documents == N_FILES
    assert index.vectors.count() == counts.chunks  # every chunk once: no duplicates, no leftovers
