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


def test_a_label_below_a_disclaimer_is_taken_where_it_follows_the_page_sequence():
    disclaimer = "Numbers rounded for clarity including totals.\nTables may not add up.\n"
    texts = [f"{disclaimer}Page {n} of 43\nBody of page {n}.\nMore.\nEnd." for n in (2, 3, 4)]
    assert printed_labels(texts) == ["Page 2", "Page 3", "Page 4"]
    lone = ["Intro\nline\nPage 9 of 43\nbody\nbody\nbody", "text", "text"]
    assert printed_labels(lone) == [None, None, None]  # one, off the sequence: not trusted
    assert label_line(texts[0], "Page 2") == "Page 2 of 43"


def test_n_of_m_dashes_and_roman_front_matter():
    assert printed_labels(["body\n3 of 12", "body\n4 of 12"]) == ["3 of 12", "4 of 12"]
    assert printed_labels(["- 7 -\nbody", "- 8 -\nbody"]) == ["7", "8"]
    assert printed_labels(["Contents\nii", "Foreword\niii", "Page 1\nText"]) == ["ii", "iii", "Page 1"]
    assert printed_labels(["Summary\ni", "Table\n77", "Chart\n5"]) == [None, None, None]  # no sequence
