"""Find the PDF files under the paths given to `councilqa ingest`, and hash them."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from councilqa.errors import NotFound

UNSAFE = re.compile(r"[^\w .()&,'+-]+")
MAX_NAME = 120


@dataclass(frozen=True)
class SourceFile:
    """A file to ingest. `rel` is its path relative to `root`, with POSIX separators."""

    path: Path
    root: Path
    rel: str


def discover(paths: list[Path]) -> list[SourceFile]:
    """Every `*.pdf` under each directory (recursively, sorted), and each file named directly.

    A directory is its own ingest root; a file's root is its parent folder. Files named directly are
    kept whatever their suffix, so that ingest can report a non-PDF by name.

    >>> discover([Path("corpus")])[0].rel
    'riverford/Climate Action Plan 2026-2030 - Report.pdf'
    """
    found: dict[Path, SourceFile] = {}
    for given in paths:
        path = given.resolve()
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.suffix.lower() == ".pdf" and p.is_file())
            for file in files:
                found.setdefault(file, SourceFile(file, path, file.relative_to(path).as_posix()))
        elif path.is_file():
            found.setdefault(path, SourceFile(path, path.parent, path.name))
        else:
            raise NotFound(f"{given}: no such file or folder")
    return list(found.values())


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def clean_name(text: str, fallback: str = "paper", limit: int = MAX_NAME) -> str:
    """A title or a client's file name as a safe file or folder name: path separators and other unsafe
    characters become "_", whitespace is collapsed, the length capped, leading dots dropped.

    >>> clean_name("Minutes 13/02/2025: Roads & Transport"), clean_name("..")
    ('Minutes 13_02_2025_ Roads & Transport', 'paper')
    """
    return " ".join(UNSAFE.sub("_", text).split())[:limit].strip(" .") or fallback
