from councilqa.ingest.chunk import chunk_pages, count_words, split_sentences
from councilqa.records import Page
from councilqa.settings import IngestSettings
from tests.conftest import collapse


def pages_text(pages: list[Page], first: int, last: int) -> str:
    return collapse(" ".join(p.text for p in pages if first <= p.pdf_page <= last))


MINUTES = [
    Page(1, None, "12. Car Parking Charges\nCouncillor Castell introduced the report.\nMembers asked about footfall."),
    Page(
        2,
        "Page 2",
        "Page 2\nRESOLVED: That the charges be approved\nwith effect from 1 April.\n13. Urgent Business\n"
        "The Chair reported that there was no urgent business and closed the meeting at 8.05 pm.",
    ),
]


def test_chunks_are_verbatim_runs_of_their_pages():
    settings = IngestSettings(max_chunk_tokens=40, overlap_units=1)
    chunks = chunk_pages("sha", "Cabinet minutes", MINUTES, settings)
    assert chunks
    for chunk in chunks:
        assert chunk.text in pages_text(MINUTES, chunk.pdf_page, chunk.pdf_page_end)


def test_chunks_record_pages_labels_and_sections():
    chunks = chunk_pages("sha", "Cabinet minutes", MINUTES, IngestSettings(max_chunk_tokens=32, overlap_units=0))
    first = chunks[0]
    assert (first.pdf_page, first.printed_page, first.section) == (1, None, "12. Car Parking Charges")
    resolved = next(c for c in chunks if c.text.startswith("RESOLVED"))
    assert (resolved.pdf_page, resolved.printed_page, resolved.section) == (
        2,
        "Page 2",
        "12. Car Parking Charges > RESOLVED",
    )
    last = chunks[-1]
    assert last.text.startswith("13. Urgent Business")
    assert last.header == "Cabinet minutes > 13. Urgent Business"
    assert [c.ordinal for c in chunks] == list(range(len(chunks)))


def test_printed_label_is_not_the_start_or_end_of_an_excerpt():
    chunks = chunk_pages("sha", "t", MINUTES, IngestSettings(max_chunk_tokens=32, overlap_units=0))
    for chunk in chunks:
        assert not chunk.text.startswith("Page 2")
        assert not chunk.text.endswith("Page 2")


def test_every_chunk_fits_the_budget_with_its_header():
    long_page = Page(1, None, "1.1 " + " ".join(f"word{i}" for i in range(500)) + ".")
    settings = IngestSettings(max_chunk_tokens=64, overlap_units=1)
    chunks = chunk_pages("sha", "A title", [long_page], settings)
    assert len(chunks) > 5
    for chunk in chunks:
        assert count_words(chunk.embed_text) + 2 <= 64
    assert collapse(" ".join(c.text for c in chunks)) == collapse(long_page.text)  # nothing lost


def test_overlap_repeats_the_last_sentence():
    page = Page(1, None, " ".join(f"Sentence number {i} is here." for i in range(40)))
    chunks = chunk_pages("sha", "t", [page], IngestSettings(max_chunk_tokens=40, overlap_units=1))
    assert split_sentences(chunks[0].text)[-1] == split_sentences(chunks[1].text)[0]


def test_a_new_paragraph_on_a_new_page_starts_a_new_chunk():
    pages = [Page(1, None, "1.1 " + "Text here. " * 40), Page(2, None, "1.2 Next paragraph on page two.")]
    chunks = chunk_pages("sha", "t", pages, IngestSettings(max_chunk_tokens=200, overlap_units=1))
    assert [(c.pdf_page, c.pdf_page_end) for c in chunks] == [(1, 1), (2, 2)]


def test_a_sentence_running_over_a_page_break_stays_whole():
    pages = [
        Page(1, None, "1.1 " + "Text here. " * 15 + "The RESOLVED decision runs"),
        Page(2, None, "over the page break."),
    ]
    chunks = chunk_pages("sha", "t", pages, IngestSettings(max_chunk_tokens=200, overlap_units=0))
    assert len(chunks) == 1 and (chunks[0].pdf_page, chunks[0].pdf_page_end) == (1, 2)


def test_split_sentences_keeps_item_numbers_with_their_text():
    assert split_sentences("38. Leisure. RESOLVED: Approved.") == ["38. Leisure.", "RESOLVED: Approved."]


def test_empty_pages_give_no_chunks():
    assert chunk_pages("sha", "t", [Page(1, None, "  \n ")], IngestSettings()) == []


def test_resolved_block_stays_whole_with_its_lettered_parts():
    text = (
        "38. Riverside Leisure Centre\nThe Director introduced the report. "
        + "Members debated it at length. " * 6
        + "\nRESOLVED: That\n(a) Option A be approved;\n(b) the contract award be delegated; and\n"
        "(c) a progress report be brought in January.\n39. Waste Contract\nThe report was introduced."
    )
    chunks = chunk_pages("sha", "Minutes", [Page(1, None, text)], IngestSettings(max_chunk_tokens=64))
    resolved = [c for c in chunks if "RESOLVED" in c.text]
    assert len(resolved) == 1
    assert resolved[0].text.startswith("RESOLVED: That (a) Option A")
    assert resolved[0].text.endswith("(c) a progress report be brought in January.")
    assert resolved[0].section == "38. Riverside Leisure Centre > RESOLVED"
    assert resolved[0].header == "Minutes > 38. Riverside Leisure Centre > RESOLVED"
    assert chunks[-1].text == "39. Waste Contract The report was introduced."


def test_a_new_item_starts_a_new_chunk():
    text = "1. Apologies\n" + "Apologies were received from members. " * 16 + "\n2. Minutes\nThe minutes were agreed."
    chunks = chunk_pages("sha", "t", [Page(1, None, text)], IngestSettings(max_chunk_tokens=200))
    assert [c.section for c in chunks] == ["1. Apologies", "2. Minutes"]


def test_table_rows_are_whole_and_carry_the_table_header():
    rows = "\n".join(f"Sector {n} {100 + n}.5 {90 + n}.0 {50 + n}.1" for n in range(30))
    page = Page(1, None, "2.1 Emissions fell by sector.\nTable 1: Emissions by sector\nSector 2019 2024 2030\n" + rows)
    chunks = chunk_pages("sha", "Plan", [page], IngestSettings(max_chunk_tokens=64, overlap_units=0))
    assert len(chunks) > 2
    for chunk in chunks[1:]:
        assert chunk.text.startswith("Sector ") and chunk.text.endswith(".1")  # rows are never cut
        assert chunk.header == "Plan | Table 1: Emissions by sector Sector 2019 2024 2030"


def test_a_block_over_a_page_break_cites_both_pages_and_its_sentences_their_own():
    long = " ".join(f"Sentence {n} of the paragraph." for n in range(30))
    pages = [Page(1, None, "1.1 " + long), Page(2, None, "continues here. And ends here.\n1.2 Next.")]
    chunks = chunk_pages("sha", "t", pages, IngestSettings(max_chunk_tokens=48, overlap_units=0))
    spans = {(c.pdf_page, c.pdf_page_end) for c in chunks}
    assert (1, 1) in spans and ((1, 2) in spans or (2, 2) in spans)
    for chunk in chunks:
        assert chunk.text in pages_text(pages, chunk.pdf_page, chunk.pdf_page_end)
