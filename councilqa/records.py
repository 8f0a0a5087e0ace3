"""Typed records passed between stages: ingest → index → app → eval.

They are plain frozen dataclasses. Conversion to Chroma metadata or JSON happens only at the edges
that need it (`councilqa.index.store`, `Answer.to_json`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal, NamedTuple

# What a paper is, as `Document.doc_type` says (ingest/metadata.py tells them apart; filters offer them)
DOC_TYPES = (
    "agenda frontsheet",
    "reports pack",
    "printed minutes",
    "report",
    "appendix",
    "strategy",
    "questions",
    "amendment",
)


@dataclass(frozen=True)
class Document:
    """One PDF file as ingested. `path` is relative to the ingest root it was found under (POSIX separators),
    so citations read the same on every machine; `root` is that root's absolute path, kept to re-read the file."""

    path: str
    root: str
    sha256: str
    title: str
    n_pages: int
    council: str | None = None
    committee: str | None = None
    meeting_date: str | None = None  # ISO date of the meeting the paper belongs to (or records)
    doc_type: str = "report"
    url: str | None = None  # the meeting's page on the council's site, where the paper was fetched from it

    @property
    def context(self) -> str:
        """Title, committee and date, as a header for the passages of this document."""
        meeting = ", ".join(part for part in (self.committee, self.meeting_date) if part)
        return f"{self.title} ({meeting})" if meeting else self.title

    @property
    def known_by(self) -> str:
        """What the paper is known by: its path, title, council and committee ("Ayton Community Council",
        "Minutes of Meeting 6 February 2018"), which a question names to choose the paper."""
        return " ".join(filter(None, (self.path, self.title, self.council, self.committee)))


@dataclass(frozen=True)
class Page:
    """One PDF page: its 1-based number in the file, the label it prints (or None), its text, and whether
    that text was read by OCR (a scanned page, with no text layer of its own)."""

    pdf_page: int
    label: str | None
    text: str
    ocr: bool = False


@dataclass(frozen=True)
class Chunk:
    """A passage of one document, verbatim from its pages.

    `text` is the page text with whitespace collapsed, so it occurs in the collapsed text of pages
    `pdf_page`..`pdf_page_end`. `header` is context (title, section) that is embedded with the text but
    never shown as a quote.
    """

    doc_sha256: str
    ordinal: int
    text: str
    pdf_page: int
    pdf_page_end: int
    printed_page: str | None
    section: str | None
    header: str

    @property
    def id(self) -> str:
        return f"{self.doc_sha256}:{self.ordinal}"

    @property
    def embed_text(self) -> str:
        return f"{self.header}\n{self.text}" if self.header else self.text


OUTCOMES = ("carried", "lost", "agreed", "noted", "deferred", "withdrawn")


@dataclass(frozen=True)
class Votes:
    """A vote as the minutes record it. `printed` holds the phrases as they stand on the page ("For
    (9)", "Against (41)", "Abstain (8)"; "carried by 30 votes to 12"), to quote and to check."""

    in_favour: int
    against: int | None  # None where the minutes print no "Against"
    abstained: int | None
    printed: tuple[str, ...]
    names_for: tuple[str, ...] = ()
    names_against: tuple[str, ...] = ()
    names_abstained: tuple[str, ...] = ()

    def describe(self) -> str:
        """The vote as printed: "For (9), Against (41), Abstain (8)"."""
        return ", ".join(self.printed)


@dataclass(frozen=True)
class MinuteItem:
    """One item of a meeting's minutes ("290. Section 25 Report"): its whole text, verbatim with
    whitespace collapsed (for search), the pages it spans, and the meeting it belongs to."""

    ordinal: int
    number: str | None
    title: str | None
    text: str
    pdf_page: int
    pdf_page_end: int
    printed_page: str | None
    committee: str | None
    meeting_date: str | None

    @property
    def heading(self) -> str | None:
        """Number and title: "290. Section 25 Report", "16.03.7 Tree Management"."""
        if self.title is None:
            return None
        if self.number and "." in self.number:
            return f"{self.number} {self.title}"
        return f"{self.number}. {self.title}" if self.number else self.title


@dataclass(frozen=True)
class Decision:
    """One decision of a meeting, read from its minutes.

    `kind` is "resolution" (a RESOLVED block alone), "motion", "substantive motion" or "amendment";
    `outcome` one of `OUTCOMES`. `text` is what was decided or proposed and `excerpt` the record
    around it (motion, vote, outcome and RESOLVED block as they stand), both verbatim with
    whitespace collapsed; `excerpt` occurs on PDF pages `pdf_page`..`pdf_page_end` and holds `text`
    and every printed vote. `item` is the ordinal of its `MinuteItem`.
    """

    ordinal: int
    item: int | None
    item_title: str | None
    kind: str
    outcome: str
    outcome_printed: str | None  # the outcome as printed ("Amendment lost"), where the minutes print one
    text: str
    excerpt: str
    pdf_page: int
    pdf_page_end: int
    printed_page: str | None
    committee: str | None
    meeting_date: str | None
    votes: Votes | None = None
    proposer: str | None = None
    seconder: str | None = None
    moved: str | None = None  # the sentence that moved it, verbatim: "Mr Hook proposed, and ... seconded the ..."
    moved_at: tuple[int, int, str | None] | None = None  # its PDF pages and printed label, when not in `excerpt`
    delegated: tuple[str, ...] = ()
    unanimous: bool = False

    @property
    def embed_text(self) -> str:
        """What is embedded to find it: its item's heading and what was decided or proposed."""
        return f"{self.item_title or ''}. {self.text}"


@dataclass(frozen=True)
class Meeting:
    """A meeting of one committee on one day, and the indexed papers that are from it or minute it."""

    council: str | None
    committee: str | None
    date: str
    documents: tuple[str, ...]


@dataclass(frozen=True)
class Counts:
    """How much an index holds, as one kind of user may see it (for the public, no skipped files)."""

    documents: int
    unique_contents: int
    pages: int
    chunks: int
    skipped: int


@dataclass(frozen=True)
class Facets:
    """The values a filter can take, as present in the papers one kind of user may see, sorted."""

    committees: list[str]
    doc_types: list[str]
    meeting_dates: list[str]


@dataclass(frozen=True)
class Holdings:
    """What an index holds, as one kind of user may see it (`Papers.overview`)."""

    counts: Counts
    documents: list[Document]
    meetings: list[Meeting]
    restricted: dict[str, str] = field(default_factory=dict)  # content sha256 -> why it is restricted
    skipped: list[tuple[str, str, str]] = field(default_factory=list)  # path, reason, detail


@dataclass(frozen=True)
class Hit:
    """A chunk found by search (its text checked on its pages), with its score and every document that
    holds it. `also` lists the same passage found in other, not byte-identical papers (a report in two
    meetings' packs), with the pages it has there; `ocr`, whether OCR read any of its pages."""

    chunk: Chunk
    score: float
    documents: tuple[Document, ...]
    also: tuple[tuple[Chunk, Document], ...] = ()
    ocr: bool = False


def same_decision(decision: Decision) -> tuple[str | None, str | None, str]:
    """A key that is equal for the same decision recorded in two papers (printed minutes, and the
    same minutes in a later meeting's pack): its meeting and the start of its record."""
    return decision.meeting_date, decision.committee, " ".join(decision.excerpt.split()[:40])


@dataclass(frozen=True)
class DecisionHit:
    """A decision found by search, with every document that records it and its score."""

    decision: Decision
    documents: tuple[Document, ...]
    score: float
    similarity: float = 0.0  # cosine of the question to the decision's `embed_text`
    item: MinuteItem | None = None  # the item it was decided in
    record: str = ""  # its meeting, item heading and own record, without the rest of the item


@dataclass(frozen=True)
class Citation:
    """An excerpt shown to the user, in the JSON contract's shape (see `Answer.to_json`)."""

    rank: int
    doc: str
    pdf_page: int
    pdf_page_end: int
    printed_page: str | None
    text: str
    score: float
    title: str
    committee: str | None
    meeting_date: str | None
    section: str | None
    copies: tuple[str, ...] = ()  # other paths holding the identical file
    url: str | None = None  # the meeting's page on the council's site (`Document.url`)
    ocr: bool = False  # a page it cites was read by OCR (a scan)


@dataclass(frozen=True)
class SearchFilter:
    """Which papers a search may cite. Every field that is set must hold; None means any.

    `committee` matches any part of the committee's name, in any case; dates are ISO days, inclusive,
    compared with the meeting date (a paper with no meeting date fails a date filter) — or, when
    `mentions` is given, a paper of another date passes if one of its pages holds one of those
    phrases (a pack carrying the minutes of the meeting asked about); `doc` is a document path.
    With `councils`, a paper passes if its council is one of them, its council is not known, or one of
    its pages holds one of `council_mentions` (the councils' names, or places the question names): a
    paper known to be another council's that doesn't name them can't say what these did.
    Restricted papers pass only with `include_restricted`.
    """

    committee: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    doc_type: str | None = None
    doc: str | None = None
    mentions: tuple[str, ...] = ()
    include_restricted: bool = False  # restricted (exempt) papers too: for members and officers only
    councils: tuple[str, ...] = ()
    council_mentions: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        """Whether it narrows the papers beyond who may see them."""
        return any(value for name, value in asdict(self).items() if name != "include_restricted")

    def describe(self) -> str:
        """The filter as users read it: "committee ~ cabinet, meetings 2025-02-01 to 2025-02-28"."""
        parts = []
        if self.councils:
            named = " or ".join(f'"{mention}"' for mention in self.council_mentions)
            parts.append(f"papers of {' or '.join(self.councils)}, of no council known, or naming {named}")
        if self.committee is not None:
            parts.append(f"committee ~ {self.committee}")
        if self.date_from is not None or self.date_to is not None:
            if self.date_from == self.date_to:
                parts.append(f"meetings on {self.date_from}")
            else:
                parts.append(f"meetings {self.date_from or 'any date'} to {self.date_to or 'any date'}")
            if self.mentions:
                parts[-1] += " (or papers mentioning " + " or ".join(f'"{m}"' for m in self.mentions) + ")"
        if self.doc_type is not None:
            parts.append(f"document type {self.doc_type}")
        if self.doc is not None:
            parts.append(f"document {self.doc}")
        return ", ".join(parts) or "all papers"


@dataclass(frozen=True)
class DecisionFilter:
    """Which decisions to list. `committee` matches part of the name in any case; dates are ISO days,
    inclusive; `outcome` is one of `OUTCOMES`; every word of `search` must occur in the decision, its
    item's heading or the item's text (discussion, motions and votes). Decisions in restricted papers
    pass only with `include_restricted`."""

    committee: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    search: str | None = None
    outcome: str | None = None
    include_restricted: bool = False  # decisions in restricted (exempt) papers too


@dataclass(frozen=True)
class Quote:
    """One sentence of the answer, verbatim from the excerpt of citation number `citation`."""

    citation: int
    text: str


class Minutes(NamedTuple):
    """What a document's minutes record: items in order, and decisions in order."""

    items: list[MinuteItem]
    decisions: list[Decision]


@dataclass(frozen=True)
class Paper:
    """A paper as ingest read it, ready for the index to store: what it is, its pages and chunks, what its
    minutes record, why it is restricted (source, why) if it is, and what the parser repaired or read by OCR."""

    document: Document
    pages: list[Page]
    chunks: list[Chunk]
    minutes: Minutes | None
    restriction: tuple[str, str] | None
    warnings: tuple[str, ...] = ()
    ocr_notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Sentence:
    """One sentence of a prose answer, written by a language model, and the excerpts (citation numbers)
    it rests on. Shown only once `answer.prose`'s checks found it on them."""

    text: str
    citations: tuple[int, ...]


@dataclass(frozen=True)
class Dropped:
    """A sentence the language model wrote that was not shown, and why (a figure, date, name or outcome
    not in the excerpts it cites, a citation that names none, too little of it in them)."""

    text: str
    citations: tuple[int, ...]
    reason: str


@dataclass(frozen=True)
class Answer:
    """What `ask` returns: the answer shown to the user and the citations behind it.

    `answer` is the text shown: the `quotes` each followed by its citation number, or the reason
    there is no answer. `filters` is what the search was limited to, and `filter_note` says where it
    came from ("from the question") or why a filter named in the question was not applied.
    """

    question: str
    answer: str
    abstained: bool
    citations: tuple[Citation, ...]
    timings_ms: dict[str, float] = field(default_factory=dict)
    quotes: tuple[Quote, ...] = ()
    filters: SearchFilter = field(default_factory=SearchFilter)
    filter_note: str | None = None
    evidence: float | None = None  # the score abstention is decided on (AnswerSettings.min_evidence, min_relevance)
    decision: Decision | None = None  # the decision a decision question is answered from
    outcome: str | None = None  # the line the answer leads with: the decision's outcome, meeting and vote
    reader: str | None = None  # the model that chose the quotes (its name, package, version and hash)
    checks: tuple[str, ...] = ()  # the checks that found a reason not to answer, the first one said
    answer_mode: Literal["quotes", "prose"] = "quotes"  # prose: `answer` is a language model's checked sentences
    sentences: tuple[Sentence, ...] = ()  # the prose shown (after the lead), each checked on its excerpts
    dropped: tuple[Dropped, ...] = ()  # the prose not shown, with why
    prose_note: str | None = None  # why prose was asked for but the quotes are shown ("… could not be reached")

    def to_json(self) -> dict[str, Any]:
        """The `ask --json` record of docs/design.md, key for key."""
        return {
            "question": self.question,
            "answer": self.answer,
            "abstained": self.abstained,
            "citations": [{**asdict(c), "score": round(c.score, 4), "copies": list(c.copies)} for c in self.citations],
            "timings_ms": {name: round(ms, 1) for name, ms in self.timings_ms.items()},
            "quotes": [asdict(quote) for quote in self.quotes],
            "filters": {
                name: list(value) if isinstance(value, tuple) else value
                for name, value in asdict(self.filters).items()
                if value
            },
            "filter_note": self.filter_note,
            "evidence": None if self.evidence is None else round(self.evidence, 4),
            "outcome": self.outcome,
            "reader": self.reader,
            "checks": list(self.checks),
            "decision": None if self.decision is None else decision_json(self.decision),
            "answer_mode": self.answer_mode,
            "sentences": [{"text": s.text, "citations": list(s.citations)} for s in self.sentences],
            "dropped": [{"text": d.text, "citations": list(d.citations), "reason": d.reason} for d in self.dropped],
            "prose_note": self.prose_note,
        }


def decision_json(decision: Decision) -> dict[str, Any]:
    """A decision as JSON: its fields, less the excerpt (the citation carries it)."""
    fields = asdict(decision)
    del fields["excerpt"]
    fields["votes"] = votes_json(decision.votes)
    fields["delegated"] = list(decision.delegated)
    return fields


def votes_json(votes: Votes | None) -> dict[str, Any] | None:
    """A vote as JSON: counts, and the printed phrases and named lists as lists."""
    if votes is None:
        return None
    return {name: list(value) if isinstance(value, tuple) else value for name, value in asdict(votes).items()}
