"""The decision question set (eval/decisions.jsonl) checked against the shared corpus's page text by
eval/check_questions.py, an independent script (it imports nothing from councilqa), run as CI runs it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, shared_corpus

pytestmark = pytest.mark.slow

CHECKER = REPO / "eval" / "check_questions.py"
QUESTIONS = REPO / "eval" / "decisions.jsonl"


def check(questions: Path, corpus: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, str(CHECKER), str(questions), "--corpus", str(corpus)]
    return subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)


def test_every_accept_string_and_page_of_the_decision_set_is_on_the_page():
    corpus = shared_corpus("").resolve()
    found = check(QUESTIONS, corpus)
    assert found.returncode == 0, found.stdout + found.stderr
    assert "ok:" in found.stdout


def test_the_checker_fails_a_vote_count_that_is_not_on_the_page(tmp_path: Path):
    corpus = shared_corpus("").resolve()
    lines = QUESTIONS.read_text(encoding="utf-8").splitlines()
    altered, changed = [], 0
    for line in lines:
        question = json.loads(line)
        if question["accept"] == ["Against (23)"]:
            question["accept"] = ["Against (32)"]  # the climate and nature bill motion: 23 voted against
            changed += 1
        altered.append(json.dumps(question, ensure_ascii=False))
    assert changed == 1, "the question the test alters is no longer in the set"
    wrong = tmp_path / "decisions.jsonl"
    wrong.write_text("\n".join(altered) + "\n", encoding="utf-8")
    found = check(wrong, corpus)
    assert found.returncode == 1
    assert "Against (32)" in found.stdout and "DEC026" in found.stdout
