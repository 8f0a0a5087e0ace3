"""The splits: the gallery's councils (eval/gallery_split.toml), every one on exactly one side; the dev questions by
meeting (eval/dev_split.toml)."""

import tomllib

import pytest

from councilqa.eval.dev_split import dev_paths, load_split, meeting_of, split
from councilqa.eval.questions import load_questions
from tests.conftest import REPO, SHARED


def test_every_gallery_council_is_on_one_side_of_the_split():
    split = tomllib.loads((REPO / "eval" / "gallery_split.toml").read_text(encoding="utf-8"))
    dev, sealed = set(split["dev"]["councils"]), set(split["sealed"]["councils"])
    assert not dev & sealed and len(dev) == len(split["dev"]["councils"]) == 6 == len(sealed)
    gallery = SHARED / "gallery"
    if not gallery.is_dir():
        pytest.skip(f"{gallery} not found: the split is checked against the gallery where ../shared exists")
    assert dev | sealed == {folder.name for folder in gallery.iterdir() if folder.is_dir()}


def test_the_gallery_sets_ask_only_about_their_own_half():
    split = tomllib.loads((REPO / "eval" / "gallery_split.toml").read_text(encoding="utf-8"))
    for name, side in (("gallery_dev", "dev"), ("gallery_sealed", "sealed")):
        questions = load_questions(REPO / "eval" / f"{name}.jsonl")
        councils = {source.doc.split("/")[0] for q in questions for source in q.sources}
        assert councils == set(split[side]["councils"]), name


def test_the_committed_dev_split_is_the_rules_and_keeps_each_meeting_on_one_side():
    if not (SHARED / "eval").is_dir():
        pytest.skip(f"{SHARED / 'eval'} not found: the dev split covers its question sets")
    questions = [q for path in dev_paths() for q in load_questions(path)]
    committed = load_split()
    assert {half: sorted(ids) for half, ids in committed.items()} == split(questions)
    sides = {meeting_of(q): {h for h, ids in committed.items() if f"{q.set_name}:{q.id}" in ids} for q in questions}
    assert all(len(side) == 1 for side in sides.values())
    assert abs(len(committed["fit"]) - len(committed["held_out"])) <= 5
