"""Links in an ingest folder: one to a file or folder outside it is refused (reported by name with its
target, counted, never read, and not kept in the catalog); one to a file inside it is a path of its own.
Real PDFs, the real model, real Chroma."""

from __future__ import annotations

import os
from pathlib import Path
from types import SimpleNamespace

import pytest

from councilqa.app.cli import main
from councilqa.index.build import ingest
from councilqa.index.store import open_index
from councilqa.ingest import discover as discovery
from councilqa.settings import Settings
from tests.conftest import write_pdf

pytestmark = pytest.mark.slow

OUTSIDE_PHRASE = "Brackenholt reservoir"  # in the PDFs outside the root: never indexed
SECRET_TEXT = "root:x:0:0:root:/root:/bin/bash\n"


def real(path: Path) -> Path:
    return Path(os.path.realpath(path))


@pytest.fixture
def folders(tmp_path: Path) -> SimpleNamespace:
    """An ingest root with a paper, a link to it, and links to a PDF, a text file and a folder outside it."""
    root, outside = tmp_path / "papers", tmp_path / "outside"
    (outside / "folder").mkdir(parents=True)
    write_pdf(outside / "elsewhere.pdf", [f"The {OUTSIDE_PHRASE} survey is attached."])
    write_pdf(outside / "folder" / "inner.pdf", [f"The {OUTSIDE_PHRASE} minutes."])
    (outside / "passwd").write_text(SECRET_TEXT)
    (root / "sub").mkdir(parents=True)
    write_pdf(root / "sub" / "Report.pdf", ["The swimming pool reopens in May after repairs."])
    os.symlink(root / "sub" / "Report.pdf", root / "inside link.pdf")  # within the root: kept
    os.symlink(outside / "elsewhere.pdf", root / "elsewhere.pdf")
    os.symlink(outside / "passwd", root / "passwd.pdf")  # not a PDF, named as one
    os.symlink(outside / "folder", root / "outside folder")
    os.symlink(root / "sub", root / "inside folder")  # a folder within the root: its files are found in place
    return SimpleNamespace(root=real(root), outside=real(outside))


def refusal(rel: str, target: Path) -> str:
    return f"{rel}: a link out of the ingest folder (to {target}), not read"


def test_discovery_keeps_links_within_the_root_and_refuses_links_out(folders: SimpleNamespace) -> None:
    root, outside = folders.root, folders.outside
    files, links_out = discovery.discover_all([root])
    assert [(f.rel, f.root) for f in files] == [("inside link.pdf", root), ("sub/Report.pdf", root)]
    assert links_out == [
        discovery.LinkOut("elsewhere.pdf", root, outside / "elsewhere.pdf"),
        discovery.LinkOut("outside folder", root, outside / "folder"),
        discovery.LinkOut("passwd.pdf", root, outside / "passwd"),
    ]
    assert str(links_out[2]) == refusal("passwd.pdf", outside / "passwd")
    assert discovery.discover([root]) == files  # no caller is handed a file outside its root


def test_a_link_out_named_directly_is_refused(folders: SimpleNamespace) -> None:
    assert discovery.discover_all([folders.root / "passwd.pdf"]) == (
        [],
        [discovery.LinkOut("passwd.pdf", folders.root, folders.outside / "passwd")],
    )
    (inside,) = discovery.discover([folders.root / "inside link.pdf"])  # a link within its folder: the file it names
    assert inside.rel == "Report.pdf" and inside.root == folders.root / "sub"


def test_ingest_reports_and_counts_links_out_and_indexes_only_the_root(
    folders: SimpleNamespace, tmp_path: Path, embedder
) -> None:
    index = open_index(Settings(data_dir=tmp_path / "data"), embedder)
    report = ingest([folders.root], index)
    assert (report.added, report.copies) == (["inside link.pdf"], ["sub/Report.pdf"])  # the same bytes, twice
    outside = folders.outside
    assert report.skipped == [
        ("elsewhere.pdf", refusal("elsewhere.pdf", outside / "elsewhere.pdf")),
        ("outside folder", refusal("outside folder", outside / "folder")),
        ("passwd.pdf", refusal("passwd.pdf", outside / "passwd")),
    ]
    summary = report.summary()
    assert "1 added, 0 updated, 1 copies of indexed files, 0 unchanged, 3 skipped" in summary
    assert f"skipped {refusal('passwd.pdf', outside / 'passwd')}" in summary  # the target, for who ran it
    assert [d.path for d in index.papers.documents()] == ["inside link.pdf", "sub/Report.pdf"]
    assert index.catalog.skipped() == []  # the catalog, shown to officers, never names a target
    texts = [page.text for d in index.papers.documents() for page in index.papers.pages(d.sha256)]
    assert not any(OUTSIDE_PHRASE in text or "root:x" in text for text in texts)
    assert not index.has_word(index.words("Brackenholt")[0])
    assert ingest([folders.root], index).skipped == report.skipped  # every run says so again


def test_a_paper_replaced_by_a_link_out_is_forgotten(folders: SimpleNamespace, tmp_path: Path, embedder) -> None:
    index = open_index(Settings(data_dir=tmp_path / "data"), embedder)
    swapped = folders.root / "sub" / "Budget.pdf"
    write_pdf(swapped, ["The budget sets the council tax for 2026."])
    assert "sub/Budget.pdf" in ingest([folders.root], index).added
    swapped.unlink()
    os.symlink(folders.outside / "elsewhere.pdf", swapped)
    report = ingest([folders.root], index)
    assert ("sub/Budget.pdf", refusal("sub/Budget.pdf", folders.outside / "elsewhere.pdf")) in report.skipped
    assert index.papers.document("sub/Budget.pdf") is None  # read before it was a link: its passages go too
    assert not index.has_word(index.words("budget")[0])
    assert not any("budget" in chunk.text for chunk in index.stored_chunks())


@pytest.mark.skipif(not Path("/etc/passwd").is_file(), reason="needs /etc/passwd to link to")
def test_the_cli_does_not_read_etc_passwd_through_a_link(tmp_path: Path, capsys) -> None:
    root = tmp_path / "papers"
    root.mkdir()
    write_pdf(root / "Report.pdf", ["The swimming pool reopens in May after repairs."])
    os.symlink("/etc/passwd", root / "passwd.pdf")
    assert main(["ingest", str(root), "--data-dir", str(tmp_path / "data")]) == 0  # the run goes on
    out = capsys.readouterr().out
    assert "1 added" in out and "1 skipped" in out
    assert f"skipped {refusal('passwd.pdf', real(Path('/etc/passwd')))}" in out
