"""Search over decisions: whole minuted items and each decision's own record, by BM25 keywords and
the embedding.

A decision question ("what did Cabinet decide about ...", "was the amendment carried") is answered
from minutes, where the words that find it are spread over the item: its heading, the discussion,
the amendments moved and the vote. So each decision is scored twice: its item's whole text (heading,
discussion, motions, votes and RESOLVED blocks together) and its own record (what was moved or
resolved, its vote and outcome), both against the question, each divided by its best score over
all decisions, and summed, with the cosine of the question to the decision. It lives in memory,
built from the catalog when the index opens and after each ingest (a decision is a few hundred
words; thousands take well under a second).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, replace

import numpy as np

from councilqa.dates import long_date
from councilqa.index.keyword import KeywordIndex
from councilqa.index.papers import Papers
from councilqa.records import Decision, DecisionHit, Document, MinuteItem, same_decision

# The item's whole text against the decision's own record: the record names what was decided; the
# item's discussion words the question may use. Fitted on eval/decisions.jsonl (top-1 decision 40/50 at
# 0.25 and 0.5, 39 at 0 and 1.0), checked on the dev sets' decision questions (11/15 at 0.5, 10 at 0.25).
ITEM_WEIGHT = 0.5
RECORD_WEIGHT = 1.0
# The cosine of the question to the decision's heading and text (embedded at ingest), added at this
# weight: fitted the same way (top-1 42/50 from 0.5 up, 40 at 0), checked on the dev sets (12/15 at
# 0 to 0.5, 11 above).
DENSE_WEIGHT = 0.5
CANDIDATES = 50


@dataclass(frozen=True)
class _Snapshot:
    """Everything a search reads, built whole and swapped in at once, so that a question asked while
    an upload is ingested never pairs one build's decisions with another's scores."""

    decisions: list[tuple[Decision, tuple[Document, ...]]]
    item_keys: dict[tuple[str, int], str]  # (content, item ordinal) → keyword id
    item_of: dict[str, MinuteItem]
    vectors: dict[tuple[str, int], np.ndarray]
    items: KeywordIndex
    records: KeywordIndex


class DecisionSearch:
    """BM25 over minuted items and over decisions, in memory. Example::

    search = DecisionSearch()
    search.refresh(index.papers, index.catalog.decision_vectors())
    found = search.search("Was the LEVI amendment carried?", 3)
    """

    def __init__(self) -> None:
        self._now = _Snapshot([], {}, {}, {}, KeywordIndex(None), KeywordIndex(None))

    def refresh(self, papers: Papers, vectors: dict[tuple[str, int], np.ndarray]) -> None:
        """Rebuild from the items and decisions of `papers`, and the decisions' `vectors` (by content and ordinal)."""
        holders: dict[str, list[Document]] = defaultdict(list)
        for document in papers.documents():
            holders[document.sha256].append(document)
        items = {(document.sha256, item.ordinal): item for item, document in papers.items()}
        decisions = [(d, tuple(holders[doc.sha256])) for d, doc in papers.decisions()]
        keys = sorted({(doc[0].sha256, d.item) for d, doc in decisions if d.item is not None})
        item_keys = {key: f"{key[0]}:{n}" for n, key in enumerate(keys)}
        texts = {item_keys[key]: _item_text(items[key]) if key in items else "" for key in keys}
        item_index, record_index = KeywordIndex(None), KeywordIndex(None)
        item_index.rebuild(list(texts), list(texts.values()))
        record_index.rebuild(
            [f"{docs[0].sha256}:d{n}" for n, (_, docs) in enumerate(decisions)],
            [_record_text(decision) for decision, _ in decisions],
        )
        item_of = {item_keys[key]: items[key] for key in keys if key in items}
        self._now = _Snapshot(decisions, item_keys, item_of, vectors, item_index, record_index)

    def search(
        self, query: str, k: int, allowed: Collection[str] | None = None, vector: np.ndarray | None = None
    ) -> list[DecisionHit]:
        """Up to `k` decisions, best first, with the documents holding each, their score and the text
        they were found by. With `allowed`, only decisions in those contents (sha256) count."""
        now = self._now
        if not now.decisions or k < 1:
            return []
        item_scores = dict(now.items.search(query, CANDIDATES, allowed))
        record_scores = dict(now.records.search(query, CANDIDATES, allowed))
        item_top = max(item_scores.values(), default=0.0) or 1.0
        record_top = max(record_scores.values(), default=0.0) or 1.0
        scored = []
        for n, (decision, documents) in enumerate(now.decisions):
            sha256 = documents[0].sha256
            if allowed is not None and sha256 not in allowed:
                continue
            item_id = now.item_keys.get((sha256, decision.item)) if decision.item is not None else None
            score = ITEM_WEIGHT * item_scores.get(item_id or "", 0.0) / item_top
            score += RECORD_WEIGHT * record_scores.get(f"{sha256}:d{n}", 0.0) / record_top
            if score > 0:
                stored = now.vectors.get((sha256, decision.ordinal))
                similar = float(np.dot(vector, stored)) if vector is not None and stored is not None else 0.0
                item = now.item_of.get(item_id or "")
                scored.append(DecisionHit(decision, documents, score + DENSE_WEIGHT * similar, similar, item))
        scored.sort(key=lambda hit: -hit.score)
        return [replace(hit, record=_record_with_heading(hit)) for hit in _distinct(scored)[:k]]


def _item_text(item: MinuteItem) -> str:
    meeting = f"{item.committee or ''} {long_date(item.meeting_date) if item.meeting_date else ''}"
    return f"{meeting} {item.heading or ''}\n{item.text}"


def _record_with_heading(hit: DecisionHit) -> str:
    """A found decision's record, under its meeting and item heading."""
    heading = _item_text(hit.item).split("\n", 1)[0] if hit.item else ""
    return f"{heading}\n{_record_text(hit.decision)}"


def _record_text(decision: Decision) -> str:
    people = " ".join(name for name in (decision.proposer, decision.seconder) if name)
    words = f"{decision.kind} {decision.outcome} {'unanimous' if decision.unanimous else ''} {people}"
    meeting = f"{decision.committee or ''} {long_date(decision.meeting_date) if decision.meeting_date else ''}"
    return f"{meeting} {decision.item_title or ''} {words}\n{decision.excerpt}"


def _distinct(found: list[DecisionHit]) -> list[DecisionHit]:
    """One of each decision recorded in two papers (the same minutes printed and in a later pack)."""
    seen: set[tuple[str | None, str | None, str]] = set()
    kept = []
    for hit in found:
        if same_decision(hit.decision) not in seen:
            seen.add(same_decision(hit.decision))
            kept.append(hit)
    return kept
