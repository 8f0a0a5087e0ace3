"""Find the PDF files under the paths given to `councilqa ingest`, and hash them."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from councilqa.errors import NotFound

UNSAFE = re.compile(r"[^\w .()&,'+-]+")
MAX_NAME = 120


@dataclass(frozen=True)
class SourceFile:
    """A file to ingest. `rel` is its path relative to `root`, with POSIX separators."""

    path: Path
    root: Path
    rel: str


@dataclass(frozen=True)
class LinkOut:
    """A link under an ingest root to a file or folder outside it (`target`, its real path): never read."""

    rel: str  # the link's path relative to `root`, with POSIX separators
    root: Path
    target: Path

    def __str__(self) -> str:
        return f"{self.rel}: a link out of the ingest folder (to {self.target}), not read"


class Discovered(NamedTuple):
    """What `discover_all` finds: the files to ingest, and the links out of their roots it refused."""

    files: list[SourceFile]
    links_out: list[LinkOut]


def discover(paths: list[Path]) -> list[SourceFile]:
    """Every `*.pdf` under each directory (recursively, sorted), and each file named directly; never a
    file outside its root (see `discover_all`, which says which links it refused).

    >>> discover([Path("corpus")])[0].rel
    'riverford/Climate Action Plan 2026-2030 - Report.pdf'
    """
    return discover_all(paths).files


def discover_all(paths: list[Path]) -> Discovered:
    """Every `*.pdf` under each directory (recursively, sorted), and each file named directly; and the
    links that lead out of their root, refused.

    A directory is its own ingest root; a file's root is its parent folder. Files named directly are
    kept whatever their suffix, so that ingest can report a non-PDF by name. A file whose real path is
    not under its root (a link named `.pdf` to a file elsewhere, a PDF or not) and a link to a folder
    elsewhere are refused, never read: a folder of papers must not hand out /etc/passwd. A link to a
    file within the root is a path of its own; a link to a folder is not followed (within the root,
    its files are found where they are).
    """
    found: dict[Path, SourceFile] = {}
    refused: dict[Path, LinkOut] = {}
    for given in paths:
        path = given.resolve()
        if path.is_dir():
            files, links = _walk(path)
            for file in files:
                found.setdefault(file, SourceFile(file, path, file.relative_to(path).as_posix()))
            for link in links:
                refused.setdefault(link, LinkOut(link.relative_to(path).as_posix(), path, _real(link)))
        elif path.is_file():
            folder = given.absolute().parent.resolve()
            if path.is_relative_to(folder):
                found.setdefault(path, SourceFile(path, path.parent, path.name))
            else:
                refused.setdefault(folder / given.name, LinkOut(given.name, folder, path))
        else:
            raise NotFound(f"{given}: no such file or folder")
    return Discovered(list(found.values()), list(refused.values()))


def _walk(root: Path) -> tuple[list[Path], list[Path]]:
    """The PDFs under `root` that are within it, and the links under it to a PDF or a folder outside
    it, each sorted. Only a link can lead out: the walk never enters a linked folder."""
    files: list[Path] = []
    links_out: list[Path] = []
    for folder, folders, names in os.walk(root):  # a link to a folder is listed in `folders`, not walked
        here = Path(folder)
        links_out += [here / name for name in folders if _leads_out(here / name, root)]
        for name in names:
            file = here / name
            if file.suffix.lower() != ".pdf" or not file.is_file():
                continue  # not a paper, or a link to nothing
            (links_out if _leads_out(file, root) else files).append(file)
    return sorted(files), sorted(links_out)


def _leads_out(path: Path, root: Path) -> bool:
    """Whether `path`, found under the resolved `root`, is a link whose real path is not under it."""
    return path.is_symlink() and not _real(path).is_relative_to(root)


def _real(path: Path) -> Path:
    return Path(os.path.realpath(path))  # links followed; a loop is left as it is, not raised


def clean_name(text: str, fallback: str = "paper", limit: int = MAX_NAME) -> str:
    """A title or a client's file name as a safe file or folder name: path separators and other unsafe
    characters become "_", whitespace is collapsed, the length capped, leading dots dropped.

    >>> clean_name("Minutes 13/02/2025: Roads & Transport"), clean_name("..")
    ('Minutes 13_02_2025_ Roads & Transport', 'paper')
    """
    return " ".join(UNSAFE.sub("_", text).split())[:limit].strip(" .") or fallback
