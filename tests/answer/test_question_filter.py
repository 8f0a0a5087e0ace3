"""Meetings named in a question become filters; other dates in a question do not."""

from datetime import date

import pytest

from councilqa.answer.question_filter import stated_filter

COMMITTEES = ["Cabinet", "County Council", "Health and Adult Social Care Scrutiny Committee"]
TODAY = date(2026, 11, 22)


@pytest.mark.parametrize(
    ("question", "first", "last"),
    [
        ("What was resolved at the 13 January 2010 meeting?", "2010-01-13", "2010-01-13"),
        ("What did the meeting on 13th Jan 2010 decide?", "2010-01-13", "2010-01-13"),
        ("Minutes of 2025-02-13: who chaired?", "2025-02-13", "2025-02-13"),
        ("At the February 2025 council meeting, what was agreed?", "2025-02-01", "2025-02-28"),
        ("What did cabinet decide in February 2024 on parking?", "2024-02-01", "2024-02-29"),
        ("What did cabinet agree last January?", "2026-01-01", "2026-01-31"),
        ("What did cabinet agree last December?", "2025-12-01", "2025-12-31"),
        ("The meeting held on 12/03/2026: which items were exempt?", "2026-03-12", "2026-03-12"),
        ("what did the 9 Sept. 2025 scrutiny meeting say", "2025-09-09", "2025-09-09"),  # as ingest reads "Sept"
    ],
)
def test_a_meeting_date_in_the_question_becomes_a_date_filter(question, first, last):
    stated = stated_filter(question, COMMITTEES, TODAY)
    assert stated is not None
    assert (stated.filters.date_from, stated.filters.date_to) == (first, last)
    assert stated.phrase in question


@pytest.mark.parametrize(
    "question",
    [
        "domestic abuse repeat referrals target 2020",
        "What was the turnout in the May 2025 Kent County Council elections?",
        "What is the deadline of 31 March 2026 for the grant?",
        "What did the council agree about its 2025-26 budget?",
    ],
)
def test_dates_not_tied_to_a_meeting_filter_nothing(question):
    assert stated_filter(question, COMMITTEES, TODAY) is None


def test_an_impossible_day_falls_back_to_its_month():
    stated = stated_filter("What was resolved at the 31 February 2025 meeting?", COMMITTEES, TODAY)
    assert stated is not None and (stated.filters.date_from, stated.filters.date_to) == ("2025-02-01", "2025-02-28")


def test_the_committee_named_with_the_date_filters_too():
    stated = stated_filter("What did Cabinet decide at its meeting on 30 January 2025?", COMMITTEES, TODAY)
    assert stated is not None and stated.filters.committee == "cabinet"
    stated = stated_filter("At the February 2025 county council meeting, who spoke?", COMMITTEES, TODAY)
    assert stated is not None and stated.filters.committee == "county council"
    stated = stated_filter("What did the committee resolve at the 13 January 2010 meeting?", COMMITTEES, TODAY)
    assert stated is not None and stated.filters.committee is None  # "committee" names none in particular


def test_papers_mentioning_the_meeting_are_let_through():
    day = stated_filter("What was said at the 13 January 2010 meeting?", COMMITTEES, TODAY)
    month = stated_filter("What was said at the November 2009 scrutiny meeting?", COMMITTEES, TODAY)
    assert day is not None and day.filters.mentions == ("13 January 2010", "13th January 2010")
    assert month is not None and month.filters.mentions == ("November 2009",)
