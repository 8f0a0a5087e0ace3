"""The index's read face: what it holds, as typed records, for the papers one kind of user may see.

`Index.papers` sees every paper (a member's or an officer's view); its `public` face only the papers
not restricted, and neither why papers are restricted nor which files were skipped (a name is all they
have, and it may be an exempt paper's). Search and writes are `Index`'s; both read the one catalog
(`index/catalog.py`), whose writes this module never makes.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from dataclasses import replace

from councilqa.index.catalog import (
    DECISION_COLUMNS,
    DOCUMENTS,
    ITEM_COLUMNS,
    PUBLIC,
    Catalog,
    Restriction,
    Skipped,
    decision_from_row,
)
from councilqa.records import (
    Counts,
    Decision,
    DecisionFilter,
    Document,
    Facets,
    Holdings,
    Meeting,
    MinuteItem,
    Page,
    SearchFilter,
)

COMMITTEE_PART = "instr(folded(coalesce(d.committee, '')), folded(?)) > 0"  # part of the name, any case or spacing


class Papers:
    """What the index holds, read-only: every paper, or (`public_only`, the `public` face) those not restricted."""

    def __init__(self, catalog: Catalog, *, public_only: bool = False) -> None:
        self._catalog = catalog
        self.public_only = public_only
        self._public = f" AND {PUBLIC}" if public_only else ""  # a condition on `documents d`

    @property
    def public(self) -> Papers:
        """The papers anyone may see: none restricted."""
        return self if self.public_only else Papers(self._catalog, public_only=True)

    def seen(self, include_restricted: bool) -> Papers:
        """These papers as seen by a user who may (`include_restricted`) or may not see restricted ones."""
        return self if include_restricted else self.public

    def counts(self) -> Counts:
        """Documents, distinct contents, their pages and chunks, and skipped files (none for the public)."""
        public = f"WHERE {PUBLIC.replace('d.sha256', 'sha256')}" if self.public_only else ""
        ((documents, contents, pages, chunks, skipped),) = self._catalog.rows(
            f"SELECT (SELECT COUNT(*) FROM documents {public}), (SELECT COUNT(*) FROM contents {public}), "
            f"(SELECT COALESCE(SUM(n_pages), 0) FROM contents {public}), "
            f"(SELECT COALESCE(SUM(n_chunks), 0) FROM contents {public}), "
            f"{'0' if self.public_only else '(SELECT COUNT(*) FROM skipped)'}"
        )
        return Counts(documents, contents, pages, chunks, skipped)

    def chunk_counts(self) -> dict[str, int]:
        """How many passages each content holds, by sha256."""
        counts, hidden = self._catalog.chunk_counts(), self.restricted() if self.public_only else set()
        return {sha: n for sha, n in counts.items() if sha not in hidden}

    def is_empty(self) -> bool:
        """Whether no passage is indexed."""
        return not self.counts().chunks

    def documents(self) -> list[Document]:
        """Every paper, by path."""
        return self._catalog.documents(public_only=self.public_only)

    def document(self, path: str) -> Document | None:
        """The paper at `path` (as cited), or None."""
        document = self._catalog.document(path)
        hidden = document is not None and self.public_only and document.sha256 in self.restricted()
        return None if hidden else document

    def pages(self, sha256: str) -> list[Page]:
        """A content's pages, in order, with their printed labels."""
        return [] if self.public_only and sha256 in self.restricted() else self._catalog.pages(sha256)

    def restricted(self) -> set[str]:
        """The contents (sha256) restricted from the public (on the public face too: what it hides)."""
        return self._catalog.restricted()

    def restrictions(self) -> dict[str, Restriction]:
        """What is known of each content's restriction, by sha256 (none for the public)."""
        if self.public_only:
            return {}
        rows = self._catalog.rows("SELECT sha256, restricted, source, why FROM restrictions")
        return {sha256: Restriction(bool(restricted), source, why) for sha256, restricted, source, why in rows}

    def skipped(self) -> list[Skipped]:
        """The files that could not be ingested, and why (none for the public)."""
        return [] if self.public_only else self._catalog.skipped()

    def roots(self) -> list[str]:
        """The folders the papers were ingested from, sorted (on the public face too: folders, not papers)."""
        return self._catalog.roots()

    def facets(self) -> Facets:
        """The committees, document types and meeting dates present, sorted: the values filters can take."""
        values = [
            [
                row[0]
                for row in self._catalog.rows(
                    f"SELECT DISTINCT {column} FROM documents d WHERE {column} IS NOT NULL{self._public} "
                    f"ORDER BY {column}"
                )
            ]
            for column in ("committee", "doc_type", "meeting_date")
        ]
        return Facets(*values)

    def matching(self, wanted: SearchFilter) -> list[Document]:
        """The papers that pass `wanted` (see `SearchFilter` for what each field means), by path."""
        condition, args = passing(self._within(wanted))
        return [Document(*row) for row in self._catalog.rows(f"{DOCUMENTS} WHERE {condition} ORDER BY d.path", args)]

    def mentioned(self, wanted: SearchFilter, text: str) -> bool:
        """Whether a page of a paper that passes `wanted` holds `text` (ASCII case-insensitive); with
        `wanted.councils`, of a paper of those councils or one that names them: a paper of no council
        known that doesn't name them says nothing of theirs."""
        condition, args = passing(self._within(wanted), known_only=True)
        rows = self._catalog.rows(
            f"SELECT 1 FROM pages q WHERE q.text LIKE ? AND q.sha256 IN (SELECT d.sha256 FROM documents d "
            f"WHERE {condition}) LIMIT 1",
            [f"%{text}%", *args],
        )
        return bool(rows)

    def has_minutes(self, first: str | None, last: str | None) -> bool:
        """Whether minutes of a meeting from `first` to `last` (ISO days, inclusive) are indexed: printed
        minutes of that date, or decisions recorded for it (minutes inside a later pack)."""
        span = [first or "0000-00-00", last or "9999-99-99"]
        public_items = self._public.replace("d.sha256", "i.sha256")
        return bool(
            self._catalog.rows(
                "SELECT 1 FROM documents d WHERE d.doc_type = 'printed minutes' AND d.meeting_date BETWEEN ? AND ?"
                f"{self._public} UNION SELECT 1 FROM items i WHERE i.meeting_date BETWEEN ? AND ?{public_items}",
                span + span,
            )
        )

    def councils(self) -> list[str]:
        """The councils the papers name, sorted."""
        sql = f"SELECT DISTINCT d.council FROM documents d WHERE d.council != ''{self._public} ORDER BY 1"
        return [row[0] for row in self._catalog.rows(sql)]

    def minutes_council(self, name: str) -> bool:
        """Whether any paper that records decisions may be council `name`'s: its council holds the name, or,
        where its council is not known, its path, title or first page does."""
        like = f"%{name}%"
        rows = self._catalog.rows(
            "SELECT 1 FROM documents d JOIN pages p ON p.sha256 = d.sha256 AND p.pdf_page = 1 "
            "WHERE d.sha256 IN (SELECT sha256 FROM decisions) AND (d.council LIKE ? "
            "OR (COALESCE(d.council, '') = '' AND (d.path LIKE ? OR d.title LIKE ? OR p.text LIKE ?)))"
            f"{self._public} LIMIT 1",
            (like, like, like, like),
        )
        return bool(rows)

    def decisions(self, wanted: DecisionFilter | None = None) -> list[tuple[Decision, Document]]:
        """Decisions read from minutes that pass `wanted` (see `DecisionFilter`; all these papers' when None),
        each with the first document holding it: newest meeting first, then in the order of their minutes."""
        wanted = DecisionFilter(include_restricted=True) if wanted is None else wanted
        public_only = self.public_only or not wanted.include_restricted
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
        rows = self._catalog.rows(
            f"SELECT d.sha256, {columns} FROM decisions d "
            "LEFT JOIN items i ON i.sha256 = d.sha256 AND i.ordinal = d.item "
            f"WHERE {' AND '.join(clauses) or '1'} "
            "ORDER BY coalesce(d.meeting_date, '') DESC, d.sha256, d.ordinal",
            args,
        )
        holders = self._holders({row[0] for row in rows}, public_only=public_only)
        return [(decision_from_row(row[1:]), holders[row[0]]) for row in rows if row[0] in holders]

    def items(self, keys: Collection[tuple[str, int]] | None = None) -> list[tuple[MinuteItem, Document]]:
        """Minuted items (those of `keys`, (content, ordinal) pairs, when given), each with the first document
        holding it, in document order."""
        columns = ", ".join(f"i.{column.strip()}" for column in ITEM_COLUMNS.split(","))
        if keys is None:
            rows = self._catalog.rows(f"SELECT i.sha256, {columns} FROM items i ORDER BY i.sha256, i.ordinal")
        else:  # joined by the key, not a scan of every item
            rows = self._catalog.rows_by_keys(
                f"SELECT i.sha256, {columns} FROM (VALUES {{keys}}) AS k "
                "JOIN items i ON i.sha256 = k.column1 AND i.ordinal = k.column2",
                sorted(set(keys)),
            )
            rows.sort(key=lambda row: (row[0], row[1]))
        holders = self._holders({row[0] for row in rows}, public_only=self.public_only)
        return [(MinuteItem(*row[1:]), holders[row[0]]) for row in rows if row[0] in holders]

    def minute_items(self, keys: Collection[tuple[str, int]]) -> dict[tuple[str, int], MinuteItem]:
        """The minuted items of `keys` ((content, ordinal) pairs) that are indexed, by key."""
        return {(d.sha256, item.ordinal): item for item, d in self.items(keys)}

    def meeting_papers(self, meeting_date: str, committee: str | None) -> list[Document]:
        """The papers dated for one meeting: of `meeting_date` and, where both it and the paper name one, of
        `committee` (in any case or spacing)."""
        clauses = ["d.meeting_date = ?", "(? IS NULL OR d.committee IS NULL OR folded(d.committee) = folded(?))"]
        clauses += [PUBLIC] if self.public_only else []
        rows = self._catalog.rows(
            f"{DOCUMENTS} WHERE {' AND '.join(clauses)} ORDER BY d.path", [meeting_date, committee, committee]
        )
        return [Document(*row) for row in rows]

    def meetings(self) -> list[Meeting]:
        """Every meeting the papers are from or minute, newest first, with the papers of each: those dated for
        it and those that carry its minutes (a later meeting's pack)."""
        papers: dict[tuple[str | None, str], dict[str, None]] = {}
        councils: dict[tuple[str | None, str], str | None] = {}
        dated = [(d.committee, d.meeting_date, d) for d in self.documents()]
        dated += [(item.committee, item.meeting_date, d) for item, d in self.items()]
        for committee, day, document in dated:
            if day:
                key = (committee, day)
                papers.setdefault(key, {})[document.path] = None
                councils[key] = councils.get(key) or document.council
        ordered = sorted(papers, key=lambda key: (key[1], key[0] or ""), reverse=True)
        return [Meeting(councils[key], key[0], key[1], tuple(papers[key])) for key in ordered]

    def overview(self) -> Holdings:
        """What is indexed: counts, papers, meetings, why papers are restricted, and the files skipped."""
        restricted = {sha: r.why for sha, r in self.restrictions().items() if r.restricted}
        skipped = [(s.path, s.reason, s.detail) for s in self.skipped()]
        return Holdings(self.counts(), self.documents(), self.meetings(), restricted, skipped)

    def _within(self, wanted: SearchFilter) -> SearchFilter:
        """`wanted`, no wider than these papers."""
        return replace(wanted, include_restricted=False) if self.public_only else wanted

    def _holders(self, sha256s: Iterable[str], *, public_only: bool) -> dict[str, Document]:
        """The first document (by path) holding each of the contents."""
        holders: dict[str, Document] = {}
        for document in self._catalog.documents(sha256s, public_only=public_only):
            holders.setdefault(document.sha256, document)
        return holders


def passing(wanted: SearchFilter, *, known_only: bool = False) -> tuple[str, list[object]]:
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
    if wanted.councils:  # the names as the catalog holds them (`Papers.councils`)
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
