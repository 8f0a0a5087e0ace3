"""Document metadata from ModernGov file names, meeting folders and first-page text."""

import pytest

from councilqa.ingest.metadata import describe, meeting_folder, meeting_hints
from councilqa.records import DOC_TYPES, Page


def info(path: str, first_page: str = "", paths: tuple[str, ...] = ()):
    hints = meeting_hints([path, *paths])
    return describe(path, [Page(1, None, first_page)] if first_page else [], hints.get(meeting_folder(path)))


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (
            "kent/full_council/2025-02-13/originals/Printed minutes 13th-Feb-2025 09.30 County Council.pdf",
            ("Printed minutes", "County Council", "2025-02-13", "printed minutes"),
        ),
        (
            "kent/cabinet/2025-01-30/originals/Agenda frontsheet 30th-Jan-2025 10.00 Cabinet.pdf",
            ("Agenda frontsheet", "Cabinet", "2025-01-30", "agenda frontsheet"),
        ),
        (
            "cheshire/Public reports pack 13th-Jan-2010 10.00 Health and Adult Social Care Scrutiny Committee.pdf",
            ("Public reports pack", "Health and Adult Social Care Scrutiny Committee", "2010-01-13", "reports pack"),
        ),
        (
            "kent/full_council/2025-02-13/public_packs/Budget%20Amendments%2013th-Feb-2025%2009.30%20County%20Council.pdf",
            ("Budget Amendments", "County Council", "2025-02-13", "amendment"),
        ),
        (
            "kent/cabinet/2025-01-30/public_packs/24-00096 - PROD 30th-Jan-2025 10.00 Cabinet.pdf",
            ("24-00096 - PROD", "Cabinet", "2025-01-30", "appendix"),
        ),
    ],
)
def test_moderngov_file_names(path, expected):
    found = info(path)
    assert (found.title, found.committee, found.meeting_date, found.doc_type) == expected
    assert found.doc_type in DOC_TYPES


def test_papers_in_a_meeting_folder_take_the_meeting_from_a_moderngov_sibling():
    sibling = "kent/full_council/2025-02-13/originals/Printed minutes 13th-Feb-2025 09.30 County Council.pdf"
    found = info(
        "kent/full_council/2025-02-13/originals/Appendix M - Treasury Management Strategy 2025-26.pdf",
        "Appendix M\nTreasury Management Strategy",
        (sibling,),
    )
    assert (found.committee, found.meeting_date, found.doc_type) == ("County Council", "2025-02-13", "appendix")


def test_a_plain_folder_lends_no_meeting_to_its_papers():
    sibling = "riverford/Printed minutes 12th-Mar-2026 18.30 Cabinet.pdf"
    found = info("riverford/Parks strategy.pdf", "Parks strategy", (sibling,))
    assert (found.committee, found.meeting_date, found.doc_type) == (None, None, "strategy")


def test_minutes_text_names_the_meeting_they_record():
    text = (
        "KENT COUNTY COUNCIL\nCABINET\nMINUTES of a meeting of the Cabinet held in the Council Chamber, "
        "Sessions\nHouse, County Hall, Maidstone on Thursday, 9 January 2025.\nPRESENT: Mr R W Gough"
    )
    found = info("kent/cabinet/2025-01-30/originals/Minutes of the meeting held on 9th January 2025.pdf", text)
    assert (found.council, found.committee, found.meeting_date, found.doc_type) == (
        "Kent County Council",
        "Cabinet",
        "2025-01-09",
        "printed minutes",
    )


def test_report_cover_gives_committee_date_and_subject_title():
    text = (
        "From: Roger Gough, Leader of the Council\nTo:   County Council – 9th January 2025\n"
        "Subject:  English Devolution White Paper\nClassification: Unrestricted"
    )
    found = info("reports/Devolution White Paper - County Council Report - FINAL.pdf", text)
    assert (found.title, found.committee, found.meeting_date, found.doc_type) == (
        "English Devolution White Paper",
        "County Council",
        "2025-01-09",
        "report",
    )


def test_nothing_is_guessed():
    found = info("misc/notes.pdf", "Some text about parks and open spaces.")
    assert (found.title, found.council, found.committee, found.meeting_date, found.doc_type) == (
        "notes",
        None,
        None,
        None,
        "report",
    )


def test_a_small_councils_minutes_are_dated_by_their_heading_or_their_file_name():
    """Parish and community councils head their minutes "Milburn Parish Council - 1st March 2016" or
    "Minutes of Meeting held on Tuesday 8th July 2008", and name the file by the meeting's day."""
    heading = "\n \nNewbiggin Parish Council   -  3  rd   September 2019  \n \nPresent\nCouncillors D Thompson (Chair)"
    found = info("newbiggin/Minutes.pdf", heading)
    assert (found.council, found.meeting_date, found.doc_type) == (
        "Newbiggin Parish Council",
        "2019-09-03",
        "printed minutes",
    )
    found = info(
        "ayton/Minutes.pdf", "Ayton Community Council        MINUTES\nMinutes of Meeting held on Tuesday 8th July 2008"
    )
    assert (found.council, found.committee, found.meeting_date) == ("Ayton Community Council", None, "2008-07-08")
    assert info("milburn/Minutes 1 March 2016.pdf", "Present\nCouncillors D Richardson").meeting_date == "2016-03-01"


def test_an_agenda_is_dated_by_its_own_meeting_not_the_minutes_it_asks_to_approve():
    text = "AGENDA\n1. Apologies\n2. To approve the minutes of the last meeting held on 3rd March 2020"
    assert info("milburn/Agenda 14 July 2020.pdf", text).meeting_date == "2020-07-14"
    assert info("milburn/Agenda.pdf", text).meeting_date is None
