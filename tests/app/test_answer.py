"""Answers from the real sample index."""

from concurrent.futures import ThreadPoolExecutor

from councilqa.app.answer import Assistant, compose
from councilqa.records import Chunk, Hit


def test_concurrent_questions_are_all_answered(sample_settings, sample_index):
    assistant = Assistant(sample_settings, sample_index)
    questions = ["Mill Lane car park tariff", "Tanners Yard sale", "waste contract length", "leisure centre cost"] * 4
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(assistant.ask, questions))
    assert all(answer.citations and not answer.abstained for answer in answers)


def test_an_amount_question_prefers_the_sentence_with_the_figure():
    chunk = Chunk(
        "sha",
        0,
        "The refurbishment was discussed at length by members. It will cost £8.7 million in total.",
        1,
        1,
        None,
        None,
        "t",
    )
    answer = compose("How much will the refurbishment cost?", [Hit(chunk, 0.5, ())], 1)
    assert answer == "It will cost £8.7 million in total. [1]"
