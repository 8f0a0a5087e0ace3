"""The learned reader (answer/read.py) with the real cross-encoder: units, windows, choice and limits."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np
import pytest

from councilqa.answer.ask import ABSTAIN, Assistant
from councilqa.answer.cite import verify
from councilqa.answer.grounds import Reason
from councilqa.answer.read import (
    FUSION,
    MAX_WORDS,
    SCORED,
    Scored,
    Unit,
    held_words,
    quotes_of,
    read,
    shortlist,
    signals,
    units_of,
    windows,
)
from councilqa.answer.relevance import CrossEncoder
from councilqa.index.build import ingest
from councilqa.index.store import open_index
from councilqa.records import Chunk, Document, Hit, Quote
from councilqa.settings import Settings
from tests.conftest import write_pdf


@pytest.fixture(scope="module")
def model() -> CrossEncoder:
    return CrossEncoder()


def hit(text: str, header: str = "Minutes of Meeting 4 December 2012 > 6. Donations") -> Hit:
    return Hit(Chunk("sha", 0, text, 1, 1, None, None, header), 0.5, ())


@pytest.mark.model
def test_the_unit_that_answers_is_chosen_and_the_unrelated_one_last(model, sample_index):
    """Read under its item's heading, a unit holding the outcome sentence (sharing only "donate" with the
    question; alone, or after the request it answers) ranks first for the amount asked, and the boiler
    sentence last; a search-box question's quotes carry the outcome too."""
    text = (
        "6. Donations A request from Eyemouth Scouts for help with an international camp in Norway was discussed. "
        "After a vote (8-1) it was agreed to donate £50. "
        "The hall committee reported that the boiler had been serviced."
    )
    outcome = "After a vote (8-1) it was agreed to donate £50."
    scored = read("how much did the council donate to the scouts", units_of([hit(text)]), model, sample_index.words)
    assert outcome in scored[0].unit.text and scored[-1].unit.text.startswith("The hall committee")
    sloppy = read("scouts trip abroad money", units_of([hit(text)]), model, sample_index.words)
    assert any(outcome in quote.text for quote in quotes_of(sloppy, 2))


def test_a_long_unit_is_read_in_windows_each_verbatim(sample_index):
    table = " ".join(f"Row {n} Item {n} £{n}00" for n in range(30))  # 120 words with no full stop: a table
    found = units_of([hit(table)])
    assert len(found) == len(windows(table)) > 1
    assert all(unit.text in table and unit.quoted == unit.text for unit in found)


def test_the_shortlist_keeps_the_units_sharing_the_rarer_question_words(sample_index):
    units = [Unit(1, i, f"Filler sentence number {i} about nothing.", "q", "h") for i in range(SCORED + 5)]
    units[7] = replace(units[7], text="The precept was set at £4,500.", quoted="The precept was set at £4,500.")
    question = "what precept was set"
    kept = shortlist(
        units,
        FUSION.cheap(
            signals(question, units, np.zeros(len(units)), held_words(question, units, sample_index.words))
        ).tolist(),
    )
    assert len(kept) == SCORED and 7 in kept
    assert kept == sorted(kept)  # in reading order


@pytest.mark.model
def test_the_words_that_name_the_paper_count_apart_and_choose_no_sentence_in_it(model, sample_index):
    """A question names the council and the meeting ("at Ayton's June 2021 meeting"): in that paper's
    passages those words are what the paper is known by (`held_words`' second column), not what a
    sentence answers with, and the paper's heading line does not outrank the sentence that answers."""
    ayton = Document("ayton/Minutes 3 June 2021.pdf", "/r", "sha", "Minutes 3 June 2021", 2, "Ayton Community Council")
    text = (
        "Ayton Community Council Minutes of Meeting held on 3 June 2021 in the village hall. "
        "Trees on High Street - SBC would not remove the trees, so it was up to residents to fund the works."
    )
    found = units_of([Hit(Chunk("sha", 0, text, 1, 1, None, None, "Minutes 3 June 2021 (2021-06-03)"), 0.5, (ayton,))])
    question = "Who pays for removing the High Street trees, Ayton Community Council June 2021"
    rows = held_words(question, found, sample_index.words)
    heading, answer = rows
    assert heading[0] == 0 and heading[1] > 0  # only the paper's names
    assert answer[0] > 0 and answer[1] == 0  # the trees and the street
    assert read(question, found, model, sample_index.words)[0].unit.text.startswith("Trees on High Street")
    bare = [replace(unit, known="") for unit in found]  # as if the paper were known by nothing
    assert held_words(question, bare, sample_index.words)[0, 0] == pytest.approx(heading.sum())


def test_a_unit_of_a_better_found_passage_scores_higher_before_the_model_is_read(sample_index):
    """The passage's place in the search is a signal (1 / its rank; a passage read beside one found has
    that one's rank, and is marked as read beside it): of two units alike, the better found one is
    shortlisted."""
    found = units_of(
        [hit("The precept was set."), hit("The hall was let.")], 3, [(1, 5, hit("The bins were emptied."))]
    )
    assert [(u.citation, u.rank, u.beside) for u in found] == [(3, 1, False), (4, 2, False), (5, 1, True)]
    same = "The precept was set at £4,500."
    units = [Unit(3, 0, same, same, "h"), Unit(5, 0, same, same, "h", rank=3), Unit(7, 0, same, same, "h", beside=True)]
    question = "what precept was set"
    rows = signals(question, units, np.zeros(3), held_words(question, units, sample_index.words))
    assert rows[:, 3].tolist() == [1.0, 1 / 3, 1.0] and rows[:, 4].tolist() == [0.0, 0.0, 1.0]
    assert shortlist(units[1::-1], FUSION.cheap(rows[1::-1]).tolist(), n=1) == [1]


def test_quotes_stay_within_the_word_limit_in_reading_order_and_an_amount_gets_a_figure():
    def unit(citation: int, position: int, words: int, text: str = "") -> Unit:
        body = text or " ".join(["word"] * words) + f" {citation}.{position}"
        return Unit(citation, position, body, body, "h")

    long_ones = [Scored(unit(1, i, 70), 5.0 - i) for i in range(3)]
    quoted = quotes_of(long_ones)
    assert sum(len(q.text.split()) for q in quoted) <= MAX_WORDS and len(quoted) == 2
    figure = Scored(unit(2, 0, 0, "The cost is £8.7 million."), 1.0)
    plain = [Scored(unit(1, i, 5), 4.0 - i) for i in range(3)]
    assert figure.unit.text not in [q.text for q in quotes_of([*plain, figure])]
    with_figure = quotes_of([*plain, figure], needs_figure=True)
    assert Quote(2, "The cost is £8.7 million.") in with_figure and len(with_figure) == 3
    assert [q.citation for q in with_figure] == sorted(q.citation for q in with_figure)


@pytest.mark.model
def test_the_model_reader_is_the_default_answers_and_names_its_model(sample_settings, sample_index, model):
    question = "How many days was the main pool closed in 2025?"
    answer = Assistant(sample_settings, sample_index, relevance=model).ask(question)
    assert not answer.abstained and answer.reader == model.model_id
    assert any("closed for 41 days in 2025" in quote.text for quote in answer.quotes)
    assert all(q.text in answer.citations[q.citation - 1].text for q in answer.quotes)
    assert "read" in answer.timings_ms
    settings = sample_settings.model_copy(
        update={"answer": sample_settings.answer.model_copy(update={"reader": "rules"})}
    )
    rules = Assistant(settings, sample_index).ask(question)
    assert rules.reader is None and not rules.abstained


@pytest.mark.model
def test_a_sentence_is_also_read_with_the_decision_that_follows_it(model, sample_index):
    """Minutes give the question, then the outcome, in the next sentence: the pair is a unit of its own
    (a sentence followed by one recording no decision is not paired), and asked in the question's
    words, the answer quotes the outcome with the sentence that shares them."""
    asked = "The resident asked if the CC would support the case to keep the old post road open."
    decided = "The CC was sympathetic and decided to look further into the history of the right of way."
    text = f"8 Old Post Road A locked gate now closes the old post road. {asked} {decided} The hall was painted."
    units = units_of([hit(text, "Minutes of Meeting 8 July 2008 > 8 Old Post Road")])
    assert [u.text for u in units if u.text.startswith(asked)] == [asked, f"{asked} {decided}"]
    assert not any(u.text.startswith("8 Old Post Road") and decided in u.text for u in units)
    scored = read("is the cc backing the resident on keeping the old post road open", units, model, sample_index.words)
    assert any(decided in quote.text for quote in quotes_of(scored, 5))


def test_a_unit_holding_one_already_quoted_takes_its_place():
    """The sentence is quoted first; the pair holding it, scored next, replaces it rather than quoting it
    twice."""
    sentence, pair = "The resident asked for support.", "The resident asked for support. It was agreed to help."
    scored = [Scored(Unit(1, 0, sentence, sentence, "h"), 2.0), Scored(Unit(1, 0, pair, pair, "h"), 1.0)]
    assert quotes_of(scored) == (Quote(1, pair),)


def test_overlapping_windows_of_one_unit_are_quoted_once_joined():
    """Two windows of one long sentence, both among the best, are quoted as one stretch of it (not twice,
    with their shared words repeated), and the word limit still holds."""
    sentence = " ".join(f"w{n}" for n in range(70))
    first, second = windows(sentence)[:2]
    scored = [Scored(Unit(1, 0, first, first, "h"), 2.0), Scored(Unit(1, 0, second, second, "h"), 1.0)]
    (quote,) = quotes_of(scored)
    assert quote.text == " ".join(f"w{n}" for n in range(60)) and quote.text in sentence


class SameScore:
    """A relevance model scoring every text alike: a stand-in (the seam is the `Relevance` protocol) so
    that only the fusion's other signals can order the units."""

    @property
    def model_id(self) -> str:
        return "same score"

    def score(self, question: str, texts: Sequence[str]) -> np.ndarray:
        return np.zeros(len(texts), dtype=np.float32)


def test_the_fusion_prefers_a_figure_for_an_amount_and_a_decision_for_a_decision(sample_index):
    """Two units holding the same question words, each read second: for an amount question the one with
    a figure ranks first, for a decision question the one recording a decision (with the fusion's figure
    and decision weights at 0, reading order would decide both)."""
    figure, decided = "The bus shelter repair was quoted at £450.", "The bus shelter repair was agreed."
    units = [Unit(1, 0, decided, decided, "h"), Unit(1, 1, figure, figure, "h")]
    amount = read("how much is the bus shelter repair", units, SameScore(), sample_index.words)
    assert amount[0].unit.text == figure
    units = [Unit(1, 0, figure, figure, "h"), Unit(1, 1, decided, decided, "h")]
    decision = read("what was decided on the bus shelter repair", units, SameScore(), sample_index.words)
    assert decision[0].unit.text == decided


@pytest.mark.model
def test_an_item_is_read_on_into_the_passage_beside_the_one_found(tmp_path_factory, embedder, model, monkeypatch):
    """Minutes whose item runs over a page: the passage found holds the discussion, the one after it the
    outcome. The reader reads on (`Index.beside`), quotes the outcome and cites the passage it is in, which
    reaches its page; without the passage beside, the outcome is not quoted."""
    root = tmp_path_factory.mktemp("beside")
    write_pdf(
        root / "Minutes 1 March 2016.pdf",
        [
            "Milburn Parish Council\nMinutes of the meeting held on 1 March 2016\n16.03.7 Tree Management - Fell Lane\n"
            "Mr Joyce has brought to the attention of the Parish Council a problem with the Copper Beech trees\n"
            "up Fell Lane. Sycamore trees are overshadowing and appear to be stunting one of the Copper Beech\n"
            "trees, so the Sycamore trees need to be cut back. An Ash tree on the other side of the lane has\n"
            "been affected by disease and requires felling as soon as possible. Councillors discussed who owns\n"
            "the verge and whether the highways authority should be asked to help with the cost of the work.\n"
            "Mr Tom Clark planted the Copper Beech trees many years ago, and as they have grown the iron\n"
            "collars around them were growing into them, so these were removed to prevent any damage.\n"
            "A resident living near the lane said that falling branches had blocked the footpath twice this\n"
            "winter, and that children walk along the lane to the school bus stop each morning. The Clerk\n"
            "reported that a tree surgeon had inspected the trees and given advice on the work needed, with\n"
            "an estimate for felling and for removing the timber from the site once the work was complete.",
            "After discussion it was resolved that these trees be cut down, Councillor Richardson will\n"
            "ascertain the best way to achieve this. Mr Joyce was thanked for bringing this to the attention\n"
            "of the Parish Council.\n16.03.8 External Audit\nDetails of two proposals were e-mailed to Councillors.",
        ],
    )
    settings = Settings(data_dir=tmp_path_factory.mktemp("beside-data"))
    index = open_index(settings, embedder)
    ingest([root], index)
    (document,) = index.papers.documents()
    chunks = sorted(index.stored_chunks(), key=lambda chunk: chunk.ordinal)
    found = next(chunk for chunk in chunks if "Copper Beech" in chunk.text)
    outcome = "it was resolved that these trees be cut down"
    assert outcome not in found.text and found.pdf_page == 1
    first = Hit(found, 0.5, (document,))
    (after,) = [[near.chunk for near in nearby] for nearby in index.beside([first])]
    assert [chunk.ordinal for chunk in after] == [found.ordinal + 1] and outcome in after[0].text

    assistant = Assistant(settings, index, relevance=model)
    question = "dying tree up fell lane, what's happening"
    searched = assistant.retrieve(question, assistant.plan(question), settings.answer.k)
    reading = verify(assistant.read(question, replace(searched, hits=[first], decided=None, if_read=False), 5))
    quote = next(quote for quote in reading.quotes if outcome in quote.text)
    cited = reading.citations[quote.citation - 1]
    assert quote.citation == 2 and cited.pdf_page_end == 2 and quote.text in cited.text
    abstained = assistant.respond(question, assistant.plan(question), reading, (Reason("weak evidence", ABSTAIN),))
    assert abstained.abstained and len(abstained.citations) == 1  # the passage beside is cited only where quoted

    monkeypatch.setattr(index, "beside", lambda hits: [[] for _ in hits])  # what the reader loses without them
    unread = assistant.read(question, replace(searched, hits=[first], decided=None, if_read=False), 5)
    assert not any(outcome in quote.text for quote in unread.quotes) and len(unread.citations) == 1
