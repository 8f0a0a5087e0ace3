"""The metrics of ../shared/eval/README.md on hand-made answers, with PDFs re-read for real."""

from pathlib import Path

import pytest

from councilqa.eval.metrics import PdfPages, Result, score
from councilqa.eval.questions import Question, QuestionSetError, Source, load_questions
from councilqa.records import Answer, Citation
from tests.ingest.test_ocr import PACK, image_pdf, rendered


def question(qid: str, kind: str = "numeric", doc: str = "a.pdf", pages=(2,), accept=("£8.7 million",)) -> Question:
    if kind == "unanswerable":
        return Question(qid, "set", "q?", None, (), (), None, kind)
    return Question(qid, "set", "q?", "x", accept, (Source(doc, pages, ()),), "e", kind)


def cite(rank: int, doc: str, page: int, text: str, label: str | None = None, *, end: int | None = None) -> Citation:
    return Citation(rank, doc, page, end or page, label, text, 1.0 - rank / 10, doc, None, None, None)


@pytest.fixture
def pdf_pages(make_pdf) -> PdfPages:
    path = make_pdf("a.pdf", ["Front sheet", "Page 1\nThe cost is £8.7 million.", "Report text\n2\nPage 2"])
    return PdfPages({"a.pdf": path}.get)


def test_recall_mrr_and_answer_metrics(pdf_pages: PdfPages):
    results = [
        Result(
            question("Q1"),
            Answer("q", "It costs £8.7 million [1]", False, (cite(1, "a.pdf", 2, "The cost is £8.7 million."),)),
            10.0,
        ),
        Result(
            question("Q2"),
            Answer("q", "no idea", False, (cite(1, "a.pdf", 1, "Front sheet"), cite(2, "a.pdf", 2, "The cost is"))),
            20.0,
        ),
        Result(question("Q3"), Answer("q", "", True, (cite(1, "a.pdf", 1, "Front sheet"),)), 30.0),
        Result(question("Q4", "unanswerable"), Answer("q", "", True, ()), 40.0),
        Result(question("Q5", "unanswerable"), Answer("q", "x", False, ()), 50.0),
    ]
    m = score(results, pdf_pages)
    assert m["questions"] == 5
    assert m["page_recall@1"] == pytest.approx(1 / 3) and m["page_recall@2"] == pytest.approx(2 / 3)
    assert m["mrr@10"] == pytest.approx((1 + 0.5 + 0) / 3)
    assert m["answer_in_excerpts@5"] == pytest.approx(1 / 3)
    assert m["answer_in_answer"] == pytest.approx(1 / 3)
    assert m["abstain_recall"] == 0.5 and m["false_abstain"] == pytest.approx(1 / 3)
    assert m["citation_valid"] == 1.0
    assert m["latency_ms_p50"] == 30.0


def test_a_lead_is_wrong_unless_its_first_citation_is_a_source_page_and_the_question_answerable(pdf_pages: PdfPages):
    lead = "Agreed at Cabinet on 12 March 2026."
    on_page = (cite(1, "a.pdf", 2, "The cost is £8.7 million."),)

    def led(qid: str, kind: str, citations: tuple[Citation, ...], outcome: str | None = lead) -> Result:
        text = f"{outcome or ''} The cost is £8.7 million. [1]".strip()
        return Result(question(qid, kind), Answer("q", text, False, citations, outcome=outcome), 1.0)

    right = led("Q1", "resolution", on_page)
    assert score([right], pdf_pages)["lead_wrong"] == 0.0
    assert score([right], pdf_pages)["lead_rate"] == 1.0
    wrong_page = led("Q2", "resolution", (cite(1, "a.pdf", 1, "Front sheet"),))
    unanswerable = led("Q3", "unanswerable", on_page)
    unled = led("Q4", "resolution", on_page, outcome=None)
    m = score([right, wrong_page, unanswerable, unled], pdf_pages)
    assert m["lead_wrong"] == 0.5  # Q2 and Q3, of four
    assert m["lead_rate"] == pytest.approx(2 / 3)
    assert m["answer_words"] == 5.0  # "The cost is £8.7 million." beside the lead, the mark aside


def test_citation_valid_rereads_the_pdf(pdf_pages: PdfPages):
    assert pdf_pages.citation_valid(cite(1, "a.pdf", 2, "The  cost\nis £8.7 million."))
    assert not pdf_pages.citation_valid(cite(1, "a.pdf", 2, "The cost is £9 million."))
    assert not pdf_pages.citation_valid(cite(1, "a.pdf", 1, "The cost is"))  # wrong page
    assert pdf_pages.citation_valid(cite(1, "a.pdf", 2, "£8.7 million. Report text", end=3))  # across pages
    assert not pdf_pages.citation_valid(cite(1, "a.pdf", 9, "x"))  # no such page
    assert not pdf_pages.citation_valid(cite(1, "missing.pdf", 1, "x"))


def test_printed_page_correct(pdf_pages: PdfPages):
    assert pdf_pages.printed_page_correct(cite(1, "a.pdf", 2, "t", "Page 1")) is True
    assert pdf_pages.printed_page_correct(cite(1, "a.pdf", 2, "t", "Page 2")) is False
    assert pdf_pages.printed_page_correct(cite(1, "a.pdf", 2, "t", None)) is False  # the page prints one
    assert pdf_pages.printed_page_correct(cite(1, "a.pdf", 1, "t", None)) is None  # prints none: not counted
    assert pdf_pages.printed_page_correct(cite(1, "a.pdf", 1, "t", "Page 1")) is False
    assert pdf_pages.printed_page_correct(cite(1, "a.pdf", 3, "t", "2")) is True  # bare number at the foot


def test_metrics_are_none_where_undefined(pdf_pages: PdfPages):
    m = score([Result(question("Q4", "unanswerable"), Answer("q", "", True, ()), 5.0)], pdf_pages)
    assert m["page_recall@5"] is None and m["citation_valid"] is None and m["abstain_recall"] == 1.0


def test_question_set_errors_name_file_and_line(tmp_path: Path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": "A", "question": "q", "type": "numeric", "accept": ["1"], "sources": []}\n')
    with pytest.raises(QuestionSetError, match=r"bad\.jsonl:1: an answerable question needs accept and sources"):
        load_questions(path)
    path.write_text("{not json\n")
    with pytest.raises(QuestionSetError, match=r"bad\.jsonl:1: not a question"):
        load_questions(path)


def test_printed_page_check_reads_the_whole_page_not_the_labellers_edges(make_pdf):
    """A label printed below a disclaimer (Kent's budget report) or above a footnote still counts."""
    path = make_pdf(
        "budget.pdf",
        [
            "Numbers rounded for clarity.\nTables may not add up.\nPage 20 of 43\nCouncil Tax\nBand D rises.",
            "Body text\nmore text\n- 21 -\nFootnote one.\nFootnote two.\nFootnote three.",
        ],
    )
    pages = PdfPages({"budget.pdf": path}.get)
    assert pages.printed_page_correct(cite(1, "budget.pdf", 1, "t", None)) is False  # it prints "Page 20 of 43"
    assert pages.printed_page_correct(cite(1, "budget.pdf", 1, "t", "Page 20")) is True
    assert pages.printed_page_correct(cite(1, "budget.pdf", 1, "t", "Page 21")) is False
    assert pages.printed_page_correct(cite(1, "budget.pdf", 2, "t", "21")) is True
    assert pages.printed_on("budget.pdf", 1) == ["Page 20", "Page 20 of 43"]


def test_a_scanned_page_is_checked_against_what_ocr_read_for_it(tmp_path: Path):
    image_pdf(rendered(PACK, [7]), tmp_path / "scan.pdf")  # no text layer
    sentence = "Works would start in September 2026 and the centre would reopen in October 2027."
    stored = {("scan.pdf", 1): f"Page 6\n6. Timetable\n6.1 {sentence}\n"}
    cited = cite(1, "scan.pdf", 1, sentence, "Page 6")
    pages = PdfPages(lambda doc: tmp_path / doc, lambda doc, page: stored.get((doc, page)))
    assert pages.citation_valid(cited) and pages.printed_page_correct(cited)
    assert not pages.citation_valid(cite(1, "scan.pdf", 1, "Works start in 2031."))  # not what OCR read
    assert not PdfPages(lambda doc: tmp_path / doc).citation_valid(cited)  # the page's own text: none
    text_layer = PdfPages(lambda doc: PACK, lambda doc, page: "anything")  # a page with text reads its own
    assert text_layer.citation_valid(cite(1, "pack.pdf", 8, sentence))
