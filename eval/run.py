"""Run question sets through one or more systems, score them, and check them against thresholds."""

from __future__ import annotations

import time
import tomllib
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from councilqa.errors import InvalidInput, NotFound
from councilqa.eval.baselines import System
from councilqa.eval.metrics import LOWER_IS_BETTER, Metrics, PdfPages, Result, score
from councilqa.eval.questions import Question

ALL = "all"


@dataclass(frozen=True)
class SystemScores:
    """One system's metrics: per question set and over all sets (key "all"), and per question type."""

    by_set: dict[str, Metrics]
    by_type: dict[str, Metrics]


def run_questions(
    system: System, questions: Sequence[Question], k: int = 10, on_question: Callable[[int, int], None] | None = None
) -> list[Result]:
    """Ask every question, timing each; one untimed question first, so that timings are warm.
    `on_question(done, total)` after each."""
    system.ask(questions[0].question, k)
    results = []
    for done, question in enumerate(questions, 1):
        started = time.perf_counter()
        answer = system.ask(question.question, k)
        results.append(Result(question, answer, (time.perf_counter() - started) * 1000))
        if on_question:
            on_question(done, len(questions))
    return results


def summarize(results: Sequence[Result], pages: PdfPages) -> SystemScores:
    by_set: dict[str, list[Result]] = defaultdict(list)
    by_type: dict[str, list[Result]] = defaultdict(list)
    for result in results:
        by_set[result.question.set_name].append(result)
        by_type[result.question.type].append(result)
    return SystemScores(
        by_set={ALL: score(results, pages)} | {name: score(group, pages) for name, group in by_set.items()},
        by_type={name: score(group, pages) for name, group in sorted(by_type.items())},
    )


def load_thresholds(path: Path, run: str | None = None) -> dict[str, dict[str, float]]:
    """`[set]` tables of `"metric" = value`; "all" is the table over all sets. A run over another corpus
    (`make eval`'s gallery run) has its tables under its name (`[gallery.all]`, `[gallery.gallery_dev]`):
    `run` reads those, and without it they are skipped."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise NotFound(f"{path}: the thresholds cannot be read ({error.strerror})") from None
    except tomllib.TOMLDecodeError as error:
        raise InvalidInput(f"{path}: not valid TOML ({error})") from error
    if run is not None:
        if not isinstance(raw.get(run), dict):
            raise InvalidInput(f"{path}: no [{run}.…] tables for the run {run!r}")
        raw = raw[run]
    else:
        raw = {group: table for group, table in raw.items() if not _is_run(table)}
    try:
        return {group: {metric: float(value) for metric, value in table.items()} for group, table in raw.items()}
    except (AttributeError, TypeError, ValueError):
        raise InvalidInput(f'{path}: each [set] table holds "metric" = number') from None


def _is_run(table: object) -> bool:
    """Whether a table holds a run's tables (`[gallery.all]`) rather than metrics."""
    return isinstance(table, dict) and bool(table) and all(isinstance(value, dict) for value in table.values())


def check_thresholds(by_set: dict[str, Metrics], thresholds: dict[str, dict[str, float]]) -> list[str]:
    """Messages for every metric on the wrong side of its threshold (a floor, or a ceiling for the
    metrics where lower is better). A set or metric named in the thresholds must have been measured."""
    failures = []
    for group, table in thresholds.items():
        if group not in by_set:
            failures.append(f"{group}: named in the thresholds but not run")
            continue
        for metric, limit in table.items():
            value = by_set[group].get(metric)
            if value is None:
                failures.append(f"{group} {metric}: not measured")
            elif metric in LOWER_IS_BETTER and value > limit:
                failures.append(f"{group} {metric} = {value:.3f}, above the ceiling {limit}")
            elif metric not in LOWER_IS_BETTER and value < limit:
                failures.append(f"{group} {metric} = {value:.3f}, below the floor {limit}")
    return failures
