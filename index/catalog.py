"""The catalog: a SQLite file of what is indexed, by path and by content hash.

Content (pages and chunks) is keyed by the file's sha256, and paths point at content, so an
identical file under two paths is stored once. A sha256 in `pending` has vectors that may be
half-written or half-removed; the index finishes that job before it trusts the collection.
"""

from __future__ import annotations

import json
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
    Document,
    Minutes,
    Page,
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
DOCUMENTS = (  # a `Document` of each row
    "SELECT d.path, d.root, d.sha256, d.title, c.n_pages, d.council, d.committee, d.meeting_date, d.doc_type, d.url "
    "FROM documents d JOIN contents c ON c.sha256 = d.sha256"
)
# Restriction is of content, not of a path: an identical file under another path holds the same text.
# Kept when the content is removed, so that the same bytes ingested again are restricted again.
PUBLIC = "d.sha256 NOT IN (SELECT sha256 FROM restrictions WHERE restricted = 1)"
SOURCES = ("marking", "site", "officer")  # an officer's word outlasts what ingest finds
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
    """SQLite in WAL mode: a connection that writes (`transaction`) and one that only reads (`rows`, opened
    query-only: no statement through it can change the file), each shared by threads under a lock."""

    def __init__(self, path: Path) -> None:
        self._db = _connect(path)
        self._lock = threading.RLock()
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(SCHEMA)
        for table, column, kind in (("documents", "url", "TEXT"), ("pages", "ocr", "INTEGER NOT NULL DEFAULT 0")):
            if column not in {row[1] for row in self._db.execute(f"PRAGMA table_info({table})")}:
                self._db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {kind}")  # added after schema 3
        self._reader = _connect(path)
        self._reader.execute("PRAGMA query_only = ON")
        self._reading = threading.Lock()

    def close(self) -> None:
        self._reader.close()
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

    def rows(self, sql: str, args: Iterable[object] = ()) -> list[tuple]:
        """The rows `sql` reads (a statement that would write raises `sqlite3.OperationalError`)."""
        with self._reading:
            return self._reader.execute(sql, tuple(args)).fetchall()

    def rows_by_keys(self, sql: str, keys: Sequence[tuple[object, ...]]) -> list[tuple]:
        """The rows of `sql` for every key, asked in batches within MAX_ARGUMENTS: `{keys}` in `sql` becomes
        one placeholder, "?" or "(?, ?)", per key of the batch."""
        rows: list[tuple] = []
        for start in range(0, len(keys), KEYS_PER_QUERY):
            batch = keys[start : start + KEYS_PER_QUERY]
            marks = "?" if len(batch[0]) == 1 else f"({', '.join('?' * len(batch[0]))})"
            rows += self.rows(sql.replace("{keys}", ",".join([marks] * len(batch))), [v for key in batch for v in key])
        return rows

    def get_meta(self, key: str) -> str | None:
        rows = self.rows("SELECT value FROM meta WHERE key = ?", [key])
        return rows[0][0] if rows else None

    def set_meta(self, key: str, value: str) -> None:
        with self.transaction() as db:
            db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    def document(self, path: str) -> Document | None:
        rows = self.rows(f"{DOCUMENTS} WHERE d.path = ?", [path])
        return Document(*rows[0]) if rows else None

    def documents(self, sha256s: Iterable[str] | None = None, *, public_only: bool = False) -> list[Document]:
        """Every document (holding one of `sha256s`, when given), by path; with `public_only`, none that is
        restricted."""
        public = [PUBLIC] if public_only else []
        if sha256s is None:
            return [
                Document(*row) for row in self.rows(f"{DOCUMENTS} WHERE {' AND '.join(public) or '1'} ORDER BY d.path")
            ]
        where = " AND ".join([*public, "d.sha256 IN ({keys})"])
        rows = self.rows_by_keys(f"{DOCUMENTS} WHERE {where}", [(sha256,) for sha256 in sorted(set(sha256s))])
        return sorted((Document(*row) for row in rows), key=lambda document: document.path)

    def roots(self) -> list[str]:
        """The distinct ingest roots the documents were found under, sorted."""
        return [row[0] for row in self.rows("SELECT DISTINCT root FROM documents ORDER BY root")]

    def restricted(self) -> set[str]:
        """The contents (sha256) that are restricted."""
        return {row[0] for row in self.rows("SELECT sha256 FROM restrictions WHERE restricted = 1")}

    def restrict(self, sha256: str, restricted: bool, source: str, why: str) -> None:
        """Record that a content is (or is not) restricted, and why. What ingest finds (a marking, the
        site's flag) never overrides an officer's word; an officer's always does."""
        with self.transaction() as db:
            _restrict(db, sha256, restricted, source, why)

    def has_content(self, sha256: str) -> bool:
        return bool(self.rows("SELECT 1 FROM contents WHERE sha256 = ?", [sha256]))

    def skipped(self, path: str | None = None) -> list[Skipped]:
        if path is None:
            return [Skipped(*row) for row in self.rows("SELECT * FROM skipped ORDER BY path")]
        return [Skipped(*row) for row in self.rows("SELECT * FROM skipped WHERE path = ?", [path])]

    def page_texts(self, pages: Collection[tuple[str, int]]) -> dict[tuple[str, int], tuple[str, bool]]:
        """The stored text of each of `pages` ((content, PDF page) pairs) that is stored, and whether OCR read it."""
        rows = self.rows_by_keys(
            "SELECT p.sha256, p.pdf_page, p.text, p.ocr FROM (VALUES {keys}) AS k "
            "JOIN pages p ON p.sha256 = k.column1 AND p.pdf_page = k.column2",  # by the key, not a scan of pages
            sorted(set(pages)),
        )
        return {(sha256, number): (text, bool(ocr)) for sha256, number, text, ocr in rows}

    def pages(self, sha256: str) -> list[Page]:
        rows = self.rows("SELECT pdf_page, label, text, ocr FROM pages WHERE sha256 = ? ORDER BY pdf_page", [sha256])
        return [Page(number, label, text, bool(ocr)) for number, label, text, ocr in rows]

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

    def decision_vectors(self, sha256: str | None = None) -> dict[tuple[str, int], np.ndarray]:
        """Each decision's vector (of content `sha256`, when given), by content sha256 and ordinal."""
        sql = "SELECT sha256, ordinal, vector FROM decisions WHERE vector IS NOT NULL"
        rows = self.rows(sql) if sha256 is None else self.rows(f"{sql} AND sha256 = ?", [sha256])
        return {(content, ordinal): np.frombuffer(vector, dtype=np.float32) for content, ordinal, vector in rows}

    def chunk_counts(self, sha256s: Collection[str] | None = None) -> dict[str, int]:
        """How many chunks each indexed content (of `sha256s`, when given) has, by sha256."""
        counts = dict(self.rows("SELECT sha256, n_chunks FROM contents"))
        return counts if sha256s is None else {sha256: counts[sha256] for sha256 in sha256s if sha256 in counts}

    def pending(self) -> list[str]:
        return [row[0] for row in self.rows("SELECT sha256 FROM pending")]


def _connect(path: Path) -> sqlite3.Connection:
    """A connection to the catalog at `path`, in autocommit mode, with the catalog's SQL function."""
    db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
    # SQLite's own default limit (Debian builds it higher): the same statements work on every build
    db.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, MAX_ARGUMENTS)
    db.create_function("folded", 1, folded, deterministic=True)  # one rule for comparing names
    return db


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
