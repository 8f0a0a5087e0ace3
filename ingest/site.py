"""One council's ModernGov site over HTTP, asked politely: one request at a time, a pause between requests,
a User-Agent naming councilqa, timeouts, retries with back-off on timeouts and 5xx or 429 replies, and
`Retry-After` honoured. A paper is downloaded to `{name}.part` and renamed into place once whole. The
fetch run that uses it is `ingest.fetch`."""

from __future__ import annotations

import hashlib
import logging
import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TypeVar
from urllib.parse import urljoin

import httpx

from councilqa import __version__
from councilqa.errors import CouncilQAError
from councilqa.ingest.moderngov import (
    Committee,
    MeetingDetail,
    MeetingRef,
    NotModernGov,
    parse_committees,
    parse_meeting,
    parse_meetings,
    service_date,
)
from councilqa.retry import RETRY_STATUSES, retry_after
from councilqa.settings import FetchSettings

log = logging.getLogger(__name__)

USER_AGENT = f"councilqa/{__version__} (council papers search; one request at a time)"
PDF_MAGIC = b"%PDF-"
TITLE = re.compile(rb"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
T = TypeVar("T")


class FetchError(CouncilQAError):
    """A run that cannot go on: the site is not a ModernGov site or can't be reached, or the committee
    asked for is unknown or ambiguous. The message says which, and what to do."""


class RequestFailed(CouncilQAError):
    """One request that failed after its retries, or one reply that is not what was asked for."""


@dataclass(frozen=True)
class Download:
    """A paper's bytes as they stand after a request: new ones written to its file, or not modified."""

    modified: bool
    size: int = 0  # bytes received
    sha256: str | None = None
    etag: str | None = None
    last_modified: str | None = None


def site_root(base_url: str) -> str:
    """The site's address as the service and its pages hang off it.

    >>> site_root("democracy.kent.gov.uk/mgWebService.asmx?WSDL"), site_root("http://127.0.0.1:8000/")
    ('https://democracy.kent.gov.uk', 'http://127.0.0.1:8000')
    """
    url = base_url.strip()
    url = url if re.match(r"^https?://", url, re.IGNORECASE) else f"https://{url}"
    url = re.sub(r"/mgWebService\.asmx.*$", "", url.split("#")[0], flags=re.IGNORECASE)
    return url.rstrip("/")


class Site:
    """One ModernGov site, asked politely: one request at a time, `pause_seconds` between requests,
    retries with back-off. `client` and `sleep` are for callers that manage their own (tests pass
    neither: they run against a real HTTP server)."""

    def __init__(
        self,
        base_url: str,
        settings: FetchSettings,
        client: httpx.Client | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.root = site_root(base_url)
        self.settings = settings
        self.client = client or httpx.Client(
            headers={"User-Agent": USER_AGENT},
            timeout=settings.timeout_seconds,
            follow_redirects=True,
        )
        self.sleep = sleep
        self.requests = 0
        self.bytes = 0
        self._last: float | None = None

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> Site:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def service(self, operation: str, **params: str | int) -> bytes:
        """A web-service operation's XML reply, by plain GET."""
        url = f"{self.root}/mgWebService.asmx/{operation}"

        def body(response: httpx.Response) -> bytes:
            if response.status_code != 200:
                raise RequestFailed(f"{operation} answered HTTP {response.status_code}")
            return response.read()

        return self._send(url, {k: str(v) for k, v in params.items()}, {}, body)

    def committees(self) -> list[Committee]:
        """Every committee of the site, or `FetchError` when the site's web service can't be read."""
        try:
            return parse_committees(self.service("GetCommittees"))
        except (RequestFailed, NotModernGov) as error:
            raise FetchError(
                f"{self.root} does not answer as a ModernGov site ({error}); give the address its committee "
                "pages are under, e.g. https://democracy.kent.gov.uk"
            ) from error

    def meetings(self, committee_id: int, first: date, last: date) -> list[MeetingRef]:
        xml = self.service(
            "GetMeetings", lCommitteeId=committee_id, sFromDate=service_date(first), sToDate=service_date(last)
        )
        return parse_meetings(xml)

    def meeting(self, meeting_id: int) -> MeetingDetail:
        return parse_meeting(self.service("GetMeeting", lMeetingId=meeting_id))

    def council(self) -> str | None:
        """The council's name, from the title of the site's committee list ("Committee structure - Kent
        County Council"), where it names a council; None otherwise, and ingest reads it from the papers."""

        def title(response: httpx.Response) -> str | None:
            found = TITLE.search(response.read()[:20000]) if response.status_code == 200 else None
            return found.group(1).decode("utf-8", "replace") if found else None

        try:
            text = self._send(f"{self.root}/mgListCommittees.aspx", {}, {}, title)
        except RequestFailed:
            return None
        parts = [" ".join(part.split()) for part in re.split(r"\s[-|–]\s", text or "")]
        return next((part for part in reversed(parts) if re.search(r"\bCouncil\b", part)), None)

    def meeting_page(self, committee_id: int, meeting_id: int) -> str:
        return f"{self.root}/ieListDocuments.aspx?CId={committee_id}&MId={meeting_id}"

    def download(self, url: str, target: Path, validators: dict[str, str], known_sha256: str | None) -> Download:
        """Fetch `url` into `target` (through `target.part`, renamed once whole and checked to be a PDF).
        With `validators`, a 304 reply downloads nothing; bytes equal to `known_sha256` are not rewritten."""
        headers = {}
        if "etag" in validators:
            headers["If-None-Match"] = validators["etag"]
        if "last_modified" in validators:
            headers["If-Modified-Since"] = validators["last_modified"]
        max_bytes = int(self.settings.max_paper_mb * 1e6)
        got = self._send(
            urljoin(self.root + "/", url), {}, headers, lambda r: _save(r, target, known_sha256, max_bytes)
        )
        self.bytes += got.size
        return got

    def _send(
        self, url: str, params: dict[str, str], headers: dict[str, str], handle: Callable[[httpx.Response], T]
    ) -> T:
        """`handle(response)` for a GET of `url`, retried on timeouts, broken connections and 5xx or 429
        replies; `RequestFailed` once the retries are spent."""
        retries = self.settings.retries
        for attempt in range(retries + 1):
            self._wait_turn()
            try:
                # params=None, not {}: httpx drops a URL's own query string when given empty params
                with self.client.stream("GET", url, params=params or None, headers=headers) as response:
                    self.requests += 1
                    if response.status_code not in RETRY_STATUSES:
                        return handle(response)
                    why = f"HTTP {response.status_code}"
                    delay = self._retry_after(response, attempt)
            except httpx.TransportError as error:  # timeouts, refused or dropped connections
                why, delay = f"{type(error).__name__}: {error}", self.settings.backoff_seconds * 2**attempt
            finally:
                self._last = time.monotonic()
            if attempt == retries:
                raise RequestFailed(f"{why} from {url}, after {retries} retries")
            log.info("%s from %s; retrying in %.1f s", why, url, delay)
            self.sleep(delay)
        raise AssertionError("unreachable")

    def _retry_after(self, response: httpx.Response, attempt: int) -> float:
        """The wait before the next try: the reply's Retry-After (seconds or a date), else back-off."""
        wait = retry_after(response.headers.get("Retry-After"), self.settings.backoff_seconds * 2**attempt)
        if wait > self.settings.max_wait_seconds:
            raise RequestFailed(
                f"HTTP {response.status_code}: the site asks to wait {wait:.0f} s, more than fetch.max_wait_seconds "
                f"({self.settings.max_wait_seconds:.0f} s); try again later"
            )
        return wait

    def _wait_turn(self) -> None:
        if self._last is not None:
            wait = self.settings.pause_seconds - (time.monotonic() - self._last)
            if wait > 0:
                self.sleep(wait)


def _save(response: httpx.Response, target: Path, known_sha256: str | None, max_bytes: int) -> Download:
    """Stream a paper's reply into `target.part`, check it is a PDF, and rename it into place."""
    if response.status_code == 304:
        return Download(modified=False)
    if response.status_code != 200:
        raise RequestFailed(f"HTTP {response.status_code}")
    part = target.with_name(target.name + ".part")
    digest, size, head = hashlib.sha256(), 0, b""
    try:
        with part.open("wb") as out:
            for block in response.iter_bytes(1 << 16):
                if len(head) < 1024:
                    head += block[: 1024 - len(head)]
                    if len(head) == 1024:
                        _check_pdf(head, response)
                size += len(block)
                if size > max_bytes:
                    raise RequestFailed(f"larger than fetch.max_paper_mb ({max_bytes / 1e6:.0f} MB)")
                digest.update(block)
                out.write(block)
            out.flush()
            os.fsync(out.fileno())
        _check_pdf(head, response)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    sha256 = digest.hexdigest()
    validators = {"etag": response.headers.get("ETag"), "last_modified": response.headers.get("Last-Modified")}
    if sha256 == known_sha256 and target.is_file():
        part.unlink()
        return Download(False, size, sha256, **validators)
    os.replace(part, target)
    return Download(True, size, sha256, **validators)


def _check_pdf(head: bytes, response: httpx.Response) -> None:
    if PDF_MAGIC in head[:1024]:
        return
    kind = response.headers.get("Content-Type", "no Content-Type")
    if re.search(rb"<!doctype html|<html", head, re.IGNORECASE):
        raise RequestFailed(f"an HTML page ({kind}: an error or login page?), not a PDF")
    raise RequestFailed(f"not a PDF ({kind}, starting {head[:16]!r})")
