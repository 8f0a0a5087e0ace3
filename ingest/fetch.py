"""Fetch a committee's papers from a council's ModernGov site into meeting folders, with a sidecar each.

Papers land in `INTO/{committee}/{YYYY-MM-DD}/{title}.pdf` beside `meeting.json` (`ingest.sidecar`),
which ingest reads in preference to guessing. The site is asked politely, through `ingest.site.Site`.
A run is incremental and resumable:

- a paper already fetched is asked for again only with its validators (ETag, Last-Modified), and a
  "304 Not Modified" downloads nothing; where the site gave no validators, a paper whose URL and
  publication date are unchanged is not asked for at all (`recheck` downloads it and compares bytes);
- a paper is downloaded to `{name}.part` and renamed into place once whole, and the sidecar is rewritten
  (atomically) after each paper, so a run killed at any point leaves no half-written PDF and the next run
  picks up where it stopped.

Restricted (exempt) papers are never requested. A reply that is wrong for one meeting or one paper (a
404, an HTML error or login page, a file that is not a PDF, a malformed date) is named in the report,
and the run goes on. Example::

    site = Site("https://democracy.kent.gov.uk", Settings().fetch)
    report = fetch(site, "Cabinet", date(2025, 1, 1), date(2025, 3, 31), Path("papers"))
    print(report.summary())
"""

from __future__ import annotations

import logging
import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path

from councilqa.ingest.discover import clean_name
from councilqa.ingest.moderngov import (
    Committee,
    LinkedPaper,
    MeetingDetail,
    MeetingRef,
    NotModernGov,
)
from councilqa.ingest.sidecar import MeetingSidecar, PaperEntry, read_sidecar, write_sidecar
from councilqa.ingest.site import FetchError, RequestFailed, Site

log = logging.getLogger(__name__)


@dataclass
class FetchReport:
    """What one fetch did. Paths are relative to the folder fetched into."""

    site: str
    committee: str = ""
    meetings: int = 0
    fetched: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    withheld: list[str] = field(default_factory=list)  # restricted papers, never requested
    failed: list[tuple[str, str]] = field(default_factory=list)  # (what, why)
    requests: int = 0
    bytes: int = 0
    seconds: float = 0.0

    def summary(self) -> str:
        lines = [
            f"{self.committee or 'no committee'} at {self.site}: {self.meetings} meetings; "
            f"{len(self.fetched)} fetched, {len(self.updated)} updated, {len(self.unchanged)} unchanged, "
            f"{len(self.withheld)} withheld (restricted), {len(self.failed)} failed; "
            f"{self.requests} requests, {_size(self.bytes)} downloaded in {self.seconds:.1f} s"
        ]
        lines += [f"fetched {path}" for path in self.fetched]
        lines += [f"updated {path}" for path in self.updated]
        lines += [f"withheld {path}: restricted (exempt) on the site, not requested" for path in self.withheld]
        lines += [f"failed {what}: {why}" for what, why in self.failed]
        return "\n".join(lines)


def _size(count: int) -> str:
    return f"{count / 1e6:.1f} MB" if count >= 1e6 else f"{count / 1e3:.0f} kB"


def choose_committee(committees: list[Committee], wanted: str) -> Committee:
    """The committee `wanted` names: its id, its whole title, or else the one title holding it (any case).

    >>> cs = [Committee(1, "Cabinet"), Committee(2, "Cabinet Committee"), Committee(3, "Scrutiny")]
    >>> choose_committee(cs, "cabinet").id, choose_committee(cs, "3").title, choose_committee(cs, "scru").id
    (1, 'Scrutiny', 3)
    """
    text = wanted.strip()
    if text.isdigit():
        found = [c for c in committees if c.id == int(text)]
    else:
        found = [c for c in committees if c.title.lower() == text.lower()] or [
            c for c in committees if text.lower() in c.title.lower()
        ]
    live = [c for c in found if not (c.deleted or c.expired)]
    if len(found) > 1 and len(live) == 1:
        return live[0]
    if len(found) == 1:
        return found[0]
    if not found:
        near = ", ".join(f"{c.title} ({c.id})" for c in committees[:40])
        raise FetchError(f"no committee matches {wanted!r}; the site has {len(committees)}: {near}")
    names = "; ".join(f"{c.title} ({c.id})" for c in found)
    raise FetchError(f"{wanted!r} matches {len(found)} committees: {names}. Give more of the title, or the id.")


def fetch(
    site: Site,
    committee: str,
    first: date | None,
    last: date | None,
    into: Path,
    *,
    on_progress: Callable[[int, int, str], None] | None = None,
    recheck: bool = False,
) -> FetchReport:
    """Fetch the papers of the committee `committee` names (see `choose_committee`) for its meetings
    from `first` to `last` (default: a year before and after today) into `into`. `on_progress(done,
    total, what)` is called as each meeting starts and ends."""
    started, requests, received = time.perf_counter(), site.requests, site.bytes
    report = FetchReport(site.root)
    chosen = choose_committee(site.committees(), committee)
    report.committee = f"{chosen.title} ({chosen.id})"
    today = date.today()
    first, last = first or today - timedelta(days=365), last or today + timedelta(days=365)
    council = site.council()
    try:
        listed = site.meetings(chosen.id, first, last)
    except (RequestFailed, NotModernGov) as error:
        raise FetchError(f"{site.root}: the meetings of {chosen.title} could not be listed ({error})") from error
    wanted = []
    for ref in listed:
        if ref.date is None:
            report.failed.append((f"meeting {ref.id}", f"its date {ref.raw_date!r} is not a date"))
        elif first <= ref.date <= last:  # the site may ignore the range: it is applied here too
            wanted.append(ref)
    report.meetings = len(wanted)
    for done, ref in enumerate(wanted):
        if on_progress:
            on_progress(done, len(wanted), f"{chosen.title}, {ref.date}")
        try:
            detail = site.meeting(ref.id)
        except (RequestFailed, NotModernGov) as error:
            report.failed.append((f"meeting {ref.id} of {ref.date}", str(error)))
            continue
        _fetch_meeting(site, ref, detail, into, report, committee=chosen, council=council, recheck=recheck)
    if on_progress:
        on_progress(len(wanted), len(wanted), "done")
    report.requests, report.bytes = site.requests - requests, site.bytes - received
    report.seconds = time.perf_counter() - started
    return report


def _fetch_meeting(
    site: Site,
    ref: MeetingRef,
    detail: MeetingDetail,
    into: Path,
    report: FetchReport,
    *,
    committee: Committee,
    council: str | None,
    recheck: bool,
) -> None:
    day = detail.date or ref.date
    assert day is not None
    folder = into / clean_name(committee.title, f"committee {committee.id}") / day.isoformat()
    previous = read_sidecar(folder)
    if previous is not None and previous.meeting_id != ref.id:  # two meetings on one day
        folder = folder.with_name(f"{day.isoformat()} ({ref.id})")
        previous = read_sidecar(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("*.part"):  # a download cut short by a killed run
        stale.unlink()
    sidecar = MeetingSidecar(
        site=site.root,
        council=council,
        committee=committee.title,
        committee_id=committee.id,
        meeting_id=ref.id,
        date=day.isoformat(),
        time=detail.time or ref.time,
        status=detail.status or ref.status,
        url=site.meeting_page(committee.id, ref.id),
    )
    before = {paper.attachment_id: paper for paper in previous.papers} if previous else {}
    done: dict[int, PaperEntry] = {}
    names = _file_names(detail.papers)
    for paper in detail.papers:
        name, known = names[paper.attachment_id], before.get(paper.attachment_id)
        rel = (folder / name).relative_to(into).as_posix()
        try:
            entry, outcome = _fetch_paper(site, folder, name, paper, known, recheck=recheck)
        except RequestFailed as error:
            report.failed.append((rel, str(error)))
            entry, outcome = known or _entry(paper), "failed"
        if outcome == "withheld":
            report.withheld.append(rel.removesuffix(".pdf"))
        elif outcome != "failed":
            getattr(report, outcome).append(rel)
        done[paper.attachment_id] = entry
        rest = tuple(p for ident, p in before.items() if ident not in done)  # not yet reached: kept as known
        write_sidecar(folder, replace(sidecar, papers=(*done.values(), *rest)))
    if not detail.papers:
        write_sidecar(folder, sidecar)


def _fetch_paper(
    site: Site, folder: Path, name: str, paper: LinkedPaper, known: PaperEntry | None, *, recheck: bool
) -> tuple[PaperEntry, str]:
    """The paper's sidecar entry after fetching it, and what happened: "fetched", "updated",
    "unchanged" or "withheld"; `RequestFailed` when it could not be fetched."""
    entry = _entry(paper)
    had = known.file if known and known.file and (folder / known.file).is_file() else None
    if paper.restricted:  # never requested; a copy kept from when it was public is removed
        if had:
            (folder / had).unlink()
        return entry, "withheld"
    validators: dict[str, str] = {}
    if had and known:
        if had != name:  # retitled on the site
            os.replace(folder / had, folder / name)
        kept = replace(known, title=paper.title, item_number=paper.item_number, item_title=paper.item_title, file=name)
        validators = {k: v for k, v in (("etag", known.etag), ("last_modified", known.last_modified)) if v}
        listed_alike = known.url == paper.url and known.publication_date == paper.publication_date
        if listed_alike and not validators and not recheck:
            return kept, "unchanged"
    got = site.download(paper.url, folder / name, validators, known.sha256 if had and known else None)
    if had and known and not got.modified:
        return replace(kept, etag=got.etag or known.etag, last_modified=got.last_modified or known.last_modified), (
            "unchanged"
        )
    fresh = replace(entry, file=name, sha256=got.sha256, etag=got.etag, last_modified=got.last_modified)
    return fresh, "updated" if had else "fetched"


def _entry(paper: LinkedPaper) -> PaperEntry:
    return PaperEntry(
        attachment_id=paper.attachment_id,
        title=paper.title,
        url=paper.url,
        restricted=paper.restricted,
        publication_date=paper.publication_date,
        item_number=paper.item_number,
        item_title=paper.item_title,
    )


def _file_names(papers: tuple[LinkedPaper, ...]) -> dict[int, str]:
    """A file name per attachment, from its title; a title used twice in a meeting gets its id added."""
    names: dict[int, str] = {}
    for paper in papers:
        stem = clean_name(re.sub(r"\.pdf$", "", paper.title, flags=re.IGNORECASE))
        name = f"{stem}.pdf"
        if name.lower() in {n.lower() for n in names.values()}:
            name = f"{stem} ({paper.attachment_id}).pdf"
        names[paper.attachment_id] = name
    return names
