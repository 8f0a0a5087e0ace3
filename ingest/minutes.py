"""Minutes as records: the items of each meeting they record, and each item's decisions.

Pure: no I/O. Minutes start where a page says so ("MINUTES of a meeting of the County Council held
... on 13 February 2025"; a reports pack carries the minutes of earlier meetings, and each belongs to
its own meeting) or, for printed minutes that don't say, at the first page, with the meeting the
caller gives. They end at "The meeting closed/concluded ...", at an "Agenda Item N" sheet, or where
the next minutes start.

Items are numbered headings: "290.   Section 25 Report" over "(Item 5)" (ModernGov), "7 CENTRAL
AND EASTERN CHESHIRE PRIMARY CARE TRUST", "38. Riverside Leisure Centre Refurbishment", a parish
council's minute reference "16.03.7 Tree Management - Fell Lane". Item numbers rise through a meeting,
so a numbered paragraph ("1. Mr Gough proposed ...") is not taken for one.

Decisions are read in the forms these papers use (`forms.py`: motions and amendments moved, votes,
outcomes, RESOLVED blocks, and decisions written as a sentence: "It was resolved to opt for Group 3").
A vote or outcome settles the latest open motion of the item (or the one whose paragraph it names, or
the substantive motion); a RESOLVED block or decided sentence that follows a carried or unvoted motion
records that motion's decision.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from councilqa.ingest.forms import (
    DECIDED,
    DEFERRED,
    DELEGATED,
    IN_FAVOUR,
    MOTION,
    MOVED_END,
    OUTCOME,
    OUTCOME_SYNONYMS,
    PARAGRAPH,
    PROPOSED_BY,
    QUOTED,
    RESOLVED,
    SENTENCE,
    SENTENCE_END,
    SUB_PART,
    TALLY,
    VOTE_FOR,
    VOTES_BY,
    person,
    read_votes,
    resolution_outcome,
    votes_by,
)
from councilqa.ingest.labels import label_line
from councilqa.ingest.metadata import MINUTES_OF, minutes_meeting
from councilqa.records import Decision, MinuteItem, Minutes, Page, Votes

# Part of the index stamp: raise councilqa/versions.py's MINUTES when the decisions read change.

ITEM = re.compile(r"^(?:(?:Item|Minute)\s+)?(?P<number>\d{1,3}(?:\.\d{1,3}){0,2})\.?\s+(?P<title>\S.*)$")
ITEM_REF = re.compile(r"^\(Item\s+\d{1,3}[a-z]?\)$", re.IGNORECASE)  # ModernGov: "(Item 5)" under the heading
PERSON = r"(?:Mr|Mrs|Ms|Miss|Dr|Sir|Dame|Lord|Councillor|Cllr)\b"
NOT_A_TITLE = re.compile(rf"^(?:{PERSON}|RESOLVED\b|Resolved\b|AGREED\b)")  # a numbered paragraph, not an item
NOT_A_PLAIN_TITLE = re.compile(
    r"^(?:The|It|This|That|These|There|Members?|Following|Further|Agreed?|Notes?|To|In|As|He|She|They)\b"
)
END = re.compile(
    r"^(?:The meeting (?:closed|ended|finished|concluded|commenced|rose)\b|Meeting (?:closed|ended)\b|"
    r"Agenda Item \d+$|This page is intentionally left blank)",
    re.IGNORECASE,
)
ANY = re.compile(r".+", re.DOTALL)
NEAR_PAGES = 2  # a motion's text joins its decision's excerpt only within this many pages of the vote
SENTENCE_BREAK = re.compile(
    r"[.!?](?=\s)|[•●▪\uf0b7]|:-?(?=\s*\n)|\bPage\s+\d+(?:\s+of\s+\d+)?(?=\s*\n)"
)  # where a decided sentence may start after
FULL_STOP = re.compile(SENTENCE_END)
LONGEST_SENTENCE = 400  # characters either side of a decided sentence's words that it may span


_Span = tuple[str | None, str | None, int, int]  # an item's number, title, first line and the line after its last


@dataclass
class _Text:
    """The document's lines joined by "\\n", with the page each line is on."""

    pages: Sequence[Page]
    lines: list[str] = field(default_factory=list)
    starts: list[int] = field(default_factory=list)
    line_pages: list[Page] = field(default_factory=list)
    text: str = ""

    def __post_init__(self) -> None:
        offset = 0
        for page in self.pages:
            for raw in page.text.splitlines():
                line = " ".join(raw.split())
                if line:
                    self.lines.append(line)
                    self.starts.append(offset)
                    self.line_pages.append(page)
                    offset += len(line) + 1
        self.text = "\n".join(self.lines)
        self.labels = {
            i
            for i, line in enumerate(self.lines)
            if line == label_line(self.line_pages[i].text, self.line_pages[i].label)
        }

    def page_at(self, offset: int) -> Page:
        return self.line_pages[max(0, bisect.bisect_right(self.starts, offset) - 1)]

    def span(self, start: int, end: int) -> str:
        return self.text[start:end].replace("\n", " ").strip()


@dataclass
class _Motion:
    """A motion or amendment moved in an item, until a vote or RESOLVED block settles it."""

    start: int
    kind: str  # "motion" or "amendment"
    text_start: int
    text_end: int
    paragraph: str | None  # its paragraph number, which a vote may name ("set out in paragraph 15")
    proposer: str | None
    seconder: str | None
    moved_end: int  # end of the sentence moving it ("Mr Hook proposed, and Mr Streatfeild seconded the ...:")
    settled: bool = False


def read_minutes(pages: Sequence[Page], meeting: tuple[str | None, str | None] | None = None) -> Minutes:
    """The items and decisions of every meeting minuted in `pages`. `meeting` (committee, date) is
    the document's own, for printed minutes: it applies from the first page until minutes that name
    another meeting start.

    >>> pages = [Page(1, None, "Minutes of a meeting of the Cabinet held on 9 January 2025\\n"
    ...                    "5. Budget Update\\nCllr A Smith proposed an amendment to cut fees. The amendment was "
    ...                    "put to the vote and was lost: For (2), Against (5).\\nRESOLVED: That the budget be noted.")]
    >>> [(d.kind, d.outcome, d.item_title, d.meeting_date) for d in read_minutes(pages).decisions]
    [('amendment', 'lost', '5. Budget Update', '2025-01-09'), ('resolution', 'noted', '5. Budget Update', '2025-01-09')]
    """
    text = _Text(pages)
    items: list[MinuteItem] = []
    decisions: list[Decision] = []
    for committee, when, first, last in _meetings(text, meeting):
        for span in _items(text, first, last):
            item = _item(text, len(items), span, (committee, when))
            items.append(item)
            decisions += _decisions(text, item, span[2], span[3], len(decisions))
    return Minutes(items, decisions)


def _meetings(
    text: _Text, meeting: tuple[str | None, str | None] | None
) -> list[tuple[str | None, str | None, int, int]]:
    """(committee, date, first line, line after the last) of each minuted meeting."""
    starts: list[tuple[int, str | None, str | None]] = [(0, *meeting)] if meeting else []
    for match in MINUTES_OF.finditer(text.text):
        committee, when = minutes_meeting(match)
        heading = match.group(0)[0] == "M" and (match.start() == 0 or text.text[match.start() - 1] == "\n")
        if committee and heading:  # not "To receive the minutes of the meeting of ... held on" in an agenda
            line = bisect.bisect_right(text.starts, match.start()) - 1
            if line <= 2 and meeting and meeting[0] and when == meeting[1]:
                committee = meeting[0]  # the document's own meeting, by the name its publisher gives it
            starts = [s for s in starts if s[0] != 0 or line > 2] + [(line, committee, when)]
    found = []
    for n, (line, committee, when) in enumerate(sorted(starts)):
        stop = starts[n + 1][0] if n + 1 < len(starts) else len(text.lines)
        end = next((i for i in range(line + 1, stop) if END.match(text.lines[i])), stop)
        found.append((committee, when, line, end))
    return found


def _items(text: _Text, first: int, last: int) -> list[_Span]:
    """(number, title, first line, line after the last) of each item; lines before the first
    numbered item form an untitled one."""
    headings: list[tuple[int, int, str, str]] = []  # (line, body line, number, title)
    previous: tuple[int, ...] = ()
    seen: set[tuple[int, ...]] = set()
    for i in range(first, last):
        found = ITEM.match(text.lines[i])
        if not found or not _next(_order(found["number"]), previous, seen):
            continue
        title, body = _title(text, i, last, found["title"])
        if title is not None:
            headings.append((i, body, found["number"], title))
            previous = _order(found["number"])
            seen.add(previous)
    spans: list[_Span] = []
    if not headings or headings[0][0] > first + 1:
        spans.append((None, None, first, headings[0][0] if headings else last))
    for n, (_, body, number, title) in enumerate(headings):
        stop = headings[n + 1][0] if n + 1 < len(headings) else last
        spans.append((number, title, body, stop))
    return [span for span in spans if span[2] < span[3]]


def _order(number: str) -> tuple[int, ...]:
    """An item number as it sorts: "7" → (7,), "16.03.7" → (16, 3, 7)."""
    return tuple(int(part) for part in number.split("."))


def _next(number: tuple[int, ...], previous: tuple[int, ...], seen: set[tuple[int, ...]]) -> bool:
    """Whether an item numbered `number` may follow one numbered `previous`: a higher number; or a
    minute reference ("19.05.01") of the same meeting's series not used yet, which minutes sometimes
    print out of order."""
    if number > previous:
        return True
    return len(number) == len(previous) == 3 and number[:2] == previous[:2] and number not in seen


def _title(text: _Text, line: int, last: int, title: str) -> tuple[str | None, int]:
    """The item title starting on `line` and the first line after it, or None if it isn't one."""
    if NOT_A_TITLE.match(title):
        return None, line + 1
    ahead = text.lines[line + 1 : min(line + 4, last)]
    ref = next((n for n, following in enumerate(ahead) if ITEM_REF.match(following)), None)
    if ref is not None and not any(
        ITEM.match(following) for following in ahead[:ref]
    ):  # ModernGov: the title runs on to the "(Item N)" line
        return " ".join([title, *ahead[:ref]]), line + ref + 2
    if _upper(title):
        body = line + 1
        while body < last and _upper(text.lines[body]) and not ITEM.match(text.lines[body]):
            title = f"{title} {text.lines[body]}"
            body += 1
        return title, body
    words = title.split()
    if len(words) <= 12 and not NOT_A_PLAIN_TITLE.match(title) and title[-1] not in ".:;," and title[0].isupper():
        return title, line + 1
    return None, line + 1


def _upper(line: str) -> bool:
    letters = [c for c in line if c.isalpha()]
    return len(letters) >= 3 and all(c.isupper() for c in letters)


def _item(text: _Text, ordinal: int, span: _Span, meeting: tuple[str | None, str | None]) -> MinuteItem:
    number, title, start, end = span
    begin, stop = text.starts[start], text.starts[end - 1] + len(text.lines[end - 1])
    first, last = text.line_pages[start], text.line_pages[end - 1]
    return MinuteItem(
        ordinal, number, title, text.span(begin, stop), first.pdf_page, last.pdf_page, first.label, *meeting
    )


def _decisions(text: _Text, item: MinuteItem, first_line: int, end_line: int, ordinal: int) -> list[Decision]:
    """The decisions of one item, in order."""
    begin, stop = text.starts[first_line], text.starts[end_line - 1] + len(text.lines[end_line - 1])
    reader = _Reader(text)
    events: list[tuple[str, re.Match[str]]] = []
    for kind, pattern in (
        ("motion", MOTION),
        ("outcome", OUTCOME),
        ("votes_by", VOTES_BY),
        ("votes_by", IN_FAVOUR),
        ("vote", VOTE_FOR),
    ):
        events += [(kind, m) for m in pattern.finditer(text.text, begin, stop)]
    resolved = _resolved_blocks(text, first_line, end_line)
    events += [("resolved", m) for m in resolved]
    decided = _decided_sentences(text, begin, stop, [*resolved, *(m for k, m in events if k != "votes_by")])
    events = [(k, m) for k, m in events if not any(d.start() <= m.start() < d.end() for d in decided)]
    events += [("decided", m) for m in decided]
    events += [
        ("deferred", m)
        for m in DEFERRED.finditer(text.text, begin, stop)
        if not any(r.start() <= m.start() < r.end() for r in [*resolved, *decided])
    ]
    for kind, found in sorted(events, key=lambda event: event[1].start()):
        reader.read(kind, found, stop)
    return reader.decisions(item, ordinal)


def _decided_sentences(text: _Text, begin: int, stop: int, taken: list[re.Match[str]]) -> list[re.Match[str]]:
    """Each sentence between `begin` and `stop` that records a decision in words ("It was resolved to
    ...", "After a vote (8-1) it was agreed to ...", "Proposed by RW and seconded by RB", "with four
    members in favour and five against"), as a match of its whole text; none that overlaps a RESOLVED
    block, or a motion, outcome or vote read already."""
    spans: list[tuple[int, int]] = []
    opening = False  # the last span only proposes ("Proposed by X, seconded by Y.") or votes ("the CC voted in
    # support of option 2 or 3."): the decision, when the next sentence is one, follows it
    words = sorted(
        (m for form in (DECIDED, PROPOSED_BY, IN_FAVOUR) for m in form.finditer(text.text, begin, stop)),
        key=lambda m: m.start(),
    )
    for said in words:
        if spans and said.start() < spans[-1][1]:
            continue
        start, end = _sentence(text.text, said.start(), begin, stop)
        proposal = said.re is PROPOSED_BY
        if proposal and not text.text[start : said.start()].strip():  # "... approved. Proposed by RW"
            start = _sentence(text.text, max(begin, start - 2), begin, stop)[0]
        if any(start < other.end() and other.start() < end for other in taken if _read_already(other)):
            continue
        joins = opening and not text.text[spans[-1][1] : start].strip()
        if spans and (start < spans[-1][1] or joins):  # one decision: its words said twice, or after its proposer
            spans[-1] = (spans[-1][0], max(end, spans[-1][1]))
        elif end - start >= 12:
            spans.append((start, end))
        opening = (proposal and start == said.start()) or said.group(0).lower().endswith("voted")
    return [m for start, end in spans if (m := ANY.match(text.text, start, end))]


def _read_already(found: re.Match[str]) -> bool:
    """Whether a match read before decided sentences are makes one overlapping it no decision of its
    own: all do but a bare "agreed unanimously", which is the sentence's own outcome."""
    return found.re is not OUTCOME or bool(found["what"] or found["put"])


def _sentence(text: str, at: int, begin: int, stop: int) -> tuple[int, int]:
    """The start and end of the sentence holding offset `at`, within `begin`..`stop`."""
    floor = max(begin, at - LONGEST_SENTENCE)
    breaks = [m.end() for m in SENTENCE_BREAK.finditer(text, floor, at)]
    if breaks:
        start = breaks[-1]
    elif floor > begin:  # no break within reach: from the first line that starts in it
        start = text.find("\n", floor, at) + 1 or floor
    else:
        start = begin
    while start < at and text[start].isspace():
        start += 1
    end_at = FULL_STOP.search(text, at, min(stop, at + LONGEST_SENTENCE))
    if end_at:
        end = end_at.end()
    else:
        line_end = text.find("\n", at, stop)
        end = line_end if line_end != -1 else stop
    return start, end


@dataclass
class _Draft:
    """A decision being read: offsets of its text and of the parts its excerpt spans."""

    kind: str
    outcome: str
    text: tuple[int, int]
    parts: list[tuple[int, int]]
    votes: Votes | None = None
    proposer: str | None = None
    seconder: str | None = None
    unanimous: bool = False
    resolved: bool = False  # a RESOLVED block has been joined to it
    printed: tuple[int, int] | None = None  # the outcome as the minutes print it: "Amendment lost"
    settles: _Motion | None = None  # the motion it records the result of
    moved: _Motion | None = None  # the same, when the sentence moving it is in the excerpt

    @property
    def start(self) -> int:
        return min(start for start, _ in self.parts)

    @property
    def end(self) -> int:
        return max(end for _, end in self.parts)


class _Reader:
    """Turns an item's events (motions, votes, outcomes, RESOLVED blocks) into decisions."""

    def __init__(self, text: _Text) -> None:
        self.text = text
        self.motions: list[_Motion] = []
        self.drafts: list[_Draft] = []
        self.vote: tuple[_Motion | None, Votes, int] | None = None  # a vote waiting for its outcome
        self.unanimous_at = -1_000

    def read(self, kind: str, found: re.Match[str], stop: int) -> None:
        if kind == "motion":
            self.motions.append(self._motion(found, stop))
            self.vote = None  # a vote no outcome followed is not this motion's
        elif kind in ("vote", "votes_by"):
            votes, vote_end = read_votes(self.text.text, found, stop) if kind == "vote" else votes_by(found)
            last = self.drafts[-1] if self.drafts else None
            if last is not None and last.votes is None and -40 <= found.start() - last.end < 60:
                last.votes = votes  # "was put to the vote and was lost: For (2), Against (5)"
                last.parts.append((found.start(), vote_end))
            else:
                self.vote = (self._target(found.start()), votes, found.start())
        elif kind == "outcome":
            self._outcome(found)
        elif kind == "deferred":
            span = (found.start(), found.end())
            self.drafts.append(_Draft("resolution", "deferred", span, [span], printed=span))
        elif kind == "resolved":
            self._resolved(found.start(), found.end())
        elif kind == "decided":
            self._decided(found)

    def _motion(self, found: re.Match[str], stop: int) -> _Motion:
        after = self.text.text[found.end() : found.end() + 60].lower()
        kind = "amendment" if "amendment" in after else "motion"
        quoted = QUOTED.search(self.text.text, found.end(), min(stop, found.end() + 4000))
        if quoted and not re.search(SENTENCE_END, self.text.text[found.end() : quoted.start()]):
            text_start, text_end = quoted.start("text"), quoted.end("text")
        else:  # "seconded that Mr G Cooke be elected to Chair the meeting."
            sentence = SENTENCE.match(self.text.text, found.end())
            text_start, text_end = found.end(), sentence.end() if sentence else found.end()
            text_start += len(self.text.text[text_start:text_end]) - len(
                self.text.text[text_start:text_end].lstrip(" ,\n")
            )
        line = bisect.bisect_right(self.text.starts, found.start()) - 1
        paragraph = PARAGRAPH.match(self.text.lines[line])
        return _Motion(
            start=found.start(),
            kind=kind,
            text_start=text_start,
            text_end=text_end,
            paragraph=paragraph["number"] if paragraph else None,
            proposer=person(found["proposer"] or found["mover"] or found["alone"]),
            seconder=person(found["seconder"] or found["second"]),
            moved_end=_end_of(MOVED_END.search(self.text.text, found.end()), found.end()),
        )

    def _target(self, at: int) -> _Motion | None:
        """The motion a vote at `at` is on: the one whose paragraph the sentence before names, the
        item's first for "the substantive motion", else the latest one not yet settled."""
        before = self.text.text[max(0, at - 400) : at]
        if re.search(r"substantive\s+motion|motion\s+as\s+amended", before, re.IGNORECASE):
            return next((m for m in self.motions if m.kind == "motion"), None)
        named = re.findall(r"paragraph\s+(\d{1,3})", before)
        for motion in self.motions:
            if named and motion.paragraph == named[-1]:
                return motion
        return next((m for m in reversed(self.motions) if not m.settled), None)

    def _outcome(self, found: re.Match[str]) -> None:
        unanimous = bool(found["unanimous"])
        word = (found["outcome"] or found["put"] or "agreed").lower()
        outcome = OUTCOME_SYNONYMS.get(word, word)
        what = (found["what"] or "").lower()
        if self.vote is not None:
            motion, votes, record_start = self.vote
        else:
            motion, votes, record_start = self._target(found.start()), None, found.start()
        self.vote = None
        earlier = next((d for d in self.drafts if motion is not None and d.settles is motion), None)
        if earlier is not None:  # the same result recorded twice: "Amendment carried." ... "and it was agreed."
            earlier.parts.append((record_start, found.end()))
            earlier.votes = earlier.votes or votes
            return
        if motion is None and not what:
            self.unanimous_at = found.end() if unanimous else self.unanimous_at
            return
        before = self.text.text[max(0, record_start - 400) : found.end()].lower()
        substantive = "substantive" in what or re.search(r"substantive\s+motion|motion\s+as\s+amended", before)
        kind = "substantive motion" if substantive else ("amendment" if "amendment" in what else None)
        kind = kind or (motion.kind if motion else "motion")
        if outcome == "agreed" and votes is not None:
            outcome = "carried"
        end = found.end() + self.text.text.startswith(".", found.end())  # "Amendment lost."
        draft = _Draft(kind, outcome, (record_start, end), [(record_start, end)], votes)
        draft.unanimous, draft.printed = unanimous, (found.start(), found.end())
        if motion is not None:
            motion.settled, draft.settles = True, motion
            draft.proposer, draft.seconder = motion.proposer, motion.seconder
            if abs(self._page(motion.start) - self._page(record_start)) <= NEAR_PAGES:
                draft.moved = motion
                draft.parts.append((motion.start, max(motion.text_end, motion.moved_end)))
                draft.text = (motion.text_start, motion.text_end)
        self.drafts.append(draft)

    def _resolved(self, start: int, end: int) -> None:
        last = self.drafts[-1] if self.drafts else None
        open_motion = next((m for m in reversed(self.motions) if not m.settled), None)
        if (
            last is not None
            and not last.resolved
            and last.kind != "amendment"
            and last.outcome in ("carried", "agreed")
            and self._page(start) - self._page(last.end) <= NEAR_PAGES
            and not (open_motion and open_motion.start > last.end)
        ):
            last.resolved, last.text = True, (start, end)
            last.parts.append((start, end))
            return
        unanimous = 0 <= start - self.unanimous_at < 200
        draft = _Draft("resolution", "", (start, end), [(start, end)], unanimous=unanimous, resolved=True)
        if self.vote is not None:  # "For (30) ... Against (2)" then "RESOLVED that ...", with no "carried"
            _, draft.votes, vote_start = self.vote
            draft.parts.append((vote_start, start))
            self.vote = None
        if open_motion and open_motion.kind == "motion" and self._page(start) - self._page(open_motion.start) <= 1:
            open_motion.settled, draft.settles, draft.moved = True, open_motion, open_motion
            draft.kind, draft.outcome = "motion", "agreed"
            draft.proposer, draft.seconder = open_motion.proposer, open_motion.seconder
            draft.parts.append((open_motion.start, max(end, open_motion.moved_end)))
        draft.outcome = draft.outcome or resolution_outcome(self.text.span(start, end))
        if draft.votes is not None and draft.outcome == "agreed":
            draft.outcome = "carried"
        self.drafts.append(draft)

    def _decided(self, found: re.Match[str]) -> None:
        """A decision written as a sentence, with any vote and proposer it names."""
        before = len(self.drafts)
        self._resolved(found.start(), found.end())
        draft = self.drafts[-1]
        sentence = found.group(0)
        proposed = PROPOSED_BY.search(sentence)
        if proposed:
            draft.proposer = draft.proposer or person(proposed["proposer"])
            draft.seconder = draft.seconder or person(proposed["seconder"])
        if len(self.drafts) == before:  # it recorded the decision of the motion read before it
            return
        tally = TALLY.search(sentence) if re.search(r"\bvot", sentence, re.IGNORECASE) else None
        phrase = IN_FAVOUR.search(sentence) or VOTES_BY.search(sentence) or tally
        if phrase is not None and draft.votes is None:
            draft.votes = votes_by(phrase)[0]
        draft.unanimous = draft.unanimous or "unanimous" in sentence.lower()
        if draft.votes is not None and draft.outcome == "agreed":
            against = draft.votes.against
            draft.outcome = "lost" if against is not None and against > draft.votes.in_favour else "carried"

    def _page(self, offset: int) -> int:
        return self.text.page_at(offset).pdf_page

    def _far(self, motion: _Motion) -> tuple[int, int, str | None]:
        """The pages of a motion's moving sentence, printed many pages before its vote."""
        first, last = self.text.page_at(motion.start), self.text.page_at(motion.moved_end - 1)
        return first.pdf_page, last.pdf_page, first.label

    def decisions(self, item: MinuteItem, ordinal: int) -> list[Decision]:
        found = []
        for n, draft in enumerate(self.drafts):
            motion = draft.moved or draft.settles
            first, last = self.text.page_at(draft.start), self.text.page_at(draft.end - 1)
            text = self.text.span(*draft.text)
            found.append(
                Decision(
                    ordinal=ordinal + n,
                    item=item.ordinal,
                    item_title=item.heading,
                    kind=draft.kind,
                    outcome=draft.outcome,
                    outcome_printed=self.text.span(*draft.printed) if draft.printed else None,
                    text=text,
                    excerpt=self.text.span(draft.start, draft.end),
                    pdf_page=first.pdf_page,
                    pdf_page_end=last.pdf_page,
                    printed_page=first.label,
                    committee=item.committee,
                    meeting_date=item.meeting_date,
                    votes=draft.votes,
                    proposer=draft.proposer,
                    seconder=draft.seconder,
                    moved=self.text.span(motion.start, motion.moved_end) if motion else None,
                    moved_at=self._far(motion) if motion and not draft.moved else None,
                    delegated=tuple(dict.fromkeys(m["to"].strip(" ,") for m in DELEGATED.finditer(text))),
                    unanimous=draft.unanimous,
                )
            )
        return found


def _end_of(found: re.Match[str] | None, default: int) -> int:
    return found.end() if found else default


def _resolved_blocks(text: _Text, first: int, end: int) -> list[re.Match[str]]:
    """Each RESOLVED block among lines `first`..`end`, as a match of its whole text."""
    blocks: list[re.Match[str]] = []
    i = first
    while i < end:
        line = text.lines[i]
        found = RESOLVED.search(line)
        if not found:
            i += 1
            continue
        own = PARAGRAPH.match(line)
        last = i
        j = i + 1
        while j < end and j - i < 80:
            following = text.lines[j]
            if j in text.labels:
                j += 1
                continue
            if _ends_block(following, text.lines[last], own, line):
                break
            last = j
            j += 1
        block = ANY.match(text.text, text.starts[i] + found.start(), text.starts[last] + len(text.lines[last]))
        if block:
            blocks.append(block)
        i = j
    return blocks


def _ends_block(line: str, previous: str, own: re.Match[str] | None, opening: str) -> bool:
    """Whether `line` starts after a RESOLVED block whose last line so far is `previous`. A numbered
    block ("(4) RESOLVED", "26) RESOLVED") ends at the next paragraph of its own numbering; an
    unnumbered one at a numbered paragraph (unless it opened a list), an item heading, or a new
    sentence that is not one of its parts."""
    starts_else = ITEM_REF.match(line) or END.match(line) or RESOLVED.search(line) or MOTION.search(line)
    if starts_else or VOTE_FOR.match(line):
        return True
    paragraph = PARAGRAPH.match(line)
    if own is not None:
        same = paragraph and (paragraph["open"], paragraph["close"]) == (own["open"], own["close"])
        return bool(same and paragraph and int(paragraph["number"]) > int(own["number"]))
    if paragraph and not opening.rstrip().endswith(":") and not previous.rstrip().endswith((":", ";", "and", "or")):
        return True
    heading = ITEM.match(line)
    if heading and _upper(heading["title"]):
        return True
    return not SUB_PART.match(line) and previous.endswith(".") and line[:1].isupper()
