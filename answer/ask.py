"""Answer a question from the papers: plan, search, read, check, then quote and cite, or abstain.

The answer is extractive: every sentence in it is quoted from a cited excerpt, and every excerpt is
a chunk's verbatim text. No generative model is involved (the reader's model only scores how well a
sentence answers), so nothing can be invented. Where a language model is configured (`answer.llm`), it
may write the answer in prose over the same excerpts, each sentence checked on them (`answer/prose.py`).
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date
from functools import partial

from councilqa.answer.decisions import (
    ASKING,
    decided_quote,
    is_decision_question,
    lead_line,
    preference,
    unchecked_facts,
)
from councilqa.answer.grounds import (
    ASKS_AMOUNT,
    CHECKS,
    FIGURE,
    QUESTION_WORDS,
    Grounds,
    Reason,
    Words,
    named_councils,
    unvoted,
)
from councilqa.answer.llm import OpenAIChat
from councilqa.answer.prose import Writer
from councilqa.answer.question_filter import named_committee, named_councils_held, stated_filter
from councilqa.answer.read import DECIDES, READ_HITS, Scored, Unit, quotes_of, read, units_of, word_scores
from councilqa.answer.relevance import CrossEncoder, Relevance
from councilqa.answer.units import answer_units, answering_unit
from councilqa.errors import InvalidInput
from councilqa.index.store import Index, Mode
from councilqa.records import (
    Answer,
    Chunk,
    Citation,
    Cited,
    Decision,
    Document,
    Hit,
    MinuteItem,
    Page,
    Quote,
    SearchFilter,
)
from councilqa.settings import Settings

log = logging.getLogger(__name__)

CLOSEST = "The closest passages are listed below."
COVERAGE_WEIGHT = 0.2  # of the quoted sentences' share of the question's words, in the `rules` evidence score
ABSTAIN = f"The papers don't appear to answer this. {CLOSEST}"
NO_INDEX = "Nothing is indexed yet. Run `councilqa ingest PATH` first."
NO_MODEL = "prose answers need a language model: set answer.llm.url and answer.llm.model (docs/llm.md)"
ANSWER_HITS = 5  # hits whose sentences may be quoted in the answer
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
RECENT = re.compile(r"\b(?:latest|current(?:ly)?|now|most recent|newest|up to date|to date)\b", re.I)
ITEM_REFERENCE = re.compile(r"^\s*\(Item\s+\d{1,3}[a-z]?\)", re.I)  # under a ModernGov item's heading
MORE_GAIN = 0.1  # share of the question's words a sentence must add to a decision's quotes to be quoted too
MORE_WORDS = 60  # … and at most this long (not a page's header run together)
# How well the best decision matches a decision question: the share of the question's distinctive words
# (rarity-weighted) its own record and its item's heading hold, plus the cosine of the question to its
# item title and text. Fitted on eval/decisions.jsonl while the words were counted in the whole item
# (every wrong or unanswerable decision there scored 0.64 or less, every right one 0.70 or more);
# counting them in the record alone gave the same answers on every set. At DECISION_LED the answer leads
# with the decision, at DECISION_CITED it is cited first.
DECISION_LED = 0.67
LEAD_WORDS = 100  # of a decision's record, read by the model before it may lead
DECISION_CITED = 0.5


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
        hidden = self.index.restricted()

        def restricted(citation: Citation) -> bool:
            paper = self.index.document(citation.doc)
            return paper is None or paper.sha256 in hidden

        yield from self.writer.write(answer, restricted)

    def plan(self, question: str, filters: SearchFilter | None = None) -> _Plan:
        """Step 1: what to search (`_plan`), with a refusal `answer.skip_checks` names dropped."""
        plan = self._plan(
            question, filters if filters is not None else SearchFilter(include_restricted=self.include_restricted)
        )
        if plan.refusal is not None and plan.refusal.check in self.skip:
            plan = replace(plan, refusal=None)
        return plan

    def retrieve(self, question: str, plan: _Plan, k: int) -> _Found:
        """Step 2: the passages found, each checked verbatim on its pages, and the decision that matches
        the question (its lead line's facts checked on its pages), with whether it leads (for a question
        that doesn't ask what was decided, the reader settles that: `settle`)."""
        hits = self._verified(
            self.index.search(question, k, plan.filters, self.mode, prefer=plan.prefer, recent=plan.recent)
        )
        decided, led = self._decision(question, plan)
        if_read = decided is not None and not is_decision_question(question)
        return _Found(hits, decided, led, if_read)

    def settle(self, question: str, found: _Found, k: int) -> tuple[_Found, _Units | None]:
        """Whether a decision the question doesn't ask about leads (`_Found.if_read`): it does when the
        reader's best unit of the passages read (the `k` found, and those beside them) is of its item (the
        reader finds the answer in its item); else it is not cited. With the reader's scores of those
        units, read once for both."""
        if not found.if_read or found.decided is None:
            return found, None
        hits = found.hits[:k]
        read_ = self._read(question, hits, None)
        best = read_.scored[0].unit if read_.scored else None
        if best is not None and _in_item(best, read_.passage(best.citation), found.decided):
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
        citations, hits = _cite(found.hits, found.decided, k)
        return self._units(hits, found.decided, len(citations) - len(hits) + 1)[0]

    def _units(
        self, hits: list[Hit], decided: _Decided | None, first_citation: int = 1
    ) -> tuple[list[Unit], list[Hit]]:
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
            for near in self._verified(nearby):
                if near.chunk.id in read_ or (decided is not None and _overlaps(near, decided)):
                    continue
                read_.add(near.chunk.id)
                if near.chunk.id not in number:
                    number[near.chunk.id] = first_citation + len(hits) + len(new)
                    new.append(near)
                beside.append((rank, number[near.chunk.id], near))
        return units_of(hits, first_citation, beside), new

    def _read(self, question: str, hits: list[Hit], decided: _Decided | None, first_citation: int = 1) -> _Units:
        """The reader's scores of the units of `hits` and of the passages beside them (`_units`)."""
        units, beside = self._units(hits, decided, first_citation)
        scored = read(question, units, self.relevance, self.index.words)
        return _Units(scored, hits, beside, first_citation)

    def read(self, question: str, found: _Found, k: int) -> _Reading:
        """Step 3: the citations, and the quotes chosen from them: a leading decision's record, what moved
        it and a sentence of its discussion; or the sentences of the passages that best answer, chosen by
        the reader (`answer.reader`: the rules, or the reader's model), with how strongly they do."""
        found, settled = self.settle(question, found, k)
        decided = found.decided
        citations, hits = _cite(found.hits, decided, k)
        answer = self.settings.answer
        if decided is not None and found.led:
            d = decided.decision
            moved = (Quote(2 if d.moved_at else 1, d.moved),) if d.moved else ()
            decided_text = decided_quote(d)  # "X proposed an amendment that …": the wording is in the moving sentence
            quotes = moved + (() if moved and decided_text in moved[0].text else (Quote(1, decided_text),))
            said = self._discussed(question, decided, quotes)
            if said is not None:
                citations, hits = _cite(found.hits, decided, k, said)
                quotes += tuple(Quote(c.rank, c.text) for c in citations if c.text == said.text)[:1]
            evidence = self.evidence(question, hits, quotes) if hits else None
            return _Reading(citations, quotes, evidence, decided, lead_line(d))
        if not hits:
            return _Reading(citations, (), None, decided)
        offset = len(citations) - len(hits)  # the decision's record, cited first but not led with
        if answer.reader == "rules":
            composed = compose(question, hits, answer.answer_sentences, self.index.words, answer.decided_gain)
            quotes = tuple(Quote(quote.citation + offset, quote.text) for quote in composed)
            return _Reading(citations, quotes, self.evidence(question, hits, quotes), decided)
        read_ = settled if settled is not None else self._read(question, hits, decided, offset + 1)
        scored = read_.scored  # beside the best unit, none the reader would not answer with alone
        scored = [*scored[:1], *(item for item in scored[1:] if item.relevance >= answer.min_relevance)]
        quotes = quotes_of(scored, answer.answer_sentences, needs_figure=bool(ASKS_AMOUNT.search(question)))
        cited, quotes = read_.cite(quotes)
        evidence = scored[0].relevance if scored else None
        return _Reading(
            (*citations, *cited), quotes, evidence, decided, reader=self.relevance.model_id, beside=len(cited)
        )

    def judge(self, question: str, plan: _Plan, reading: _Reading) -> tuple[Reason, ...]:
        """Step 5, answer or abstain: every reason the papers don't answer, the first of them the one the
        answer gives; none when it may answer. Every check is run (but those `answer.skip_checks` names),
        so that the eval can count each one's gains and losses: the plan's refusal; names and years no
        indexed paper holds; a vote asked for that none of the lead, quotes or cited decision records; the
        checks of the quotes (`Grounds.reasons`); too little evidence."""
        public_only = not plan.filters.include_restricted
        if not reading.citations:
            return ()
        reasons = [plan.refusal] if plan.refusal is not None else []
        grounds = self.grounds
        if public_only and (hidden := self.index.restricted()):  # a name only they hold is "unknown"
            grounds = replace(grounds, has_word=partial(self.index.has_word, hidden=hidden))
        reasons += self._unknown(grounds, question, reading.citations, plan.filters)  # no decision answers either
        texts = [quote.text for quote in reading.quotes]
        record = reading.decided.decision.excerpt if reading.decided is not None else None  # led with or not
        held = [reason for reason in [unvoted(question, [*texts, *filter(None, (reading.lead, record))])] if reason]
        if reading.lead is None and reading.quotes:
            ranked = {citation.rank: citation.doc for citation in reading.citations}
            papers = (
                [self.index.document(ranked[q.citation]) for q in reading.quotes]
                if ASKS_AMOUNT.search(question)
                else []
            )
            held += grounds.reasons(question, texts, [paper.known_by if paper else "" for paper in papers])
        reasons += [Reason(reason.check, f"{reason.message} {CLOSEST}") for reason in held]
        strong = reading.quotes and reading.evidence is not None and reading.evidence >= self.minimum
        if reading.lead is None and not strong:
            reasons.append(Reason("weak evidence", ABSTAIN))
        return tuple(reason for reason in reasons if reason.check not in self.skip)

    def respond(self, question: str, plan: _Plan, reading: _Reading, reasons: tuple[Reason, ...]) -> Answer:
        """Step 6: the answer as shown: the lead and quotes, with any part of the question they leave
        unanswered said so; or why there is no answer (nothing indexed; the first reason), with the
        closest passages cited. Each citation says whether OCR read its pages."""
        found = reading.citations[: len(reading.citations) - reading.beside]  # a passage beside is cited where quoted
        citations = tuple(replace(c, ocr=self._read_by_ocr(c)) for c in (found if reasons else reading.citations))
        quotes, lead = reading.quotes, reading.lead
        if not reading.citations:
            empty = self.index.is_empty(public_only=not plan.filters.include_restricted)
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

    def _decision(self, question: str, plan: _Plan) -> tuple[_Decided | None, bool]:
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
        decided = self._decided(question, plan)
        passes = decided is not None and self._leads(question, decided, threshold)
        return (decided if passes or asks else None), passes and asks

    def _leads(self, question: str, decided: _Decided, threshold: float) -> bool:
        """Whether the decision leads the answer: it matches the question (`DECISION_LED`) and its record,
        read under its item's title, answers it by the reader's model, at `threshold` or more
        (`answer.min_lead_relevance`, `answer.min_topic_lead_relevance`; fitted by `python -m
        councilqa.eval.fit_lead`). A decision that shares the question's words but is another item's (the
        final budget vote, for a question about a report noted at the same meeting) is cited, not led with."""
        if decided.score < DECISION_LED:
            return False
        d = decided.decision
        relevance = float(self.relevance.score(question, [lead_text(d)])[0])
        log.info("decision %s: relevance %.2f to the question", d.ordinal, relevance)
        return relevance >= threshold

    def _read_by_ocr(self, citation: Citation) -> bool:
        document = self.index.document(citation.doc)
        return document is not None and self.index.read_by_ocr(
            document.sha256, citation.pdf_page, citation.pdf_page_end
        )

    def _unknown(
        self, grounds: Grounds, question: str, citations: tuple[Citation, ...], filters: SearchFilter
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
        elsewhere = [year for year in grounds.written_years(question) if not self.index.mentioned(theirs, year)]
        if not elsewhere:
            return []
        naming = " or ".join(f"“{mention}”" for mention in filters.council_mentions or filters.councils)
        message = f"No paper of {' or '.join(filters.councils)}, nor any naming {naming}, mentions "
        return [Reason("unknown year", f"{message}{' or '.join(elsewhere)}. {CLOSEST}")]

    def _decided(self, question: str, plan: _Plan) -> _Decided | None:
        """The decision the question asks about: the best match, if it holds most of the question's
        distinctive words and every fact of its lead line checks out against its pages."""
        facets = self.index.facets(public_only=not plan.filters.include_restricted)
        newest = facets["meeting_date"][-1] if plan.recent and facets["meeting_date"] else None
        boost = preference(question, plan.prefer, named_committee(question, facets["committee"]), newest)
        found = self.index.search_decisions(question, 1, plan.filters, boost)
        if not found:
            return None
        hit = found[0]
        decision = hit.decision
        covered = self.coverage(question, hit.record, ignore=ASKING)
        match = covered + hit.similarity
        if match < DECISION_CITED:
            log.info("decision %s not cited: match %.2f (words %.2f)", decision.ordinal, match, covered)
            return None
        document = hit.documents[0]
        pages = self.index.pages(document.sha256)
        problems = unchecked_facts(hit.decision, pages)
        if problems:
            log.warning("decision %s of %s not shown: %s", hit.decision.ordinal, document.path, "; ".join(problems))
            return None
        return _Decided(hit.decision, hit.documents, match, hit.similarity, hit.item, pages)

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
        return max(hit.score for hit in hits) + COVERAGE_WEIGHT * self.coverage(question, quoted)

    def coverage(self, question: str, text: str, ignore: str = "") -> float:
        """The share of the question's words, weighted by their rarity in the index, that `text`
        holds. Question words ("how", "much") and the words of `ignore` don't count."""
        skip = QUESTION_WORDS | set(self.index.words(ignore))
        wanted = [word for word in dict.fromkeys(self.index.words(question)) if word not in skip]
        rarity = self.index.rarity(wanted)
        held = set(self.index.words(text))
        total = sum(rarity.values())
        return sum(weight for word, weight in rarity.items() if word in held) / total if total else 0.0

    def _discussed(self, question: str, decided: _Decided, quotes: tuple[Quote, ...]) -> Citation | None:
        """A sentence of the decision's item (its discussion) that answers what the quotes leave out
        (what was said, which risk, which figure), as a citation of its own page; None unless it adds
        `MORE_GAIN` of the question's words."""
        item = decided.item
        if item is None:
            return None
        sha256 = decided.documents[0].sha256
        rest = item.text
        for quote in quotes:  # what the answer quotes already is not a candidate
            rest = " ".join(rest.replace(quote.text, " ").split())
        if not rest:
            return None
        pseudo = Hit(Chunk(sha256, -1, rest, item.pdf_page, item.pdf_page_end, None, None, ""), 0.0, ())
        quoted = " ".join(quote.text for quote in quotes)
        said = compose(question, [pseudo], 1, self.index.words)[0].text
        if len(said.split()) > MORE_WORDS:
            return None
        gain = self.coverage(question, f"{quoted} {said}", ASKING) - self.coverage(question, quoted, ASKING)
        pages = (p for p in decided.pages if item.pdf_page <= p.pdf_page <= item.pdf_page_end)
        page = next((p for p in pages if said in " ".join(p.text.split())), None)
        if gain < MORE_GAIN or page is None:
            return None
        record = _decision_citations(decided)[0]
        return replace(record, pdf_page=page.pdf_page, pdf_page_end=page.pdf_page, printed_page=page.label, text=said)

    def _plan(self, question: str, explicit: SearchFilter) -> _Plan:
        """What to search: the filters given; the meeting the question names, ranked first (or a
        refusal when no indexed paper is from it or mentions it, or when the question asks what it
        decided and no minutes of it are indexed); a refusal when it asks what a council decided and no
        indexed paper is that council's; only the papers of a council it names, of no council known, and
        those naming it, where that leaves some out (`named_councils_held`); newer meetings first for
        "latest" questions."""
        recent = bool(RECENT.search(question))
        index = self.index
        public_only = not explicit.include_restricted  # what a reader may not see, no message may tell of
        named = named_councils(question) if is_decision_question(question) else []
        outside = [name for name in named if not index.minutes_council(name, public_only=public_only)]
        if outside and len(outside) == len(named):  # "Kent and Medway councillors": Kent's minutes may say
            councils = " and ".join(index.councils(public_only=public_only))
            held = f"the index holds papers of {councils}" if councils else "no indexed paper names its council"
            elsewhere = Reason(
                "no minutes of the council named",
                f"No indexed minutes are {outside[0]}'s ({held}), so the papers don't record what {outside[0]} "
                f"decided. {CLOSEST}",
            )
            return _Plan(explicit, None, None, elsewhere, recent)
        asked = named_councils_held(question, index.councils(public_only=public_only))
        within = replace(explicit, councils=asked.councils, council_mentions=asked.council_mentions)
        if not asked.councils or explicit.councils or not self._narrows(within, explicit):
            return self._plan_meeting(question, explicit, bool(explicit), recent)
        plan = self._plan_meeting(question, within, bool(explicit), recent)
        naming = " or ".join(f"“{mention}”" for mention in asked.council_mentions)
        told = f"Only papers of {' or '.join(asked.councils)}, papers of no council known, and papers naming {naming}"
        told += f" were searched{f', within {explicit.describe()}' if explicit else ''}."
        return replace(plan, note=f"{told} {plan.note}" if plan.note else told)

    def _narrows(self, within: SearchFilter, given: SearchFilter) -> bool:
        """Whether some paper passes `within` and fewer than pass `given` (in an index of one council's
        papers, or where every other council's papers name the place, a council filter leaves out none)."""
        passing = len(self.index.matching(within))
        return 0 < passing < len(self.index.matching(given))

    def _plan_meeting(self, question: str, explicit: SearchFilter, given: bool, recent: bool) -> _Plan:
        """`_plan` within `explicit` (the filters given, when `given`, and the councils the question names):
        the meeting the question names, ranked first."""
        index = self.index
        public_only = not explicit.include_restricted
        if given:
            return _Plan(explicit, None, None, None, recent)
        committees = index.facets(public_only=public_only)["committee"]
        stated = stated_filter(question, committees, date.today())
        if stated is None or stated.about_minutes:  # "the September 2009 minutes": approved at a later meeting
            return _Plan(explicit, None, None, None, recent)
        stated_filters = replace(
            stated.filters,
            include_restricted=explicit.include_restricted,
            councils=explicit.councils,
            council_mentions=explicit.council_mentions,
        )
        for candidate in (stated_filters, replace(stated_filters, committee=None)):
            if index.any_matching(candidate):
                note = f"Papers of {candidate.describe()} ranked first, as the question names {stated.phrase}."
                first, last = stated.filters.date_from, stated.filters.date_to
                refusal = None
                if is_decision_question(question) and not index.has_minutes(first, last, public_only=public_only):
                    refusal = Reason(
                        "no minutes of the meeting named",
                        f"No minutes of the meeting the question names ({stated.phrase}) are indexed, so the papers "
                        "don't record what was decided there. The closest passages are listed below.",
                    )
                return _Plan(explicit, candidate, note, refusal, recent)
        note = (
            f"The question names {stated.phrase}: no indexed paper is from {stated.filters.describe()} or mentions "
            f"it, so all papers{' of the council named' if explicit.councils else ''} were searched."
        )
        refusal = Reason(
            "meeting named not indexed",
            "No indexed paper is from that meeting or mentions it. "
            "The closest passages from all papers are listed below.",
        )
        return _Plan(explicit, None, note, refusal, recent)

    def _verified(self, hits: list[Hit]) -> list[Hit]:
        """The hits whose text occurs verbatim on their cited pages; any other is logged and dropped."""
        kept = []
        for hit in hits:
            chunk = hit.chunk
            if self.index.holds(chunk):
                also = tuple((c, d) for c, d in hit.also if self.index.holds(c))
                kept.append(replace(hit, also=also))
            else:
                log.warning(
                    "excerpt %s not found on its pages %s-%s: not shown", chunk.id, chunk.pdf_page, chunk.pdf_page_end
                )
        return kept


def lead_text(decision: Decision) -> str:
    """What the model reads of a decision before it may lead: its item's title, then its record's first
    `LEAD_WORDS` words. (Measured against what was decided or moved with its printed outcome, and the
    better of the two: the record kept more right leads with no wrong one, eval/fit_lead.py.)"""
    return f"{decision.item_title or ''}: {' '.join(decision.excerpt.split()[:LEAD_WORDS])}"


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


@dataclass(frozen=True)
class _Plan:
    """How a question is searched: filters that must hold, a meeting to rank first, a note saying
    so, a reason to refuse, and whether newer meetings rank first."""

    filters: SearchFilter
    prefer: SearchFilter | None
    note: str | None
    refusal: Reason | None
    recent: bool


@dataclass(frozen=True)
class _Found:
    """What `retrieve` found: passages checked on their pages, best first; the decision matching the
    question, if any; and whether it leads the answer. A decision the question doesn't ask about
    (`if_read`) leads only if the reader's best unit of the passages is of its item (`settle`)."""

    hits: list[Hit]
    decided: _Decided | None
    led: bool
    if_read: bool = False


@dataclass(frozen=True)
class _Units:
    """The reader's scores of the units of `hits` (cited from `first` on) and of the passages beside them,
    and those passages beside that are not among `hits` (`beside`: numbered after `hits`, as the units
    cite them)."""

    scored: list[Scored]
    hits: list[Hit]
    beside: list[Hit]
    first: int

    def passage(self, citation: int) -> Hit:
        """The passage a unit's citation number names."""
        return [*self.hits, *self.beside][citation - self.first]

    def cite(self, quotes: tuple[Quote, ...]) -> tuple[tuple[Citation, ...], tuple[Quote, ...]]:
        """The passages beside those found that `quotes` quote, cited after them in turn, and the quotes
        renumbered to match."""
        after = self.first + len(self.hits)  # the first number a passage beside has
        quoted = sorted({quote.citation for quote in quotes if quote.citation >= after})
        number = {old: after + new for new, old in enumerate(quoted)}
        cited = tuple(_citation(number[old], self.passage(old)) for old in quoted)
        return cited, tuple(replace(quote, citation=number.get(quote.citation, quote.citation)) for quote in quotes)


@dataclass(frozen=True)
class _Reading:
    """What `read` chose: the citations, best first; the quotes, each with the number of the citation it
    is quoted from; how strongly they answer; the decision cited first; its lead line when it leads; the
    reader's model, when it chose the quotes; how many of the citations, the last, are passages beside
    those found, cited because a quote quotes them."""

    citations: tuple[Citation, ...]
    quotes: tuple[Quote, ...]
    evidence: float | None
    decided: _Decided | None = None
    lead: str | None = None
    reader: str | None = None
    beside: int = 0


def verify(reading: _Reading) -> _Reading:
    """Step 4: only the quotes that stand verbatim in the citation they name (each citation's text was
    checked on its pages when it was found)."""
    quotes = tuple(
        q
        for q in reading.quotes
        if 0 < q.citation <= len(reading.citations) and q.text in reading.citations[q.citation - 1].text
    )
    return replace(reading, quotes=quotes)


@dataclass(frozen=True)
class _Decided:
    decision: Decision
    documents: tuple[Document, ...]
    score: float  # how well it matches the question (DECISION_LED, DECISION_CITED)
    similarity: float  # cosine of the question to it: its citation's score
    item: MinuteItem | None  # the item it was decided in
    pages: list[Page]  # the stored pages of the document holding it, read once


def _cite(
    hits: list[Hit], decided: _Decided | None, k: int, said: Citation | None = None
) -> tuple[tuple[Citation, ...], list[Hit]]:
    """Citations, best first: the decision's record, if one answers, and the sentence that moved it
    where that is pages before, and a sentence of its discussion the answer quotes; then the passages
    (less those within the record), `k` in all; and the passages cited."""
    if decided is None:
        return tuple(_citation(rank, hit) for rank, hit in enumerate(hits[:k], 1)), hits[:k]
    first = _decision_citations(decided)
    if said is not None:
        first = (*first, replace(said, rank=len(first) + 1))
    hits = [hit for hit in hits if not _overlaps(hit, decided)][: max(0, k - len(first))]
    return (*first, *(_citation(rank, hit) for rank, hit in enumerate(hits, len(first) + 1))), hits


def _in_item(unit: Unit, hit: Hit, decided: _Decided) -> bool:
    """Whether a unit read from passage `hit` is of the decision's own item (the item's heading and
    text, where the item is known) and shares a page with its record."""
    d = decided.decision
    if hit.chunk.doc_sha256 != decided.documents[0].sha256:
        return False
    if not (hit.chunk.pdf_page <= d.pdf_page_end and d.pdf_page <= hit.chunk.pdf_page_end):
        return False
    item = decided.item
    said = " ".join(unit.text.split())
    if item is None:
        return True
    if item.title and item.title in said:  # "16.03.7 Tree Management - Fell Lane Mr Joyce has …"
        said = ITEM_REFERENCE.sub("", said.split(item.title, 1)[1]).strip()  # and ModernGov's "(Item 4)"
    return said in " ".join(item.text.split()) or said in " ".join(d.excerpt.split())


def _overlaps(hit: Hit, decided: _Decided) -> bool:
    """Whether a passage says nothing the decision's record doesn't: it lies within it."""
    return hit.chunk.text in decided.decision.excerpt


def _decision_citations(decided: _Decided) -> tuple[Citation, ...]:
    """The decision's record as citation 1 (its excerpt and pages, its meeting's committee and date)
    and, when the sentence that moved it is on earlier pages, that sentence as citation 2."""
    d, document = decided.decision, decided.documents[0]
    copies = tuple(other.path for other in decided.documents[1:])
    record = _cited(1, document, d, d.excerpt, decided.similarity, d.item_title, copies)
    record = replace(record, committee=d.committee, meeting_date=d.meeting_date)  # the meeting the minutes record
    if d.moved is None or d.moved_at is None:
        return (record,)
    first, last, label = d.moved_at
    return record, replace(record, rank=2, pdf_page=first, pdf_page_end=last, printed_page=label, text=d.moved)


def _citation(rank: int, hit: Hit) -> Citation:
    document, chunk = hit.documents[0], hit.chunk
    copies = tuple(other.path for other in hit.documents[1:])
    copies += tuple(f"{paper.path}#page={passage.pdf_page}" for passage, paper in hit.also)
    return _cited(rank, document, chunk, chunk.text, hit.score, chunk.section, copies)


def _cited(  # noqa: PLR0917 - a citation's fields that are not its paper's
    rank: int, document: Document, at: Cited, text: str, score: float, section: str | None, copies: tuple[str, ...]
) -> Citation:
    """A citation of `text` on the pages `at` (a passage's, a decision's) of `document`, with its meeting."""
    return Citation(
        rank=rank,
        doc=document.path,
        pdf_page=at.pdf_page,
        pdf_page_end=at.pdf_page_end,
        printed_page=at.printed_page,
        text=text,
        score=score,
        title=document.title,
        committee=document.committee,
        meeting_date=document.meeting_date,
        section=section,
        copies=copies,
        url=document.url,
    )
