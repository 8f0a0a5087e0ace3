"""One writer per data directory, across processes.

Embedded Chroma and the keyword index keep state in memory that another process's writes don't reach:
an ingest in one process while `serve` reads in another left the server answering "Error finding id",
and a second process committing the keyword index's manifest deletes the first's new segments. So a
process writes an index only while it holds `writer.lock` (an `flock`, released by the kernel when the
process ends, even by `kill -9`). `serve` holds it for as long as it runs and takes other processes'
ingests in (`councilqa.app.writer`); `councilqa ingest` holds it for the run when nothing serves.

An index opened while another process holds the lock is read-only: it finishes nobody's interrupted
writes (they may be the writer's work in flight) and keeps its keyword refresh in memory. A writable
index is opened (its interrupted writes finished, its keyword index brought in line) holding the lock.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from councilqa.datadir import DataDir
from councilqa.errors import CouncilQAError


class IndexReadOnly(CouncilQAError):
    """A write to an index that another process writes (it holds the data directory's writer lock)."""


class WriterLock:
    """The data directory's writer lock. Example::

    lock = WriterLock(settings.data_dir)
    if lock.acquire():
        try:
            ...  # ingest
        finally:
            lock.release()
    """

    def __init__(self, data_dir: Path) -> None:
        self.path = DataDir(data_dir).writer_lock
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> bool:
        """Take the lock if no other process (or other `WriterLock` here) holds it; whether it is now held."""
        if self._fd is not None:
            return True
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        self._fd = fd
        return True

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None
