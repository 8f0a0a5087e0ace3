from pathlib import Path

import pytest

from councilqa.errors import NotFound
from councilqa.files import sha256_file
from councilqa.ingest.discover import discover


def test_folders_are_roots_and_files_are_relative_to_them(make_pdf, tmp_path: Path):
    make_pdf("root/b/second.pdf", ["x"])
    make_pdf("root/a/first.PDF", ["x"])
    (tmp_path / "root" / "notes.txt").write_text("not a pdf")
    found = discover([tmp_path / "root"])
    assert [(f.rel, f.root) for f in found] == [("a/first.PDF", tmp_path / "root"), ("b/second.pdf", tmp_path / "root")]


def test_a_file_named_directly_is_relative_to_its_folder(make_pdf, tmp_path: Path):
    path = make_pdf("one.pdf", ["x"])
    assert [(f.rel, f.root) for f in discover([path])] == [("one.pdf", tmp_path)]


def test_a_file_found_twice_is_listed_once(make_pdf, tmp_path: Path):
    path = make_pdf("one.pdf", ["x"])
    assert len(discover([tmp_path, path])) == 1


def test_missing_path_is_an_error(tmp_path: Path):
    with pytest.raises(NotFound, match="no such file or folder"):
        discover([tmp_path / "nowhere"])


def test_sha256_is_of_the_bytes(tmp_path: Path):
    path = tmp_path / "x.pdf"
    path.write_bytes(b"abc")
    assert sha256_file(path) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
