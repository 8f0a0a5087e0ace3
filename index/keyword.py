"""Keyword search over chunks: BM25 with English stemming and stopwords, kept beside the vector store.

It indexes the same contextual text that is embedded (header and text). Texts are named by ids
"group:rest" (a chunk's group is its content's sha256), and a group is added or removed whole.

The index is a list of immutable segments, each a term-by-text matrix of term counts (CSC). Adding
texts writes one new segment; removing a group marks its texts dead in the manifest. After an
add, the newest segment is merged with the one before it while that one is no larger (so there are
about log2 of the texts segments, and a text is rewritten about that many times over its life);
merging drops dead texts. Scores are computed at query time from the counts, with the whole index's
statistics (text count, average length, document frequencies), so they equal one BM25 index built
over all texts at once: Lucene's BM25 as bm25s computes it (a test checks against bm25s).

On disk a segment is one `.npz` file and `manifest.json` lists the live ones with their dead groups;
files are written under a temporary name and renamed, the manifest last, so a crash leaves the
previous state whole.
"""

from __future__ import annotations

import bisect
import json
import logging
import math
import os
import shutil
import zipfile
from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

log = logging.getLogger(__name__)
MANIFEST = "manifest.json"
FORMAT = 2  # the manifest's format: a folder without one, or of another, must be rebuilt
# BM25's term-saturation and length-normalisation parameters: Anserini's defaults (Lin et al.), which
# beat bm25s' (1.5, 0.75) on every dev set here; chunks are packed to similar lengths already, so
# normalising less for length loses little.
K1, B = 0.9, 0.4


@dataclass
class _Segment:
    """Texts and their term counts, by term (compressed sparse columns). Strings are kept as lists."""

    name: str  # the file name, or "" in memory
    terms: list[str]  # sorted
    indptr: np.ndarray  # int64, len(terms) + 1: term j's postings are [indptr[j], indptr[j + 1])
    rows: np.ndarray  # int32: the text of each posting, ascending within a term
    counts: np.ndarray  # float32: the term's count in that text
    lengths: np.ndarray  # float32 per text: how many indexed words it has
    ids: list[str]  # per text
    groups: list[str]  # sorted: the groups the texts belong to
    row_group: np.ndarray  # int32 per text: index into `groups`
    dead: frozenset[str] = frozenset()
    alive: np.ndarray = field(init=False)  # bool per text: its group is not dead
    groups_set: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        self.groups_set = frozenset(self.groups)
        self.alive = ~self.flags(self.dead)[self.row_group]

    def flags(self, groups: Collection[str]) -> np.ndarray:
        """Per group of this segment, whether it is one of `groups`."""
        return np.fromiter((group in groups for group in self.groups), dtype=bool, count=len(self.groups))

    @property
    def live(self) -> int:
        return int(self.alive.sum())

    def column(self, term: str) -> int | None:
        j = bisect.bisect_left(self.terms, term)
        return j if j < len(self.terms) and self.terms[j] == term else None

    def postings(self, j: int | None) -> tuple[np.ndarray, np.ndarray]:
        """The texts holding term `j` and its count in each (none for None)."""
        if j is None:
            return _EMPTY_ROWS, _EMPTY_COUNTS
        start, end = self.indptr[j], self.indptr[j + 1]
        return self.rows[start:end], self.counts[start:end]

    def group_counts(self) -> Counter[str]:
        """Live texts per group."""
        found = np.bincount(self.row_group[self.alive], minlength=len(self.groups))
        return Counter({group: int(n) for group, n in zip(self.groups, found, strict=True) if n})

    def save(self, folder: Path) -> None:
        staging = folder / f"{self.name}.tmp"
        with staging.open("wb") as out:
            np.savez(
                out,
                terms=_blob(self.terms),
                indptr=self.indptr,
                rows=self.rows,
                counts=self.counts,
                lengths=self.lengths,
                ids=_blob(self.ids),
                groups=_blob(self.groups),
                row_group=self.row_group,
            )
            out.flush()
            os.fsync(out.fileno())
        staging.rename(folder / self.name)

    @classmethod
    def load(cls, path: Path, dead: Iterable[str]) -> _Segment:
        with np.load(path) as arrays:
            parts: dict[str, Any] = {key: arrays[key] for key in arrays.files}
        for key in ("terms", "ids", "groups"):
            parts[key] = _strings(parts[key])
        return cls(name=path.name, dead=frozenset(dead), **parts)


def _blob(strings: list[str]) -> np.ndarray:
    """Strings (none holding a newline) as one array of UTF-8 bytes."""
    return np.frombuffer("\n".join(strings).encode(), dtype=np.uint8)


def _strings(blob: np.ndarray) -> list[str]:
    return blob.tobytes().decode().split("\n") if len(blob) else []


_EMPTY_ROWS = np.zeros(0, dtype=np.int32)
_EMPTY_COUNTS = np.zeros(0, dtype=np.float32)


@dataclass(frozen=True)
class _State:
    """The segments searched, with the statistics of their live texts, swapped in whole: a search
    running while an ingest adds texts reads one state throughout."""

    segments: tuple[_Segment, ...] = ()

    @cached_property
    def count(self) -> int:
        return sum(segment.live for segment in self.segments)

    @cached_property
    def average_length(self) -> float:
        total = sum(float(segment.lengths[segment.alive].sum()) for segment in self.segments)
        return total / self.count if self.count else 1.0

    def frequency(self, word: str) -> int:
        """How many live texts hold `word`."""
        return sum(int(s.alive[s.postings(s.column(word))[0]].sum()) for s in self.segments)

    def idf(self, word: str) -> float:
        """BM25's (Lucene's) inverse document frequency of `word`."""
        frequency = self.frequency(word)
        return math.log(1 + (self.count - frequency + 0.5) / (frequency + 0.5))


class KeywordIndex:
    """BM25 over texts named by ids. With no `folder` it lives in memory only (the page baseline,
    decision search); `read_only` reads the folder and keeps every change in memory (another process
    writes it: see `councilqa.index.lock`). Example::

        index = KeywordIndex(Path("bm25"))
        index.add(["c1:0", "c1:1"], ["Riverside pool", "Waste contract"])
        index.search("pools", 5)  # [("c1:0", 0.41)]
        index.remove("c1")
    """

    def __init__(self, folder: Path | None, k1: float = K1, b: float = B, *, read_only: bool = False) -> None:
        import bm25s
        import Stemmer

        self._bm25s = bm25s
        self._stemmer = Stemmer.Stemmer("english")
        self.folder = folder
        self.read_only = read_only
        self.k1, self.b = k1, b
        self.stale = False  # the folder holds an index of another format or other parameters
        self._state = _State()
        self._next = 0
        if folder is not None and folder.is_dir():
            self._load(folder)

    @property
    def _writes(self) -> bool:
        """Whether changes are written to the folder (there is one, and it is not read-only)."""
        return self.folder is not None and not self.read_only

    def _load(self, folder: Path) -> None:
        """Read the manifest's segments. A folder of another format or other parameters, or one that
        can't be read (a file cut short when the machine lost power), is marked stale, to be rebuilt."""
        manifest = folder / MANIFEST
        try:
            found = json.loads(manifest.read_text()) if manifest.is_file() else {}
            if (found.get("format"), found.get("k1"), found.get("b")) != (FORMAT, self.k1, self.b):
                self.stale = any(folder.iterdir())
                return
            segments = tuple(_Segment.load(folder / s["file"], s["dead"]) for s in found["segments"])
        except (OSError, ValueError, KeyError, TypeError, zipfile.BadZipFile) as error:
            log.warning("the keyword index in %s can't be read (%s); it will be rebuilt", folder, error)
            self.stale = True
            return
        self._next = int(found["next"])
        self._state = _State(segments)
        if self._writes:
            self._tidy()

    def _tidy(self) -> None:
        """Delete what the manifest doesn't list: files of a run that stopped before writing it,
        replaced segments, an index of an older format."""
        assert self.folder is not None
        listed = {segment.name for segment in self._state.segments} | {MANIFEST}
        for path in self.folder.iterdir():
            if path.name not in listed:
                shutil.rmtree(path) if path.is_dir() else path.unlink()

    def __len__(self) -> int:
        return self._state.count

    def groups(self) -> Counter[str]:
        """How many live texts each group has."""
        found: Counter[str] = Counter()
        for segment in self._state.segments:
            found.update(segment.group_counts())
        return found

    def words(self, text: str) -> list[str]:
        """The indexed form of `text`'s words: lower-cased, stemmed, stopwords dropped."""
        found = self._bm25s.tokenize(
            [text], stopwords="en", stemmer=self._stemmer, return_ids=False, show_progress=False
        )
        return list(found[0])

    def has_word(self, word: str, hidden: Collection[str] = ()) -> bool:
        """Whether any live text (of no group in `hidden`) holds `word` (as from `words`), or, for a word of
        three letters or more, a word it begins ("lib" for "liber")."""
        for segment in self._state.segments:
            first = bisect.bisect_left(segment.terms, word)
            last = first + 1 if len(word) < 3 else bisect.bisect_left(segment.terms, word + "\U0010ffff")
            live = segment.alive & ~segment.flags(hidden)[segment.row_group] if hidden else segment.alive
            for j in range(first, min(last, len(segment.terms))):  # every term from `word` on that begins it
                if (len(word) >= 3 or segment.terms[j] == word) and live[segment.postings(j)[0]].any():
                    return True
        return False

    def rarity(self, words: list[str]) -> dict[str, float]:
        """BM25's inverse document frequency of each word (as from `words`); a word in no text gets
        the highest."""
        state = self._state
        return {word: state.idf(word) for word in words}

    def rebuild(self, ids: Sequence[str], texts: Sequence[str]) -> None:
        """Index `texts` under `ids`, replacing everything there was."""
        segments = (self._build(ids, texts),) if ids else ()
        self._commit(segments, written=segments)
        log.info("keyword index rebuilt over %d texts", len(ids))

    def add(self, ids: Sequence[str], texts: Sequence[str]) -> None:
        """Index `texts` under `ids`; the groups they belong to are replaced whole."""
        if not ids:
            return
        new = self._build(ids, texts)
        segments = [_without(segment, new.groups) for segment in self._state.segments]
        segments = [segment for segment in segments if segment.live] + [new]
        written = [new]
        while len(segments) > 1 and segments[-2].live <= segments[-1].live:
            merged = self._merge(segments[-2], segments[-1])
            segments[-2:] = [merged]
            written = [merged]
        self._commit(tuple(segments), written)

    def remove(self, groups: Collection[str]) -> None:
        """Drop every text of `groups` (none of which need be indexed)."""
        if any(group in segment.groups_set for segment in self._state.segments for group in groups):
            segments = (_without(segment, groups) for segment in self._state.segments)
            self._commit(tuple(segment for segment in segments if segment.live), written=())

    def _commit(self, segments: tuple[_Segment, ...], written: Iterable[_Segment]) -> None:
        """Write the new segments and then the manifest (in a folder), and search these from now on."""
        if self._writes:
            assert self.folder is not None
            self.folder.mkdir(parents=True, exist_ok=True)
            for segment in written:
                segment.save(self.folder)
            manifest = {
                "format": FORMAT,
                "k1": self.k1,
                "b": self.b,
                "next": self._next,
                "segments": [{"file": s.name, "dead": sorted(s.dead)} for s in segments],
            }
            staging = self.folder / f"{MANIFEST}.tmp"
            staging.write_text(json.dumps(manifest))
            staging.rename(self.folder / MANIFEST)
        self._state, self.stale = _State(segments), False
        if self._writes:
            self._tidy()

    def _name(self) -> str:
        self._next += 1
        return f"{self._next:08d}.npz" if self.folder is not None else ""

    def _build(self, ids: Sequence[str], texts: Sequence[str]) -> _Segment:
        """One segment over `texts`: their words counted per text, by term."""
        tokenized = self._bm25s.tokenize(list(texts), stopwords="en", stemmer=self._stemmer, show_progress=False)
        terms = sorted(tokenized.vocab)
        column = np.zeros(len(terms), dtype=np.int64)  # token id -> the term's column
        for j, term in enumerate(terms):
            column[tokenized.vocab[term]] = j
        lengths = np.array([len(words) for words in tokenized.ids], dtype=np.int64)
        flat = np.fromiter((token for words in tokenized.ids for token in words), dtype=np.int64, count=lengths.sum())
        rows = np.repeat(np.arange(len(texts), dtype=np.int64), lengths)
        pairs, counts = np.unique(column[flat] * len(texts) + rows, return_counts=True)  # by term, then text
        groups = sorted({text_id.split(":", 1)[0] for text_id in ids})
        index = {group: n for n, group in enumerate(groups)}
        return _Segment(
            name=self._name(),
            terms=terms,
            indptr=np.searchsorted(pairs // len(texts), np.arange(len(terms) + 1)).astype(np.int64),
            rows=(pairs % len(texts)).astype(np.int32),
            counts=counts.astype(np.float32),
            lengths=lengths.astype(np.float32),
            ids=list(ids),
            groups=groups,
            row_group=np.array([index[text_id.split(":", 1)[0]] for text_id in ids], dtype=np.int32),
        )

    def _merge(self, first: _Segment, second: _Segment) -> _Segment:
        """One segment holding the live texts of both, in order."""
        terms = sorted(set(first.terms) | set(second.terms))
        position = {term: j for j, term in enumerate(terms)}
        columns, rows = [], []
        offset = 0
        for segment in (first, second):
            renumber = np.cumsum(segment.alive) - 1 + offset  # live texts, numbered on from `offset`
            moved = np.fromiter((position[term] for term in segment.terms), dtype=np.int64, count=len(segment.terms))
            columns.append(np.repeat(moved, np.diff(segment.indptr)))
            rows.append(renumber[segment.rows])
            offset += segment.live
        keep = np.concatenate([segment.alive[segment.rows] for segment in (first, second)])
        column = np.concatenate(columns)[keep]
        order = np.argsort(column, kind="stable")  # within a term, the first segment's texts come first
        names = [s.groups[g] for s in (first, second) for g in s.row_group[s.alive]]
        groups = sorted(set(names))
        index = {group: n for n, group in enumerate(groups)}
        return _Segment(
            name=self._name(),
            terms=terms,
            indptr=np.searchsorted(column[order], np.arange(len(terms) + 1)).astype(np.int64),
            rows=np.concatenate(rows)[keep][order].astype(np.int32),
            counts=np.concatenate([s.counts for s in (first, second)])[keep][order],
            lengths=np.concatenate([s.lengths[s.alive] for s in (first, second)]),
            ids=[s.ids[row] for s in (first, second) for row in np.flatnonzero(s.alive)],
            groups=groups,
            row_group=np.array([index[name] for name in names], dtype=np.int32),
        )

    def search(self, query: str, k: int, groups: Collection[str] | None = None) -> list[tuple[str, float]]:
        """Up to `k` (id, BM25 score) pairs, best first; none when no query word is indexed.

        With `groups`, only texts of those groups can be found (chunk ids are "content-sha256:ordinal",
        so this limits a search to some documents).
        """
        state = self._state  # one state throughout, though an ingest may replace it meanwhile
        words = Counter(self.words(query))
        if not state.count or not words or k < 1:
            return []
        weights = {word: times * state.idf(word) for word, times in words.items()}
        found: list[tuple[float, str]] = []
        for segment in state.segments:
            scores = self._scores(segment, weights, state.average_length)
            keep = segment.alive if groups is None else segment.alive & segment.flags(groups)[segment.row_group]
            rows = np.flatnonzero((scores > 0) & keep)
            if len(rows) > k:
                rows = rows[np.argpartition(-scores[rows], k - 1)[:k]]
            found += [(float(scores[row]), segment.ids[row]) for row in rows]
        found.sort(key=lambda pair: -pair[0])
        return [(text_id, score) for score, text_id in found[:k]]

    def _scores(self, segment: _Segment, weights: dict[str, float], average_length: float) -> np.ndarray:
        """Each text's BM25 score (Lucene's form): the sum over the query's words of their weight
        (inverse document frequency, times how often the query says the word) times
        count / (count + k1 * (1 - b + b * length / average length))."""
        scores = np.zeros(len(segment.lengths), dtype=np.float32)
        for word, weight in weights.items():
            rows, counts = segment.postings(segment.column(word))
            if len(rows):
                norm = self.k1 * (1 - self.b + self.b * segment.lengths[rows] / np.float32(average_length))
                scores[rows] += np.float32(weight) * counts / (counts + norm)
        return scores


def _without(segment: _Segment, groups: Collection[str]) -> _Segment:
    """`segment` with `groups` marked dead too (the same object when it holds none of them)."""
    held = {group for group in groups if group in segment.groups_set} - segment.dead
    if not held:
        return segment
    return replace(segment, dead=segment.dead | held)
