"""The ModernGov fetcher, for real over HTTP against a site served on a loopback port
(`tests/ingest/moderngov_site.py`): what is fetched and kept, what is skipped and why, and what a
second, a changed, a failing and a killed run do."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from councilqa.ingest.fetch import fetch
from councilqa.ingest.sidecar import read_sidecar
from councilqa.ingest.site import FetchError, Site
from councilqa.settings import FetchSettings
from tests.conftest import REPO, write_pdf
from tests.ingest.moderngov_site import MINUTES, PACK, PLAN, ModernGovSite, start

FAST = FetchSettings(pause_seconds=0.0, backoff_seconds=0.01, retries=2, timeout_seconds=10)
SPRING = (date(2026, 1, 1), date(2026, 12, 31))
MEETING = "Executive Cabinet/2026-03-12"
APRIL = "Executive Cabinet/2026-04-09"


@pytest.fixture
def site() -> Iterator[ModernGovSite]:
    served = ModernGovSite()
    server = start(served)
    yield served
    for event in served.stall.values():
        event.set()
    server.shutdown()


def run(site: ModernGovSite, into: Path, committee: str = "executive", settings: FetchSettings = FAST, **kw):
    with Site(site.url, settings) as client:
        return fetch(client, committee, *SPRING, into, **kw)


def test_fetch_keeps_each_public_paper_and_what_the_site_says_of_it(site: ModernGovSite, tmp_path: Path):
    report = run(site, tmp_path)

    assert report.committee == "Executive Cabinet (115)" and report.meetings == 3  # 2019 is out of range
    assert sorted(report.fetched) == [
        f"{MEETING}/Climate Action Plan & Net Zero - Report.pdf",
        f"{MEETING}/Printed minutes.pdf",
        f"{MEETING}/Public reports pack.pdf",
        f"{APRIL}/Leisure review.pdf",
    ]
    assert (tmp_path / MEETING / "Printed minutes.pdf").read_bytes() == MINUTES.read_bytes()
    assert (tmp_path / MEETING / "Public reports pack.pdf").read_bytes() == PACK.read_bytes()
    pack = "/documents/g900/Public reports pack 12th-Mar-2026 18.30 Cabinet.pdf"
    assert len(site.requests_for(pack)) == 1  # listed under two items, fetched once
    failed = dict(report.failed)
    assert failed["meeting 903"] == "its date 'TBC' is not a date"
    assert "HTTP 404" in failed["meeting 904 of 2026-05-14"]
    assert "an HTML page" in failed[f"{APRIL}/Parking charges.pdf"]
    assert not (tmp_path / APRIL / "Parking charges.pdf").exists()

    sidecar = read_sidecar(tmp_path / MEETING)
    assert sidecar is not None
    assert (sidecar.council, sidecar.committee, sidecar.committee_id, sidecar.meeting_id) == (
        "Riverford Borough Council",
        "Executive Cabinet",
        115,
        900,
    )
    assert (sidecar.date, sidecar.time, sidecar.status) == ("2026-03-12", "18:30", "Published")
    assert sidecar.url == f"{site.url}/ieListDocuments.aspx?CId=115&MId=900"
    plan = sidecar.paper("Climate Action Plan & Net Zero - Report.pdf")
    assert plan is not None
    assert (plan.attachment_id, plan.item_number, plan.item_title) == (5003, "5", "Climate Action Plan & Net Zero")
    assert (plan.url, plan.publication_date, plan.restricted) == ("mgConvert2PDF.aspx?ID=5003", "2026-03-05", False)
    assert plan.sha256 and plan.etag is None


def test_a_restricted_paper_is_never_requested(site: ModernGovSite, tmp_path: Path):
    report = run(site, tmp_path)
    assert report.withheld == [f"{MEETING}/Land at Mill Lane valuation"]
    assert site.requests_for("/mgConvert2PDF.aspx?ID=5004") == []
    assert not any("Mill Lane" in path.name for path in tmp_path.rglob("*"))
    sidecar = read_sidecar(tmp_path / MEETING)
    assert sidecar is not None
    (exempt,) = [p for p in sidecar.papers if p.restricted]
    assert exempt.title == "Land at Mill Lane valuation" and exempt.file is None and exempt.sha256 is None


def test_a_second_fetch_downloads_nothing_that_has_not_changed(site: ModernGovSite, tmp_path: Path):
    first = run(site, tmp_path)
    before = len(site.served)
    second = run(site, tmp_path)
    again = site.served[before:]

    assert second.fetched == second.updated == []
    assert sorted(second.unchanged) == sorted(first.fetched)
    papers = [s for s in again if s.target.startswith("/documents/") and "Parking" not in s.target]
    assert [s.status for s in papers] == [304, 304, 304]  # asked with their ETags: not modified
    assert not [s for s in again if s.target.startswith("/mgConvert2PDF")]  # no validators: not asked again
    assert second.bytes == 0  # the login page, which failed the first time, is asked for again and refused
    assert [s.status for s in again if "Parking" in s.target] == [200]


def test_a_changed_paper_is_fetched_again(site: ModernGovSite, tmp_path: Path):
    run(site, tmp_path)
    changed = write_pdf(tmp_path / "changed.pdf", ["Leisure review, revised: the pool reopens in May 2027."])
    site.files["/documents/s5101/Leisure review.pdf"] = changed.read_bytes()
    report = run(site, tmp_path)
    assert report.updated == [f"{APRIL}/Leisure review.pdf"] and report.fetched == []
    assert (tmp_path / APRIL / "Leisure review.pdf").read_bytes() == changed.read_bytes()
    sidecar = read_sidecar(tmp_path / APRIL)
    paper = sidecar.paper("Leisure review.pdf") if sidecar is not None else None
    assert paper is not None and paper.sha256 == _sha(changed)


def test_a_paper_without_validators_is_compared_by_bytes_on_recheck(site: ModernGovSite, tmp_path: Path):
    run(site, tmp_path)
    report = run(site, tmp_path, recheck=True)
    plan = f"{MEETING}/Climate Action Plan & Net Zero - Report.pdf"
    assert plan in report.unchanged and len(site.requests_for("/mgConvert2PDF.aspx?ID=5003")) == 2
    site.files["/mgConvert2PDF.aspx?ID=5003"] = MINUTES.read_bytes()
    assert run(site, tmp_path, recheck=True).updated == [plan]


def test_retried_after_a_server_error_and_retry_after_is_honoured(site: ModernGovSite, tmp_path: Path):
    minutes = "/documents/s5002/Printed minutes.pdf"
    site.failures[minutes] = [(500, {}), (503, {"Retry-After": "1"})]
    report = run(site, tmp_path)
    assert f"{MEETING}/Printed minutes.pdf" in report.fetched
    tries = site.requests_for(minutes)
    assert [t.status for t in tries] == [500, 503, 200]
    assert tries[2].at - tries[1].at >= 1.0  # Retry-After: 1
    assert tries[1].at - tries[0].at < 1.0  # back-off from 0.01 s


def test_a_reply_that_stops_past_the_timeout_is_tried_again(site: ModernGovSite, tmp_path: Path):
    minutes = "/documents/s5002/Printed minutes.pdf"
    site.slow_once[minutes] = 2.0
    report = run(site, tmp_path, settings=FAST.model_copy(update={"timeout_seconds": 0.5}))
    assert f"{MEETING}/Printed minutes.pdf" in report.fetched
    assert len(site.requests_for(minutes)) == 2
    assert (tmp_path / MEETING / "Printed minutes.pdf").read_bytes() == MINUTES.read_bytes()


def test_an_attachment_that_is_not_a_pdf_is_named_and_not_kept(site: ModernGovSite, tmp_path: Path):
    site.files["/documents/s5101/Leisure review.pdf"] = b"PK\x03\x04" + bytes(3000)  # a Word file, say
    report = run(site, tmp_path)
    assert dict(report.failed)[f"{APRIL}/Leisure review.pdf"].startswith("not a PDF (application/pdf, starting b'PK")
    assert not list((tmp_path / APRIL).glob("Leisure review*"))


def test_a_paper_failing_every_retry_is_reported_and_the_run_goes_on(site: ModernGovSite, tmp_path: Path):
    minutes = "/documents/s5002/Printed minutes.pdf"
    site.failures[minutes] = [(502, {})] * 3
    report = run(site, tmp_path)
    assert dict(report.failed)[f"{MEETING}/Printed minutes.pdf"].startswith("HTTP 502 from ")
    assert f"{MEETING}/Public reports pack.pdf" in report.fetched
    assert len(site.requests_for(minutes)) == 3  # one try and two retries


def test_polite_requests_one_at_a_time_with_a_pause_and_a_user_agent(site: ModernGovSite, tmp_path: Path):
    run(site, tmp_path, settings=FAST.model_copy(update={"pause_seconds": 0.2}))
    gaps = [b.at - a.at for a, b in zip(site.served, site.served[1:], strict=False)]
    assert min(gaps) >= 0.2
    assert all(s.headers["User-Agent"].startswith("councilqa/") for s in site.served)


def test_not_a_moderngov_site_unknown_and_ambiguous_committees(site: ModernGovSite, tmp_path: Path):
    elsewhere = Site(site.url + "/elsewhere", FAST)
    with (
        elsewhere,
        pytest.raises(FetchError, match=r"not answer as a ModernGov site \(GetCommittees answered HTTP 404"),
    ):
        fetch(elsewhere, "cabinet", *SPRING, tmp_path)
    with pytest.raises(FetchError, match=r"no committee matches 'planning'; the site has 3: Executive Cabinet"):
        run(site, tmp_path, committee="planning")
    with pytest.raises(FetchError, match=r"'cabinet' matches 2 committees: Executive Cabinet \(115\); Cabinet Member"):
        run(site, tmp_path, committee="cabinet")
    assert not list(tmp_path.iterdir())  # nothing fetched by a run that could not start
    assert run(site, tmp_path, committee="115").committee == "Executive Cabinet (115)"


@pytest.mark.slow
def test_the_command_exits_non_zero_when_a_paper_failed_and_says_why(site: ModernGovSite, tmp_path: Path):
    result = _cli(site, tmp_path)
    assert result.returncode == 1, result.stderr
    assert "4 fetched, 0 updated, 0 unchanged, 1 withheld (restricted), 3 failed" in result.stdout
    assert f"failed {APRIL}/Parking charges.pdf: an HTML page (text/html: an error or login page?)" in result.stdout


@pytest.mark.slow
def test_a_killed_fetch_leaves_no_half_written_paper_and_resumes(site: ModernGovSite, tmp_path: Path):
    pack = "/documents/g900/Public reports pack 12th-Mar-2026 18.30 Cabinet.pdf"
    site.stall[pack] = release = threading.Event()
    process = _cli(site, tmp_path, wait=False)
    assert site.stalled.wait(60), "the fetch never reached the stalled paper"
    time.sleep(0.3)
    process.send_signal(signal.SIGKILL)
    process.wait(30)
    release.set()

    target = tmp_path / MEETING / "Public reports pack.pdf"
    assert not target.exists()
    for pdf in tmp_path.rglob("*.pdf"):  # what is under a PDF's name is whole
        assert pdf.read_bytes() in (MINUTES.read_bytes(), PACK.read_bytes(), PLAN.read_bytes())
    sidecar = read_sidecar(tmp_path / MEETING)
    assert sidecar is not None and sidecar.paper("Public reports pack.pdf") is None

    del site.stall[pack]
    result = _cli(site, tmp_path)
    assert "3 fetched, 0 updated, 1 unchanged, 1 withheld (restricted), 3 failed" in result.stdout
    assert target.read_bytes() == PACK.read_bytes()
    assert not list(tmp_path.rglob("*.part"))
    sidecar = read_sidecar(tmp_path / MEETING)
    assert sidecar is not None and sidecar.paper("Public reports pack.pdf") is not None


def _cli(site: ModernGovSite, into: Path, wait: bool = True):
    argv = [sys.executable, "-m", "councilqa.app.cli", "fetch", site.url, "--committee", "Executive"]
    argv += ["--from", "2026-01-01", "--to", "2026-12-31", "--into", str(into), "--pause", "0"]
    env = {**os.environ, "COUNCILQA_FETCH__BACKOFF_SECONDS": "0.01"}
    if not wait:
        return subprocess.Popen(argv, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return subprocess.run(argv, check=False, cwd=REPO, env=env, capture_output=True, text=True, timeout=120)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_sidecar_is_json_a_person_can_read(site: ModernGovSite, tmp_path: Path):
    run(site, tmp_path)
    record = json.loads((tmp_path / MEETING / "meeting.json").read_text())
    assert record["format"] == 1 and record["committee"] == "Executive Cabinet"
    assert [p["attachment_id"] for p in record["papers"]] == [5002, 5001, 5003, 5004]
