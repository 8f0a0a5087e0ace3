"""Answer a question from the papers: search, quote the sentences that answer it, cite, or abstain.

The answer is extractive: every sentence in it is quoted from a cited excerpt, and every excerpt is
a chunk's verbatim text. No language model is involved, so nothing can be invented.
"""

from __future__ import annotations

import re
import time
from collections import Counter

from councilqa.index.store import Index
from councilqa.ingest.chunk import split_sentences
from councilqa.records import Answer, Citation, Hit, SearchFilter
from councilqa.settings import Settings

ABSTAIN = "The papers don't appear to answer this. The closest passages are listed below."
NO_INDEX = "Nothing is indexed yet. Run `councilqa ingest PATH` first."
STOPWORD_TEXT = """a an and are as at be been by can did do does for from had has have how i in is it its of on
or that the their there these they this to was were what when where which who why will with would about after any
into our out over so than then them up we you your"""
STOPWORDS = frozenset(STOPWORD_TEXT.split())
ANSWER_HITS = 5  # hits whose sentences may be quoted in the answer
AMOUNT = re.compile(
    r"\b(how (much|many)|what (percentage|proportion|share|number)|cost|total|figure|budget|rate)\b", re.I
)
FIGURE = re.compile(r"[£$€]\s?\d|\d[\d,.]*\s?(%|per ?cent|m\b|bn\b|million|billion|k\b)|\b\d{2,}")
WORD = re.compile(r"[a-z0-9£%]+(?:[.,][0-9]+)*")


def terms(text: str) -> set[str]:
    """Content words of `text`, lower-cased, with a crude plural/tense ending removed."""
    return {_stem(word) for word in WORD.findall(text.lower()) if word not in STOPWORDS}


def _stem(word: str) -> str:
    for suffix in ("ing", "ed", "es", "s"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


class Assistant:
    """Answers questions over one index. Built once; `ask` is safe to call from several threads.

    Example::

        Assistant(settings, open_index(settings)).ask("What did cabinet resolve about parking?")
    """

    def __init__(self, settings: Settings, index: Index) -> None:
        self.settings = settings
        self.index = index

    def ask(self, question: str, k: int | None = None, filters: SearchFilter | None = None) -> Answer:
        # `filters` is a placeholder until issue 5 lands filtered search: recorded, not yet applied.
        question = " ".join(question.split())
        if not question:
            raise ValueError("the question is empty")
        started = time.perf_counter()
        hits = self.index.search(question, k or self.settings.answer.k)
        searched = time.perf_counter()
        citations = tuple(_citation(rank, hit) for rank, hit in enumerate(hits, 1))
        if not hits:
            text, abstained = NO_INDEX, True
        elif max(hit.score for hit in hits) < self.settings.answer.min_score:
            text, abstained = ABSTAIN, True
        else:
            text, abstained = compose(question, hits, self.settings.answer.answer_sentences), False
        done = time.perf_counter()
        timings = {"search": (searched - started) * 1000, "total": (done - started) * 1000}
        return Answer(question, text, abstained, citations, timings, filters=filters or SearchFilter())


def compose(question: str, hits: list[Hit], n_sentences: int) -> str:
    """The sentences of the top hits that best match the question, each followed by the number of
    the citation it is quoted from, in the order they appear.

    A sentence scores for each question word it shares, the more for words few of the candidate
    sentences share (local rarity), plus its hit's similarity; for a question that asks for an
    amount, sentences holding figures score more.
    """
    wanted = terms(question)
    candidates = [
        (rank, position, sentence, terms(sentence) & wanted)
        for rank, hit in enumerate(hits[:ANSWER_HITS], 1)
        for position, sentence in enumerate(split_sentences(hit.chunk.text))
    ]
    spread = Counter(term for *_, shared in candidates for term in shared)
    numeric = bool(AMOUNT.search(question))
    scored = [
        (
            sum(1 / spread[term] ** 0.5 for term in shared)
            + 0.5 * hits[rank - 1].score
            - 0.05 * rank
            + (0.5 if numeric and FIGURE.search(sentence) else 0.0),
            rank,
            position,
            sentence,
        )
        for rank, position, sentence, shared in candidates
        if shared
    ]
    if not scored:
        return f"{split_sentences(hits[0].chunk.text)[0]} [1]"
    best = sorted(scored, key=lambda s: -s[0])[:n_sentences]
    return " ".join(f"{sentence} [{rank}]" for _, rank, _, sentence in sorted(best, key=lambda s: (s[1], s[2])))


def _citation(rank: int, hit: Hit) -> Citation:
    document = hit.documents[0]
    chunk = hit.chunk
    return Citation(
        rank=rank,
        doc=document.path,
        pdf_page=chunk.pdf_page,
        pdf_page_end=chunk.pdf_page_end,
        printed_page=chunk.printed_page,
        text=chunk.text,
        score=hit.score,
        title=document.title,
        committee=document.committee,
        meeting_date=document.meeting_date,
        section=chunk.section,
        copies=tuple(other.path for other in hit.documents[1:])
        + tuple(f"{document.path}#page={chunk.pdf_page}" for chunk, document in hit.also),
    )
