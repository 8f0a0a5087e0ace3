"""Exemption markings on a paper's first pages: the forms exempt papers use, and the public papers
that say the same words about something else (from corpus/ and ../shared/corpus)."""

import pypdf
import pytest

from councilqa.ingest.exempt import exemption
from councilqa.records import Page
from tests.conftest import CORPUS, SHARED


@pytest.mark.parametrize(
    ("text", "marking"),
    [
        ("Riverford Borough Council\nNOT FOR PUBLICATION\nReport to Cabinet", "NOT FOR PUBLICATION"),
        ("EXEMPT\nAppendix 2: valuation", "EXEMPT"),
        ("Agenda Item 9\nEXEMPT APPENDIX\nLand at Mill Lane", "EXEMPT APPENDIX"),
        ("PART 2\nReport of the Director", "PART 2"),
        ("(PART II)\nReport of the Director", "(PART II)"),
        ("PRIVATE AND CONFIDENTIAL\nTo: Cabinet", "PRIVATE AND CONFIDENTIAL"),
        ("RESTRICTED - NOT FOR PUBLICATION\nStaffing changes", "RESTRICTED - NOT FOR PUBLICATION"),
        (
            "Report to Cabinet\nThis report is not for publication by virtue of paragraph 3 of Part 1 of Schedule 12A",
            "This report is not for publication",
        ),
        (
            "Appendix B\nThis appendix contains exempt information as defined in paragraph 3 of Schedule 12A.",
            "This appendix contains exempt information",
        ),
    ],
)
def test_the_forms_an_exempt_paper_marks_itself_with(text: str, marking: str):
    assert exemption([Page(1, None, text)]) == f"page 1: “{marking}”"


@pytest.mark.parametrize(
    "text",
    [
        "DECISION NO: 24/00096\nFor publication [Do not include information which is exempt from publication under "
        "schedule 12a of the Local Government Act 1972]",
        "6. Exclusion of the Press and Public\nThe report relating to the following item is exempt under paragraph 3 "
        "of Schedule 12A to the Local Government Act 1972.",
        "The agenda is divided into 2 parts. Part 1 is taken in the presence of the public and press. Part 2 items "
        "will be considered in the absence of the public and press",
        "10 Member Budget Dashboards (access restricted)",
        "To hold information shared for this integrated project as confidential to the project and its members",
        "Part 2 of the report sets out the options.",
    ],
)
def test_public_papers_saying_the_words_about_something_else(text: str):
    assert exemption([Page(1, None, text)]) is None


def test_only_the_first_pages_and_the_head_of_a_page_count():
    assert exemption([Page(1, None, "Cover"), Page(2, None, "Contents"), Page(3, None, "NOT FOR PUBLICATION")]) is None
    body = "\n".join(f"line {n}" for n in range(30)) + "\nCONFIDENTIAL"
    assert exemption([Page(1, None, body)]) is None


def test_the_sample_corpus_is_public():
    for pdf in sorted((CORPUS / "riverford").glob("*.pdf")):  # the pack and minutes exclude press and public
        pages = [Page(n, None, page.extract_text()) for n, page in enumerate(pypdf.PdfReader(pdf).pages, 1)]
        assert exemption(pages) is None, pdf.name


@pytest.mark.slow
def test_the_shared_corpus_is_public():
    """Every paper in ../shared/corpus is published; none marks itself exempt, though several carry the
    words (listed in `councilqa.ingest.exempt`)."""
    if not (SHARED / "corpus").is_dir():
        pytest.skip(f"{SHARED / 'corpus'} is not here (it sits beside the repository in CI)")
    marked = []
    for pdf in sorted((SHARED / "corpus").rglob("*.pdf")):
        try:
            reader = pypdf.PdfReader(pdf)
            pages = [Page(n, None, reader.pages[n - 1].extract_text()) for n in range(1, min(3, len(reader.pages) + 1))]
        except Exception:  # the bad-file examples: not papers
            continue
        if exemption(pages):
            marked.append((pdf.name, exemption(pages)))
    assert marked == []
