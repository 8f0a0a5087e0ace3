"""Answer a question from the papers: plan, search, read, check, then quote and cite, or abstain.

The answer is extractive: every sentence in it is quoted from a cited excerpt, and every excerpt is
a chunk's verbatim text. No generative model is involved (the reader's model only scores how well a
sentence answers), so nothing can be invented. Where a language model is configured (`answer.llm`), it
may write the answer in prose over the same excerpts, each sentence checked on them (`answer/prose.py`).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from functools import partial

from councilqa.answer.cite import (
    Decided,
    Reading,
    Units,
    cite,
    in_item,
    overlaps,
    verify,
)
from councilqa.answer.decided import discussed, find_decision, leads
from councilqa.answer.decisions import (
    decided_quote,
    is_decision_question,
    lead_line,
)
from councilqa.answer.grounds import (
    ASKS_AMOUNT,
    CHECKS,
    Grounds,
    Reason,
    unvoted,
)
from councilqa.answer.llm import OpenAIChat
from councilqa.answer.plan import CLOSEST, Plan, plan_search
from councilqa.answer.prose import Writer
from councilqa.answer.read import READ_HITS, Unit, compose, coverage, quotes_of, read, units_of
from councilqa.answer.relevance import CrossEncoder, Relevance
from councilqa.errors import InvalidInput
from councilqa.index.papers import Papers
from councilqa.index.store import Index, Mode
from councilqa.records import (
    Answer,
    Citation,
    Hit,
    Quote,
    SearchFilter,
)
from councilqa.settings import Settings

log = logging.getLogger(__name__)

COVERAGE_WEIGHT = 0.2  # of the quoted sentences' share of the question's words, in the `rules` evidence score
ABSTAIN = f"The papers don't appear to answer this. {CLOSEST}"
NO_INDEX = "Nothing is indexed yet. Run `councilqa ingest PATH` first."
NO_MODEL = "prose answers need a language model: set answer.llm.url and answer.llm.model (docs/llm.md)"
LONGEST_QUESTION = 1000  # characters; a question is a question, not a paper
# Every check that may keep an answer back, by the name answers give it: the plan's refusals, the
# names and years no paper holds, `Grounds`' checks of the quotes, and the evidence threshold.
ALL_CHECKS = (
    "no minutes of the council named",
    "no minutes of the meeting named",
    "meeting named not indexed",
    "unknown name",
    "unknown year",
    "no vote recorded",
    *CHECKS,
    "weak evidence",
)


class Assistant:
    """Answers questions over one index. Built once; `ask` is safe to call from several threads.

    Example::

        Assistant(settings, open_index(settings)).ask("What did cabinet resolve about parking?")
    """

    def __init__(
        self,
        settings: Settings,
        index: Index,
        mode: Mode = "hybrid",
        *,
        include_restricted: bool = False,
        relevance: Relevance | None = None,
        writer: Writer | None = None,
    ) -> None:
        self.settings = settings
        self.index = index
        self.mode = mode
        self.include_restricted = include_restricted  # what `ask` searches when given no filters
        self.relevance = relevance or CrossEncoder()  # the reader's model, loaded on the first question
        llm = settings.answer.llm  # a language model writing prose over the excerpts, where one is configured
        self.writer = writer or (Writer(OpenAIChat(llm), llm) if llm.configured else None)
        unknown = set(settings.answer.skip_checks) - set(ALL_CHECKS)
        if unknown:
            raise InvalidInput(
                f"answer.skip_checks: no check is named {sorted(unknown)}; the checks: {list(ALL_CHECKS)}"
            )
        self.skip = frozenset(settings.answer.skip_checks)
        self.grounds = Grounds(index.words, index.has_word, index.rarity)

    def warm(self) -> None:
        """Load the embedding model and the reader's model now (seconds), rather than at the first question."""
        self.index.warm()
        self.relevance.score("warm up", ["warm up"])

    def ask(
        self, question: str, k: int | None = None, filters: SearchFilter | None = None, *, prose: bool | None = None
    ) -> Answer:
        """Search (within `filters`, which say whether restricted papers may be searched; without them, as
        the assistant was built to; a meeting the question names ranks first), check every excerpt
        against its pages, then answer: a decision question from the decision the minutes record,
        led by its outcome; any other by quoting the sentences that answer it; or say there is none.

        The trip of a question, one step each, in this order: `plan`, `retrieve`, `read`, `verify`,
        `judge` (answer or abstain) and `respond`; then, with `prose` (by default where a language model
        is configured), `write`."""
        question = " ".join(question.split())
        if not question:
            raise InvalidInput("the question is empty")
        if len(question) > LONGEST_QUESTION:
            raise InvalidInput(f"the question is {len(question)} characters long; ask in at most {LONGEST_QUESTION}")
        started = time.perf_counter()
        k = k or self.settings.answer.k
        plan = self.plan(question, filters)
        found = self.retrieve(question, plan, k)
        searched = time.perf_counter()
        reading = verify(self.read(question, found, k))
        read_at = time.perf_counter()
        reasons = self.judge(question, plan, reading)
        answer = self.respond(question, plan, reading, reasons)
        timings = {"search": searched - started, "read": read_at - searched}
        if prose if prose is not None else self.writer is not None:
            answered = time.perf_counter()
            *_, answer = self.write(answer)
            timings["prose"] = time.perf_counter() - answered
        timings["total"] = time.perf_counter() - started
        return replace(answer, timings_ms={step: seconds * 1000 for step, seconds in timings.items()})

    def write(self, answer: Answer) -> Iterator[Answer]:
        """Step 7, where a language model is configured: `answer` in prose, once more after each sentence
        that passes its checks, the last one whole (`prose.Writer.write`: the model sees the excerpts of
        restricted papers only with `answer.llm.send_restricted`)."""
        if self.writer is None:
            raise InvalidInput(NO_MODEL)
        public = self.index.papers.public
        yield from self.writer.write(answer, lambda citation: public.document(citation.doc) is None)

    def plan(self, question: str, filters: SearchFilter | None = None) -> Plan:
        """Step 1: what to search (`plan.plan_search`), with a refusal `answer.skip_checks` names dropped."""
        filters = filters if filters is not None else SearchFilter(include_restricted=self.include_restricted)
        plan = plan_search(question, filters, self.index.papers.seen(filters.include_restricted))
        if plan.refusal is not None and plan.refusal.check in self.skip:
            plan = replace(plan, refusal=None)
        return plan

    def retrieve(self, question: str, plan: Plan, k: int) -> _Found:
        """Step 2: the passages found, each checked verbatim on its pages, and the decision that matches
        the question (its lead line's facts checked on its pages), with whether it leads (for a question
        that doesn't ask what was decided, the reader settles that: `settle`)."""
        hits = self.index.search(question, k, plan.filters, self.mode, prefer=plan.prefer, recent=plan.recent)
        decided, led = self._decision(question, plan)
        if_read = decided is not None and not is_decision_question(question)
        return _Found(hits, decided, led, if_read)

    def settle(self, question: str, found: _Found, k: int) -> tuple[_Found, Units | None]:
        """Whether a decision the question doesn't ask about leads (`_Found.if_read`): it does when the
        reader's best unit of the passages read (the `k` found, and those beside them) is of its item (the
        reader finds the answer in its item); else it is not cited. With the reader's scores of those
        units, read once for both."""
        if not found.if_read or found.decided is None:
            return found, None
        hits = found.hits[:k]
        read_ = self._read(question, hits, None)
        best = read_.scored[0].unit if read_.scored else None
        if best is not None and in_item(best, read_.passage(best.citation), found.decided):
            return replace(found, led=True, if_read=False), read_
        return replace(found, decided=None, if_read=False), read_

    def units(self, question: str) -> list[Unit]:
        """The units `ask` chooses the quotes of its answer from: those of the passages found (a decision's
        record, cited first, is not among them) and of the passages beside them; none when a decision
        leads the answer. For fitting the reader on what it reads (`python -m councilqa.eval.fit_reader`:
        whether a decision leads a question that doesn't ask for one is settled by the reader as it is)."""
        question = " ".join(question.split())
        k = self.settings.answer.k
        found, _ = self.settle(question, self.retrieve(question, self.plan(question), k), k)
        if found.led:
            return []
        citations, hits = cite(found.hits, found.decided, k)
        return self._units(hits, found.decided, len(citations) - len(hits) + 1)[0]

    def _units(self, hits: list[Hit], decided: Decided | None, first_citation: int = 1) -> tuple[list[Unit], list[Hit]]:
        """The units of `hits` and of the passages just before and after the best of them in their papers
        (`Index.beside`: an item read on where a chunk ends), checked on their pages, but those within the
        record of the decision cited first; and the passages beside that are not among `hits`, numbered
        after them as the units cite them (one of `hits` keeps its number)."""
        best = hits[:READ_HITS]
        number = {hit.chunk.id: citation for citation, hit in enumerate(hits, first_citation)}
        read_ = {hit.chunk.id for hit in best}
        beside: list[tuple[int, int, Hit]] = []
        new: list[Hit] = []
        for rank, nearby in enumerate(self.index.beside(best), 1):
            for near in nearby:
                if near.chunk.id in read_ or (decided is not None and overlaps(near, decided)):
                    continue
                read_.add(near.chunk.id)
                if near.chunk.id not in number:
                    number[near.chunk.id] = first_citation + len(hits) + len(new)
                    new.append(near)
                beside.append((rank, number[near.chunk.id], near))
        return units_of(hits, first_citation, beside), new

    def _read(self, question: str, hits: list[Hit], decided: Decided | None, first_citation: int = 1) -> Units:
        """The reader's scores of the units of `hits` and of the passages beside them (`_units`)."""
        units, beside = self._units(hits, decided, first_citation)
        scored = read(question, units, self.relevance, self.index.words)
        return Units(scored, hits, beside, first_citation)

    def read(self, question: str, found: _Found, k: int) -> Reading:
        """Step 3: the citations, and the quotes chosen from them: a leading decision's record, what moved
        it and a sentence of its discussion; or the sentences of the passages that best answer, chosen by
        the reader (`answer.reader`: the rules, or the reader's model), with how strongly they do."""
        found, settled = self.settle(question, found, k)
        decided = found.decided
        citations, hits = cite(found.hits, decided, k)
        answer = self.settings.answer
        if decided is not None and found.led:
            d = decided.decision
            moved = (Quote(2 if d.moved_at else 1, d.moved),) if d.moved else ()
            decided_text = decided_quote(d)  # "X proposed an amendment that …": the wording is in the moving sentence
            quotes = moved + (() if moved and decided_text in moved[0].text else (Quote(1, decided_text),))
            said = discussed(self.index, question, decided, quotes)
            if said is not None:
                citations, hits = cite(found.hits, decided, k, said)
                quotes += tuple(Quote(c.rank, c.text) for c in citations if c.text == said.text)[:1]
            evidence = self.evidence(question, hits, quotes) if hits else None
            return Reading(citations, quotes, evidence, decided, lead_line(d))
        if not hits:
            return Reading(citations, (), None, decided)
        offset = len(citations) - len(hits)  # the decision's record, cited first but not led with
        if answer.reader == "rules":
            composed = compose(question, hits, answer.answer_sentences, self.index.words, answer.decided_gain)
            quotes = tuple(Quote(quote.citation + offset, quote.text) for quote in composed)
            return Reading(citations, quotes, self.evidence(question, hits, quotes), decided)
        read_ = settled if settled is not None else self._read(question, hits, decided, offset + 1)
        scored = read_.scored  # beside the best unit, none the reader would not answer with alone
        scored = [*scored[:1], *(item for item in scored[1:] if item.relevance >= answer.min_relevance)]
        quotes = quotes_of(scored, answer.answer_sentences, needs_figure=bool(ASKS_AMOUNT.search(question)))
        cited, quotes = read_.cite(quotes)
        evidence = scored[0].relevance if scored else None
        return Reading(
            (*citations, *cited), quotes, evidence, decided, reader=self.relevance.model_id, beside=len(cited)
        )

    def judge(self, question: str, plan: Plan, reading: Reading) -> tuple[Reason, ...]:
        """Step 5, answer or abstain: every reason the papers don't answer, the first of them the one the
        answer gives; none when it may answer. Every check is run (but those `answer.skip_checks` names),
        so that the eval can count each one's gains and losses: the plan's refusal; names and years no
        indexed paper holds; a vote asked for that none of the lead, quotes or cited decision records; the
        checks of the quotes (`Grounds.reasons`); too little evidence."""
        if not reading.citations:
            return ()
        reasons = [plan.refusal] if plan.refusal is not None else []
        papers, grounds = self.index.papers.seen(plan.filters.include_restricted), self.grounds
        if papers.public_only and (hidden := papers.restricted()):  # a name only they hold is "unknown"
            grounds = replace(grounds, has_word=partial(self.index.has_word, hidden=hidden))
        reasons += self._unknown(grounds, question, reading.citations, plan.filters, papers)  # nor a decision
        texts = [quote.text for quote in reading.quotes]
        record = reading.decided.decision.excerpt if reading.decided is not None else None  # led with or not
        held = [reason for reason in [unvoted(question, [*texts, *filter(None, (reading.lead, record))])] if reason]
        if reading.lead is None and reading.quotes:
            ranked = {citation.rank: citation.doc for citation in reading.citations}
            quoted = (
                [papers.document(ranked[q.citation]) for q in reading.quotes] if ASKS_AMOUNT.search(question) else []
            )
            held += grounds.reasons(question, texts, [paper.known_by if paper else "" for paper in quoted])
        reasons += [Reason(reason.check, f"{reason.message} {CLOSEST}") for reason in held]
        strong = reading.quotes and reading.evidence is not None and reading.evidence >= self.minimum
        if reading.lead is None and not strong:
            reasons.append(Reason("weak evidence", ABSTAIN))
        return tuple(reason for reason in reasons if reason.check not in self.skip)

    def respond(self, question: str, plan: Plan, reading: Reading, reasons: tuple[Reason, ...]) -> Answer:
        """Step 6: the answer as shown: the lead and quotes, with any part of the question they leave
        unanswered said so; or why there is no answer (nothing indexed; the first reason), with the
        closest passages cited. Each citation says whether OCR read its pages."""
        found = reading.citations[: len(reading.citations) - reading.beside]  # a passage beside is cited where quoted
        citations = found if reasons else reading.citations
        quotes, lead = reading.quotes, reading.lead
        if not reading.citations:
            empty = self.index.papers.seen(plan.filters.include_restricted).is_empty()
            text, quotes = (NO_INDEX if empty else ABSTAIN), ()
        elif reasons:
            text, quotes = reasons[0].message, ()
        else:
            said = " ".join([*([lead] if lead else []), *(f"{quote.text} [{quote.citation}]" for quote in quotes)])
            unanswered = [] if lead else self.grounds.unanswered_parts(question, [quote.text for quote in quotes])
            text = " ".join([said, *(f"The passages found don't answer “{part}”." for part in unanswered)])
        shown = reading.decided.decision if reading.decided and lead and quotes else None
        return Answer(
            question,
            text,
            not quotes,
            citations,
            {},
            quotes,
            plan.filters,
            plan.note,
            reading.evidence,
            shown,
            lead if shown else None,
            reading.reader if quotes and not shown else None,
            tuple(reason.check for reason in reasons),
        )

    def _decision(self, question: str, plan: Plan) -> tuple[Decided | None, bool]:
        """The decision the answer cites first, and whether it leads with it. A decision question cites the
        decision that matches it, led with at `answer.min_lead_relevance`. Any other question gets a
        decision at `answer.min_topic_lead_relevance` (none where that is not set, or the reader is the
        rules), not led with yet: it leads only if the reader agrees (`settle`)."""
        asks = is_decision_question(question)
        answer = self.settings.answer
        threshold = answer.min_lead_relevance if asks else answer.min_topic_lead_relevance
        if answer.reader != "model" and not asks:
            threshold = None
        if plan.refusal is not None or self.mode != "hybrid" or threshold is None:
            return None, False
        decided = find_decision(self.index, question, plan)
        passes = decided is not None and leads(self.relevance, question, decided, threshold)
        return (decided if passes or asks else None), passes and asks

    def _unknown(
        self, grounds: Grounds, question: str, citations: tuple[Citation, ...], filters: SearchFilter, papers: Papers
    ) -> list[Reason]:
        """The names and years the question names that no indexed paper holds (an abbreviation one of the
        passages found spells out is held); where it names councils (`filters.councils`), the years no
        paper of theirs, nor any naming them, holds: the papers can't answer a question about them."""
        names = [f"“{name}”" for name in grounds.unknown_names(question, (c.text for c in citations))]
        years = grounds.unknown_years(question)
        if names or years:
            message = f"No indexed paper mentions {' or '.join(names + years)}. {CLOSEST}"
            return [Reason(c, message) for c, found in (("unknown name", names), ("unknown year", years)) if found]
        if not filters.councils:
            return []
        theirs = SearchFilter(
            include_restricted=filters.include_restricted,
            councils=filters.councils,
            council_mentions=filters.council_mentions,
        )
        elsewhere = [year for year in grounds.written_years(question) if not papers.mentioned(theirs, year)]
        if not elsewhere:
            return []
        naming = " or ".join(f"“{mention}”" for mention in filters.council_mentions or filters.councils)
        message = f"No paper of {' or '.join(filters.councils)}, nor any naming {naming}, mentions "
        return [Reason("unknown year", f"{message}{' or '.join(elsewhere)}. {CLOSEST}")]

    @property
    def minimum(self) -> float:
        """The evidence an answer needs: the reader's own threshold (`min_evidence`, `min_relevance`)."""
        answer = self.settings.answer
        return answer.min_relevance if answer.reader == "model" else answer.min_evidence

    def evidence(self, question: str, hits: list[Hit], quotes: tuple[Quote, ...]) -> float:
        """How strongly the hits support the quoted answer (the `rules` reader's score): the best hit's
        cosine similarity to the question, plus `COVERAGE_WEIGHT` times the share of the question's words,
        weighted by their rarity in the index, that the quoted sentences hold. Question words ("how",
        "much") don't count."""
        quoted = " ".join(quote.text for quote in quotes)
        return max(hit.score for hit in hits) + COVERAGE_WEIGHT * coverage(self.index, question, quoted)


@dataclass(frozen=True)
class _Found:
    """What `retrieve` found: passages checked on their pages, best first; the decision matching the
    question, if any; and whether it leads the answer. A decision the question doesn't ask about
    (`if_read`) leads only if the reader's best unit of the passages is of its item (`settle`)."""

    hits: list[Hit]
    decided: Decided | None
    led: bool
    if_read: bool = False
