"""The catalog: a SQLite file of what is indexed, by path and by content hash.

Content (pages and chunks) is keyed by the file's sha256, and paths point at content, so an
identical file under two paths is stored once. A sha256 in `pending` has vectors that may be
half-written or half-removed; the index finishes that job before it trusts the collection.
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
from collections.abc import Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, astuple, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from councilqa.records import (
    Decision,
    DecisionFilter,
    Document,
    Meeting,
    MinuteItem,
    Minutes,
    Page,
    SearchFilter,
    Votes,
)

MAX_ARGUMENTS = 32_766  # to one SQL statement
KEYS_PER_QUERY = 10_000  # contents, or (content, ordinal) pairs, looked up in one statement
SCHEMA_VERSION = 3  # part of the index stamp: a catalog of another version is refused
SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS contents (
    sha256 TEXT PRIMARY KEY, n_pages INTEGER NOT NULL, n_chunks INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS documents (
    path TEXT PRIMARY KEY, root TEXT NOT NULL, sha256 TEXT NOT NULL REFERENCES contents(sha256),
    title TEXT NOT NULL, council TEXT, committee TEXT, meeting_date TEXT, doc_type TEXT NOT NULL,
    ingested_at TEXT NOT NULL DEFAULT (datetime('now')), url TEXT);
CREATE INDEX IF NOT EXISTS documents_sha256 ON documents(sha256);
CREATE TABLE IF NOT EXISTS pages (
    sha256 TEXT NOT NULL, pdf_page INTEGER NOT NULL, label TEXT, text TEXT NOT NULL, ocr INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (sha256, pdf_page));
CREATE TABLE IF NOT EXISTS skipped (
    path TEXT PRIMARY KEY, root TEXT NOT NULL, sha256 TEXT NOT NULL, reason TEXT NOT NULL,
    detail TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS pending (sha256 TEXT PRIMARY KEY);
CREATE TABLE IF NOT EXISTS items (
    sha256 TEXT NOT NULL, ordinal INTEGER NOT NULL, number TEXT, title TEXT, text TEXT NOT NULL,
    pdf_page INTEGER NOT NULL, pdf_page_end INTEGER NOT NULL, printed_page TEXT, committee TEXT, meeting_date TEXT,
    PRIMARY KEY (sha256, ordinal));
CREATE TABLE IF NOT EXISTS decisions (
    sha256 TEXT NOT NULL, ordinal INTEGER NOT NULL, item INTEGER, item_title TEXT, kind TEXT NOT NULL,
    outcome TEXT NOT NULL, outcome_printed TEXT, text TEXT NOT NULL, excerpt TEXT NOT NULL, pdf_page INTEGER NOT NULL,
    pdf_page_end INTEGER NOT NULL, printed_page TEXT, committee TEXT, meeting_date TEXT, votes TEXT,
    proposer TEXT, seconder TEXT, moved TEXT, moved_at TEXT, delegated TEXT NOT NULL, unanimous INTEGER NOT NULL,
    vector BLOB, PRIMARY KEY (sha256, ordinal));
CREATE INDEX IF NOT EXISTS decisions_meeting ON decisions(meeting_date);
CREATE TABLE IF NOT EXISTS restrictions (
    sha256 TEXT PRIMARY KEY, restricted INTEGER NOT NULL, source TEXT NOT NULL, why TEXT NOT NULL,
    at TEXT NOT NULL DEFAULT (datetime('now')));
"""
# Restriction is of content, not of a path: an identical file under another path holds the same text.
# Kept when the content is removed, so that the same bytes ingested again are restricted again.
PUBLIC = "d.sha256 NOT IN (SELECT sha256 FROM restrictions WHERE restricted = 1)"
SOURCES = ("marking", "site", "officer")  # an officer's word outlasts what ingest finds
COMMITTEE_PART = "instr(folded(coalesce(d.committee, '')), folded(?)) > 0"  # part of the name, any case or spacing
DECISION_COLUMNS = (
    "ordinal, item, item_title, kind, outcome, outcome_printed, text, excerpt, pdf_page, pdf_page_end, printed_page, "
    "committee, meeting_date, votes, proposer, seconder, moved, moved_at, delegated, unanimous"
)
ITEM_COLUMNS = "ordinal, number, title, text, pdf_page, pdf_page_end, printed_page, committee, meeting_date"


@dataclass(frozen=True)
class Restriction:
    """Whether a content is restricted, who said (`SOURCES`) and why."""

    restricted: bool
    source: str
    why: str


@dataclass(frozen=True)
class Skipped:
    """A file that could not be ingested, and why."""

    path: str
    root: str
    sha256: str
    reason: str
    detail: str


class Catalog:
    """SQLite in WAL mode; one connection shared by threads under a lock."""

    def __init__(self, path: Path) -> None:
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._lock = threading.RLock()
        self._db.execute("PRAGMA journal_mode=WAL")
        # SQLite's own default limit (Debian builds it higher): the same statements work on every build
        self._db.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, MAX_ARGUMENTS)
        self._db.create_function("folded", 1, folded, deterministic=True)  # one rule for comparing names
        self._db.executescript(SCHEMA)
        for table, column, kind in (("documents", "url", "TEXT"), ("pages", "ocr", "INTEGER NOT NULL DEFAULT 0")):
            if column not in {row[1] for row in self._db.execute(f"PRAGMA table_info({table})")}:
                self._db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {kind}")  # added after schema 3

    def close(self) -> None:
        self._db.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def _rows(self, sql: str, args: Iterable[object] = ()) -> list[tuple]:
        with self._lock:
            return self._db.execute(sql, tuple(args)).fetchall()

    def _rows_by_keys(self, sql: str, keys: Sequence[tuple[object, ...]]) -> list[tuple]:
        """The rows of `sql` for every key, asked in batches within MAX_ARGUMENTS: `{keys}` in `sql` becomes
        one placeholder, "?" or "(?, ?)", per key of the batch."""
        rows: list[tuple] = []
        for start in range(0, len(keys), KEYS_PER_QUERY):
            batch = keys[start : start + KEYS_PER_QUERY]
            marks = "?" if len(batch[0]) == 1 else f"({', '.join('?' * len(batch[0]))})"
            rows += self._rows(sql.replace("{keys}", ",".join([marks] * len(batch))), [v for key in batch for v in key])
        return rows

    def get_meta(self, key: str) -> str | None:
        rows = self._rows("SELECT value FROM meta WHERE key = ?", [key])
        return rows[0][0] if rows else None

    def set_meta(self, key: str, value: str) -> None:
        with self.transaction() as db:
            db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    _DOC = (
        "SELECT d.path, d.root, d.sha256, d.title, c.n_pages, d.council, d.committee, d.meeting_date, d.doc_type, "
        "d.url "
        "FROM documents d JOIN contents c ON c.sha256 = d.sha256"
    )

    def document(self, path: str) -> Document | None:
        rows = self._rows(f"{self._DOC} WHERE d.path = ?", [path])
        return Document(*rows[0]) if rows else None

    def documents(self, sha256s: Iterable[str] | None = None, *, public_only: bool = False) -> list[Document]:
        """Every document (holding one of `sha256s`, when given), by path; with `public_only`, none that is
        restricted."""
        public = [PUBLIC] if public_only else []
        if sha256s is None:
            return [
                Document(*row) for row in self._rows(f"{self._DOC} WHERE {' AND '.join(public) or '1'} ORDER BY d.path")
            ]
        where = " AND ".join([*public, "d.sha256 IN ({keys})"])
        rows = self._rows_by_keys(f"{self._DOC} WHERE {where}", [(sha256,) for sha256 in sorted(set(sha256s))])
        return sorted((Document(*row) for row in rows), key=lambda document: document.path)

    def roots(self) -> list[str]:
        """The distinct ingest roots the documents were found under, sorted."""
        return [row[0] for row in self._rows("SELECT DISTINCT root FROM documents ORDER BY root")]

    def matching(self, wanted: SearchFilter) -> list[Document]:
        """Documents that pass the filter (see `SearchFilter` for what each field means)."""
        condition, args = _passing(wanted)
        return [Document(*row) for row in self._rows(f"{self._DOC} WHERE {condition} ORDER BY d.path", args)]

    def mentioned(self, wanted: SearchFilter, text: str) -> bool:
        """Whether a page of a paper that passes `wanted` holds `text` (ASCII case-insensitive); with
        `wanted.councils`, of a paper of those councils or one that names them: a paper of no council
        known that doesn't name them says nothing of theirs."""
        condition, args = _passing(wanted, known_only=True)
        rows = self._rows(
            f"SELECT 1 FROM pages q WHERE q.text LIKE ? AND q.sha256 IN (SELECT d.sha256 FROM documents d "
            f"WHERE {condition}) LIMIT 1",
            [f"%{text}%", *args],
        )
        return bool(rows)

    def has_minutes(self, first: str | None, last: str | None, *, public_only: bool = False) -> bool:
        """Whether minutes of a meeting from `first` to `last` (ISO days, inclusive) are indexed: printed
        minutes of that date, or decisions recorded for it (minutes inside a later pack); with `public_only`,
        in papers that are not restricted."""
        span = [first or "0000-00-00", last or "9999-99-99"]
        public = f" AND {PUBLIC}" if public_only else ""
        public_items = public.replace("d.sha256", "i.sha256")
        return bool(
            self._rows(
                "SELECT 1 FROM documents d WHERE d.doc_type = 'printed minutes' AND d.meeting_date BETWEEN ? AND ?"
                f"{public} UNION SELECT 1 FROM items i WHERE i.meeting_date BETWEEN ? AND ?{public_items}",
                span + span,
            )
        )

    def facets(self, *, public_only: bool = False) -> dict[str, list[str]]:
        """Committees, document types and meeting dates present, sorted: the values filters can take;
        with `public_only`, those of papers that are not restricted."""
        public = f" AND {PUBLIC}" if public_only else ""
        return {
            column: [
                row[0]
                for row in self._rows(
                    f"SELECT DISTINCT {column} FROM documents d WHERE {column} IS NOT NULL{public} ORDER BY {column}"
                )
            ]
            for column in ("committee", "doc_type", "meeting_date")
        }

    def restrictions(self) -> dict[str, Restriction]:
        """What is known of each content's restriction, by sha256 (restricted or cleared by an officer)."""
        rows = self._rows("SELECT sha256, restricted, source, why FROM restrictions")
        return {sha256: Restriction(bool(restricted), source, why) for sha256, restricted, source, why in rows}

    def restricted(self) -> set[str]:
        """The contents (sha256) that are restricted."""
        return {row[0] for row in self._rows("SELECT sha256 FROM restrictions WHERE restricted = 1")}

    def restrict(self, sha256: str, restricted: bool, source: str, why: str) -> None:
        """Record that a content is (or is not) restricted, and why. What ingest finds (a marking, the
        site's flag) never overrides an officer's word; an officer's always does."""
        with self.transaction() as db:
            _restrict(db, sha256, restricted, source, why)

    def councils(self, *, public_only: bool = False) -> list[str]:
        """The councils whose papers (not restricted, with `public_only`) are indexed, as their papers name
        them, sorted."""
        public = f" AND {PUBLIC}" if public_only else ""
        rows = self._rows(f"SELECT DISTINCT d.council FROM documents d WHERE d.council != ''{public} ORDER BY 1")
        return [row[0] for row in rows]

    def minutes_council(self, name: str, *, public_only: bool = False) -> bool:
        """Whether any indexed paper (not restricted, with `public_only`) that records decisions may be council
        `name`'s: its council holds the name, or, where its council is not known, its path, title or first
        page does."""
        like = f"%{name}%"
        public = f" AND {PUBLIC}" if public_only else ""
        rows = self._rows(
            "SELECT 1 FROM documents d JOIN pages p ON p.sha256 = d.sha256 AND p.pdf_page = 1 "
            "WHERE d.sha256 IN (SELECT sha256 FROM decisions) AND (d.council LIKE ? "
            "OR (COALESCE(d.council, '') = '' AND (d.path LIKE ? OR d.title LIKE ? OR p.text LIKE ?)))"
            f"{public} LIMIT 1",
            (like, like, like, like),
        )
        return bool(rows)

    def holds(self, sha256: str, first: int, last: int, text: str) -> bool:
        """Whether `text` occurs in the stored text of PDF pages `first`..`last` (whitespace collapsed)."""
        rows = self._rows(
            "SELECT text FROM pages WHERE sha256 = ? AND pdf_page BETWEEN ? AND ? ORDER BY pdf_page",
            [sha256, first, last],
        )
        if len(rows) != last - first + 1:
            return False
        return " ".join(text.split()) in " ".join(" ".join(row[0] for row in rows).split())

    def has_content(self, sha256: str) -> bool:
        return bool(self._rows("SELECT 1 FROM contents WHERE sha256 = ?", [sha256]))

    def skipped(self, path: str | None = None) -> list[Skipped]:
        if path is None:
            return [Skipped(*row) for row in self._rows("SELECT * FROM skipped ORDER BY path")]
        return [Skipped(*row) for row in self._rows("SELECT * FROM skipped WHERE path = ?", [path])]

    def pages(self, sha256: str) -> list[Page]:
        rows = self._rows("SELECT pdf_page, label, text, ocr FROM pages WHERE sha256 = ? ORDER BY pdf_page", [sha256])
        return [Page(number, label, text, bool(ocr)) for number, label, text, ocr in rows]

    def read_by_ocr(self, sha256: str, first: int, last: int) -> bool:
        """Whether any of PDF pages `first`..`last` of a content was read by OCR."""
        return bool(
            self._rows(
                "SELECT 1 FROM pages WHERE sha256 = ? AND pdf_page BETWEEN ? AND ? AND ocr = 1", [sha256, first, last]
            )
        )

    def decisions(self, wanted: DecisionFilter | None = None) -> list[tuple[Decision, Document]]:
        """Decisions read from minutes that pass `wanted` (see `DecisionFilter`), each with the first
        document holding it: newest meeting first, then in the order of their minutes."""
        wanted = DecisionFilter(include_restricted=True) if wanted is None else wanted  # all: the index's own use
        public_only = not wanted.include_restricted
        clauses, args = meeting_clauses(wanted.committee, wanted.date_from, wanted.date_to, public_only=public_only)
        if wanted.outcome is not None:
            clauses.append("d.outcome = lower(?)")
            args.append(wanted.outcome)
        for word in re.findall(r"\w+", wanted.search or ""):  # ASCII case-insensitive, as LIKE is
            clauses.append(
                "(d.text || ' ' || d.excerpt || ' ' || coalesce(i.title, '') || ' ' || coalesce(i.text, '')) LIKE ?"
            )
            args.append(f"%{word}%")
        columns = ", ".join(f"d.{column.strip()}" for column in DECISION_COLUMNS.split(","))
        rows = self._rows(
            f"SELECT d.sha256, {columns} FROM decisions d "
            "LEFT JOIN items i ON i.sha256 = d.sha256 AND i.ordinal = d.item "
            f"WHERE {' AND '.join(clauses) or '1'} "
            "ORDER BY coalesce(d.meeting_date, '') DESC, d.sha256, d.ordinal",
            args,
        )
        holders = self._holders({row[0] for row in rows}, public_only=public_only)
        return [(decision_from_row(row[1:]), holders[row[0]]) for row in rows if row[0] in holders]

    def items(
        self, keys: Collection[tuple[str, int]] | None = None, *, public_only: bool = False
    ) -> list[tuple[MinuteItem, Document]]:
        """Minuted items (those of `keys`, (content, ordinal) pairs, when given; of papers not restricted, with
        `public_only`), each with the first document holding it, in document order."""
        select = f"SELECT sha256, {ITEM_COLUMNS} FROM items"
        if keys is None:
            rows = self._rows(f"{select} ORDER BY sha256, ordinal")
        else:
            rows = self._rows_by_keys(f"{select} WHERE (sha256, ordinal) IN (VALUES {{keys}})", sorted(keys))
            rows.sort(key=lambda row: (row[0], row[1]))
        holders = self._holders({row[0] for row in rows}, public_only=public_only)
        return [(MinuteItem(*row[1:]), holders[row[0]]) for row in rows if row[0] in holders]

    def meeting_papers(self, meeting_date: str, committee: str | None, *, public_only: bool = False) -> list[Document]:
        """The papers dated for one meeting: of `meeting_date` and, where both it and the paper name one, of
        `committee` (in any case or spacing)."""
        clauses = ["d.meeting_date = ?", "(? IS NULL OR d.committee IS NULL OR folded(d.committee) = folded(?))"]
        clauses += [PUBLIC] if public_only else []
        rows = self._rows(
            f"{self._DOC} WHERE {' AND '.join(clauses)} ORDER BY d.path", [meeting_date, committee, committee]
        )
        return [Document(*row) for row in rows]

    def _holders(self, sha256s: Iterable[str], *, public_only: bool = False) -> dict[str, Document]:
        """The first document (by path) holding each of the contents."""
        holders: dict[str, Document] = {}
        for document in self.documents(sha256s, public_only=public_only):
            holders.setdefault(document.sha256, document)
        return holders

    def meetings(self, *, public_only: bool = False) -> list[Meeting]:
        """Every meeting the papers (not restricted, with `public_only`) are from or minute, newest first,
        with the papers of each: those dated for it and those that carry its minutes (a later meeting's pack)."""
        papers: dict[tuple[str | None, str], dict[str, None]] = {}
        councils: dict[tuple[str | None, str], str | None] = {}
        for document in self.documents(public_only=public_only):
            if document.meeting_date:
                key = (document.committee, document.meeting_date)
                papers.setdefault(key, {})[document.path] = None
                councils[key] = councils.get(key) or document.council
        for item, document in self.items(public_only=public_only):
            if item.meeting_date:
                key = (item.committee, item.meeting_date)
                papers.setdefault(key, {})[document.path] = None
                councils[key] = councils.get(key) or document.council
        ordered = sorted(papers, key=lambda key: (key[1], key[0] or ""), reverse=True)
        return [Meeting(councils[key], key[0], key[1], tuple(papers[key])) for key in ordered]

    def begin_content(self, sha256: str) -> None:
        """Mark a content as being written: until `add_content` finishes it, a crash leaves it pending,
        and its vectors are dropped at the next open (`pending`, `finish`)."""
        with self.transaction() as db:
            db.execute("INSERT OR IGNORE INTO pending VALUES (?)", (sha256,))

    def add_content(
        self,
        document: Document,
        pages: Sequence[Page],
        n_chunks: int,
        minutes: Minutes | None = None,
        decision_vectors: np.ndarray | None = None,
        *,
        restriction: tuple[str, str] | None = None,
    ) -> None:
        """Record a content's pages (and minutes, with its decisions' vectors) and the document that
        holds it, in one transaction that also ends its pending mark. `restriction` (source, why) marks
        it restricted in the same transaction: it is never visible unrestricted, not for a moment."""
        with self.transaction() as db:
            if restriction is not None:
                _restrict(db, document.sha256, True, *restriction)
            db.execute("INSERT OR REPLACE INTO contents VALUES (?, ?, ?)", (document.sha256, len(pages), n_chunks))
            db.executemany(
                "INSERT OR REPLACE INTO pages (sha256, pdf_page, label, text, ocr) VALUES (?, ?, ?, ?, ?)",
                [(document.sha256, page.pdf_page, page.label, page.text, int(page.ocr)) for page in pages],
            )
            if minutes is not None:
                assert decision_vectors is not None, "minutes are stored with their decisions' vectors"
                self._store_minutes(db, document.sha256, minutes, decision_vectors)
            _put_document(db, document)
            db.execute("DELETE FROM pending WHERE sha256 = ?", (document.sha256,))

    def add_copy(self, document: Document, restriction: tuple[str, str] | None = None) -> None:
        """Record another path for content already indexed (restricted by `restriction`, as `add_content`)."""
        with self.transaction() as db:
            if restriction is not None:
                _restrict(db, document.sha256, True, *restriction)
            _put_document(db, document)

    def record_skip(self, path: str, root: str, sha256: str, reason: str, detail: str) -> None:
        """Remember a file that could not be ingested; an older good version of it is dropped."""
        with self.transaction() as db:
            db.execute("DELETE FROM documents WHERE path = ?", (path,))
            db.execute("INSERT OR REPLACE INTO skipped VALUES (?, ?, ?, ?, ?)", (path, root, sha256, reason, detail))
            _mark_orphans(db)

    def remove(self, path: str) -> None:
        """Forget a path; its content is marked pending (for its vectors to go) when no other path holds it."""
        with self.transaction() as db:
            db.execute("DELETE FROM documents WHERE path = ?", (path,))
            db.execute("DELETE FROM skipped WHERE path = ?", (path,))
            _mark_orphans(db)

    def finish(self, sha256: str) -> None:
        """End a content's pending mark (its vectors are stored whole, or gone)."""
        with self.transaction() as db:
            db.execute("DELETE FROM pending WHERE sha256 = ?", (sha256,))

    def _store_minutes(self, db: sqlite3.Connection, sha256: str, minutes: Minutes, vectors: np.ndarray) -> None:
        """Write a content's minuted items, and its decisions with their vectors (one row each, in
        order), inside the caller's transaction."""
        db.executemany(
            f"INSERT OR REPLACE INTO items (sha256, {ITEM_COLUMNS}) VALUES ({', '.join('?' * 10)})",
            [(sha256, *astuple(item)) for item in minutes.items],
        )
        db.executemany(
            f"INSERT OR REPLACE INTO decisions (sha256, {DECISION_COLUMNS}, vector) VALUES ({', '.join('?' * 22)})",
            [
                (sha256, *decision_to_row(decision), np.asarray(vector, dtype=np.float32).tobytes())
                for decision, vector in zip(minutes.decisions, vectors, strict=True)
            ],
        )

    def decision_vectors(self) -> dict[tuple[str, int], np.ndarray]:
        """Each decision's vector, by content sha256 and ordinal."""
        rows = self._rows("SELECT sha256, ordinal, vector FROM decisions WHERE vector IS NOT NULL")
        return {(sha256, ordinal): np.frombuffer(vector, dtype=np.float32) for sha256, ordinal, vector in rows}

    def chunk_counts(self, sha256s: Collection[str] | None = None) -> dict[str, int]:
        """How many chunks each indexed content (of `sha256s`, when given) has, by sha256."""
        counts = dict(self._rows("SELECT sha256, n_chunks FROM contents"))
        return counts if sha256s is None else {sha256: counts[sha256] for sha256 in sha256s if sha256 in counts}

    def pending(self) -> list[str]:
        return [row[0] for row in self._rows("SELECT sha256 FROM pending")]

    def counts(self, *, public_only: bool = False) -> dict[str, int]:
        """Documents, distinct contents, their pages and chunks, and skipped files; with `public_only`,
        of the papers that are not restricted (and no skipped files: their names are all they have)."""
        public = f"WHERE {PUBLIC.replace('d.sha256', 'sha256')}" if public_only else ""
        ((documents, contents, pages, chunks, skipped),) = self._rows(
            f"SELECT (SELECT COUNT(*) FROM documents {public}), (SELECT COUNT(*) FROM contents {public}), "
            f"(SELECT COALESCE(SUM(n_pages), 0) FROM contents {public}), "
            f"(SELECT COALESCE(SUM(n_chunks), 0) FROM contents {public}), "
            f"{'0' if public_only else '(SELECT COUNT(*) FROM skipped)'}"
        )
        return {
            "documents": documents,
            "unique_contents": contents,
            "pages": pages,
            "chunks": chunks,
            "skipped": skipped,
        }


def _restrict(db: sqlite3.Connection, sha256: str, restricted: bool, source: str, why: str) -> None:
    """Record a content's restriction inside the caller's transaction (see `Catalog.restrict`)."""
    if source not in SOURCES:
        raise ValueError(f"a restriction's source is one of {', '.join(SOURCES)}, not {source!r}")
    keep_officer = "" if source == "officer" else " WHERE restrictions.source != 'officer'"
    sql = (
        "INSERT INTO restrictions (sha256, restricted, source, why) VALUES (?, ?, ?, ?) ON CONFLICT(sha256) DO UPDATE "
        f"SET restricted = excluded.restricted, source = excluded.source, why = excluded.why, at = datetime('now')"
        f"{keep_officer}"
    )
    db.execute(sql, (sha256, int(restricted), source, why))


def _put_document(db: sqlite3.Connection, document: Document) -> None:
    db.execute("DELETE FROM skipped WHERE path = ?", (document.path,))
    db.execute(
        "INSERT OR REPLACE INTO documents (path, root, sha256, title, council, committee, meeting_date, doc_type, "
        "url) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            document.path,
            document.root,
            document.sha256,
            document.title,
            document.council,
            document.committee,
            document.meeting_date,
            document.doc_type,
            document.url,
        ),
    )
    _mark_orphans(db)


def _mark_orphans(db: sqlite3.Connection) -> None:
    """Queue content that no path points at any more for removal, inside the caller's transaction."""
    db.execute(
        "INSERT OR IGNORE INTO pending SELECT sha256 FROM contents WHERE sha256 NOT IN (SELECT sha256 FROM documents)"
    )
    db.execute("DELETE FROM pages WHERE sha256 NOT IN (SELECT sha256 FROM documents)")
    db.execute("DELETE FROM items WHERE sha256 NOT IN (SELECT sha256 FROM documents)")
    db.execute("DELETE FROM decisions WHERE sha256 NOT IN (SELECT sha256 FROM documents)")
    db.execute("DELETE FROM contents WHERE sha256 NOT IN (SELECT sha256 FROM documents)")


def folded(name: str | None) -> str | None:
    """A name as names are compared: case folded, spaces collapsed (SQL's `folded`, on the catalog's connection).

    >>> folded("  Health  and Wellbeing BOARD ")
    'health and wellbeing board'
    """
    return None if name is None else " ".join(name.casefold().split())


def _passing(wanted: SearchFilter, *, known_only: bool = False) -> tuple[str, list[object]]:
    """The SQL condition (on `documents d`) a paper meets to pass `wanted`, and its arguments; with
    `known_only`, a paper of no council known passes a council filter only where it names the council."""
    clauses, args = meeting_clauses(wanted.committee, None, None, public_only=not wanted.include_restricted)
    dated = ["d.meeting_date >= ?"] * (wanted.date_from is not None) + ["d.meeting_date <= ?"] * (
        wanted.date_to is not None
    )
    if dated:
        mentions = ["p.text LIKE '%' || ? || '%'"] * len(wanted.mentions)  # ASCII case-insensitive
        clauses.append(
            f"(({' AND '.join(dated)}) OR d.sha256 IN "
            f"(SELECT p.sha256 FROM pages p WHERE {' OR '.join(mentions) or '0'}))"
        )
        args += [day for day in (wanted.date_from, wanted.date_to) if day is not None] + list(wanted.mentions)
    if wanted.doc_type is not None:
        clauses.append("lower(d.doc_type) = lower(?)")
        args.append(wanted.doc_type)
    if wanted.doc is not None:
        clauses.append("d.path = ?")
        args.append(wanted.doc)
    if wanted.councils:  # the names as the catalog holds them (`Catalog.councils`)
        naming = wanted.council_mentions or wanted.councils
        named = " OR ".join(["p.text LIKE '%' || ? || '%'"] * len(naming))  # ASCII case-insensitive
        unknown = "" if known_only else "coalesce(d.council, '') = '' OR "
        clauses.append(
            f"({unknown}d.council IN ({', '.join('?' * len(wanted.councils))}) "
            f"OR d.sha256 IN (SELECT p.sha256 FROM pages p WHERE {named}))"
        )
        args += [*wanted.councils, *naming]
    return " AND ".join(clauses) or "1", args


def meeting_clauses(
    committee: str | None, date_from: str | None, date_to: str | None, *, public_only: bool
) -> tuple[list[str], list[object]]:
    """SQL conditions (on a table aliased `d` with committee, meeting_date and sha256 columns) and their
    arguments for a meeting filter: part of the committee's name in any case, meeting dates from `date_from`
    to `date_to` (inclusive), and, with `public_only`, no restricted paper.

    >>> meeting_clauses("Cabinet ", "2025-01-01", None, public_only=False)
    (["instr(folded(coalesce(d.committee, '')), folded(?)) > 0", 'd.meeting_date >= ?'], ['Cabinet ', '2025-01-01'])
    """
    clauses: list[str] = []
    args: list[object] = []
    if committee is not None:
        clauses.append(COMMITTEE_PART)
        args.append(committee)
    for condition, day in (("d.meeting_date >= ?", date_from), ("d.meeting_date <= ?", date_to)):
        if day is not None:
            clauses.append(condition)
            args.append(day)
    if public_only:
        clauses.append(PUBLIC)
    return clauses, args


def decision_to_row(decision: Decision) -> tuple[object, ...]:
    """A decision as a row of the decisions table (after its sha256)."""
    fields = asdict(decision)
    fields["votes"] = None if decision.votes is None else json.dumps(asdict(decision.votes))
    fields["moved_at"] = None if decision.moved_at is None else json.dumps(list(decision.moved_at))
    fields["delegated"] = json.dumps(list(decision.delegated))
    fields["unanimous"] = int(decision.unanimous)
    return tuple(fields[column.strip()] for column in DECISION_COLUMNS.split(","))


def decision_from_row(row: Sequence[object]) -> Decision:
    fields = dict(zip((column.strip() for column in DECISION_COLUMNS.split(",")), row, strict=True))
    votes: dict[str, Any] | None = json.loads(str(fields["votes"])) if fields["votes"] else None
    if votes is not None:
        fields["votes"] = Votes(
            votes["in_favour"],
            votes["against"],
            votes["abstained"],
            tuple(votes["printed"]),
            tuple(votes["names_for"]),
            tuple(votes["names_against"]),
            tuple(votes["names_abstained"]),
        )
    fields["moved_at"] = tuple(json.loads(str(fields["moved_at"]))) if fields["moved_at"] else None
    fields["delegated"] = tuple(json.loads(str(fields["delegated"])))
    fields["unanimous"] = bool(fields["unanimous"])
    return Decision(**fields)  # type: ignore[arg-type]
