"""The forms in which minutes record decisions, and readers for them. Pure: no I/O.

- a motion or amendment moved: "Mr Hook proposed, and Mr Streatfeild seconded the following
  amendment:", "moved by Councillor X and seconded by Councillor Y", "Councillor Brennan proposed an
  amendment", with its wording in quotes or in the rest of the sentence;
- a vote: "For (9) <names> Against (41) <names> Abstain (8) <names>", "For (2), Against (5)",
  "carried by 30 votes to 12, with 3 abstentions";
- an outcome: "Amendment lost.", "Motion carried.", "Substantive Motion Carried.", "was put to the
  vote and was lost", "Agreed unanimously.", "This item was deferred", "The motion was withdrawn";
- a RESOLVED block, and what it delegates to whom.
"""

from __future__ import annotations

import re

from councilqa.records import Votes

RESOLVED = re.compile(r"(?:\bRESOLVED\b|^(?:Resolved|AGREED)\b)")
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
VOTES_BY = re.compile(
    r"\b(?:carried|lost|defeated|agreed)\s+by\s+(?P<for>\d{1,3})\s+votes?\s+to\s+(?P<against>\d{1,3})"
    r"(?:,?\s+with\s+(?P<abstained>\d{1,3}|one|no)\s+abstentions?)?",
    re.IGNORECASE,
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
    abstained = found["abstained"]
    words = {"one": 1, "no": 0}
    count = None if abstained is None else words.get(abstained.lower(), int(abstained) if abstained.isdigit() else 0)
    return Votes(int(found["for"]), int(found["against"]), count, (" ".join(found.group(0).split()),)), found.end()


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
