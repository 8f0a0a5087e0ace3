"""Write the sample corpus: papers of Riverford Borough Council, a fictional borough.

The PDFs are committed so that a fresh clone can run its demo, and this script is how they are
made. It needs reportlab (a dev dependency) and writes byte-identical files on every run.

    python corpus/build_sample.py            # rewrites corpus/riverford/*.pdf
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

rl_config.invariant = True  # no timestamps or random ids: the same bytes on every run

OUT = Path(__file__).resolve().parent / "riverford"
STYLES = getSampleStyleSheet()
BODY = ParagraphStyle("body", parent=STYLES["BodyText"], fontName="Helvetica", fontSize=10.5, leading=14)
HEAD = ParagraphStyle("head", parent=STYLES["Heading2"], fontName="Helvetica-Bold", fontSize=12)
TITLE = ParagraphStyle("title", parent=STYLES["Title"], fontName="Helvetica-Bold", fontSize=16)


def para(text: str) -> Paragraph:
    return Paragraph(text, BODY)


def head(text: str) -> Paragraph:
    return Paragraph(text, HEAD)


def title(text: str) -> Paragraph:
    return Paragraph(text, TITLE)


def build(name: str, story: list[Flowable], footer: Callable[[int], str | None]) -> Path:
    """Lay out `story` into OUT/name; `footer(pdf_page)` gives the printed page label, or None."""

    def on_page(canvas: Canvas, _doc: SimpleDocTemplate) -> None:
        label = footer(canvas.getPageNumber())
        if label:
            canvas.setFont("Helvetica", 9)
            canvas.drawCentredString(A4[0] / 2, 1.2 * cm, label)

    path = OUT / name
    doc = SimpleDocTemplate(
        str(path),
        pagesize=A4,
        title=name.removesuffix(".pdf"),
        author="Riverford Borough Council",
        leftMargin=2.2 * cm,
        rightMargin=2.2 * cm,
        topMargin=2 * cm,
        bottomMargin=2.2 * cm,
    )
    doc.build(story, onFirstPage=on_page, onLaterPages=on_page)
    return path


def agenda_pack() -> Path:
    """A cabinet reports pack: a two-page front sheet with no page numbers, then "Page N" footers."""
    story: list[Flowable] = [
        title("Riverford Borough Council"),
        para("<b>Cabinet</b>"),
        para("Date: Thursday, 12th March, 2026 &nbsp; Time: 6.30 pm"),
        para("Venue: Council Chamber, Riverford Town Hall, Market Street, Riverford"),
        para(
            "Membership: Councillor P Okafor (Leader, Chair), Councillor J Whitlow (Deputy Leader), "
            "Councillors R Anand, M Castell, S Delahaye and T Fenwick."
        ),
        Spacer(1, 12),
        head("AGENDA"),
        para("1. Apologies for Absence"),
        para("To receive any apologies for absence."),
        para("2. Declarations of Interest"),
        para("To receive any declarations of interest from Members."),
        para("3. Minutes of the previous meeting (Pages 1 - 3)"),
        para("To approve as a correct record the minutes of the meeting held on 12 February 2026."),
        para("4. Riverside Leisure Centre Refurbishment (Pages 4 - 7)"),
        para("To consider the report of the Director of Communities."),
        PageBreak(),
        para("5. Household Waste Collection Contract (Pages 8 - 9)"),
        para("To consider the report of the Director of Environment."),
        para("6. Exclusion of the Press and Public"),
        para(
            "The report relating to the following item is exempt under paragraph 3 of Schedule 12A "
            "to the Local Government Act 1972."
        ),
        Spacer(1, 12),
        para(
            "Contact Officer: Hannah Moyo, Democratic Services, telephone 01632 960 417, "
            "email democratic.services@riverford.example"
        ),
        PageBreak(),
        head("Minutes of the Cabinet meeting held on 12 February 2026"),
        para("Present: Councillor P Okafor (Chair), Councillors J Whitlow, R Anand, M Castell and T Fenwick."),
        para("Apologies: Councillor S Delahaye."),
        head("31. Budget Monitoring: Quarter 3 2025/26"),
        para(
            "The Director of Finance, Mr Colin Shah, reported a forecast revenue overspend of £2.4 million "
            "for 2025/26, of which £1.6 million arose in children's social care placements and "
            "£0.5 million in temporary accommodation for homeless households."
        ),
        para(
            "Members asked about the use of reserves. The Director advised that the general fund "
            "balance stood at £11.2 million and that the overspend would be met from the budget "
            "resilience reserve if it could not be recovered before year end."
        ),
        para(
            "RESOLVED: That (a) the forecast overspend of £2.4 million be noted; and (b) directors be "
            "asked to bring forward recovery plans to the April 2026 meeting."
        ),
        PageBreak(),
        head("32. Riverford Town Centre Car Parking Charges"),
        para(
            "Councillor Castell introduced proposals to change car parking charges in the town centre. "
            "The proposals would raise the two-hour tariff at Mill Lane car park from £2.20 to £2.50 "
            "and introduce free parking after 3pm on Saturdays in December."
        ),
        para(
            "A representative of the Riverford Traders Association spoke against the increase, citing "
            "a fall in footfall of 7% since 2024."
        ),
        para(
            "RESOLVED: That the revised car parking charges be approved with effect from 1 April 2026, "
            "subject to a review of their effect on footfall after six months."
        ),
        head("33. Riverford Local Plan: Consultation Response"),
        para(
            "The Cabinet considered the responses to the Local Plan consultation. 412 responses had "
            "been received, of which 268 related to the proposed housing allocation at Brook Farm."
        ),
        para(
            "RESOLVED: That the consultation responses be noted and the Brook Farm allocation be "
            "reduced from 450 to 320 homes in the submission draft."
        ),
        PageBreak(),
        head("34. Urgent Business"),
        para("There was no urgent business. The meeting closed at 8.05 pm."),
        PageBreak(),
        title("Riverside Leisure Centre Refurbishment"),
        para(
            "Report of the Director of Communities to Cabinet, 12 March 2026. Key decision: yes. "
            "Wards affected: Riverside, Castle."
        ),
        head("1. Purpose of the Report"),
        para(
            "1.1 This report seeks approval to refurbish Riverside Leisure Centre, which opened in "
            "1987 and whose pool plant has reached the end of its working life."
        ),
        para(
            "1.2 The centre received 212,000 visits in 2024/25. The main pool was closed for 41 days "
            "in 2025 because of plant failures."
        ),
        head("2. Options"),
        para(
            "2.1 Option A is a full refurbishment at an estimated capital cost of £8.7 million, "
            "extending the life of the building by 25 years."
        ),
        para("2.2 Option B is a new-build centre on the Castle Street site at an estimated cost of £19.3 million."),
        para("2.3 Option C is closure, which would leave the borough without a public swimming pool."),
        PageBreak(),
        head("3. Financial Implications"),
        para(
            "3.1 Option A would be funded from £5.2 million of prudential borrowing, a £2.0 million "
            "grant from the national swimming pool support fund and £1.5 million of capital receipts."
        ),
        para(
            "3.2 The refurbishment is expected to reduce energy costs by £310,000 a year through "
            "heat pumps and solar panels on the roof."
        ),
        head("4. Recommendation"),
        para(
            "4.1 Cabinet is asked to approve Option A, the full refurbishment of Riverside Leisure "
            "Centre, and to delegate the award of the construction contract to the Director of "
            "Communities in consultation with the Portfolio Holder for Leisure."
        ),
        PageBreak(),
        head("5. Consultation"),
        para(
            "5.1 A survey of centre users ran from 3 November to 15 December 2025 and received 1,134 "
            "responses. 83% of respondents supported keeping a pool at the Riverside site."
        ),
        head("6. Timetable"),
        para(
            "6.1 Works would start in September 2026 and the centre would reopen in October 2027. "
            "During the works, swimming lessons would move to Castle Academy's pool."
        ),
        PageBreak(),
        head("7. Risks"),
        para("7.1 The main risk is cost inflation. A contingency of 10% is included in the estimate."),
        para("Background papers: Riverford Leisure Facilities Strategy 2023-2033."),
        PageBreak(),
        title("Household Waste Collection Contract"),
        para("Report of the Director of Environment to Cabinet, 12 March 2026."),
        head("1. Summary"),
        para(
            "1.1 The current waste collection contract with Greenway Services ends on 31 March 2027. "
            "This report recommends a procurement for a new eight-year contract."
        ),
        para("1.2 The household recycling rate was 46.8% in 2024/25, against a national target of 55% by 2025."),
        head("2. Recommendation"),
        para(
            "2.1 That Cabinet approves the procurement of a new waste collection contract with an "
            "estimated annual value of £6.1 million, to include weekly food waste collection."
        ),
        PageBreak(),
        head("3. Legal Implications"),
        para("3.1 The procurement will follow the Procurement Act 2023 using the competitive flexible procedure."),
    ]
    return build(
        "Public reports pack 12th-Mar-2026 18.30 Cabinet.pdf",
        story,
        lambda page: f"Page {page - 2}" if page > 2 else None,
    )


def printed_minutes() -> Path:
    """Printed minutes: numbered items with RESOLVED decisions, one spanning a page break."""
    story: list[Flowable] = [
        title("Riverford Borough Council"),
        para(
            "MINUTES of a meeting of the Cabinet held on Thursday, 12th March, 2026 at 6.30 pm in the "
            "Council Chamber, Riverford Town Hall."
        ),
        para(
            "Present: Councillor P Okafor (Chair), Councillors J Whitlow, R Anand, M Castell, S Delahaye and T Fenwick."
        ),
        para("Also present: Councillor L Brennan (Leader of the Opposition)."),
        head("35. Apologies for Absence"),
        para("There were no apologies for absence."),
        head("36. Declarations of Interest"),
        para(
            "Councillor Anand declared a non-pecuniary interest in item 38 as a member of the "
            "Riverside Swimming Club and took no part in the vote."
        ),
        head("37. Minutes of the previous meeting"),
        para(
            "RESOLVED: That the minutes of the meeting held on 12 February 2026 be approved as a "
            "correct record and signed by the Chair."
        ),
        head("38. Riverside Leisure Centre Refurbishment"),
        para(
            "The Director of Communities, Ms Aisha Grant, introduced the report. She explained that "
            "the pool plant had failed four times in 2025 and that the full refurbishment (Option A) "
            "offered the best value over 25 years."
        ),
        para(
            "Councillor Brennan asked whether the £2.0 million grant had been confirmed. Ms Grant "
            "replied that the grant offer letter had been received on 2 March 2026."
        ),
        para(
            "Councillor Fenwick asked about the loss of swimming lessons during the works. The "
            "Director confirmed that lessons would move to Castle Academy and that a free bus would "
            "run from the Riverside estate."
        ),
        PageBreak(),
        para(
            "RESOLVED: That (a) Option A, the full refurbishment of Riverside Leisure Centre at an "
            "estimated capital cost of £8.7 million, be approved; (b) the award of the construction "
            "contract be delegated to the Director of Communities in consultation with the Portfolio "
            "Holder for Leisure; and (c) a progress report be brought to Cabinet in January 2027."
        ),
        head("39. Household Waste Collection Contract"),
        para(
            "Councillor Whitlow introduced the report. Members welcomed the inclusion of weekly food "
            "waste collection, which officers estimated would raise the recycling rate by six "
            "percentage points."
        ),
        para(
            "Councillor Brennan proposed an amendment that the contract length be reduced to five "
            "years. The amendment was put to the vote and was lost: For (2), Against (5)."
        ),
        para(
            "RESOLVED: That the procurement of a new eight-year household waste collection contract, "
            "with an estimated annual value of £6.1 million, be approved."
        ),
        head("40. Exclusion of the Press and Public"),
        para(
            "RESOLVED: That under Section 100A(4) of the Local Government Act 1972 the press and "
            "public be excluded for the following item on the grounds that it involved the likely "
            "disclosure of exempt information as defined in paragraph 3 of Schedule 12A."
        ),
        PageBreak(),
        head("41. Disposal of Land at Tanners Yard"),
        para("The Cabinet considered an exempt report on the sale of the former depot at Tanners Yard."),
        para(
            "RESOLVED: That the freehold of the land at Tanners Yard be sold to Riverford Community "
            "Housing Trust for £1.35 million for the development of 48 affordable homes."
        ),
        para("The meeting closed at 8.40 pm."),
        Spacer(1, 20),
        para("Chair ........................................"),
    ]
    return build("Printed minutes 12th-Mar-2026 18.30 Cabinet.pdf", story, str)


def strategy() -> Path:
    """A strategy report with numbered paragraphs and a table of figures."""
    table = Table(
        [
            ["Sector", "2019 baseline (ktCO2e)", "2024 (ktCO2e)", "2030 target (ktCO2e)"],
            ["Domestic buildings", "182.4", "151.0", "98.0"],
            ["Transport", "164.9", "158.2", "110.5"],
            ["Industry and commerce", "121.7", "97.3", "70.0"],
            ["Council operations", "8.6", "5.9", "2.1"],
            ["Total", "477.6", "412.4", "280.6"],
        ],
        colWidths=[5.2 * cm, 3.8 * cm, 3.2 * cm, 3.8 * cm],
    )
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), "Helvetica", 9.5),
                ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 9.5),
                ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
            ]
        )
    )
    story: list[Flowable] = [
        title("Riverford Climate Action Plan 2026-2030"),
        para("Report of the Director of Environment to Cabinet, 9 April 2026."),
        head("1. Introduction"),
        para(
            "1.1 Riverford Borough Council declared a climate emergency on 17 July 2019 and committed "
            "to make its own operations net zero by 2030 and the borough net zero by 2040."
        ),
        para("1.2 This plan sets out the actions for 2026 to 2030 and the budget to deliver them."),
        head("2. Emissions in the Borough"),
        para(
            "2.1 Borough-wide emissions fell by 13.7% between 2019 and 2024. Table 1 shows emissions "
            "by sector and the targets for 2030."
        ),
        para("Table 1: Emissions by sector"),
        table,
        Spacer(1, 8),
        para(
            "2.2 Transport emissions have fallen least, by 4.1%, because car use has returned to pre-pandemic levels."
        ),
        PageBreak(),
        head("3. Actions"),
        para(
            "3.1 The Council will install 60 public electric vehicle charge points by March 2028, "
            "funded by the Local Electric Vehicle Infrastructure fund."
        ),
        para("3.2 The Council will retrofit 400 council-owned homes to EPC band C by 2030."),
        para(
            "3.3 The Council will replace its fleet of 38 diesel refuse vehicles with electric vehicles "
            "as the new waste contract starts, at an estimated cost of £14.2 million."
        ),
        head("4. Budget"),
        para(
            "4.1 The plan will cost £21.6 million over four years, of which £9.8 million is capital "
            "funded by the Council and £11.8 million is external grant funding."
        ),
        para("4.2 A Climate Fund of £250,000 a year will support community energy projects."),
        PageBreak(),
        head("5. Monitoring"),
        para("5.1 Progress will be reported annually to the Environment Overview and Scrutiny Committee."),
        para("5.2 The first annual report will be published in July 2027."),
    ]
    return build("Climate Action Plan 2026-2030 - Report.pdf", story, str)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for make in (agenda_pack, printed_minutes, strategy):
        print(make().relative_to(OUT.parent.parent))


if __name__ == "__main__":
    main()
