"""What the app knows about the index: the files it may serve, the choices for its filters, counts.

A file is served (by the app's gate, `councilqa.app.gate`, which asks `servable`; by the viewer, which asks
`file_for`) only when it is a catalogued paper the user may see, lying under its own ingest root (a
distinct `root` of the catalog's documents, the uploads folder or the folder papers are fetched into).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from councilqa.app.accounts import Account
from councilqa.errors import CouncilQAError
from councilqa.index.papers import Papers
from councilqa.index.store import Index
from councilqa.records import Counts
from councilqa.settings import Settings


class NotServed(CouncilQAError):
    """A file the app will not serve: unknown to the catalog, restricted from the user (said the same way,
    so that a restricted paper's existence is not told), or outside every ingest root."""


@dataclass(frozen=True)
class Overview:
    """What is indexed, for the Documents tab."""

    counts: Counts
    meetings: int
    documents: list[list[str | int]] = field(default_factory=list)  # path, title, committee, date, type, pages, why
    # restricted (empty for a public paper)
    skipped: list[list[str]] = field(default_factory=list)  # path, reason, detail

    def markdown(self) -> str:
        c = self.counts
        return (
            f"**{c.documents}** documents ({c.documents - c.unique_contents} identical copies), **{c.pages}** pages, "
            f"**{c.chunks}** passages, **{self.meetings}** meetings; **{c.skipped}** files skipped."
        )


def within(path: Path, roots: list[Path]) -> bool:
    """Whether `path`, with symbolic links and ".." resolved, lies under one of `roots`.

    >>> roots = [Path("/srv/papers")]
    >>> within(Path("/srv/papers/a.pdf"), roots), within(Path("/srv/papers/../x.pdf"), roots)
    (True, False)
    """
    resolved = path.resolve()
    return any(resolved.is_relative_to(root.resolve()) for root in roots)


class Library:
    """The index as the app sees it. Example::

    library = Library(settings, open_index(settings))
    library.file_for("riverford/Printed minutes 12th-Mar-2026 18.30 Cabinet.pdf")
    """

    def __init__(self, settings: Settings, index: Index) -> None:
        self.settings = settings
        self.index = index

    @property
    def uploads_dir(self) -> Path:
        return self.settings.data.uploads.resolve()

    @property
    def papers_dir(self) -> Path:
        """Where the app fetches papers from a council's site into (`councilqa fetch`'s default too)."""
        return self.settings.data.papers.resolve()

    def roots(self) -> list[Path]:
        """The folders the app may serve files from: every ingest root, the uploads and the fetched papers."""
        roots = {Path(root).resolve() for root in self.index.papers.roots()}
        return sorted(roots | {self.uploads_dir, self.papers_dir})

    def visible(self, doc: str, account: Account) -> bool:
        """Whether `account` may see the indexed paper `doc` (a path as cited)."""
        return self.papers(account).document(doc) is not None

    def papers(self, account: Account) -> Papers:
        """The indexed papers `account` may see."""
        return self.index.papers.seen(account.sees_restricted)

    def file_for(self, doc: str, account: Account) -> Path:
        """The PDF of a cited document (a path as cited) that `account` may see, checked to lie under an
        ingest root."""
        document = self.papers(account).document(doc)
        if document is None:
            raise NotServed(f"{doc}: not in the index")
        path = Path(document.root) / document.path
        if not within(path, self.roots()):
            raise NotServed(f"{doc}: outside the ingested folders, so not served")
        if not path.is_file():
            raise NotServed(f"{doc}: the file is no longer at {path}; ingest its folder again")
        return path.resolve()

    def servable(self, path: Path, account: Account) -> bool:
        """Whether the file at `path` (absolute, as the file route is asked for it) is a catalogued paper that
        `account` may see, under its own ingest root, reached without a link out of the root or "..".

        Anything else under a root (a script, a spreadsheet, a paper not indexed) is not."""
        if ".." in path.parts or not path.is_absolute():
            return False
        papers = self.papers(account)
        for root in map(Path, papers.roots()):
            if path.is_relative_to(root) and within(path, [root]):  # `within` resolves links: none leads out
                document = papers.document(path.relative_to(root).as_posix())
                if document is not None and Path(document.root) == root:
                    return True
        return False

    def choices(self, account: Account) -> tuple[list[str], list[str]]:
        """The committees and document types of the papers `account` may see, sorted, for the filter menus."""
        facets = self.papers(account).facets()
        return facets.committees, facets.doc_types

    def overview(self, account: Account) -> Overview:
        """What is indexed, as `account` may see it: a reader neither sees restricted papers nor counts them,
        nor the skipped files (a name is all they have, and it may be an exempt paper's)."""
        held = self.papers(account).overview()
        rows: list[list[str | int]] = [
            [
                d.path,
                d.title,
                d.committee or "",
                d.meeting_date or "",
                d.doc_type,
                d.n_pages,
                held.restricted.get(d.sha256, ""),
            ]
            for d in held.documents
        ]
        return Overview(held.counts, len(held.meetings), rows, [list(skip) for skip in held.skipped])
