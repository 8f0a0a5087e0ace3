"""A ModernGov site for tests: a real HTTP server on a loopback port, answering the web service's
plain-GET operations with XML written here from the documented element names
(`../shared/docs/moderngov.md`), and serving the sample corpus's PDFs.

The XML carries the service's traps on purpose: a title escaped twice, a dd/mm/yyyy date beside ISO
ones, a DOCTYPE, an attachment listed under two items, a restricted paper, a malformed date. Papers
under `documents/` answer with an ETag and honour If-None-Match, as a static file on IIS does;
`mgConvert2PDF.aspx` answers with no validators, as a generated reply does.
"""

from __future__ import annotations

import contextlib
import hashlib
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

from tests.conftest import CORPUS

MINUTES = CORPUS / "riverford" / "Printed minutes 12th-Mar-2026 18.30 Cabinet.pdf"
PACK = CORPUS / "riverford" / "Public reports pack 12th-Mar-2026 18.30 Cabinet.pdf"
PLAN = CORPUS / "riverford" / "Climate Action Plan 2026-2030 - Report.pdf"
LOGIN_PAGE = b"<!DOCTYPE html><html><head><title>Sign in</title></head><body>Please sign in</body></html>"

COMMITTEES = """<?xml version="1.0" encoding="utf-8"?>
<committees>
 <committee><committeeid>115</committeeid><committeetitle>Executive Cabinet</committeetitle>
  <committeedeleted>False</committeedeleted><committeeexpired>False</committeeexpired></committee>
 <committee><committeeid>116</committeeid><committeetitle>Cabinet Member Decisions</committeetitle>
  <committeedeleted>False</committeedeleted><committeeexpired>False</committeeexpired></committee>
 <committee><committeeid>130</committeeid><committeetitle>Roads &amp;amp; Transport Committee</committeetitle>
  <committeedeleted>False</committeedeleted><committeeexpired>False</committeeexpired></committee>
</committees>"""

# Meeting 900's date is ISO, 901's dd/mm/yyyy; 902 is outside the range asked for (the site ignores
# the range, as some do); 903 has a malformed date; 904 answers GetMeeting with a 404.
MEETINGS = """<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE getmeetings>
<getmeetings><committee><committeeid>115</committeeid><committeemeetings>
 <meeting><meetingid>900</meetingid><meetingdate>2026-03-12T18:30:00</meetingdate><meetingtime>18:30</meetingtime>
  <meetingstatus>Published</meetingstatus><iswebcast>False</iswebcast></meeting>
 <meeting><meetingid>901</meetingid><meetingdate>09/04/2026</meetingdate><meetingtime>18:30</meetingtime>
  <meetingstatus>Published</meetingstatus><iswebcast>False</iswebcast></meeting>
 <meeting><meetingid>902</meetingid><meetingdate>10/01/2019</meetingdate><meetingtime>10:00</meetingtime>
  <meetingstatus>Published</meetingstatus><iswebcast>False</iswebcast></meeting>
 <meeting><meetingid>903</meetingid><meetingdate>TBC</meetingdate><meetingtime></meetingtime>
  <meetingstatus>Provisional</meetingstatus><iswebcast>False</iswebcast></meeting>
 <meeting><meetingid>904</meetingid><meetingdate>14/05/2026</meetingdate><meetingtime>18:30</meetingtime>
  <meetingstatus>Published</meetingstatus><iswebcast>False</iswebcast></meeting>
</committeemeetings></committee></getmeetings>"""


def linked(ident: int, title: str, url: str, restricted: bool = False, published: str = "05/03/2026") -> str:
    return (
        f"<linkeddoc><attachmentid>{ident}</attachmentid><title>{title}</title><url>{url}</url>"
        f"<isrestricted>{restricted}</isrestricted><publicationdate>{published}</publicationdate></linkeddoc>"
    )


def item(ident: int, number: str, title: str, *docs: str) -> str:
    return (
        f"<agendaitem><agendaitemid>{ident}</agendaitemid><agendaitemnumber>{number}</agendaitemnumber>"
        f"<agendaitemtitle>{title}</agendaitemtitle><minutesitemnumber></minutesitemnumber>"
        f"<isdecision>False</isdecision><linkeddocuments>{''.join(docs)}</linkeddocuments></agendaitem>"
    )


def meeting(ident: int, day: str, *items: str) -> str:
    return (
        f'<?xml version="1.0" encoding="utf-8"?>\n<meeting><meetingid>{ident}</meetingid><meetingdate>{day}'
        f"</meetingdate><meetingtime>18:30</meetingtime><meetingstatus>Published</meetingstatus>"
        f"<meetinglocation>Council Chamber, Town Hall</meetinglocation><agendapublished>True</agendapublished>"
        f"<minutepublished>True</minutepublished><decisionpublished>False</decisionpublished>"
        f"<agendaitems>{''.join(items)}</agendaitems><attendees></attendees></meeting>"
    )


def meeting_900() -> str:
    pack = linked(5001, "Public reports pack", "documents/g900/Public reports pack 12th-Mar-2026 18.30 Cabinet.pdf")
    return meeting(
        900,
        "12/03/2026 18:30:00",
        item(1, "1", "Minutes", linked(5002, "Printed minutes", "documents/s5002/Printed minutes.pdf"), pack),
        item(
            2,
            "5",
            "Climate Action Plan &amp;amp; Net Zero",
            linked(5003, "Climate Action Plan &amp;amp; Net Zero - Report", "mgConvert2PDF.aspx?ID=5003"),
            pack,  # the same attachment under a second item
        ),
        item(
            3,
            "9",
            "Exempt: Land at Mill Lane",
            linked(5004, "Land at Mill Lane valuation", "mgConvert2PDF.aspx?ID=5004", True),
        ),
    )


def meeting_901() -> str:
    return meeting(
        901,
        "2026-04-09T18:30:00",
        item(1, "3", "Leisure", linked(5101, "Leisure review", "documents/s5101/Leisure review.pdf")),
        item(2, "4", "Parking", linked(5102, "Parking charges", "documents/s5102/Parking charges.pdf")),
    )


@dataclass
class Served:
    """A request the site answered: path with query, status, and the request's headers."""

    target: str
    status: int
    headers: dict[str, str]
    at: float


@dataclass
class ModernGovSite:
    """What the site serves and how it misbehaves; change the fields while it runs."""

    meetings: dict[int, str] = field(default_factory=lambda: {900: meeting_900(), 901: meeting_901()})
    files: dict[str, bytes] = field(default_factory=dict)
    failures: dict[str, list[tuple[int, dict[str, str]]]] = field(default_factory=dict)  # path → replies first
    stall: dict[str, threading.Event] = field(default_factory=dict)  # path → sends half, then waits for the event
    slow_once: dict[str, float] = field(default_factory=dict)  # path → sends half, then pauses this long, once
    served: list[Served] = field(default_factory=list)
    stalled: threading.Event = field(default_factory=threading.Event)
    port: int = 0

    def __post_init__(self) -> None:
        self.files.update(
            {
                "/documents/g900/Public reports pack 12th-Mar-2026 18.30 Cabinet.pdf": PACK.read_bytes(),
                "/documents/s5002/Printed minutes.pdf": MINUTES.read_bytes(),
                "/mgConvert2PDF.aspx?ID=5003": PLAN.read_bytes(),
                "/mgConvert2PDF.aspx?ID=5004": b"%PDF-1.4 exempt: never to be requested",
                "/documents/s5101/Leisure review.pdf": PLAN.read_bytes(),
                "/documents/s5102/Parking charges.pdf": LOGIN_PAGE,  # an attachment that is a login page
            }
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def requests_for(self, target: str) -> list[Served]:
        return [s for s in self.served if s.target == target]

    def paper_replies(self) -> list[Served]:
        return [s for s in self.served if s.target in self.files]


XML = {"Content-Type": "text/xml; charset=utf-8"}
Reply = tuple[int, dict[str, str], bytes]


def reply(site: ModernGovSite, path: str, query: dict[str, list[str]], target: str, etag_asked: str | None) -> Reply:
    """The site's answer to a GET: a queued failure first, else the operation's XML, a page or a paper."""
    queued = site.failures.get(target)
    if queued:
        status, headers = queued.pop(0)
        return status, headers, b"<html><body>Server Error</body></html>"
    if path.startswith("/mgWebService.asmx/"):
        return service(site, path.rsplit("/", 1)[1], query)
    if path == "/mgListCommittees.aspx":
        page = b"<html><head><title>Committee structure - Riverford Borough Council</title></head></html>"
        return 200, {"Content-Type": "text/html"}, page
    if target not in site.files:
        return 404, {"Content-Type": "text/html"}, b"<html>Not found</html>"
    body = site.files[target]
    headers = {"Content-Type": "text/html" if body.startswith(b"<!DOCTYPE html") else "application/pdf"}
    if path.startswith("/documents/"):  # a static file: an ETag, and If-None-Match honoured
        headers["ETag"] = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        if etag_asked == headers["ETag"]:
            return 304, headers, b""
    return 200, headers, body


def service(site: ModernGovSite, operation: str, query: dict[str, list[str]]) -> Reply:
    if operation == "GetCommittees":
        return 200, XML, COMMITTEES.encode()
    if operation == "GetMeetings":
        return 200, XML, MEETINGS.encode() if query.get("lCommitteeId") == ["115"] else b"<getmeetings/>"
    found = site.meetings.get(int(query.get("lMeetingId", ["0"])[0])) if operation == "GetMeeting" else None
    return (200, XML, found.encode()) if found else (404, {}, b"<html>Not found</html>")


def start(site: ModernGovSite) -> ThreadingHTTPServer:
    """Serve `site` on a free loopback port (set on `site.port`) from a daemon thread."""

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *_: object) -> None:
            pass

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            path = unquote(parts.path)
            target = path + (f"?{parts.query}" if path.endswith(".aspx") and "ID=" in parts.query else "")
            status, headers, body = reply(site, path, parse_qs(parts.query), target, self.headers.get("If-None-Match"))
            site.served.append(Served(target, status, dict(self.headers), time.monotonic()))
            self.send_response(status)
            for name, value in {**headers, "Content-Length": str(len(body))}.items():
                self.send_header(name, value)
            self.end_headers()
            pause = site.slow_once.pop(target, None)
            if status == 200 and (target in site.stall or pause):  # half the paper, then wait
                self.wfile.write(body[: len(body) // 2])
                self.wfile.flush()
                site.stalled.set()
                if pause:
                    time.sleep(pause)
                else:
                    site.stall[target].wait(30)
                body = body[len(body) // 2 :]
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the client may have given up
                self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    site.port = server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
