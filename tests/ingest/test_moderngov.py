"""Reading the ModernGov web service's replies: the forms they come in and the traps they hold."""

from datetime import date

import pytest

from councilqa.ingest.moderngov import NotModernGov, parse_committees, parse_meeting, parse_meetings
from tests.ingest.moderngov_site import COMMITTEES, MEETINGS, meeting_900


def test_a_soap_reply_reads_as_the_plain_get_reply():
    soap = (
        '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>'
        '<GetCommitteesResponse xmlns="http://moderngov.co.uk/namespaces"><GetCommitteesResult>'
        + COMMITTEES.split("?>", 1)[1]
        + "</GetCommitteesResult></GetCommitteesResponse></soap:Body></soap:Envelope>"
    )
    assert parse_committees(soap.encode()) == parse_committees(COMMITTEES.encode())


def test_xml_sent_as_text_in_a_string_element_is_unwrapped():
    inner = COMMITTEES.split("?>", 1)[1].replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    wrapped = f'<?xml version="1.0"?><string xmlns="http://tempuri.org/">{inner}</string>'
    titles = [c.title for c in parse_committees(wrapped.encode())]
    assert titles == ["Executive Cabinet", "Cabinet Member Decisions", "Roads & Transport Committee"]


def test_titles_escaped_twice_dates_in_two_forms_and_a_doctype():
    assert parse_committees(COMMITTEES.encode())[2].title == "Roads & Transport Committee"
    meetings = {m.id: m for m in parse_meetings(MEETINGS.encode())}  # the reply carries a DOCTYPE
    assert (meetings[900].date, meetings[901].date, meetings[903].date) == (date(2026, 3, 12), date(2026, 4, 9), None)
    assert meetings[903].raw_date == "TBC"


def test_an_attachment_listed_twice_is_kept_once_in_agenda_order():
    detail = parse_meeting(meeting_900().encode())
    assert [p.attachment_id for p in detail.papers] == [5002, 5001, 5003, 5004]
    plan = detail.papers[2]
    assert (plan.title, plan.item_number, plan.item_title) == (
        "Climate Action Plan & Net Zero - Report",
        "5",
        "Climate Action Plan & Net Zero",
    )
    assert [p.restricted for p in detail.papers] == [False, False, False, True]
    assert detail.date == date(2026, 3, 12) and detail.location == "Council Chamber, Town Hall"


@pytest.mark.parametrize(
    ("reply", "says"),
    [
        (b"<!DOCTYPE html><html><body>Sign in</body></html>", "an HTML page"),
        (b"<html><body><p>Runtime Error<br></body></html>", "an HTML page"),
        (b"%PDF-1.4 binary", "not XML"),
        (b"<error>Unknown method</error>", "the reply is <error>, not <committees>"),
        (  # an entity expansion ("billion laughs"): refused, not expanded
            b'<?xml version="1.0"?><!DOCTYPE c [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
            b"<committees><committee><committeeid>1</committeeid><committeetitle>&b;</committeetitle>"
            b"</committee></committees>",
            "not XML",
        ),
    ],
)
def test_a_reply_that_is_not_the_service_is_named(reply: bytes, says: str):
    with pytest.raises(NotModernGov, match=says):
        parse_committees(reply)
