"""Uploaded PDFs: checked for type and size, stored under a safe name, then ingested.

No path from the client is trusted. A file is accepted only when its name is a plain file name
ending in ".pdf", its bytes start with the PDF signature and it is no larger than the setting
`ui.max_upload_mb`. It is stored as `<data_dir>/uploads/<first 12 hex of its sha256>/<name>`, the
name reduced to safe characters; the folder keeps identical names apart, and the name itself is
kept (less unsafe characters) because metadata is read from ModernGov file names.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from councilqa.errors import InvalidInput
from councilqa.index.build import IngestReport, ingest
from councilqa.index.store import Index
from councilqa.ingest.discover import MAX_NAME, clean_name

MAGIC = b"%PDF-"


class UploadRejected(InvalidInput):
    """An upload that is not stored, with the reason in words a user can act on."""


@dataclass
class UploadOutcome:
    """What became of a batch of uploads: stored paths, rejections with reasons, the ingest report."""

    stored: list[Path] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)
    report: IngestReport | None = None

    def markdown(self) -> str:
        lines = [f"Rejected {reason}" for reason in self.rejected]
        if self.report is not None:
            lines.insert(0, self.report.summary().replace("\n", "  \n"))
        return "  \n".join(lines) or "Nothing uploaded."


def safe_name(client_name: str) -> str:
    """A file name safe to store, from the name the client sent, or `UploadRejected`.

    A name holding a path (a separator, a leading dot as in "..") is refused, not repaired.

    >>> safe_name("Printed minutes 12th-Mar-2026 18.30 Cabinet.PDF")
    'Printed minutes 12th-Mar-2026 18.30 Cabinet.PDF'
    >>> safe_name("agenda<script>.pdf")
    'agenda_script_.pdf'
    """
    name = client_name.strip()
    if not name or "/" in name or "\\" in name or "\x00" in name or name.startswith("."):
        raise UploadRejected(f"{client_name!r}: not a plain file name")
    if not name.lower().endswith(".pdf"):
        raise UploadRejected(f"{client_name!r}: only PDF files (.pdf) can be added")
    return clean_name(name[:-4], "upload", MAX_NAME - 4) + name[-4:]


def store_upload(source: Path, client_name: str, uploads_dir: Path, max_bytes: int) -> Path:
    """Check the uploaded file at `source` and copy it into `uploads_dir`; the stored path, or
    `UploadRejected` saying why not. Storing the same content under the same name again is a no-op."""
    name = safe_name(client_name)
    size = source.stat().st_size
    if size > max_bytes:
        raise UploadRejected(f"{name}: {size / 2**20:.1f} MB is more than the {max_bytes / 2**20:.0f} MB allowed")
    data = source.read_bytes()
    if not data.startswith(MAGIC):
        raise UploadRejected(f"{name}: not a PDF (it does not start with %PDF-)")
    folder = uploads_dir / hashlib.sha256(data).hexdigest()[:12]
    target = folder / name
    if not target.is_file():
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".incoming-", delete=False) as handle:
            handle.write(data)
        os.replace(handle.name, target)  # never a half-written PDF under its name
    return target


def add_uploads(
    files: Sequence[tuple[Path, str]],
    index: Index,
    max_bytes: int,
    on_file: Callable[[int, int, str, int], None] | None = None,
) -> UploadOutcome:
    """Store each (temporary path, client file name) that passes the checks, then ingest the uploads
    folder (incremental: files already indexed cost a hash). Example::

        add_uploads([(Path("/tmp/x.pdf"), "x.pdf")], index, max_bytes=50 * 2**20).markdown()
    """
    uploads_dir = index.settings.data.uploads
    outcome = UploadOutcome()
    for source, client_name in files:
        try:
            outcome.stored.append(store_upload(source, client_name, uploads_dir, max_bytes))
        except UploadRejected as error:
            outcome.rejected.append(str(error))
    if outcome.stored:
        outcome.report = ingest([uploads_dir], index, on_file=on_file)
    return outcome
