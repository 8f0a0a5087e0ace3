"""Twenty questions at once through the served app's API: all answered, none failed, and each asker
gets the answer to their own question (`bench_ui.load` counts a reply to another question as failed)."""

import pytest

from councilqa.eval.bench_ui import load, read_questions
from tests.conftest import REPO

pytestmark = pytest.mark.slow


def test_twenty_questions_at_once(served: str):
    questions = read_questions(REPO / "eval" / "riverford_sample.jsonl")
    result = load(served, questions, 20)
    print(result.summary())
    assert result.errors == [] and len(result.latencies) == 20
