"""Meetings, items and decisions read from minutes: the sample's, real minutes of ../shared/corpus in
each form they use, and minutes written in the test (real PDFs, read with pypdf)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from councilqa.ingest.metadata import describe
from councilqa.ingest.minutes import read_minutes
from councilqa.ingest.pdf import PypdfParser
from councilqa.records import Decision, Minutes, Page
from tests.conftest import CORPUS, SHARED, collapse, shared_corpus

KENT_13_FEB = "full_council/2025-02-13/originals/Printed minutes 13th-Feb-2025 09.30 County Council.pdf"
KENT_19_DEC = "full_council/2025-02-13/originals/19 December 2024 - County Council minutes.pdf"
KENT_9_JAN = "full_council/2025-01-09/originals/Printed minutes 09th-Jan-2025 10.00 County Council.pdf"
KENT_CABINET = "cabinet/2025-01-30/originals/Printed minutes 30th-Jan-2025 10.00 Cabinet.pdf"
CHESHIRE_PACK = "Public reports pack 13th-Jan-2010 10.00 Health and Adult Social Care Scrutiny Committee.pdf"


def pages_of(path: Path) -> list[Page]:
    return PypdfParser().parse(path, path.name).pages


def read(path: Path, meeting: tuple[str | None, str | None] | None = None) -> tuple[Minutes, list[Page]]:
    pages = pages_of(path)
    return read_minutes(pages, meeting), pages


def assert_verbatim(decisions: Sequence[Decision], pages: Sequence[Page]) -> None:
    """Each excerpt is on its pages; it holds the decided text, the sentence that moved it and every printed vote."""
    for d in decisions:
        assert d.excerpt in collapse(" ".join(p.text for p in pages[d.pdf_page - 1 : d.pdf_page_end])), d
        assert d.text in d.excerpt
        assert d.moved is None or d.moved_at is not None or d.moved in d.excerpt
        if d.moved and d.moved_at:  # moved pages before its vote: on the pages it names
            assert d.moved in collapse(" ".join(p.text for p in pages[d.moved_at[0] - 1 : d.moved_at[1]]))
        for printed in d.votes.printed if d.votes else ():
            assert printed in d.excerpt


def find(decisions: Sequence[Decision], *, votes: str | None = None, words: str | None = None) -> Decision:
    found = [
        d
        for d in decisions
        if (votes is None or (d.votes and d.votes.describe() == votes)) and (words is None or words in d.excerpt)
    ]
    assert len(found) == 1, [(d.item_title, d.kind, d.votes) for d in found]
    return found[0]


def test_sample_minutes_give_items_and_decisions_with_meeting_and_pages():
    (items, decisions), pages = read(
        CORPUS / "riverford" / "Printed minutes 12th-Mar-2026 18.30 Cabinet.pdf", ("Cabinet", "2026-03-12")
    )
    assert [i.heading for i in items if i.number] == [
        "35. Apologies for Absence",
        "36. Declarations of Interest",
        "37. Minutes of the previous meeting",
        "38. Riverside Leisure Centre Refurbishment",
        "39. Household Waste Collection Contract",
        "40. Exclusion of the Press and Public",
        "41. Disposal of Land at Tanners Yard",
    ]
    assert {(d.committee, d.meeting_date) for d in decisions} == {("Cabinet", "2026-03-12")}
    leisure = find(decisions, words="Riverside Leisure Centre at an")
    assert leisure.text.startswith("RESOLVED: That (a) Option A") and leisure.text.endswith("in January 2027.")
    assert (leisure.kind, leisure.outcome, leisure.pdf_page, leisure.printed_page) == ("resolution", "agreed", 2, "2")
    assert leisure.delegated == ("the Director of Communities in consultation with the Portfolio Holder for Leisure",)
    amendment = find(
        decisions, votes="For (2), Against (5)"
    )  # "was put to the vote and was lost: For (2), Against (5)"
    assert (amendment.kind, amendment.outcome, amendment.proposer) == ("amendment", "lost", "Councillor Brennan")
    assert decisions[-1].text.endswith("48 affordable homes.")  # "The meeting closed at 8.40 pm." is not part of it
    assert_verbatim(decisions, pages)


def test_minutes_inside_a_reports_pack_belong_to_their_own_meeting():
    (_, decisions), _ = read(CORPUS / "riverford" / "Public reports pack 12th-Mar-2026 18.30 Cabinet.pdf")
    assert [(d.item_title, d.committee, d.meeting_date, d.printed_page) for d in decisions] == [
        ("31. Budget Monitoring: Quarter 3 2025/26", "Cabinet", "2026-02-12", "Page 1"),
        ("32. Riverford Town Centre Car Parking Charges", "Cabinet", "2026-02-12", "Page 2"),
        ("33. Riverford Local Plan: Consultation Response", "Cabinet", "2026-02-12", "Page 2"),
    ]
    assert [d.outcome for d in decisions] == ["agreed", "agreed", "noted"]


def test_kent_budget_council_votes_amendments_and_the_substantive_motion():
    (_, decisions), pages = read(shared_corpus("kent") / KENT_13_FEB, ("County Council", "2025-02-13"))
    levi = find(decisions, votes="For (9), Against (41), Abstain (8)")
    assert (levi.kind, levi.outcome, levi.proposer, levi.seconder) == ("amendment", "lost", "Mr Hook", "Mr Streatfeild")
    assert levi.moved == "Mr Hook proposed, and Mr Streatfeild seconded the following amendment:"
    assert "Local Electric Vehicle Infrastructure (LEVI)" in levi.text and "Amendment lost." in levi.excerpt
    assert (levi.pdf_page, levi.pdf_page_end) == (8, 9)
    assert len(levi.votes.names_for) == 9 and len(levi.votes.names_against) == 41  # type: ignore[union-attr]
    budget = find(decisions, votes="For (41), Against (10), Abstain (7)")
    assert (budget.kind, budget.outcome) == ("substantive motion", "carried")
    assert (budget.proposer, budget.seconder) == ("Mr Oakford", "Mr Gough")  # moved in paragraph (4), pages before
    assert budget.moved == "Mr Oakford proposed and Mr Gough Seconded the following motion:"
    assert budget.moved_at == (3, 3, None)
    assert budget.text.startswith("RESOLVED that:") and "Substantive Motion Carried." in budget.excerpt
    assert budget.delegated[0].startswith("the Chief Executive, in consultation with the Leader of the Council")
    s25 = find(decisions, votes="For (57), Against (0), Abstain (2)")  # "Motion carried." then "(4) RESOLVED that"
    assert (s25.kind, s25.outcome, s25.item_title) == ("motion", "carried", "290. Section 25 Report")
    assert s25.text.startswith("RESOLVED that pursuant to section 25")
    assert "Mr B Lewis" in s25.votes.names_abstained  # type: ignore[union-attr]
    assert sum(d.kind == "amendment" and d.outcome == "lost" for d in decisions) == 6
    assert_verbatim(decisions, pages)


def test_kent_council_agreed_unanimously_amendment_carried_and_deferred_items():
    kent = shared_corpus("kent")
    (_, january), pages = read(kent / KENT_9_JAN, ("County Council", "2025-01-09"))
    chair = january[0]  # "Mr Gough proposed, and Mr Brady seconded that Mr G Cooke be elected ... Agreed unanimously."
    assert (chair.outcome, chair.unanimous, chair.proposer, chair.seconder) == ("agreed", True, "Mr Gough", "Mr Brady")
    assert chair.text == "RESOLVED that Mr Cooke be elected to Chair the meeting."
    carried = [d for d in january if d.kind == "amendment" and d.outcome == "carried"]
    assert [d.proposer for d in carried] == ["Mr Streatfeild"]  # recorded twice in the minutes, one decision
    final = find(january, votes="For (39), Against (19), Abstain (1)")
    assert (final.kind, final.proposer, final.seconder) == ("substantive motion", "Mr Gough", "Mr Oakford")
    assert_verbatim(january, pages)
    (_, december), pages = read(kent / KENT_19_DEC, ("County Council", "2024-12-19"))
    deferred = [d.item_title for d in december if d.outcome == "deferred"]
    assert deferred == ["279. Governance Working Party Update", "280. Proportionality Update"]
    assert find(december, votes="For (51), Against (6), Abstain (2)").text.startswith(
        "RESOLVED that the County Council approves and adopts Local Transport Plan 5"
    )
    assert find(december, words="Jenni Hawkins proposed").seconder == "Mr Stepto"  # a name with no title
    assert_verbatim(december, pages)


def test_kent_cabinet_numbered_resolutions_keep_their_parts_and_delegations():
    (items, decisions), pages = read(shared_corpus("kent") / KENT_CABINET, ("Cabinet", "2025-01-30"))
    titles = [i.heading for i in items if i.number]
    assert titles[0] == "84. Apologies" and str(titles[-1]).startswith("92. 24/00096 - Commissioning Plan")
    assert not any(str(t).startswith(("1.", "2.", "3.")) for t in titles)  # numbered paragraphs are not items
    transfer = find(decisions, words="18-25 section of the Strengthening Independence Service, including")
    assert transfer.delegated[0].startswith("the Corporate Director of Adult Social Care and Health")
    plan = find(decisions, words="Adopt the Integrated Care Strategy Delivery Plan")
    assert "(b) Delegate authority" in plan.text and "(c) Delegate authority" in plan.text  # parts across a page
    assert_verbatim(decisions, pages)


def test_cheshire_pack_carries_two_earlier_meetings_minutes_not_its_agenda():
    (items, decisions), pages = read(shared_corpus("cheshire") / CHESHIRE_PACK)
    meetings = {(i.committee, i.meeting_date) for i in items}
    assert meetings == {
        ("Health and Adult Social Care Scrutiny Committee", "2009-11-18"),
        ("Cheshire and Wirral Councils' Joint Scrutiny Committee", "2009-11-30"),
    }  # the agenda's "To receive the minutes of the meeting of ... held on 30 November 2009" starts nothing
    pct = find(decisions, words="Substantial Developments or Variations in Service be discussed")
    assert (pct.item_title, pct.outcome, pct.meeting_date) == (
        "7. CENTRAL AND EASTERN CHESHIRE PRIMARY CARE TRUST -FINANCIAL UPDATE",
        "noted",
        "2009-11-18",
    )
    thanks = find(decisions, words="be thanked for their attendance")
    assert thanks.text.startswith("RESOLVED: That (a)") and thanks.text.endswith("provided to the next meeting.")
    assert not any(i.pdf_page > 12 for i in items)  # the reports after "The meeting ... concluded" are not minutes
    assert_verbatim(decisions, pages)


@pytest.fixture
def written_minutes(make_pdf) -> Path:
    return make_pdf(
        "Minutes 4th-Mar-2026 19.00 Planning Committee.pdf",
        [
            "AGENDA\n1. Minutes\n"
            "To receive the minutes of the meeting of the Planning Committee held on 4 February 2026.\n"
            "Minutes of a meeting of the Planning Committee held on Wednesday, 4th March, 2026\n"
            "12 LAND AT MILL FARM\n"
            "It was moved by Councillor Ahmed and seconded by Councillor Price that the application be refused.\n"
            "The motion was carried by 30 votes to 12, with 3 abstentions.\n"
            "RESOLVED: That the application be refused for the reasons in the report.\n"
            "13 TREE PRESERVATION ORDER 14/2025\n"
            "Councillor Doyle proposed a motion that the order be confirmed.\n"
            "The motion was withdrawn.\n",
            "14 WORK PROGRAMME\n"
            "RESOLVED: That\n(a) the work programme be noted; and\n(b) a site visit be arranged.\n"
            "The meeting closed at 9.05 pm\n"
            "15 NOT AN ITEM\nRESOLVED: That nothing after the close is read.\n",
        ],
    )


def test_minutes_written_in_the_test_in_other_forms(written_minutes: Path):
    (items, decisions), pages = read(written_minutes)
    assert {(i.committee, i.meeting_date) for i in items} == {("Planning Committee", "2026-03-04")}
    refused = decisions[0]
    assert (refused.item_title, refused.kind, refused.outcome) == ("12. LAND AT MILL FARM", "motion", "carried")
    assert (refused.proposer, refused.seconder) == ("Councillor Ahmed", "Councillor Price")
    assert refused.votes is not None and (refused.votes.in_favour, refused.votes.against, refused.votes.abstained) == (
        30,
        12,
        3,
    )
    assert refused.votes.printed == ("carried by 30 votes to 12, with 3 abstentions",)
    assert refused.text == "RESOLVED: That the application be refused for the reasons in the report."
    withdrawn = decisions[1]
    assert (withdrawn.outcome, withdrawn.proposer) == ("withdrawn", "Councillor Doyle")
    noted = decisions[2]
    assert noted.text == "RESOLVED: That (a) the work programme be noted; and (b) a site visit be arranged."
    assert (noted.pdf_page, noted.outcome) == (2, "agreed")
    assert len(decisions) == 3  # nothing after "The meeting closed"
    assert_verbatim(decisions, pages)


def test_a_vote_with_no_against_and_a_vote_resolved_without_an_outcome_word(make_pdf):
    path = make_pdf(
        "Printed minutes 2nd-Apr-2026 19.00 Licensing Committee.pdf",
        [
            "Minutes of a meeting of the Licensing Committee held on Thursday, 2 April 2026\n"
            "4. Taxi Fares\n"
            "Councillor Ahmed proposed, and Councillor Price seconded, that the fares be raised by 5%.\n"
            "For (9)\n"
            "Motion carried.\n"
            "5. Street Trading\n"
            "The committee voted as follows: For (7) Against (2)\n"
            "RESOLVED: That the street trading policy be adopted.\n"
            "6. Close\n",
        ],
    )
    (_, decisions), pages = read(path, ("Licensing Committee", "2026-04-02"))
    fares, trading = decisions
    assert fares.votes is not None and (fares.votes.in_favour, fares.votes.against) == (9, None)  # none printed
    assert fares.votes.printed == ("For (9)",) and fares.outcome == "carried"
    assert trading.votes is not None and trading.votes.printed == ("For (7)", "Against (2)")
    assert (trading.outcome, trading.text) == ("carried", "RESOLVED: That the street trading policy be adopted.")
    assert_verbatim(decisions, pages)


def gallery_minutes(council: str, name: str) -> tuple[Minutes, list[Page]]:
    """Minutes of a council of the gallery's development half (eval/gallery_split.toml), read as ingest
    reads them: with the meeting `describe` finds in the file's name or heading."""
    path = SHARED / "gallery" / council / name
    if not path.is_file():
        pytest.skip(f"{path} not found: tests on the gallery's papers run where ../shared exists (CI has it)")
    pages = pages_of(path)
    info = describe(f"{council}/{name}", pages)
    assert info.doc_type == "printed minutes"
    return read_minutes(pages, (info.committee, info.meeting_date)), pages


def test_a_parish_council_resolves_in_sentences_under_numbered_minute_references():
    (items, decisions), pages = gallery_minutes("milburn-parish-council", "Minutes 1 March 2016.pdf")
    headings = [i.heading for i in items if i.number]
    assert headings[:3] == ["16.03.2 Register of Interests", "16.03.3 Minutes", "16.03.4 Matters Arising"]
    assert "16.03.7 Tree Management - Fell Lane" in headings and "16.3.11 Review of Financial Regulations" in headings
    trees = find(decisions, words="It was resolved that these trees be cut down")
    assert (trees.item_title, trees.kind, trees.outcome) == (
        "16.03.7 Tree Management - Fell Lane",
        "resolution",
        "agreed",
    )
    assert (trees.meeting_date, trees.pdf_page, trees.printed_page) == ("2016-03-01", 2, "Page 2")
    audit = find(decisions, words="resolved to opt for Group 3")
    assert audit.item_title == "16.03.08 External Audit for Smaller Authorities"
    assert_verbatim(decisions, pages)


def test_minute_references_printed_out_of_order_are_each_an_item():
    (items, decisions), pages = gallery_minutes(
        "milburn-parish-council", "Minutes 7 May 2019 AGM and Annual Parish Meeting.pdf"
    )
    assert [i.number for i in items if i.number][:4] == ["19.05.03", "19.05.01", "19.05.02", "19.05.04"]
    chair = find(decisions, words="nominated & resolved that Councillor Richardson remain")
    assert chair.item_title == "19.05.02 Election of Chair"
    assert str(find(decisions, words="resolved this should remain at £2000.00").item_title).endswith("Tenders")
    assert_verbatim(decisions, pages)


def test_a_community_council_records_a_tally_a_proposer_and_a_casting_vote():
    (_, december), pages = gallery_minutes("ayton-community-council", "Minutes of Meeting 4 December 2012.pdf")
    scouts = find(december, words="After a vote (8-1) it was agreed to donate £50.")
    assert scouts.votes is not None and (scouts.votes.in_favour, scouts.votes.against) == (8, 1)
    assert (scouts.outcome, scouts.votes.describe(), scouts.meeting_date) == ("carried", "(8-1)", "2012-12-04")
    minutes = find(december, words="Proposed by JS seconded by PW")
    assert (minutes.proposer, minutes.seconder) == ("JS", "PW")
    assert minutes.text.startswith("The minutes of the previous meeting on 6th November were approved.")
    assert find(december, words="It was decided not to proceed with the provision of a village skip")
    assert_verbatim(december, pages)
    (_, february), pages = gallery_minutes("ayton-community-council", "Minutes of Meeting 6 February 2018.pdf")
    concert = find(february, words="With the Chairman’s casting vote, option 2 was agreed.")
    assert concert.outcome == "agreed" and concert.text.startswith("After some discussion, the CC voted in support")
    assert not [d for d in february if "HL agreed" in d.text]  # a member agreeing to act decides nothing
    assert_verbatim(february, pages)


def test_the_councillors_resolved_and_an_invoice_list_paid():
    (_, decisions), pages = gallery_minutes("newbiggin-parish-council", "Minutes 3 September 2019.pdf")
    assert {d.meeting_date for d in decisions} == {"2019-09-03"}  # "Newbiggin Parish Council - 3 rd September 2019"
    paid = find(decisions, words="The Councillors resolved to pay all of the above.")
    assert paid.item_title == "19.09.09 Finance" and "Uncontested Election Costs" in paid.text
    policy = find(decisions, words="It was therefore resolved to retain the Financial Policy")
    assert policy.text.endswith("already in place for Newbiggin Parish Council.")
    assert len([d for d in decisions if "priorities listed" in d.text]) == 1  # "agreed that … decided that": one
    assert_verbatim(decisions, pages)


WRITTEN = """Minutes of a meeting of the Riverford Town Council held at the Guildhall on 4 March 2026
12. Allotments Rent
Cllr Ames proposed an amendment to freeze the rent. The amendment was withdrawn.
The proposal to raise the rent by £5 was carried by six votes to three.
13. Skate Park
After debate the proposal to close the skate park was put to the meeting, with four members in favour and
five against. The skate park will stay open.
14. Bus Shelter
The Council decided by majority decision to replace the shelter on Mill Lane.
15. Christmas Lights
Proposed by Cllr Bell, seconded by Cllr Cole. All agreed to spend up to £900 on the lights.
Cllr Dunn agreed to obtain three quotes.
The meeting closed at 9.05 pm."""


def test_decision_forms_the_gallerys_development_half_lacks(make_pdf):
    """Written here: a tally in words, "in favour and against", a majority decision, an amendment
    withdrawn, a proposer and seconder before "All agreed"; a member agreeing to act is no decision."""
    pages = pages_of(make_pdf("Riverford Town Council minutes.pdf", [WRITTEN]))
    (items, decisions) = read_minutes(pages)
    assert [i.heading for i in items if i.number] == [
        "12. Allotments Rent",
        "13. Skate Park",
        "14. Bus Shelter",
        "15. Christmas Lights",
    ]
    withdrawn = find(decisions, words="The amendment was withdrawn.")
    assert (withdrawn.kind, withdrawn.outcome, withdrawn.proposer) == ("amendment", "withdrawn", "Cllr Ames")
    rent = find(decisions, words="carried by six votes to three")
    assert rent.votes is not None and (rent.votes.in_favour, rent.votes.against, rent.outcome) == (6, 3, "carried")
    skate = find(decisions, words="with four members in favour")
    assert skate.votes is not None and (skate.votes.in_favour, skate.votes.against, skate.outcome) == (4, 5, "lost")
    assert find(decisions, words="by majority decision").item_title == "14. Bus Shelter"
    lights = find(decisions, words="All agreed to spend up to £900")
    assert (lights.proposer, lights.seconder) == ("Cllr Bell", "Cllr Cole")
    assert not [d for d in decisions if "three quotes" in d.text]
    assert {d.meeting_date for d in decisions} == {"2026-03-04"}
    assert_verbatim(decisions, pages)


WELSH = """Cofnodion Cyfarfod Cyngor Cymuned Afon
5. Neuadd y Pentref
Trafodwyd cais am grant i'r neuadd.
Penderfynwyd rhoi grant o £200 i'r neuadd.
6. Goleuadau Stryd
Cytunwyd i ysgrifennu at y Cyngor Sir ynglyn a'r goleuadau."""


def test_welsh_minutes_are_minutes_and_their_resolutions_decisions(make_pdf):
    path = make_pdf("Cofnodion 4 Mawrth 2026.pdf", [WELSH])
    pages = pages_of(path)
    info = describe(path.name, pages)
    assert info.doc_type == "printed minutes"
    (_, decisions) = read_minutes(pages, (info.committee, info.meeting_date))
    assert [(d.item_title, d.text) for d in decisions] == [
        ("5. Neuadd y Pentref", "Penderfynwyd rhoi grant o £200 i'r neuadd."),
        ("6. Goleuadau Stryd", "Cytunwyd i ysgrifennu at y Cyngor Sir ynglyn a'r goleuadau."),
    ]
    assert_verbatim(decisions, pages)
