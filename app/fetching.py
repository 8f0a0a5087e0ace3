"""Fetch a committee's papers from a council's ModernGov site, then ingest them: one way for the CLI's
`fetch --ingest` and the app's Documents tab."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from councilqa.index.build import IngestReport
from councilqa.ingest.fetch import FetchReport, fetch
from councilqa.ingest.site import Site
from councilqa.settings import FetchSettings


@dataclass(frozen=True)
class Fetched:
    """What a fetch brought, and what ingesting it did (None where it was not ingested)."""

    fetched: FetchReport
    ingested: IngestReport | None

    @property
    def exit_status(self) -> int:
        """1 where a paper failed to download, or papers were ingested and none could be; else 0."""
        if self.fetched.failed:
            return 1
        return self.ingested.exit_status if self.ingested is not None else 0

    def summary(self) -> str:
        ingested = [] if self.ingested is None else ["", *self.ingested.summary().splitlines()]
        return "\n".join([*self.fetched.summary().splitlines(), *ingested])


def fetch_and_ingest(
    site_url: str,
    committee: str,
    date_from: str | None,
    date_to: str | None,
    *,
    into: Path,
    settings: FetchSettings,
    ingest: Callable[[list[Path]], IngestReport] | None = None,
    on_meeting: Callable[[int, int, str], None] | None = None,
    recheck: bool = False,
) -> Fetched:
    """Fetch `committee`'s papers of meetings from `date_from` to `date_to` (ISO days; None: a year either
    side of today) into `into`, then, with `ingest`, ingest that folder."""
    first, last = (date.fromisoformat(day) if day else None for day in (date_from, date_to))
    with Site(site_url, settings) as site:
        report = fetch(site, committee, first, last, into, on_progress=on_meeting, recheck=recheck)
    return Fetched(report, ingest([into]) if ingest is not None else None)
