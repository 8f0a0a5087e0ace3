"""The forms in which minutes record decisions, and readers for them. Pure: no I/O.

- a motion or amendment moved: "Mr Hook proposed, and Mr Streatfeild seconded the following
  amendment:", "moved by Councillor X and seconded by Councillor Y", "Councillor Brennan proposed an
  amendment", with its wording in quotes or in the rest of the sentence;
- a vote: "For (9) <names> Against (41) <names> Abstain (8) <names>", "For (2), Against (5)",
  "carried by 30 votes to 12, with 3 abstentions";
- an outcome: "Amendment lost.", "Motion carried.", "Substantive Motion Carried.", "was put to the
  vote and was lost", "Agreed unanimously.", "This item was deferred", "The motion was withdrawn";
- a RESOLVED block, and what it delegates to whom;
- a decision in a sentence, as smaller councils write them: "It was resolved to opt for Group 3",
  "After a vote (8-1) it was agreed to donate £50", "The Councillors resolved to pay all of the above",
  "With the Chairman's casting vote, option 2 was agreed", "carried by six votes to three", "with four
  members in favour and five against", "by majority decision", "Proposed by RW and seconded by RB";
  Welsh minutes' "Penderfynwyd" (it was resolved) and "Cytunwyd" (it was agreed);
- the lines around them: an item's heading ("290.   Section 25 Report", over ModernGov's "(Item 5)"), and
  the end of minutes ("The meeting closed at 4.15 pm", an "Agenda Item N" sheet).
"""

from __future__ import annotations

import re

from councilqa.records import Votes

ITEM = re.compile(r"^(?:(?:Item|Minute)\s+)?(?P<number>\d{1,3}(?:\.\d{1,3}){0,2})\.?\s+(?P<title>\S.*)$")
ITEM_REF = re.compile(r"^\(Item\s+\d{1,3}[a-z]?\)$", re.IGNORECASE)  # ModernGov: "(Item 5)" under the heading
END = re.compile(
    r"^(?:The meeting (?:closed|ended|finished|concluded|commenced|rose)\b|Meeting (?:closed|ended)\b|"
    r"Agenda Item \d+$|This page is intentionally left blank)",
    re.IGNORECASE,
)
RESOLVED = re.compile(r"(?:\bRESOLVED\b|\bPENDERFYNWYD\b|^(?:Resolved|AGREED|Penderfynwyd)\b)")
PARAGRAPH = re.compile(r"^(?P<open>\()?(?P<number>\d{1,3})(?P<close>[.)])\)?\s")
SUB_PART = re.compile(r"^(?:\(?[a-z]{1,4}\)\s|\(?\d{1,2}[.)]\s|[•●▪◦*–-]\s|\S\s)")
NAME = (  # "Mr A J Hook", "Councillor Brennan", "the Leader"; or a forename and surname with no title
    r"(?:(?:Mr|Mrs|Ms|Miss|Dr|Sir|Dame|Lord|Councillor|Cllr)\.?\s+(?:[A-Z][A-Za-z'’-]*\.?\s+){0,3}?[A-Z][A-Za-z'’-]+"
    r"|[A-Z][a-z]+\s+[A-Z][A-Za-z'’-]+"
    r"|[Tt]he\s+(?:Deputy\s+)?(?:Leader|Chairman|Chair|Mayor|Vice-Chairman)(?:\s+of\s+the\s+Council)?)"
)
ASIDE = r"\s*(?:\([^)]{0,80}\)\s*)?(?:,[^.;]{0,160}?,\s*)?"  # "(Leader of the Opposition)", ", Deputy Leader ...,"
MOTION = re.compile(
    rf"(?P<proposer>{NAME}){ASIDE}proposed,?\s+(?:and\s+)?(?P<seconder>{NAME}){ASIDE}(?i:seconded)\b"
    rf"|\bmoved\s+by\s+(?P<mover>{NAME})\s+and\s+seconded\s+by\s+(?P<second>{NAME})"
    rf"|(?P<alone>{NAME}){ASIDE}(?:proposed|moved)\s+(?:(?:an?|the\s+following)\s+(?=amendment|motion)|(?=that\b))"
)
QUOTED = re.compile(r"[“\"](?P<text>[^”\"]{10,}?)[”\"]")
VOTE_FOR = re.compile(r"\bFor\s*\((?P<n>\d{1,3})\)")
VOTE_AGAINST = re.compile(r"\bAgainst\s*\((?P<n>\d{1,3})\)")
VOTE_ABSTAIN = re.compile(r"\bAbstain(?:ed|ing|ions?)?\s*\((?P<n>\d{1,3})\)")
NUMBER_WORDS = {
    word: n
    for n, word in enumerate(
        "no one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
        "seventeen eighteen nineteen twenty".split()
    )
} | {"none": 0}
COUNT = r"(?:\d{1,3}|" + "|".join(NUMBER_WORDS) + ")"
VOTES_BY = re.compile(  # "carried by 30 votes to 12, with 3 abstentions", "carried by six votes to three"
    rf"\b(?:carried|lost|defeated|agreed)\s+by\s+(?P<for>{COUNT})\s+votes?\s+to\s+(?P<against>{COUNT})"
    rf"(?:,?\s+with\s+(?P<abstained>{COUNT})\s+abstentions?)?",
    re.IGNORECASE,
)
IN_FAVOUR = re.compile(  # "with four members in favour and five against", "7 in favour, 2 against, 1 abstention"
    rf"\b(?P<for>{COUNT})\s+(?:(?:members?|councillors?|votes?)\s+)?(?:voting\s+|were\s+)?in\s+favou?r,?\s+"
    rf"(?:and\s+|with\s+)?(?P<against>{COUNT})\s+(?:(?:members?|councillors?|votes?)\s+)?(?:voting\s+)?against"
    rf"(?:,?\s+(?:and\s+|with\s+)?(?P<abstained>{COUNT})\s+abstention|,?\s+(?:and\s+|with\s+)?"
    rf"(?P<abstaining>{COUNT})\s+(?:members?\s+|councillors?\s+)?abstain)?",
    re.IGNORECASE,
)
TALLY = re.compile(  # "After a vote (8-1)", "(6-2-1)": a tally in brackets, in a sentence that speaks of a vote
    r"\((?P<for>\d{1,2})\s*[-–:]\s*(?P<against>\d{1,2})(?:\s*[-–:]\s*(?P<abstained>\d{1,2}))?\)"
)
DECIDED = re.compile(  # the words that make a sentence a decision of the meeting (not one member agreeing to act)
    r"\bit\s+was\s+(?:(?:therefore|then|also|further|finally|subsequently|duly|thus|unanimously|overwhelmingly|"
    r"eventually|generally)\s+)*(?:resolved|agreed|decided)\b"
    r"|\bwas\s+(?:unanimously\s+)?resolved\s+(?:to|that)\b"
    r"|\b(?:was|were)\s+(?:duly\s+)?(?:carried|lost|defeated)\b(?!\s+(?:out|over|forward|on)\b)"
    r"|(?<!\d\s)\b(?:the\s+)?(?:(?:parish|town|community|county|city|district|borough)\s+)?(?:council|councillors|committee|"
    r"members|CC|PC|TC|group|working\s+group|board|meeting)\s+(?:(?:therefore|then|also|further|unanimously|"
    r"nominated\s+(?:&|and))\s+)*(?:resolved|agreed|decided|voted)\b"
    r"|(?<!not\s)\ball\s+(?:members\s+|councillors\s+)?(?:agreed|were\s+in\s+favou?r)\b"
    r"|\bcasting\s+vote\b|\bby\s+(?:a\s+)?majority\s+(?:decision|vote)\b"
    r"|\b(?:Penderfynwyd|Cytunwyd)\b",
    re.IGNORECASE | re.MULTILINE,
)
INITIALS = r"[A-Z][A-Za-z]{1,3}"  # "RW", "PWh": how small councils' minutes name members
PROPOSED_BY = re.compile(  # "Proposed by RW and seconded by RB", "Approved – PWh Seconded – KC"
    rf"\b(?:Proposed|Moved|Approved)\s*(?:by|[-–:])\s*(?P<proposer>{NAME}|{INITIALS})\s*[,;.]?\s*(?:and\s+)?"
    rf"(?i:seconded)\s*(?:by|[-–:])\s*(?P<seconder>{NAME}|{INITIALS})\b"
)
OUTCOME = re.compile(
    r"\b(?P<what>(?:Substantive\s+)?(?:Motion|Amendment)(?:\s+as\s+amended)?)\s+(?:was\s+|were\s+)?"
    r"(?:put\s+to\s+the\s+vote\s+and\s+(?:was\s+)?|duly\s+)?"
    r"(?P<outcome>carried|lost|agreed|defeated|fell|withdrawn|approved|rejected)\b"
    r"|\bto\s+the\s+vote\s+and\s+it\s+was\s+(?P<put>carried|lost|agreed|defeated)\b"
    r"|\b(?P<unanimous>(?:agreed|carried)\s+unanimously|unanimously\s+(?:agreed|carried))\b",
    re.IGNORECASE,
)
DEFERRED = re.compile(r"[^.\n]*\b(?:was|were|be|been|is|are)\s+deferred\b[^.]*\.?", re.IGNORECASE)
DELEGATED = re.compile(
    r"\bdelegat(?:e|es|ed|ing)\s+(?:the\s+)?(?:(?:decision|authority|powers?)\s+)?(?:be\s+(?:given|granted)\s+)?"
    r"to\s+(?P<to>(?:the\s+)?[A-Z][^;:]{2,200}?)(?=\s*(?:;|:|\.\s|\.$|,\s*to\s|\s+to\s+(?:agree|take|resolve|"
    r"finalise|make|approve|award|sign|submit|determine|enter|implement|conclude|progress|undertake|negotiate|"
    r"carry|consider|set)\b|\s+(?:and|subject)\s+(?:that|to)\b|$))"
)
OUTCOME_SYNONYMS = {"defeated": "lost", "fell": "lost", "rejected": "lost", "approved": "carried"}
SENTENCE_END = r"\.(?=\s|$)"  # a full stop, not the one in "4.30pm"
MOVED_END = re.compile(rf"(?:[^:.“\"]|\.(?!\s|$)){{0,200}}?(?::|{SENTENCE_END}|(?=[“\"])|$)")
SENTENCE = re.compile(rf"(?:[^.]|\.(?!\s|$))*(?:{SENTENCE_END})?")
HONOURS = frozenset({"OBE", "CBE", "MBE", "QC", "KC", "JP", "DL", "BEM"})
ANY = re.compile(r".+", re.DOTALL)
SENTENCE_BREAK = re.compile(
    r"[.!?](?=\s)|[•●▪\uf0b7]|:-?(?=\s*\n)|\bPage\s+\d+(?:\s+of\s+\d+)?(?=\s*\n)"
)  # where a decided sentence may start after
LONGEST_SENTENCE = 400  # characters either side of a decided sentence's words that it may span
FULL_STOP = re.compile(SENTENCE_END)


def read_votes(text: str, found: re.Match[str], stop: int) -> tuple[Votes, int]:
    """A "For (N) ... Against (M) ... Abstain (K) ..." record from its "For (N)", and where it ends.
    Its parts are looked for only before the next vote or motion; a part not printed is None."""
    following = [
        m.start() for m in (VOTE_FOR.search(text, found.end(), stop), MOTION.search(text, found.end(), stop)) if m
    ]
    stop = min([stop, found.end() + 3000, *following])
    against = VOTE_AGAINST.search(text, found.end(), stop)
    abstain = VOTE_ABSTAIN.search(text, (against or found).end(), stop)
    if against is None:
        printed = tuple(" ".join(m.group(0).split()) for m in (found, abstain) if m)
        abstained = int(abstain["n"]) if abstain else None
        return Votes(int(found["n"]), None, abstained, printed), (abstain or found).end()
    outcome = OUTCOME.search(text, (abstain or against).end(), min(stop, (abstain or against).end() + 1500))
    names_end = outcome.start() if outcome else min(stop, (abstain or against).end())
    names_for = names(text[found.end() : against.start()])
    names_against = names(text[against.end() : abstain.start() if abstain else names_end])
    names_abstained = names(text[abstain.end() : names_end]) if abstain else ()
    printed = tuple(" ".join(m.group(0).split()) for m in (found, against, abstain) if m)
    votes = Votes(
        int(found["n"]),
        int(against["n"]),
        int(abstain["n"]) if abstain else None,
        printed,
        names_for,
        names_against,
        names_abstained,
    )
    return votes, (abstain or against).end()


def votes_by(found: re.Match[str]) -> tuple[Votes, int]:
    """A vote printed as one phrase (VOTES_BY, IN_FAVOUR or TALLY), and where it ends."""
    groups = found.groupdict()
    abstained = groups.get("abstained") or groups.get("abstaining")
    printed = (" ".join(found.group(0).split()),)
    abstained_count = None if abstained is None else count(abstained)
    return Votes(count(found["for"]), count(found["against"]), abstained_count, printed), found.end()


def count(word: str) -> int:
    """A count as figures or words: "12", "six", "no".

    >>> count("six"), count("12"), count("No")
    (6, 12, 0)
    """
    return int(word) if word.isdigit() else NUMBER_WORDS[word.lower()]


def names(text: str) -> tuple[str, ...]:
    """Members named in a vote: "Mr Hill, OBE, Mrs Hohler" → ("Mr Hill, OBE", "Mrs Hohler")."""
    text = " ".join(text.split()).strip(" ,.")
    if not re.match(r"(?:Mr|Mrs|Ms|Miss|Dr|Sir|Dame|Lord|Councillor|Cllr|Rich|[A-Z][a-z]+\s[A-Z])", text):
        return ()
    names: list[str] = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        if names and part.rstrip(".").upper() in HONOURS:
            names[-1] = f"{names[-1]}, {part}"
        else:
            names.append(part)
    return tuple(names)


def person(name: str | None) -> str | None:
    return " ".join(name.split()) if name else None


def resolution_outcome(text: str) -> str:
    """Deferred, withdrawn, noted (every part of it notes something) or agreed.

    >>> resolution_outcome("RESOLVED: That (a) the work programme be noted; and (b) a site visit be arranged.")
    'agreed'
    """
    lowered = text.lower()
    if re.search(r"\bdeferred\b", lowered):
        return "deferred"
    if re.search(r"\bwithdrawn\b", lowered):
        return "withdrawn"
    body = re.sub(r"^\W*(?:resolved|agreed)\W*(?:that\b)?", "", lowered)
    parts = [p for p in re.split(r";|\([a-z0-9]{1,3}\)|\b[a-z0-9]\)\s", body) if len(p.split()) >= 3]
    if parts and all(re.search(r"\bnot(?:e|ed|es|ing)\b", part) for part in parts):
        return "noted"
    return "agreed"


def decided_sentences(text: str, begin: int, stop: int, taken: list[re.Match[str]]) -> list[re.Match[str]]:
    """Each sentence of `text` between `begin` and `stop` that records a decision in words ("It was resolved to
    ...", "After a vote (8-1) it was agreed to ...", "Proposed by RW and seconded by RB", "with four
    members in favour and five against"), as a match of its whole text; none that overlaps a RESOLVED
    block, or a motion, outcome or vote read already."""
    spans: list[tuple[int, int]] = []
    opening = False  # the last span only proposes ("Proposed by X, seconded by Y.") or votes ("the CC voted in
    # support of option 2 or 3."): the decision, when the next sentence is one, follows it
    words = sorted(
        (m for form in (DECIDED, PROPOSED_BY, IN_FAVOUR) for m in form.finditer(text, begin, stop)),
        key=lambda m: m.start(),
    )
    for said in words:
        if spans and said.start() < spans[-1][1]:
            continue
        start, end = _sentence(text, said.start(), begin, stop)
        proposal = said.re is PROPOSED_BY
        if proposal and not text[start : said.start()].strip():  # "... approved. Proposed by RW"
            start = _sentence(text, max(begin, start - 2), begin, stop)[0]
        if any(start < other.end() and other.start() < end for other in taken if _read_already(other)):
            continue
        joins = opening and not text[spans[-1][1] : start].strip()
        if spans and (start < spans[-1][1] or joins):  # one decision: its words said twice, or after its proposer
            spans[-1] = (spans[-1][0], max(end, spans[-1][1]))
        elif end - start >= 12:
            spans.append((start, end))
        opening = (proposal and start == said.start()) or said.group(0).lower().endswith("voted")
    return [m for start, end in spans if (m := ANY.match(text, start, end))]


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


def upper_case(line: str) -> bool:
    """Whether `line` is written in capitals (three letters or more): a heading.

    >>> upper_case("7 CENTRAL AND EASTERN CHESHIRE PCT"), upper_case("7 Central"), upper_case("7 AB")
    (True, False, False)
    """
    letters = [c for c in line if c.isalpha()]
    return len(letters) >= 3 and all(c.isupper() for c in letters)
