"""The model's precision: bf16 (through OpenVINO) where the CPU has bf16 instructions, fp32 elsewhere,
never mixed in one index (the real model; /proc/cpuinfo-like files written in the test). And the hashing
stand-in of the fast tier: the same vectors in every process, and never mixed with the model's."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from councilqa.index.embed import Embedder, HashingEmbedder, SentenceTransformerEmbedder, cpu_has_bf16
from councilqa.index.stamp import IndexStampMismatch
from councilqa.index.store import open_index
from councilqa.settings import IndexSettings, Settings

TEXTS = [
    "The Riverside Leisure Centre refurbishment will cost £8.7 million.",
    "RESOLVED: That the revised car parking charges be approved with effect from 1 April.",
    "Potholes and poorly maintained roads continue to inconvenience road users.",
]


def test_bf16_is_chosen_only_where_the_cpu_has_it(tmp_path: Path) -> None:
    with_bf16 = tmp_path / "cpuinfo-bf16"
    with_bf16.write_text("processor\t: 0\nflags\t\t: fpu sse2 avx2 avx512f avx512_bf16\n")
    without = tmp_path / "cpuinfo"
    without.write_text("processor\t: 0\nflags\t\t: fpu sse2 avx2\n")
    assert cpu_has_bf16(with_bf16) and not cpu_has_bf16(without)
    assert not cpu_has_bf16(tmp_path / "absent")  # no /proc/cpuinfo: fp32


@pytest.mark.model
def test_bf16_vectors_are_within_cosine_0_9999_of_fp32_and_named_apart() -> None:
    """bf16 runs the model through OpenVINO: texts of many lengths, embedded together (so most are
    padded) and alone, against PyTorch in float32."""
    fp32 = SentenceTransformerEmbedder(precision="fp32")
    bf16 = SentenceTransformerEmbedder(precision="bf16")
    texts = [*TEXTS, " ".join(TEXTS * 12), "Potholes", *(f"Item {n}. " + TEXTS[n % 3] * (n % 4 + 1) for n in range(40))]
    together, alone = bf16.embed(texts), np.vstack([bf16.embed([text]) for text in texts[:8]])
    reference = fp32.embed(texts)
    assert np.sum(reference * together, axis=1).min() >= 0.9999
    assert np.sum(reference[:8] * alone, axis=1).min() >= 0.9999
    assert bf16.model_id == fp32.model_id and (fp32.precision, bf16.precision) == ("fp32", "bf16")  # both stamped


def test_an_index_never_mixes_precisions(tmp_path: Path) -> None:
    fp32 = Settings(data_dir=tmp_path / "data", index=IndexSettings(precision="fp32"))
    open_index(fp32).close()
    bf16 = Settings(data_dir=tmp_path / "data", index=IndexSettings(precision="bf16"))
    with pytest.raises(IndexStampMismatch, match="precision: fp32, now bf16"):
        open_index(bf16)


@pytest.mark.model
def test_bf16_makes_no_telemetry_call(tmp_path: Path) -> None:
    """`import openvino` sends usage telemetry and writes an id under the home folder unless that is
    blocked: the bf16 model is loaded in a fresh process with a home of its own, which stays empty."""
    code = "from councilqa.index.embed import SentenceTransformerEmbedder as E; E(precision='bf16').embed(['pool'])"
    subprocess.run([sys.executable, "-c", code], env={**os.environ, "HOME": str(tmp_path)}, check=True)
    assert list(tmp_path.iterdir()) == []


def test_the_fast_tier_and_only_it_embeds_by_hashing(embedder: Embedder, pytestconfig: pytest.Config) -> None:
    fast = bool(pytestconfig.getoption("fast"))
    assert isinstance(embedder, HashingEmbedder) == fast
    assert (embedder.model_id == "hashing-384-v1") == fast


def test_hashing_gives_the_same_unit_vectors_in_every_process() -> None:
    """blake2b, not Python's `hash()`, which another process seeds differently."""
    code = "from councilqa.index.embed import HashingEmbedder as E; print(E().embed(TEXTS).tobytes().hex())"
    env = {**os.environ, "PYTHONHASHSEED": "random"}
    command = [sys.executable, "-c", f"TEXTS = {TEXTS!r}; {code}"]
    other = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    vectors = HashingEmbedder().embed(TEXTS)
    assert other.stdout.strip() == vectors.tobytes().hex(), other.stderr
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(HashingEmbedder().embed(["", "..."]), axis=1), 1.0)  # no words: still unit
    assert all(HashingEmbedder().count_tokens(text) >= len(text.split()) for text in TEXTS)


def test_an_index_built_by_hashing_is_refused_by_the_model(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", index=IndexSettings(precision="fp32"))
    open_index(settings, HashingEmbedder()).close()
    with pytest.raises(IndexStampMismatch, match="hashing-384-v1"):
        open_index(settings)
