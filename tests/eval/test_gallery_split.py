"""The gallery's split (eval/gallery_split.toml): every council of ../shared/gallery on exactly one side."""

import tomllib

import pytest

from tests.conftest import REPO, SHARED


def test_every_gallery_council_is_on_one_side_of_the_split():
    split = tomllib.loads((REPO / "eval" / "gallery_split.toml").read_text(encoding="utf-8"))
    dev, sealed = set(split["dev"]["councils"]), set(split["sealed"]["councils"])
    assert not dev & sealed and len(dev) == len(split["dev"]["councils"]) == 6 == len(sealed)
    gallery = SHARED / "gallery"
    if not gallery.is_dir():
        pytest.skip(f"{gallery} not found: the split is checked against the gallery where ../shared exists")
    assert dev | sealed == {folder.name for folder in gallery.iterdir() if folder.is_dir()}
