"""The decisions of one minuted item, read in the forms these papers use (`forms.py`): motions and
amendments moved, votes, outcomes, RESOLVED blocks, and decisions written as a sentence ("It was resolved
to opt for Group 3"). A vote or outcome settles the latest open motion of the item (or the one whose
paragraph it names, or the substantive motion); a RESOLVED block or decided sentence that follows a carried
or unvoted motion records that motion's decision.

Pure: no I/O. Part of the index stamp with `minutes.py`: raise councilqa/versions.py's MINUTES when the
decisions read change.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from councilqa.ingest.forms import (
    ANY,
    DEFERRED,
    DELEGATED,
    END,
    IN_FAVOUR,
    ITEM,
    ITEM_REF,
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
    decided_sentences,
    person,
    read_votes,
    resolution_outcome,
    upper_case,
    votes_by,
)
from councilqa.ingest.labels import label_line
from councilqa.records import Decision, MinuteItem, Page, Votes

NEAR_PAGES = 2  # a motion's text joins its decision's excerpt only within this many pages of the vote


@dataclass
class MinutesText:
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


def item_decisions(text: MinutesText, item: MinuteItem, first_line: int, end_line: int, ordinal: int) -> list[Decision]:
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
    decided = decided_sentences(text.text, begin, stop, [*resolved, *(m for k, m in events if k != "votes_by")])
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

    def __init__(self, text: MinutesText) -> None:
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


def _resolved_blocks(text: MinutesText, first: int, end: int) -> list[re.Match[str]]:
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
    if heading and upper_case(heading["title"]):
        return True
    return not SUB_PART.match(line) and previous.endswith(".") and line[:1].isupper()
