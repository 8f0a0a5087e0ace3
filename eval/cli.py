"""`councilqa eval`: the eval's command, added to the `councilqa` command by the entry point
`councilqa.commands` (pyproject.toml), so that the app never imports the eval that scores it."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from councilqa.answer.ask import Assistant
from councilqa.app.cli import Command, add_include_restricted, settings_of
from councilqa.index.store import MODES, open_index


def cmd_eval(args: argparse.Namespace) -> int:
    from councilqa.eval.suite import evaluate

    settings = settings_of(args)
    index = open_index(settings)
    outcome = evaluate(
        index,
        Assistant(settings, index, args.mode[0], include_restricted=args.include_restricted),
        args.questions,
        out=args.out,
        report=args.report,
        baselines=args.baselines,
        thresholds=args.thresholds,
        modes=args.mode[1:],
        run=args.run,
        prose=args.answer == "prose",
        on_question=progress(sys.stderr),
    )
    print(outcome.summary())
    if args.report:
        print(f"\nreport: {args.report} (chart: {outcome.chart})")
    return 1 if outcome.failures else 0


def progress(stream: TextIO) -> Callable[[str, int, int], None]:
    """Questions done of total, per system: rewritten in place on a terminal; in a log, a line a tenth."""
    live = stream.isatty()

    def show(system: str, done: int, total: int) -> None:
        if live:
            stream.write(f"\r{system}: {done} of {total} questions" + ("\n" if done == total else ""))
        elif done == total or done % max(1, total // 10) == 0:
            stream.write(f"{system}: {done} of {total} questions\n")
        stream.flush()

    return show


def register(command: Command) -> None:
    """Add `eval` to the `councilqa` command's subcommands."""
    sub = command("eval", cmd_eval, "Score question sets with known answers against the current index.")
    sub.add_argument("--questions", nargs="+", type=Path, required=True, metavar="F.jsonl")
    sub.add_argument("--out", type=Path, help="write one ask --json record (plus id) per question")
    sub.add_argument("--report", type=Path, help="write a Markdown report, with a chart beside it")
    sub.add_argument("--baselines", action="store_true", help="also score the LlamaIndex starter and page BM25")
    sub.add_argument("--thresholds", type=Path, help="TOML of metric floors; exit 1 when one is not met")
    sub.add_argument(
        "--run",
        metavar="NAME",
        help="check the thresholds' [NAME.…] tables: a run over another corpus (make eval's gallery run)",
    )
    sub.add_argument(
        "--mode",
        nargs="+",
        choices=MODES,
        default=["hybrid"],
        help="retrieval: the first is scored against the thresholds, others are reported beside it",
    )
    sub.add_argument(
        "--answer",
        choices=("prose", "quotes"),
        default="quotes",
        help="prose: score the configured language model's checked prose (answer.llm), with the quotes beside it",
    )
    add_include_restricted(sub)
