"""What a council's site says about a meeting's papers, kept beside them in `meeting.json`.

`councilqa fetch` writes one per meeting folder; ingest reads it in preference to guessing a paper's
committee, meeting date and council from its file name and first pages. Example of the file::

    {"format": 1, "site": "https://democracy.kent.gov.uk", "council": "Kent County Council",
     "committee": "Cabinet", "committee_id": 115, "meeting_id": 9806, "date": "2025-02-13",
     "time": "10:00", "status": "Published", "url": "https://.../ieListDocuments.aspx?CId=115&MId=9806",
     "papers": [{"attachment_id": 1, "title": "Agenda frontsheet", "file": "Agenda frontsheet.pdf", ...}]}

A paper not downloaded (restricted, or failed) has `"file": null`.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

SIDECAR = "meeting.json"
FORMAT = 1


@dataclass(frozen=True)
class PaperEntry:
    """One paper of the meeting: what the site says of it, and what was downloaded."""

    attachment_id: int
    title: str
    url: str
    restricted: bool
    publication_date: str | None
    item_number: str | None
    item_title: str | None
    file: str | None = None  # its file name in the meeting folder, once downloaded
    sha256: str | None = None
    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True)
class MeetingSidecar:
    site: str
    council: str | None
    committee: str
    committee_id: int
    meeting_id: int
    date: str  # ISO day
    time: str
    status: str
    url: str  # the meeting's page: {site}/ieListDocuments.aspx?CId=..&MId=..
    papers: tuple[PaperEntry, ...] = field(default_factory=tuple)

    def paper(self, file_name: str) -> PaperEntry | None:
        return next((p for p in self.papers if p.file == file_name), None)


def write_sidecar(folder: Path, sidecar: MeetingSidecar) -> None:
    """Write `folder/meeting.json` whole or not at all (a temporary file, then a rename)."""
    record = {"format": FORMAT, **asdict(sidecar), "papers": [asdict(paper) for paper in sidecar.papers]}
    with tempfile.NamedTemporaryFile("w", dir=folder, prefix=".meeting-", suffix=".tmp", delete=False) as handle:
        json.dump(record, handle, ensure_ascii=False, indent=1)
    os.replace(handle.name, folder / SIDECAR)


def read_sidecar(folder: Path) -> MeetingSidecar | None:
    """The sidecar in `folder`, or None where there is none or it can't be read (logged: ingest then
    guesses, as for any other paper)."""
    path = folder / SIDECAR
    if not path.is_file():
        return None
    try:
        record: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        if record.pop("format", None) != FORMAT:
            raise ValueError(f"format is not {FORMAT}")
        paper_names = {f.name for f in fields(PaperEntry)}
        papers = tuple(PaperEntry(**{k: v for k, v in p.items() if k in paper_names}) for p in record.pop("papers"))
        return MeetingSidecar(**record, papers=papers)
    except (OSError, ValueError, TypeError, KeyError, AttributeError) as error:
        log.warning("%s: not a councilqa meeting sidecar (%s); its papers are described from their text", path, error)
        return None
