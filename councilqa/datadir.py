"""The files and folders of a data directory, named once."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class DataDir:
    """Every file and folder of a data directory (`Settings.data_dir`), named once: everything that reads
    or writes one asks this.

    >>> DataDir(Path("d")).catalog.as_posix(), [p.name for p in DataDir(Path("d")).index_files]
    ('d/catalog.sqlite', ['catalog.sqlite', 'catalog.sqlite-wal', 'catalog.sqlite-shm', 'chroma', 'bm25'])
    """

    root: Path

    @property
    def catalog(self) -> Path:
        """The catalog (SQLite): papers, pages, meetings, decisions, restrictions."""
        return self.root / "catalog.sqlite"

    @property
    def chroma(self) -> Path:
        """The vectors, where Chroma is embedded."""
        return self.root / "chroma"

    @property
    def bm25(self) -> Path:
        """The keyword index."""
        return self.root / "bm25"

    @property
    def ocr(self) -> Path:
        """What OCR read of each scanned page, kept so that no page is read twice."""
        return self.root / "ocr"

    @property
    def uploads(self) -> Path:
        """Papers uploaded in the app."""
        return self.root / "uploads"

    @property
    def papers(self) -> Path:
        """Papers fetched from a ModernGov site, by default."""
        return self.root / "papers"

    @property
    def accounts(self) -> Path:
        """The app's accounts and roles."""
        return self.root / "accounts.json"

    @property
    def serving(self) -> Path:
        """Which process serves the directory, and where it takes ingests handed over to it."""
        return self.root / "serving.json"

    @property
    def writer_lock(self) -> Path:
        """The lock its one writer holds."""
        return self.root / "writer.lock"

    @property
    def baselines(self) -> Path:
        """The eval's baselines' own indexes."""
        return self.root / "baselines"

    @property
    def index_files(self) -> tuple[Path, ...]:
        """What an index is made of: removed, they are rebuilt by ingesting again."""
        catalog = self.catalog
        wal, shm = (catalog.with_name(f"{catalog.name}-{end}") for end in ("wal", "shm"))
        return (catalog, wal, shm, self.chroma, self.bm25)
