"""Read: which units of the passages found answer the question, by a learned relevance score.

The units (sentences, with a table row's figures and a sentence that continues the one before:
`answer_units`) of the best `READ_HITS` passages, and of the passages just before and after each in its
paper (an item runs on where a chunk ends: the discussion found, its outcome in the next chunk), are
scored by the relevance model (`relevance.py`), each read under its passage's header (the paper, its
meeting, the section), so that an outcome sentence ("After a vote (8-1) it was agreed to donate £50.")
is read as part of the item it closes. The model costs time per unit, so at most `SCORED` units are
scored: those scoring best on the fusion's other signals (below).

A unit's score fuses the model's with what the page's structure says (`FUSION`): the question's
words it holds (rarer counting more), apart from those its paper is known by (its council, title,
meeting: they choose the paper, not the sentence in it), how well search found its passage (or the
one it stands beside), a figure where an amount is asked, a decision recorded where a decision is
asked. The weights are a logistic regression fitted on the dev split's fitting half and tested on the
other (`python -m councilqa.eval.fit_reader`), so the score is a log-odds that the unit carries the
answer.

Chosen with `answer.reader = "model"`; what it gains and loses against the word rules, per question
set and on the dev split's held-out half, is in docs/reader.md.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from councilqa.answer.decisions import is_decision_question
from councilqa.answer.grounds import ASKS_AMOUNT, FIGURE, QUESTION_WORDS, Words
from councilqa.answer.relevance import Relevance
from councilqa.answer.units import answer_units, answering_unit, sentences
from councilqa.index.store import Index
from councilqa.records import Hit, Quote

READ_HITS = 5  # passages whose units may be quoted
ANSWER_HITS = 5  # hits whose sentences the `rules` reader may quote (`compose`)
SCORED = 8  # units scored by the model per question, at most
QUOTED = 3  # units quoted in an answer, at most, where the caller names no number (the app: answer.answer_sentences) …
MAX_WORDS = 150  # … and words (a longer answer must not buy the metric)
HEAD_WORDS = 24  # of a passage's header, read before each of its units
UNIT_WORDS = 100  # of a unit, read by the model
LONG_WORDS = 60  # a unit longer than this is read in runs of whole sentences of at most this many words …
WINDOW_WORDS = 40  # … or, a sentence longer than that, in windows of this many words
DECIDES = re.compile(r"\b(?:RESOLVED|[Rr]esolved|AGREED|agreed|decided)\b")  # a sentence that records a decision


@dataclass(frozen=True)
class Fusion:
    """The weights of a unit's score (a log-odds that it carries the answer): the model's score, the
    question's words it holds (`held_words`): those its passage is not known by, and those it is (the
    paper's name, council, meeting, section), its passage's place in the search (1 / rank), whether
    its passage was read beside one found, a figure where an amount is asked, a decision recorded where
    a decision is asked, and the bias."""

    model: float
    words: float
    named: float
    passage: float
    beside: float
    figure: float
    decided: float
    bias: float

    def score(self, rows: np.ndarray) -> np.ndarray:
        """Each row's (`signals`) fused score."""
        weights = np.array([self.model, self.words, self.named, self.passage, self.beside, self.figure, self.decided])
        return rows @ weights + self.bias

    def cheap(self, rows: np.ndarray) -> np.ndarray:
        """Each row's score without the model's part (what may be known before the model is run)."""
        return self.score(np.column_stack([np.zeros(len(rows)), rows[:, 1:]]))


# Fitted on the units of the dev split's fitting half (56 questions) by `python -m
# councilqa.eval.fit_reader`; fitted on the held-out half instead, the weights are 0.14, 1.08, 0.24,
# 1.59, -0.91, 0.58, 2.13, -4.38 (docs/reader.md).
FUSION = Fusion(model=0.20, words=1.31, named=0.29, passage=0.53, beside=-0.13, figure=0.70, decided=1.86, bias=-4.21)


@dataclass(frozen=True)
class Unit:
    """One unit of a passage: the citation it would be quoted under, where it stands, its text
    (verbatim in the passage), what the answer quotes for it (its whole numbered paragraph or RESOLVED
    block where the passage holds it), the passage's header it is read under, and what its passage is
    known by (that header, and its paper's path, title, council and committee)."""

    citation: int
    position: int
    text: str
    quoted: str
    header: str
    known: str = ""
    rank: int = 1  # its passage's place in the search (a passage read beside another: that one's)
    beside: bool = False  # its passage was not found, but stands beside one that was


@dataclass(frozen=True)
class Scored:
    unit: Unit
    relevance: float  # the fused score (a log-odds: above 0, more likely to carry the answer than not)


def units_of(hits: Sequence[Hit], first_citation: int = 1, beside: Sequence[tuple[int, int, Hit]] = ()) -> list[Unit]:
    """The units of the best `READ_HITS` passages, citation numbers counted from `first_citation`, then
    of the passages `beside` them (each with the rank of the passage it stands beside and its citation
    number); a unit read already is not read again (chunks repeat a sentence where they meet). A
    unit longer than `LONG_WORDS` is read in `windows`, each quoted as it stands. A
    sentence followed by one that records a decision is also read with it, as one unit of at most
    `LONG_WORDS` ("The resident asked if the CC would support the case. The CC … decided to look
    further into the history of the right of way."): minutes give the question, then the outcome."""
    found: list[Unit] = []
    passages = [(rank, first_citation + rank - 1, hit, False) for rank, hit in enumerate(hits[:READ_HITS], 1)]
    passages += [(rank, citation, hit, True) for rank, citation, hit in beside]
    for rank, citation, hit, near in passages:
        read_already = {unit.text for unit in found}
        header = hit.chunk.header or ""
        known = " ".join([header, *(document.known_by for document in hit.documents)])
        texts = answer_units(hit.chunk.text)
        for position, text in enumerate(texts):
            pieces = windows(text)
            quoted = answering_unit(hit.chunk.text, position) if len(pieces) == 1 else None
            found += [
                Unit(citation, position, piece, quoted or piece, header, known, rank, near)
                for piece in pieces
                if piece not in read_already
            ]
            following = texts[position + 1] if position + 1 < len(texts) else ""
            pair = f"{text} {following}"
            decides = DECIDES.search(following) and len(pair.split()) <= LONG_WORDS and pair in hit.chunk.text
            if decides and pair not in read_already:  # what was said, then what was decided
                found.append(Unit(citation, position, pair, pair, header, known, rank, near))
    return found


def windows(text: str) -> list[str]:
    """`text` whole, or, when longer than `LONG_WORDS`, in windows: runs of its whole sentences of at most
    `LONG_WORDS` words, one starting at each sentence (a run inside the one before is left out); a
    sentence longer than that (a table row, a paragraph pypdf gave no full stops) in windows of
    `WINDOW_WORDS` words, each starting half a window after the one before, the last ending where it does.

    >>> [(w.split()[0], w.split()[-1]) for w in windows(" ".join(str(n) for n in range(70)))]
    [('0', '39'), ('20', '59'), ('30', '69')]
    >>> [(w.split()[0], len(w.split())) for w in windows(" ".join(f"S{n} " + "word " * 23 + "end." for n in range(4)))]
    [('S0', 50), ('S1', 50), ('S2', 50)]
    >>> windows("Too short to cut.")
    ['Too short to cut.']
    """
    if len(text.split()) <= LONG_WORDS:
        return [text]
    parts = sentences(text)
    if len(parts) == 1:
        words = text.split()
        step = WINDOW_WORDS // 2
        starts = [*range(0, len(words) - WINDOW_WORDS, step), len(words) - WINDOW_WORDS]
        return [" ".join(words[start : start + WINDOW_WORDS]) for start in dict.fromkeys(starts)]
    found: list[str] = []
    for first in range(len(parts)):
        run = [parts[first]]
        for sentence in parts[first + 1 :]:
            if len(" ".join([*run, sentence]).split()) > LONG_WORDS:
                break
            run.append(sentence)
        if len(run) == 1 and len(run[0].split()) > LONG_WORDS:
            found += [piece for piece in windows(run[0]) if not found or piece not in found[-1]]
        elif not found or " ".join(run) not in found[-1]:
            found.append(" ".join(run))
    return found


def word_scores(question: str, texts: Sequence[str], words: Words) -> list[float]:
    """How much of the question each text holds: each question word it shares counts 1/√(texts holding
    it), so a word few texts share counts more."""
    return [sum(weights.values()) for weights in _word_weights(question, texts, words)]


def held_words(question: str, units: Sequence[Unit], words: Words) -> np.ndarray:
    """One row per unit: its `word_scores`, split in two: the question's words its passage is not known
    by, and those it is (the paper's name, council, meeting or section: "Ayton", "February 2018"), which
    choose the paper, not the sentence in it."""
    rows = []
    for unit, weights in zip(units, _word_weights(question, [u.text for u in units], words), strict=True):
        known = set(words(unit.known))
        rows.append(
            [
                sum(w for word, w in weights.items() if word not in known),
                sum(w for word, w in weights.items() if word in known),
            ]
        )
    return np.array(rows, dtype=float).reshape(len(units), 2)


def _word_weights(question: str, texts: Sequence[str], words: Words) -> list[dict[str, float]]:
    wanted = set(words(question)) - QUESTION_WORDS
    shared = [set(words(text)) & wanted for text in texts]
    spread = Counter(word for held in shared for word in held)
    return [{word: 1 / spread[word] ** 0.5 for word in sorted(held)} for held in shared]  # sorted: any hash seed


def signals(question: str, units: Sequence[Unit], model: np.ndarray, held: np.ndarray) -> np.ndarray:
    """One row per unit, what `Fusion` weighs: the model's score, the question's words it holds
    (`held_words`: two columns), 1 / its passage's place in the search (`Unit.rank`), whether its passage
    was read beside one found (`Unit.beside`), a figure where an amount is asked, a decision recorded
    where a decision is asked."""
    amount, decision = bool(ASKS_AMOUNT.search(question)), is_decision_question(question)
    return np.column_stack(
        [
            np.asarray(model, dtype=float),
            np.asarray(held, dtype=float).reshape(len(units), 2),
            [1 / unit.rank for unit in units],
            [unit.beside for unit in units],
            [amount and FIGURE.search(unit.text) is not None for unit in units],
            [decision and DECIDES.search(unit.text) is not None for unit in units],
        ]
    ).astype(float)


def shortlist(units: list[Unit], cheap: Sequence[float], n: int = SCORED) -> list[int]:
    """The positions of the `n` units scoring best before the model is run (`Fusion.cheap`; of two alike,
    the one read first), in reading order; every unit where there are no more than `n`."""
    if len(units) <= n:
        return list(range(len(units)))
    return sorted(sorted(range(len(units)), key=lambda i: -cheap[i])[:n])


def read(question: str, units: list[Unit], relevance: Relevance, words: Words, fusion: Fusion = FUSION) -> list[Scored]:
    """The shortlisted units scored, best first: the model's score fused with the unit's words, its
    passage's place, figures and decisions as `fusion` weighs them."""
    rows = signals(question, units, np.zeros(len(units)), held_words(question, units, words))
    chosen = shortlist(units, fusion.cheap(rows).tolist())
    texts = [f"{_first(units[i].header, HEAD_WORDS)}: {_first(units[i].text, UNIT_WORDS)}" for i in chosen]
    read_ones = [units[i] for i in chosen]
    rows = rows[chosen]
    rows[:, 0] = relevance.score(question, texts)
    return sorted(
        (Scored(unit, float(score)) for unit, score in zip(read_ones, fusion.score(rows), strict=True)), key=_best_first
    )


def quotes_of(scored: list[Scored], n: int = QUOTED, *, needs_figure: bool = False) -> tuple[Quote, ...]:
    """The best `n` units (each whole, where it is a numbered paragraph or RESOLVED block that fits),
    within `MAX_WORDS`, in the order of their citations and their places in them; a unit inside one
    already quoted is not quoted again, one holding a unit already quoted takes its place, and a window
    overlapping one of its unit already quoted joins it. For a question asking for an amount
    (`needs_figure`), when none of them holds a figure, the best unit of the next `n` that does takes the
    last place: an amount is answered by a figure."""
    best = scored[:n]
    if needs_figure and not any(FIGURE.search(item.unit.text) for item in best):
        figured = next((item for item in scored[n : 2 * n] if FIGURE.search(item.unit.text)), None)
        if figured is not None:
            best = [*best[: n - 1], figured]
    chosen: list[tuple[Unit, str]] = []
    total = 0
    for item in best:
        unit = item.unit
        text = unit.quoted if len(unit.quoted.split()) + total <= MAX_WORDS else unit.text
        if any(text in other for _, other in chosen):
            continue
        inside = [pair for pair in chosen if pair[1] in text]
        if inside:  # it holds units already quoted: it takes their place, if the words allow
            added = len(text.split()) - sum(len(other.split()) for _, other in inside)
            if total + added <= MAX_WORDS:
                chosen = [pair for pair in chosen if pair not in inside] + [(unit, text)]
                total += added
            continue
        same = next(
            (i for i, (u, _) in enumerate(chosen) if (u.citation, u.position) == (unit.citation, unit.position)), None
        )
        joined = overlapped(chosen[same][1], text) if same is not None else None
        if joined is not None and same is not None:
            added = len(joined.split()) - len(chosen[same][1].split())
            if total + added <= MAX_WORDS:
                chosen[same] = (chosen[same][0], joined)
                total += added
            continue
        if total + len(text.split()) > MAX_WORDS:
            continue
        chosen.append((unit, text))
        total += len(text.split())
    chosen.sort(key=lambda pair: (pair[0].citation, pair[0].position))
    return tuple(Quote(unit.citation, text) for unit, text in chosen)


def overlapped(one: str, other: str) -> str | None:
    """Two windows of one unit as one, where the end of either is the start of the other; else None.

    >>> overlapped("a b c d", "c d e f"), overlapped("c d e f", "a b c d"), overlapped("a b", "c d")
    ('a b c d e f', 'a b c d e f', None)
    """
    for first, second in ((one.split(), other.split()), (other.split(), one.split())):
        for k in range(min(len(first), len(second)) - 1, 0, -1):
            if first[-k:] == second[:k]:
                return " ".join(first + second[k:])
    return None


def _best_first(item: Scored) -> tuple[float, int, int]:
    return -item.relevance, item.unit.citation, item.unit.position


def _first(text: str, n: int) -> str:
    return " ".join(text.split()[:n])


def compose(
    question: str, hits: list[Hit], n_sentences: int, words: Words, decided_gain: float = 0.0
) -> tuple[Quote, ...]:
    """The sentences of the top hits that best match the question, with the number of the citation
    each is quoted from, in the order they appear.

    A sentence scores for each question word it shares, the more for words few of the candidate
    sentences share (local rarity), plus its hit's similarity; for a question that asks for an
    amount, sentences holding figures score more; a sentence that records a decision ("It was resolved
    to …") gains `decided_gain` (`answer.decided_gain`). A sentence found in two excerpts (or within a longer
    one) is quoted once. Words are compared as `words` gives them (the keyword index's stemmed words).
    """
    candidates = [
        (rank, position, sentence)
        for rank, hit in enumerate(hits[:ANSWER_HITS], 1)
        for position, sentence in enumerate(answer_units(hit.chunk.text))
    ]
    held = word_scores(question, [sentence for *_, sentence in candidates], words)
    numeric = bool(ASKS_AMOUNT.search(question))
    scored = [
        (
            share
            + 0.5 * hits[rank - 1].score
            - 0.05 * rank
            + (0.5 if numeric and FIGURE.search(sentence) else 0.0)
            + (decided_gain if DECIDES.search(sentence) else 0.0),
            rank,
            position,
            sentence,
        )
        for (rank, position, sentence), share in zip(candidates, held, strict=True)
        if share
    ]
    if not scored:
        return (Quote(1, answer_units(hits[0].chunk.text)[0]),)
    ranked = sorted(scored, key=lambda s: -s[0])
    score, rank, position, _ = ranked[0]
    best = [(score, rank, position, answering_unit(hits[rank - 1].chunk.text, position))]
    for candidate in ranked[1:]:
        if len(best) == n_sentences:
            break
        if not any(candidate[3] in chosen[3] or chosen[3] in candidate[3] for chosen in best):
            best.append(candidate)
    return tuple(Quote(rank, sentence) for _, rank, _, sentence in sorted(best, key=lambda s: (s[1], s[2])))


def coverage(index: Index, question: str, text: str, ignore: str = "") -> float:
    """The share of the question's words, weighted by their rarity in the index, that `text`
    holds. Question words ("how", "much") and the words of `ignore` don't count."""
    skip = QUESTION_WORDS | set(index.words(ignore))
    wanted = [word for word in dict.fromkeys(index.words(question)) if word not in skip]
    rarity = index.rarity(wanted)
    held = set(index.words(text))
    total = sum(rarity.values())
    return sum(weight for word, weight in rarity.items() if word in held) / total if total else 0.0
