"""The development questions split by meeting into two halves: one to fit the reader on, one held out.

Every question of a meeting goes to the same half, so a half never sees another question about a
meeting it is tested on. A question's meeting is its first source's: Kent's papers sit in a folder per
meeting (`kent/cabinet/2025-01-30/…`); any other paper is its council's folder and the date in its
file name ("Minutes 7 May 2019 AGM…" and "Agenda 7 May 2019 AGM…" are one meeting), or the paper itself
where its name has no date. An unanswerable question has no source and stands alone. Meetings are
taken largest first (ties in the order of their names' sha256), and each goes to the half with fewer
questions so far.

The split is committed in `eval/dev_split.toml` before anything is fitted on it; a test checks that the
file is what this rule gives. Rewrite it (only when a dev set changes) with::

    python -m councilqa.eval.dev_split > eval/dev_split.toml

Each half's answer_in_answer, with a bootstrap 90% interval, from `councilqa eval --out` files that
hold the dev questions between them::

    python -m councilqa.eval.dev_split --results eval/out/results.jsonl eval/out/gallery-results.jsonl
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
import tomllib
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np

from councilqa.answer.ask import Assistant
from councilqa.answer.relevance import CrossEncoder, Relevance
from councilqa.eval.metrics import carries_answer, first_match_rank, mrr_at_10
from councilqa.eval.questions import Question, load_questions
from councilqa.index.store import open_index
from councilqa.records import Answer, Citation
from councilqa.settings import Settings

HERE = Path(__file__).resolve().parent
SPLIT = HERE / "dev_split.toml"
SHARED_EVAL = HERE.parent / ".." / "shared" / "eval"
DEV_SETS = ("cheshire_dev.jsonl", "kent_dev.jsonl", "decisions.jsonl", "gallery_dev.jsonl")
HALVES = ("fit", "held_out")
DATED = re.compile(r"\b\d{1,2}(?:st|nd|rd|th)?[ -](?:[A-Z][a-z]+)[ -]\d{4}\b")


def dev_paths() -> list[Path]:
    """The development sets: the shared ones beside the project's own."""
    return [SHARED_EVAL / name if (SHARED_EVAL / name).exists() else HERE / name for name in DEV_SETS]


def meeting_of(question: Question) -> str:
    """The meeting a question is about, as a key.

    >>> from councilqa.eval.questions import Source
    >>> def about(doc): return Question("1", "s", "?", "a", ("a",), (Source(doc, (1,), ()),), "a", "factoid")
    >>> meeting_of(about("kent/cabinet/2025-01-30/x.pdf")), meeting_of(about("ayton/Agenda 7 May 2019 AGM.pdf"))
    ('kent/cabinet/2025-01-30', 'ayton/7 May 2019')
    """
    if not question.sources:
        return f"unanswerable {question.set_name} {question.id}"
    doc = question.sources[0].doc
    parts = doc.split("/")
    if parts[0] == "kent" and len(parts) > 3:
        return "/".join(parts[:3])
    dated = DATED.search(parts[-1])
    return f"{'/'.join(parts[:-1])}/{dated.group(0)}" if dated else doc


def split(questions: list[Question]) -> dict[str, list[str]]:
    """Question ids ("set:id") by half."""
    meetings: dict[str, list[str]] = defaultdict(list)
    for question in questions:
        meetings[meeting_of(question)].append(f"{question.set_name}:{question.id}")
    halves: dict[str, list[str]] = {half: [] for half in HALVES}
    for key in sorted(meetings, key=lambda key: (-len(meetings[key]), hashlib.sha256(key.encode()).hexdigest())):
        smaller = min(HALVES, key=lambda half: len(halves[half]))
        halves[smaller] += meetings[key]
    return {half: sorted(ids) for half, ids in halves.items()}


def load_split(path: Path = SPLIT) -> dict[str, set[str]]:
    """The committed split: "set:id" by half."""
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    return {half: set(raw[half]) for half in HALVES}


def as_toml(halves: dict[str, list[str]]) -> str:
    lines = ["# The development questions by meeting, in two halves (eval/dev_split.py says how; a test checks it)."]
    for half in HALVES:
        lines.append(f"{half} = [")
        lines += [f'    "{ident}",' for ident in halves[half]]
        lines.append("]")
    return "\n".join(lines) + "\n"


def widest_middle(grid: list[float], best: Callable[[float], bool]) -> float:
    """The middle of the widest run of consecutive `grid` values for which `best` holds (the steadiest
    choice among equally good thresholds).

    >>> widest_middle([0.0, 0.5, 1.0, 1.5, 2.0, 2.5], lambda t: t in (0.0, 1.0, 1.5, 2.0))
    1.5
    """
    runs: list[list[float]] = []
    for i, t in enumerate(grid):
        if best(t):
            if runs and i and runs[-1][-1] == grid[i - 1]:
                runs[-1].append(t)
            else:
                runs.append([t])
    widest = max(runs, key=len)
    return widest[len(widest) // 2]


def asked_by_half(
    indexes: list[list[str]], answer: dict[str, object], relevance: Relevance | None = None
) -> Iterator[tuple[str, Question, Answer]]:
    """Every dev question of the split, asked: (its half, the question, the answer). Each of `indexes` is a
    data directory then the question sets whose papers it holds; `answer` sets answer settings for the run,
    and `relevance` is the reader's model, loaded once for all indexes (one is made where none is given)."""
    relevance = relevance or CrossEncoder()
    halves = load_split()
    for data_dir, *sets in indexes:
        settings = Settings(data_dir=Path(data_dir))
        settings = settings.model_copy(update={"answer": settings.answer.model_copy(update=answer)})
        assistant = Assistant(settings, open_index(settings), relevance=relevance)
        for path in sets:
            for question in load_questions(Path(path)):
                half = next((h for h, ids in halves.items() if f"{question.set_name}:{question.id}" in ids), None)
                if half is not None:
                    yield half, question, assistant.ask(question.question)


def bootstrap(hits: list[bool], rounds: int = 2000, seed: int = 0) -> tuple[float, float, float]:
    """The share of `hits`, and the 5th and 95th percentiles of it over `rounds` resamples.

    >>> bootstrap([True] * 3 + [False])[0]
    0.75
    """
    values = np.array(hits, dtype=float)
    samples = np.random.default_rng(seed).choice(values, size=(rounds, len(values)), replace=True).mean(axis=1)
    return float(values.mean()), float(np.percentile(samples, 5)), float(np.percentile(samples, 95))


def halves_report(result_files: list[Path]) -> str:
    """answer_in_answer per half (answerable questions), with its bootstrap 90% interval, and MRR@10 (the
    eval's: the first citation on a source page), as Markdown."""
    questions = {f"{q.set_name}:{q.id}": q for path in dev_paths() for q in load_questions(path)}
    by_id = {q.id: key for key, q in questions.items()}
    records = {}
    for path in result_files:
        for line in path.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            if record["id"] in by_id:
                records[by_id[record["id"]]] = record
    lines = ["| half | answerable questions | answer_in_answer | 90% interval | MRR@10 |", "|---|---|---|---|---|"]
    for half, ids in load_split().items():
        asked = [i for i in sorted(ids) if questions[i].answerable and i in records]
        hits = [carries_answer(questions[i], records[i]["answer"]) for i in asked]
        ranks = [first_match_rank(questions[i], [Citation(**c) for c in records[i]["citations"]]) for i in asked]
        mrr = mrr_at_10(ranks) if ranks else 0.0
        missing = sum(1 for i in ids if i not in records)
        share, low, high = bootstrap(hits)
        note = f" ({missing} not in the results)" if missing else ""
        lines.append(f"| {half} | {len(hits)}{note} | {share:.3f} | {low:.3f}–{high:.3f} | {mrr:.3f} |")
    return "\n".join(lines)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="The dev split by meeting: write it, or report each half.")
    parser.add_argument("--results", nargs="+", type=Path, help="`councilqa eval --out` files to report by half")
    args = parser.parse_args()
    if args.results:
        print(halves_report(args.results))
    else:
        sys.stdout.write(as_toml(split([q for path in dev_paths() for q in load_questions(path)])))
