"""`councilqa eval` end to end on the sample index: results, report, chart, baselines, thresholds."""

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from councilqa.app.cli import main
from councilqa.errors import InvalidInput
from councilqa.eval.run import check_thresholds, load_thresholds
from tests.answer.llm_server import scripted_server
from tests.conftest import REPO

SAMPLE_SET = REPO / "eval" / "riverford_sample.jsonl"
SCHEMA = json.loads((REPO / "app" / "answer.schema.json").read_text())


@pytest.mark.model
def test_eval_writes_results_report_and_chart(sample_settings, sample_index, tmp_path: Path, capsys):
    out, report = tmp_path / "results.jsonl", tmp_path / "report.md"
    code = main(
        [
            "eval",
            "--questions",
            str(SAMPLE_SET),
            "--out",
            str(out),
            "--report",
            str(report),
            "--baselines",
            "--mode",
            "hybrid",
            "dense",
            "bm25",
            "--data-dir",
            str(sample_settings.data_dir),
        ]
    )
    assert code == 0
    captured = capsys.readouterr()
    printed = captured.out
    for system in ("councilqa", "councilqa · dense", "councilqa · bm25", "bm25-pages", "llamaindex-starter"):
        assert f"| {system} · riverford_sample | 18 |" in printed
        assert f"{system}: 18 of 18 questions" in captured.err  # progress, system by system
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["id"] for r in records] == [json.loads(line)["id"] for line in SAMPLE_SET.read_text().splitlines()]
    for record in records:
        jsonschema.validate(record, SCHEMA)
        beside = record["citations"][10:]  # after the 10 found: a passage beside one of them, cited where quoted
        quoted = {quote["citation"] for quote in record["quotes"]}
        assert len(record["citations"]) >= 10 and all(citation["rank"] in quoted for citation in beside)
    text = report.read_text()
    assert sample_index.stamp.id in text
    for heading in (
        "## councilqa, per question set",
        "## Side by side",
        "per question type",
        "## Misses",
        "## Abstention",
    ):
        assert heading in text
    answer = sample_settings.answer  # the abstention trade-off around the reader's own threshold
    current = answer.min_relevance if answer.reader == "model" else answer.min_evidence
    assert f"| {current:.2f} (current) |" in text
    chart = tmp_path / "report_recall.png"
    assert chart.read_bytes().startswith(b"\x89PNG") and "](report_recall.png)" in text


@pytest.mark.model
def test_eval_fails_when_a_threshold_is_not_met(sample_settings, sample_index, tmp_path: Path, capsys):
    thresholds = tmp_path / "thresholds.toml"
    thresholds.write_text('[riverford_sample]\n"page_recall@5" = 0.5\n\n[all]\n"citation_valid" = 1.01\n')
    code = main(
        [
            "eval",
            "--questions",
            str(SAMPLE_SET),
            "--thresholds",
            str(thresholds),
            "--data-dir",
            str(sample_settings.data_dir),
        ]
    )
    assert code == 1
    printed = capsys.readouterr().out
    assert "all citation_valid = 1.000, below the floor 1.01" in printed
    assert "riverford_sample page_recall@5" not in printed


def test_thresholds_treat_false_abstain_as_a_ceiling_and_need_every_set():
    measured: dict[str, dict[str, float | None]] = {"all": {"false_abstain": 0.2, "page_recall@5": 0.9}}
    assert check_thresholds(measured, {"all": {"false_abstain": 0.1}}) == [
        "all false_abstain = 0.200, above the ceiling 0.1"
    ]
    assert check_thresholds(measured, {"all": {"page_recall@5": 0.9}}) == []
    assert check_thresholds(measured, {"kent_dev": {"page_recall@5": 0.1}}) == [
        "kent_dev: named in the thresholds but not run"
    ]


def test_a_run_over_another_corpus_reads_its_own_thresholds_and_no_other(tmp_path: Path):
    path = tmp_path / "thresholds.toml"
    path.write_text(
        '[all]\n"mrr@10" = 0.8\n[kent_dev]\n"mrr@10" = 0.7\n'
        '[gallery.all]\n"mrr@10" = 0.5\n[gallery.gallery_dev]\n"false_abstain" = 0.08\n'
    )
    assert load_thresholds(path) == {"all": {"mrr@10": 0.8}, "kent_dev": {"mrr@10": 0.7}}
    assert load_thresholds(path, "gallery") == {"all": {"mrr@10": 0.5}, "gallery_dev": {"false_abstain": 0.08}}
    with pytest.raises(InvalidInput, match=r"no \[parish\.…\] tables for the run 'parish'"):
        load_thresholds(path, "parish")


def test_eval_on_an_empty_index_says_to_ingest(tmp_path: Path, capsys):
    assert main(["eval", "--questions", str(SAMPLE_SET), "--data-dir", str(tmp_path)]) == 2
    assert "nothing is indexed; run `councilqa ingest` first" in capsys.readouterr().err


@pytest.mark.slow
def test_eval_without_its_extra_says_what_to_install(sample_settings, sample_index):
    """Without the eval extra, `--baselines` stops with what to install. The fresh process is kept from importing
    llama_index (a stand-in for its absence: uninstalling it here would break the other tests)."""
    code = "import sys; sys.modules['llama_index'] = None; from councilqa.app.cli import run; run()"
    args = ["eval", "--questions", str(SAMPLE_SET), "--baselines", "--data-dir", str(sample_settings.data_dir)]
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 2, done.stderr
    assert "needs the eval extra (llama_index.core is not installed): pip install -e '.[eval]'" in done.stderr


@pytest.mark.model
def test_eval_answer_prose_scores_the_prose_beside_the_quotes(
    sample_settings, sample_index, tmp_path: Path, capsys, monkeypatch
):
    """`eval --answer prose` over a scripted OpenAI-compatible server (real HTTP; tests/answer/llm_server.py)
    whose sentences are the excerpts' own: the prose is scored, with the quotes beside it."""
    out, report = tmp_path / "results.jsonl", tmp_path / "report.md"
    with scripted_server() as server:
        monkeypatch.setenv("COUNCILQA_ANSWER__LLM__URL", server.url)
        monkeypatch.setenv("COUNCILQA_ANSWER__LLM__MODEL", "echo")
        data = ["--data-dir", str(sample_settings.data_dir), "--out", str(out), "--report", str(report)]
        assert main(["eval", "--questions", str(SAMPLE_SET), "--answer", "prose", *data]) == 0
    printed = capsys.readouterr().out
    assert "| councilqa · quotes · riverford_sample | 18 |" in printed and "sentences dropped" in printed
    records = [json.loads(line) for line in out.read_text().splitlines()]
    answered = [r for r in records if not r["abstained"]]
    assert answered and all(r["answer_mode"] == "prose" for r in answered)
    assert all(s["citations"] for r in answered for s in r["sentences"])
    assert "## Prose answers (answer.llm), beside the quotes" in report.read_text()
