from councilqa.ingest.labels import label_line, printed_labels


def test_agenda_pack_front_sheet_prints_no_label_and_page_footers_are_taken():
    texts = ["Agenda\nItem 1", "Agenda continued", "Minutes\nbody\nPage 1", "Page 2\nReport body"]
    assert printed_labels(texts) == [None, None, "Page 1", "Page 2"]


def test_page_n_of_m_keeps_the_page_number():
    assert printed_labels(["body\nPage 3 of 12"]) == ["Page 3"]


def test_bare_numbers_need_agreement_between_pages():
    # pages 1-3 print 5, 6, 7 (offset 4); page 4 ends on a table figure, which is not a label
    texts = ["text\n5", "text\n6", "text\n7", "Total\n2030"]
    assert printed_labels(texts) == ["5", "6", "7", None]


def test_a_lone_bare_number_in_a_long_document_is_not_trusted():
    assert printed_labels(["text\n42", "text", "text"]) == [None, None, None]


def test_numbers_in_the_middle_of_a_page_are_ignored():
    assert printed_labels(["one\ntwo\n7\nthree\nfour", "one\ntwo\n8\nthree\nfour"]) == [None, None]


def test_label_line_finds_the_line_printing_the_label():
    assert label_line("Page 4\nRiverside report", "Page 4") == "Page 4"
    assert label_line("body\nPAGE 4 of 9", "Page 4") == "PAGE 4 of 9"
    assert label_line("body", None) is None
