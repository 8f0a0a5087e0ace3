"""Abstention that says why: each reason shown on papers made in the test, ingested into a real index
with the real model (or on the sample corpus, which holds minutes), and answers in the forms the
papers use that a careless check would withhold."""

from __future__ import annotations

import pytest

from councilqa.answer.ask import Assistant
from councilqa.answer.grounds import Grounds, named_councils, names, spells_out, years
from councilqa.errors import InvalidInput
from councilqa.index.build import ingest
from councilqa.index.embed import SentenceTransformerEmbedder
from councilqa.index.store import Index, open_index
from councilqa.settings import Settings
from tests.conftest import write_pdf

PAGES = [
    "Health Scrutiny Committee\n"
    "Finance of the mental health trusts\n"
    "The Central Cheshire PCT forecast a deficit of £18 million in 2010/11.\n"
    "Wirral PCT currently had a balanced position; its projections showed a deficit unless services changed.\n"
    "Teenage pregnancy rates remained a concern for the trust board.",
    "Direct Payments\nIn 2014 some 1,200 people received direct payments to arrange their own care.",
    "Adult Social Care Report\n"
    "The Kent Fire and Rescue Authority shares the council tax with the county.\n"
    "The chief executive presented the annual report on staffing and the workforce plan.\n"
    "The staffing budget for the chief executive's department is £4.2 million.",
    "Leisure and Libraries Report\n"
    "The Riverside Leisure Centre refurbishment will cost £8.7 million in total.\n"
    "The council will invest £2.5 million in library buildings across the borough.\n"
    "Members welcomed the new reading scheme for children in the libraries.\n"
    "The libraries strategy lasts until 2020.",
]


@pytest.fixture(scope="module")
def papers_index(tmp_path_factory: pytest.TempPathFactory, embedder: SentenceTransformerEmbedder) -> Index:
    folder = tmp_path_factory.mktemp("grounds-papers")
    write_pdf(folder / "Scrutiny report 12th-Jan-2011.pdf", PAGES)
    index = open_index(Settings(data_dir=tmp_path_factory.mktemp("grounds-index")), embedder)
    ingest([folder], index)
    return index


@pytest.fixture(scope="module")
def assistant(papers_index: Index) -> Assistant:
    return Assistant(papers_index.settings, papers_index)


@pytest.fixture(scope="module")
def grounds(papers_index: Index) -> Grounds:
    return Grounds(papers_index.words, papers_index.has_word, papers_index.rarity)


@pytest.mark.model
def test_an_answerable_amount_question_is_answered(assistant: Assistant) -> None:
    answer = assistant.ask("How much will the Riverside Leisure Centre refurbishment cost?")
    assert not answer.abstained and "£8.7 million" in answer.answer


@pytest.mark.model
def test_a_name_no_paper_holds_is_named_in_the_answer(assistant: Assistant) -> None:
    answer = assistant.ask("What deficit was Zanzibar Holdings projecting for 2010/11?")
    assert answer.abstained and answer.answer.startswith("No indexed paper mentions “Zanzibar Holdings”.")
    assert answer.citations  # the closest passages are still listed


@pytest.mark.model
def test_a_year_no_paper_holds_is_named_in_the_answer(assistant: Assistant) -> None:
    answer = assistant.ask("How much will the council invest in library buildings in 2031?")
    assert answer.abstained and answer.answer.startswith("No indexed paper mentions 2031.")


@pytest.mark.model
def test_what_a_council_decided_is_not_answered_from_another_councils_papers(
    sample_settings: Settings, sample_index: Index
) -> None:
    assistant = Assistant(sample_settings, sample_index)  # the sample holds Riverford's papers
    answer = assistant.ask("How did Medway councillors vote on the leisure centre?")
    assert answer.abstained and answer.answer.startswith(
        "No indexed minutes are Medway's (the index holds papers of Riverford Borough Council), so the papers "
        "don't record what Medway decided."
    )
    assert answer.checks[0] == "no minutes of the council named" and answer.outcome is None
    answer = assistant.ask("What did Riverford Borough Council decide about the leisure centre?")
    assert not answer.abstained and answer.outcome == "Agreed at Cabinet on 12 March 2026."
    answer = assistant.ask("How did Riverford and Medway councillors vote on the leisure centre?")
    assert answer.abstained and answer.checks == ("unknown name", "no vote recorded")  # no paper names Medway, no
    # vote is recorded on the leisure centre: Riverford's decision doesn't lead
    assert answer.answer.startswith("No indexed paper mentions “Riverford and Medway”.")  # names Medway
    answer = assistant.ask("How did Labour councillors vote on the leisure centre?")  # a party, not a council
    assert not answer.answer.startswith("No indexed minutes")  # (no paper names the party: "unknown name")


def test_councils_are_read_from_the_question() -> None:
    assert named_councils("How did Kent and Medway councillors vote?") == ["Kent", "Medway"]
    assert named_councils("When did Kent County Council vote on it?") == ["Kent"]
    for none in ("What did Full Council decide?", "Did Council approve it?", "How did Labour councillors vote?"):
        assert named_councils(none) == [], none
    assert named_councils("How much is Thanet's council tax base?") == []


def test_an_abbreviation_counts_as_mentioned_where_a_passage_spells_it_out(grounds: Grounds) -> None:
    passage = "The Kent Fire and Rescue Authority shares the council tax with the county."
    assert grounds.unknown_names("What precept has KFRA set?", [passage]) == []
    assert grounds.unknown_names("What precept has KXYZ set?", [passage]) == ["KXYZ"]
    assert spells_out("KCC", "Kent County Council") and not spells_out("KCC", "Kent Council")


def test_a_shortened_word_counts_as_mentioned_where_a_paper_holds_the_longer_one(grounds: Grounds) -> None:
    assert grounds.unknown_names("What did the Wirr PCT say?", []) == []  # "Wirr" begins "Wirral"
    assert grounds.unknown_names("What did the Wirral Hospice say?", []) == ["Wirral Hospice"]


@pytest.mark.model
def test_a_figure_about_another_organisation_is_not_an_answer(assistant: Assistant) -> None:
    answer = assistant.ask("What deficit figure was Wirral PCT projecting for 2010/11?")
    assert answer.abstained, answer.answer  # the £18 million is Central Cheshire PCT's
    assert answer.answer.startswith("The passages found give no figure for “Wirral PCT”.")


@pytest.mark.model
def test_figures_for_another_year_are_not_an_answer(assistant: Assistant) -> None:
    answer = assistant.ask("How many people received direct payments in 2020?")
    assert answer.abstained and answer.answer.startswith("The closest figures found are for 2014, not 2020.")
    answered = assistant.ask("How many people received direct payments in 2014?")
    assert not answered.abstained and "1,200" in answered.answer


@pytest.mark.model
def test_a_measure_no_figure_is_given_for_is_not_an_answer(assistant: Assistant) -> None:
    answer = assistant.ask("What is the chief executive's annual salary?")
    assert answer.abstained and answer.answer.startswith("The passages found give no salary figure")


def test_the_checks_on_quotes_each_give_their_reason(grounds: Grounds) -> None:
    rates = ["Teenage pregnancy rates remained a concern for the trust board."]
    assert grounds.withheld("What was the teenage pregnancy rate?", rates) == (
        "The passages found give no figure for what the question asks."
    )
    money = ["The council will invest £2.5 million in library buildings across the borough."]
    assert grounds.withheld("How many library buildings will the council invest in?", money) == (
        "The passages found give sums of money, not the number the question asks for."
    )
    assert grounds.withheld("How much will the council invest in library buildings?", money) is None
    assert grounds.withheld("Who chaired the meeting?", rates) is None  # not an amount question
    beside = ["Teenage pregnancy rates and the 18 week target for treatment remained concerns."]
    assert grounds.withheld("What was the teenage pregnancy rate?", beside) == (
        "The passages found give no rate figure for what the question asks about."  # 18 weeks is no rate
    )
    given = ["The teenage pregnancy rate fell to 21 per 1,000 girls."]
    assert grounds.withheld("What was the teenage pregnancy rate?", given) is None
    numbered = ["2.23 The override for the deficit on the schools grant was extended."]  # 2.23 is no figure
    assert grounds.withheld("How much is the schools grant deficit?", numbered) == (
        "The passages found give no figure for what the question asks."
    )
    undated = ["The board will review the strategy after the consultation."]
    assert grounds.withheld("When will the board review the strategy?", undated) == (
        "The passages found give no date for what the question asks."
    )
    assert grounds.withheld("When will the board review the strategy?", [f"{undated[0][:-1]} in March."]) is None


def test_a_councils_own_paper_gives_its_figures_without_its_name(grounds: Grounds) -> None:
    """A figure quoted from a paper known by the body the question names is that body's ("The lowest
    paid job has a salary of £17,842" in Trafford's pay policy); from another body's paper it is not."""
    question = "What is the lowest salary at Trafford Metropolitan Borough Council?"
    quote = ["The lowest paid council job has a maximum salary level of £17,842."]
    own = "trafford/Pay Policy Statement 2021-22.pdf Pay Policy Statement 2021-22 Trafford Metropolitan Borough Council"
    other = "kent/Pay Policy Statement 2021-22.pdf Pay Policy Statement 2021-22 Kent County Council"
    assert grounds.withheld(question, quote, [own]) is None
    assert grounds.withheld(question, quote, [other]) == (
        "The passages found give no figure for “Trafford Metropolitan Borough Council”."
    )
    assert grounds.withheld(question, quote) == grounds.withheld(question, quote, [other])
    # each paper on its own: "Trafford" from one paper and "Metropolitan Borough Council" from another name no body
    halves = ["trafford/Agenda.pdf Agenda Trafford", "kent/Pay.pdf Pay Kent Metropolitan Borough Council"]
    assert grounds.withheld(question, quote * 2, halves) == grounds.withheld(question, quote, [other])


def test_answers_in_the_forms_papers_use_are_not_withheld(grounds: Grounds) -> None:
    """Forms a careless check would take for no answer: each is the answer."""
    answers = {
        "How many people attended the meeting?": "45 people attended the public meeting.",
        "How many abstentions were there?": "There was 1 abstention.",
        "How many members voted against?": "Two members voted against the motion.",
        "How much did the council collect in business rates?": "The council collected £150m in business rates.",
        "How much will the refurbishment cost?": "The refurbishment is priced at £8.7 million.",
        "What is the target for recycling by 2020?": "The recycling target for 2016-2020 is 60% of household waste.",
        "How much will the new homes programme cost?": "2,000 homes will be built at a cost of £2000 each.",
        "How much did the council spend on mowing the green?": "Mowing of Village Green 1753.00",  # accounts: no £
        # a place: no body beside the figure
        "How many horses did the inspections record at Barton End?": "The reports recorded 44 horses in 2015.",
    }
    for question, quote in answers.items():
        assert grounds.withheld(question, [quote]) is None, question
    for question in ("What did residents say about the budget consultation?", "Summarise the budget consultation"):
        assert grounds.withheld(question, ["Residents wanted fewer cuts."]) is None, question  # asks for no amount


@pytest.mark.model
def test_a_part_of_a_question_the_quotes_leave_out_is_said_so(assistant: Assistant) -> None:
    answer = assistant.ask("How much will the leisure centre refurbishment cost, and who will run the crematorium?")
    assert not answer.abstained and "£8.7 million" in answer.answer
    assert answer.answer.endswith("The passages found don't answer “who will run the crematorium”.")


def test_names_years_and_parts_are_read_from_the_question() -> None:
    assert names("What deficit was Wirral PCT projecting in May 2010? And KCC's?") == ["Wirral PCT", "KCC"]
    assert names("Cheshire West and Chester delayed transfers of care target") == ["Cheshire West and Chester"]
    assert years("the 2025-26 budget, against 2010/11, 2016-2020 and £2000") == {2010, 2011, 2016, 2020, 2025, 2026}
    assert names("What is the ‘Kent’ budget?") == ["Kent"]
    assert names("Under Trafford's contract procedure rules, how many quotes?") == ["Trafford"]


@pytest.mark.model
def test_a_skipped_check_is_not_run_and_an_unknown_one_is_refused(
    sample_settings: Settings, sample_index: Index
) -> None:
    """`answer.skip_checks` is how eval/checks.py measures what each check gains and costs."""
    question = "How did Medway councillors vote on the leisure centre?"
    assert Assistant(sample_settings, sample_index).ask(question).checks[0] == "no minutes of the council named"
    answer_settings = sample_settings.answer.model_copy(update={"skip_checks": ("no minutes of the council named",)})
    skipping = sample_settings.model_copy(update={"answer": answer_settings})
    assert "no minutes of the council named" not in Assistant(skipping, sample_index).ask(question).checks
    wrong = sample_settings.answer.model_copy(update={"skip_checks": ("no such check",)})
    with pytest.raises(InvalidInput, match=r"no check is named \['no such check'\]"):
        Assistant(sample_settings.model_copy(update={"answer": wrong}), sample_index)
