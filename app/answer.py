"""Answer a question from the papers: search, quote the sentences that answer it, cite, or abstain.

The answer is extractive: every sentence in it is quoted from a cited excerpt, and every excerpt is
a chunk's verbatim text. No language model is involved, so nothing can be invented.
"""

from __future__ import annotations

import logging
import re
import time
from collections import Counter
from dataclasses import replace
from datetime import date

from councilqa.app.question_filter import stated_filter
from councilqa.index.store import Index, Mode
from councilqa.ingest.chunk import split_sentences
from councilqa.records import Answer, Citation, Hit, Quote, SearchFilter
from councilqa.settings import Settings

log = logging.getLogger(__name__)

ABSTAIN = "The papers don't appear to answer this. The closest passages are listed below."
NO_INDEX = "Nothing is indexed yet. Run `councilqa ingest PATH` first."
STOPWORD_TEXT = """a an and are as at be been by can did do does for from had has have how i in is it its of on
or that the their there these they this to was were what when where which who why will with would about after any
into our out over so than then them up we you your"""
STOPWORDS = frozenset(STOPWORD_TEXT.split())
ANSWER_HITS = 5  # hits whose sentences may be quoted in the answer
DECIDED = re.compile(r"\b(resolved?|decided?|decisions?|agreed?|vot(e|ed)|approved?|outcome)\b", re.I)
COVERAGE_WEIGHT = 0.2  # of the quoted sentences' share of the question's words, in the evidence score
QUESTION_WORDS = frozenset(
    "what how much mani doe did do who whom which when where why has have had been is was were will would".split()
)  # as `KeywordIndex.words` gives them; bm25s' stopwords keep them
AMOUNT = re.compile(
    r"\b(how (much|many)|what (percentage|proportion|share|number)|cost|total|figure|budget|rate)\b", re.I
)
FIGURE = re.compile(r"[£$€]\s?\d|\d[\d,.]*\s?(%|per ?cent|m\b|bn\b|million|billion|k\b)|\b\d{2,}")
FIGURE_TOKEN = re.compile(r"[-–]?[£$€]?\d[\d,]*(?:\.\d+)?(?:%|m|bn|k)?(?=\s|$)")
LEADING_FIGURES = re.compile(rf"(?:{FIGURE_TOKEN.pattern}\s*)*")
ROW_NUMBER = re.compile(r"\d{1,2}(?:\.\d{1,2})?")
CONTINUES = re.compile(r"(?:This|It|These|That|They|Such)\b")
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

    def __init__(self, settings: Settings, index: Index, mode: Mode = "hybrid") -> None:
        self.settings = settings
        self.index = index
        self.mode = mode

    def ask(self, question: str, k: int | None = None, filters: SearchFilter | None = None) -> Answer:
        """Search (within `filters`, or else within a meeting the question names), check every
        excerpt against its pages, then quote the sentences that answer or say there is no answer."""
        question = " ".join(question.split())
        if not question:
            raise ValueError("the question is empty")
        started = time.perf_counter()
        k = k or self.settings.answer.k
        filters, note, refusal = self._filters(question, filters or SearchFilter())
        hits = self._verified(self.index.search(question, k, filters or None, self.mode))
        searched = time.perf_counter()
        citations = tuple(_citation(rank, hit) for rank, hit in enumerate(hits, 1))
        quotes: tuple[Quote, ...] = ()
        evidence = None
        if hits:
            composed = compose(question, hits, self.settings.answer.answer_sentences)
            quotes = tuple(quote for quote in composed if quote.text in citations[quote.citation - 1].text)
            evidence = self.evidence(question, hits, quotes)
        if not hits:
            text = NO_INDEX if not self.index.catalog.counts()["chunks"] else ABSTAIN
        elif refusal is not None:
            text, quotes = refusal, ()
        elif quotes and evidence is not None and evidence >= self.settings.answer.min_evidence:
            text = " ".join(f"{quote.text} [{quote.citation}]" for quote in quotes)
        else:
            text, quotes = ABSTAIN, ()
        done = time.perf_counter()
        timings = {"search": (searched - started) * 1000, "total": (done - started) * 1000}
        return Answer(question, text, not quotes, citations, timings, quotes, filters, note, evidence)

    def _filters(self, question: str, explicit: SearchFilter) -> tuple[SearchFilter, str | None, str | None]:
        """The filter to search with, a note on where it came from, and the reason to abstain when the
        question names a meeting no indexed paper is from (the search then runs unfiltered, to show
        the closest matches), or asks what a meeting decided and no minutes of it are indexed (its
        agenda can't say)."""
        if explicit:
            return explicit, None, None
        catalog = self.index.catalog
        stated = stated_filter(question, catalog.facets()["committee"], date.today())
        if stated is None:
            return explicit, None, None
        for candidate in (stated.filters, replace(stated.filters, committee=None)):
            if catalog.matching(candidate):
                note = f"Searched only {candidate.describe()}, as the question says ({stated.phrase})."
                if DECIDED.search(question) and not catalog.has_minutes(
                    stated.filters.date_from, stated.filters.date_to
                ):
                    refusal = (
                        f"No minutes of the meeting the question names ({stated.phrase}) are indexed, so the papers "
                        "don't record what was decided there. The closest passages from its papers are listed below."
                    )
                    return candidate, note, refusal
                return candidate, note, None
        note = f"The question names {stated.phrase}: no indexed papers are from {stated.filters.describe()}."
        refusal = "No indexed papers are from that meeting. The closest passages from all papers are listed below."
        return explicit, note, refusal

    def _verified(self, hits: list[Hit]) -> list[Hit]:
        """The hits whose text occurs verbatim on their cited pages; any other is logged and dropped."""
        kept = []
        for hit in hits:
            chunk = hit.chunk
            if self.index.catalog.holds(chunk.doc_sha256, chunk.pdf_page, chunk.pdf_page_end, chunk.text):
                also = tuple(
                    (c, d)
                    for c, d in hit.also
                    if self.index.catalog.holds(c.doc_sha256, c.pdf_page, c.pdf_page_end, c.text)
                )
                kept.append(replace(hit, also=also))
            else:
                log.warning(
                    "excerpt %s not found on its pages %s-%s: not shown", chunk.id, chunk.pdf_page, chunk.pdf_page_end
                )
        return kept

    def evidence(self, question: str, hits: list[Hit], quotes: tuple[Quote, ...]) -> float:
        """How strongly the hits support the quoted answer: the best hit's cosine similarity to the
        question, plus `COVERAGE_WEIGHT` times the share of the question's words, weighted by their
        rarity in the index, that the quoted sentences hold. Question words ("how", "much") don't count.
        """
        keywords = self.index.keywords
        wanted = [word for word in dict.fromkeys(keywords.words(question)) if word not in QUESTION_WORDS]
        rarity = keywords.rarity(wanted)
        quoted = {word for quote in quotes for word in keywords.words(quote.text)}
        total = sum(rarity.values())
        coverage = sum(weight for word, weight in rarity.items() if word in quoted) / total if total else 0.0
        return max(hit.score for hit in hits) + COVERAGE_WEIGHT * coverage


def compose(question: str, hits: list[Hit], n_sentences: int) -> tuple[Quote, ...]:
    """The sentences of the top hits that best match the question, with the number of the citation
    each is quoted from, in the order they appear.

    A sentence scores for each question word it shares, the more for words few of the candidate
    sentences share (local rarity), plus its hit's similarity; for a question that asks for an
    amount, sentences holding figures score more. A sentence found in two excerpts (or within a longer
    one) is quoted once.
    """
    wanted = terms(question)
    candidates = [
        (rank, position, sentence, terms(sentence) & wanted)
        for rank, hit in enumerate(hits[:ANSWER_HITS], 1)
        for position, sentence in enumerate(answer_units(hit.chunk.text))
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
        return (Quote(1, answer_units(hits[0].chunk.text)[0]),)
    best: list[tuple[float, int, int, str]] = []
    for candidate in sorted(scored, key=lambda s: -s[0]):
        if len(best) == n_sentences:
            break
        if not any(candidate[3] in chosen[3] or chosen[3] in candidate[3] for chosen in best):
            best.append(candidate)
    return tuple(Quote(rank, sentence) for _, rank, _, sentence in sorted(best, key=lambda s: (s[1], s[2])))


def answer_units(text: str) -> list[str]:
    """The sentences of an excerpt as the answer quotes them, each verbatim in it. pypdf puts a table
    row's figures after the row's label, so at the start of the next sentence: they join the sentence
    before them (a row number left in front of the next row stays). A sentence that opens with "This",
    "It" and the like joins the sentence it continues.

    >>> answer_units("Cut repeat referrals (within 12 months). 18% 10% 3 Support children. It is new.")
    ['Cut repeat referrals (within 12 months). 18% 10%', '3 Support children. It is new.']
    """
    units: list[str] = []
    for sentence in split_sentences(text):
        leading = LEADING_FIGURES.match(sentence)
        figures = list(FIGURE_TOKEN.finditer(leading.group(0))) if leading else []
        if figures and ROW_NUMBER.fullmatch(figures[-1].group(0)):
            figures.pop()  # the next row's or paragraph's number ("3", "6.4")
        rest = sentence
        if units and figures:
            units[-1] = f"{units[-1]} {sentence[: figures[-1].end()]}"
            rest = sentence[figures[-1].end() :].strip()
        if not rest:
            continue
        if units and CONTINUES.match(rest):
            units[-1] = f"{units[-1]} {rest}"
        else:
            units.append(rest)
    return units


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
