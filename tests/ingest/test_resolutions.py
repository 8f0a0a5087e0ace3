"""RESOLVED decisions from the sample's printed minutes and reports pack (real PDFs, pypdf)."""

from councilqa.ingest.pdf import PypdfParser
from councilqa.ingest.resolutions import extract_resolutions
from tests.conftest import CORPUS, collapse


def parse(name: str):
    path = CORPUS / "riverford" / name
    return PypdfParser().parse(path, name).pages


def test_printed_minutes_give_each_decision_with_item_meeting_and_pages():
    pages = parse("Printed minutes 12th-Mar-2026 18.30 Cabinet.pdf")
    found = extract_resolutions(pages)
    assert [r.item for r in found] == [
        "37. Minutes of the previous meeting",
        "38. Riverside Leisure Centre Refurbishment",
        "39. Household Waste Collection Contract",
        "40. Exclusion of the Press and Public",
        "41. Disposal of Land at Tanners Yard",
    ]
    assert {(r.committee, r.meeting_date) for r in found} == {("Cabinet", "2026-03-12")}
    leisure = found[1]
    assert leisure.text.startswith("RESOLVED: That (a) Option A") and leisure.text.endswith("in January 2027.")
    assert (leisure.pdf_page, leisure.pdf_page_end, leisure.printed_page) == (2, 2, "2")
    assert "pool plant had failed four times" in leisure.discussion
    assert found[-1].text.endswith("48 affordable homes.")  # "The meeting closed at 8.40 pm." is not part of it
    for r in found:
        assert r.text in collapse(" ".join(p.text for p in pages[r.pdf_page - 1 : r.pdf_page_end]))


def test_minutes_inside_a_reports_pack_name_their_own_meeting():
    found = extract_resolutions(parse("Public reports pack 12th-Mar-2026 18.30 Cabinet.pdf"))
    assert [(r.item, r.committee, r.meeting_date, r.printed_page) for r in found] == [
        ("31. Budget Monitoring: Quarter 3 2025/26", "Cabinet", "2026-02-12", "Page 1"),
        ("32. Riverford Town Centre Car Parking Charges", "Cabinet", "2026-02-12", "Page 2"),
        ("33. Riverford Local Plan: Consultation Response", "Cabinet", "2026-02-12", "Page 2"),
    ]
