"""A served data directory has one writer, the server: `councilqa ingest` hands its work to it.

Why not let two processes write? Embedded Chroma keeps each collection's vector index in the memory of
the process that opened it, and the keyword index and decision search are in memory too: a server
never sees another process's writes until it restarts, and the ids it finds in the catalog but not in
its own collection make questions fail ("Error finding id"). Reopening everything whenever the catalog
changes would pause every question for the seconds an open takes, and still race with a write in
flight. Instead the running app is the data directory's only writer (it holds `writer.lock`, see
`councilqa.index.lock`), as it already is for uploads and fetches, and it listens on a Unix socket
that only this machine's same user can reach (the socket sits in a folder of mode 0700, and each
caller's uid is checked). `councilqa ingest` (and `fetch --ingest`) into that data directory sends its
paths there, shows the server's progress and prints its report; the server ingests them in its own
process, one ingest at a time (with uploads and fetches), while it goes on answering, and the next
question sees the new papers. Where nothing serves, `ingest` takes the lock and writes itself; where an
ingest holds it, it waits.

`serving.json` in the data directory names the server's process and socket while it runs.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import socket
import socketserver
import struct
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

from councilqa.datadir import DataDir
from councilqa.errors import CouncilQAError
from councilqa.index.build import IngestReport, ingest
from councilqa.index.lock import WriterLock
from councilqa.index.store import Index, open_index
from councilqa.settings import Settings

log = logging.getLogger(__name__)

OnFile = Callable[[int, int, str, int], None]


class HandOverFailed(CouncilQAError):
    """The serving app took an ingest and did not finish it (it stopped, or the ingest failed)."""


class WriterService:
    """The server's side: ingests handed over by other processes, run under the index's `write_lock` (which
    the app's own uploads and fetches take). Example::

        service = WriterService(index)
        service.start()  # writes serving.json
        ...
        service.close()
    """

    def __init__(self, index: Index) -> None:
        self.index = index
        self.record = index.settings.data.serving
        self._folder = Path(tempfile.mkdtemp(prefix="councilqa-writer-"))  # mode 0700: this user only
        self.socket_path = self._folder / "writer.sock"
        self._server: socketserver.ThreadingUnixStreamServer | None = None

    def start(self) -> None:
        service = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                service._handle(self.connection, self.rfile, self.wfile)

        self._server = socketserver.ThreadingUnixStreamServer(str(self.socket_path), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, name="councilqa-writer", daemon=True).start()
        _write_json(self.record, {"pid": os.getpid(), "socket": str(self.socket_path)})

    def close(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        try:
            if json.loads(self.record.read_text(encoding="utf-8")).get("socket") == str(self.socket_path):
                self.record.unlink()
        except (OSError, ValueError):
            pass
        shutil.rmtree(self._folder, ignore_errors=True)

    def _handle(self, connection: socket.socket, rfile: Any, wfile: Any) -> None:
        def send(message: dict[str, Any]) -> None:
            wfile.write(json.dumps(message).encode() + b"\n")
            wfile.flush()

        uid = _peer_uid(connection)
        if uid not in (os.getuid(), 0):
            log.warning("refused an ingest handed over by uid %s", uid)
            send({"error": "only the user running `councilqa serve` may ingest into its data directory"})
            return
        try:
            job = json.loads(rfile.readline())
            paths, prune = [Path(path) for path in job["paths"]], bool(job.get("prune"))
        except (ValueError, KeyError, TypeError):
            send({"error": "not an ingest request"})
            return

        listening = True

        def on_file(done: int, total: int, path: str, pages: int) -> None:
            nonlocal listening
            try:
                if listening:
                    send({"progress": [done, total, path, pages]})
            except OSError:  # the caller went away (Ctrl-C): the ingest goes on to the end, unseen
                listening = False

        log.info("ingest handed over: %s", " ".join(map(str, paths)))
        try:
            with self.index.write_lock:
                report = ingest(paths, self.index, on_file=on_file, prune=prune)
            message: dict[str, Any] = {"report": asdict(report)}
        except CouncilQAError as error:
            message = {"error": str(error)}
        except Exception as error:  # a bug: logged with its traceback here, named to the caller
            log.exception("the ingest handed over failed")
            message = {"error": f"the ingest failed ({error!r}); the app goes on serving, see its log"}
        if listening:
            send(message)


def ingest_into(
    settings: Settings,
    paths: list[Path],
    *,
    on_file: OnFile | None = None,
    prune: bool = False,
    on_wait: Callable[[str], None] | None = None,
) -> IngestReport:
    """Ingest `paths` into `settings.data_dir`: through the app serving it, if one is, else here, holding
    the writer lock (waiting, and saying so through `on_wait`, while another ingest holds it). Example::

        print(ingest_into(Settings(), [Path("corpus")]).summary())
    """
    waiting = False
    while True:
        report = hand_over(settings.data_dir, paths, prune=prune, on_file=on_file)
        if report is not None:
            return report
        lock = WriterLock(settings.data_dir)
        if lock.acquire():
            try:
                return ingest(paths, open_index(settings, writer=lock), on_file=on_file, prune=prune)
            finally:
                lock.release()
        if on_wait is not None and not waiting:
            on_wait(f"another process writes {settings.data_dir}; waiting for it (or for its server to start)")
        waiting = True
        time.sleep(0.5)


def hand_over(
    data_dir: Path, paths: list[Path], *, prune: bool = False, on_file: OnFile | None = None
) -> IngestReport | None:
    """The report of an ingest run by the app serving `data_dir`, or None when none is serving it."""
    try:
        record = json.loads(DataDir(data_dir).serving.read_text(encoding="utf-8"))
        if Path(record["socket"]).stat().st_uid != os.getuid():  # a serving.json pointing at someone else's
            raise HandOverFailed(f"{DataDir(data_dir).serving} names a socket of another user; remove it, or ask them")
        connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        connection.connect(str(record["socket"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None  # nothing serves (or a server that stopped without tidying up)
    with connection, connection.makefile("rwb") as stream:
        request = {"paths": [str(path.resolve()) for path in paths], "prune": prune}
        stream.write(json.dumps(request).encode() + b"\n")
        stream.flush()
        for line in stream:
            message = json.loads(line)
            if "progress" in message and on_file is not None:
                on_file(*message["progress"])
            elif "report" in message:
                return _report(message["report"])
            elif "error" in message:
                raise HandOverFailed(f"the app serving {data_dir} (pid {record.get('pid')}): {message['error']}")
    raise HandOverFailed(
        f"the app serving {data_dir} (pid {record.get('pid')}) stopped during the ingest; the files it finished are "
        "indexed: run the ingest again for the rest"
    )


def serving_pid(data_dir: Path) -> int | None:
    """The process of the app serving `data_dir`, if one is running (as its serving.json says)."""
    try:
        pid = int(json.loads(DataDir(data_dir).serving.read_text(encoding="utf-8"))["pid"])
        os.kill(pid, 0)
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return pid


def _report(fields: dict[str, Any]) -> IngestReport:
    """An `IngestReport` from its JSON (`asdict`): the pairs come back as lists, and become pairs again."""
    report = IngestReport(**fields)
    report.skipped, report.warnings, report.ocr = (
        [(a, b) for a, b in pairs] for pairs in (fields["skipped"], fields["warnings"], fields["ocr"])
    )
    return report


def _peer_uid(connection: socket.socket) -> int:
    """The uid of the process at the other end of a Unix socket (Linux's SO_PEERCRED)."""
    credentials = connection.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    return int(struct.unpack("3i", credentials)[1])


def _write_json(path: Path, value: dict[str, Any]) -> None:
    """`value` written whole (a temporary file, then a rename), readable by this user only."""
    with tempfile.NamedTemporaryFile("w", dir=path.parent, prefix=f".{path.name}-", delete=False) as handle:
        os.chmod(handle.name, 0o600)
        json.dump(value, handle)
    os.replace(handle.name, path)
