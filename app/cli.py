"""The `councilqa` command: a thin layer over the library. Each command parses its arguments, calls
one library function and turns our exceptions into a message and an exit status."""

from __future__ import annotations

import argparse
import getpass
import json
import logging
import signal
import sys
import time
from collections.abc import Callable
from functools import partial
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any, TextIO

from pydantic import ValidationError

from councilqa.answer.ask import Assistant
from councilqa.answer.cite import where
from councilqa.app.accounts import ROLES, AccountError, Accounts
from councilqa.app.chat import clean_day
from councilqa.app.fetching import fetch_and_ingest
from councilqa.app.resolutions import FoundDecision, list_decisions, outcome_line
from councilqa.app.writer import ingest_into, serving_pid
from councilqa.errors import CouncilQAError, InvalidInput
from councilqa.index.lock import WriterLock
from councilqa.index.store import open_index
from councilqa.process import prepare
from councilqa.records import DOC_TYPES, OUTCOMES, Answer, DecisionFilter, SearchFilter
from councilqa.settings import Settings


def settings_of(args: argparse.Namespace) -> Settings:
    """The settings: the environment's `COUNCILQA_*` and `--data-dir`; a bad value is named, not a traceback."""
    try:
        return Settings(data_dir=args.data_dir) if args.data_dir else Settings()
    except ValidationError as error:
        raise InvalidInput(f"a setting is not valid (COUNCILQA_...; README: Settings): {error}") from None


def cmd_ingest(args: argparse.Namespace) -> int:
    with Progress(sys.stderr) as progress:
        report = ingest_into(
            settings_of(args), args.paths, on_file=progress.update, prune=args.prune, on_wait=progress.say
        )
    print(report.summary())
    return report.exit_status


class Progress:
    """A progress bar (files, pages/s) on a terminal; a line per file otherwise, as in CI logs."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.bar: Any = None
        self.started = time.perf_counter()

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *_: object) -> None:
        if self.bar is not None:
            self.bar.close()

    def say(self, message: str) -> None:
        print(message, file=self.stream)

    def update(self, done: int, total: int, path: str, pages: int) -> None:
        if not self.stream.isatty():
            print(f"[{done}/{total}] {path}", file=self.stream)
            return
        if self.bar is None:
            from tqdm import tqdm

            self.bar = tqdm(total=total, unit="file", file=self.stream, dynamic_ncols=True)
        rate = pages / max(time.perf_counter() - self.started, 1e-6)
        self.bar.set_postfix_str(f"{rate:.1f} pages/s {path[-40:]}", refresh=False)
        self.bar.update(done - self.bar.n)


def cmd_fetch(args: argparse.Namespace) -> int:
    settings = settings_of(args)
    if args.pause is not None:
        settings = settings.model_copy(
            update={"fetch": settings.fetch.model_copy(update={"pause_seconds": args.pause})}
        )

    def progress(done: int, total: int, what: str) -> None:
        print(f"[{done}/{total} meetings] {what}", file=sys.stderr)

    with Progress(sys.stderr) as bar:
        into = args.into or settings.data.papers
        ingest = partial(ingest_into, settings, on_file=bar.update, on_wait=bar.say) if args.ingest else None
        fetched = fetch_and_ingest(
            args.site,
            args.committee,
            args.date_from,
            args.date_to,
            into=into,
            settings=settings.fetch,
            ingest=ingest,
            on_meeting=progress,
            recheck=args.recheck,
        )
    print(fetched.summary())
    return fetched.exit_status


def cmd_ask(args: argparse.Namespace) -> int:
    settings = settings_of(args)
    filters = SearchFilter(
        args.committee,
        args.date_from,
        args.date_to,
        args.doc_type,
        args.doc,
        include_restricted=args.include_restricted,
    )
    prose = None if args.answer is None else args.answer == "prose"
    answer = Assistant(settings, open_index(settings)).ask(args.question, k=args.k, filters=filters, prose=prose)
    print(json.dumps(answer.to_json(), ensure_ascii=False, indent=2) if args.json else format_answer(answer))
    return 0


def cmd_resolutions(args: argparse.Namespace) -> int:
    wanted = DecisionFilter(
        args.committee, args.date_from, args.date_to, args.search, args.outcome, args.include_restricted
    )
    found = list_decisions(open_index(settings_of(args)), wanted)
    if args.json:
        print(json.dumps([record.to_json() for record in found], ensure_ascii=False, indent=2))
        return 0
    for record in found:
        print(format_decision(record), end="\n\n")
    print(f"{len(found)} decision(s)")
    return 0


def cmd_restrict(args: argparse.Namespace) -> int:
    restricted = args.command == "restrict"
    why = args.why or ("marked restricted by an officer" if restricted else "cleared for publication by an officer")
    open_index(settings_of(args)).restrict(args.path, restricted, why)
    print(f"{args.path}: {'restricted' if restricted else 'not restricted'} ({why})")
    return 0


def cmd_users(args: argparse.Namespace) -> int:
    settings = settings_of(args)
    accounts = Accounts(settings.data_dir, settings.ui.auth)
    if args.action == "list":
        for account in accounts.list():
            print(f"{account.name}\t{account.role}")
        return 0
    if not args.name:
        raise AccountError(f"`users {args.action}` needs a user name")
    if args.action == "remove":
        accounts.remove(args.name)
        print(f"removed {args.name}")
        return 0
    password = (
        sys.stdin.readline().rstrip("\n") if args.password_stdin else getpass.getpass(f"password for {args.name}: ")
    )
    account = accounts.add(args.name, password, args.role)
    print(f"{account.name}: {account.role}")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from councilqa.app.serve import serve  # gradio takes seconds to import: only when serving

    settings = settings_of(args)
    writer = WriterLock(settings.data_dir)
    if not writer.acquire():  # another serve, or an ingest: serve once the ingest is done
        if (pid := serving_pid(settings.data_dir)) is not None:
            raise CouncilQAError(f"{settings.data_dir} is served already (process {pid}); stop it first")
        print(f"councilqa serve: waiting for the ingest writing {settings.data_dir} to finish", file=sys.stderr)
        while not writer.acquire():
            time.sleep(1)
    signal.signal(signal.SIGTERM, _interrupted)  # `kill` stops it as Ctrl-C does, tidying serving.json away
    serve(Assistant(settings, open_index(settings, writer=writer)), writer, host=args.host, port=args.port)
    return 0


def _interrupted(*_: object) -> None:
    raise KeyboardInterrupt


def iso_day(text: str) -> str:
    """An ISO day from the command line (`chat.clean_day`, as the app's fields are read)."""
    try:
        day = clean_day(text, "date")
    except InvalidInput:
        day = None
    if day is None:  # argparse names the option; the message says what is wanted
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-03-12")
    return day


def add_meeting_filters(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("--committee", help="part of the committee's name, any case")
    sub.add_argument("--from", dest="date_from", type=iso_day, help="first meeting date, YYYY-MM-DD")
    sub.add_argument("--to", dest="date_to", type=iso_day, help="last meeting date, YYYY-MM-DD")


def add_include_restricted(sub: argparse.ArgumentParser) -> None:
    sub.add_argument(
        "--include-restricted", action="store_true", help="search restricted (exempt) papers too (default: public only)"
    )


def format_answer(answer: Answer) -> str:
    """The answer and its excerpts as plain text for a terminal."""
    lines = [answer.answer, ""]
    if answer.prose_note:
        lines[1:1] = [f"({answer.prose_note})"]
    if answer.filter_note:
        lines[1:1] = [f"({answer.filter_note})"]
    elif answer.filters:
        lines[1:1] = [f"(Searched only {answer.filters.describe()}.)"]
    for c in answer.citations:
        meeting = "".join(f" · {part}" for part in (c.committee, c.meeting_date) if part)
        lines.append(f"[{c.rank}] {c.doc}{meeting} · {where(c)} · score {c.score:.2f}")
        lines.extend(f"    also at {path}" for path in c.copies)
        if c.url:
            lines.append(f"    meeting page: {c.url}")
        if c.ocr:
            lines.append("    read by OCR from a scanned page")
        lines.append(f"    {c.text}")
    return "\n".join(lines)


def format_decision(found: FoundDecision) -> str:
    """A decision as plain text: meeting and item; outcome, vote and movers; where it and its item's
    report are; what was decided."""
    decision, document = found.decision, found.document
    meeting = " · ".join(part for part in (decision.meeting_date, decision.committee) if part) or "meeting unknown"
    lines = [
        f"{meeting} · {decision.item_title or 'item unknown'}",
        f"  {outcome_line(decision)}",
        f"  {document.path} · {where(decision)}",
    ]
    if found.report is not None:
        lines.append(f"  report: {found.report.document.path} · {where(found.report)}")
    lines.append(f"  {decision.text}")
    return "\n".join(lines)


COMMANDS = "councilqa.commands"  # entry points adding commands: eval's, from councilqa.eval (pyproject.toml)
Command = Callable[[str, Callable[[argparse.Namespace], int], str], argparse.ArgumentParser]


def _fetch_command(command: Command) -> None:
    sub = command("fetch", cmd_fetch, "Fetch a committee's papers from a council's ModernGov site.")
    sub.add_argument("site", metavar="BASE_URL", help="the site's address, e.g. https://democracy.kent.gov.uk")
    sub.add_argument("--committee", required=True, help="the committee's id, or its title or part of it (any case)")
    sub.add_argument("--from", dest="date_from", type=iso_day, help="first meeting date (default: a year ago)")
    sub.add_argument("--to", dest="date_to", type=iso_day, help="last meeting date (default: a year ahead)")
    sub.add_argument("--into", type=Path, help="folder to fetch into (default: papers/ in the data directory)")
    sub.add_argument("--ingest", action="store_true", help="ingest the folder fetched into afterwards")
    sub.add_argument("--pause", type=float, help="seconds between requests (default: fetch.pause_seconds, 1)")
    sub.add_argument("--recheck", action="store_true", help="download papers the site gave no validators for again")


def _access_commands(command: Command) -> None:
    for name, says in (("restrict", "Mark a paper restricted"), ("unrestrict", "Clear a paper's restriction")):
        sub = command(name, cmd_restrict, f"{says} (every copy of it), with why; the app sees it at once.")
        sub.add_argument("path", metavar="PATH", help="the paper's path, as `ask` cites it")
        sub.add_argument("--why", help="the reason, kept in the catalog and shown to members and officers")
    sub = command("users", cmd_users, "Add, remove or list the app's accounts (passwords are asked for, never shown).")
    sub.add_argument("action", choices=("add", "remove", "list"))
    sub.add_argument("name", nargs="?", help="the user name (add, remove)")
    sub.add_argument("--role", choices=ROLES, default="reader", help="reader (public papers), member or officer")
    sub.add_argument("--password-stdin", action="store_true", help="read the password from standard input")


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="councilqa", description=__doc__)
    top.add_argument("-v", "--verbose", action="store_true", help="log what is being done")
    commands = top.add_subparsers(dest="command", required=True)

    def command(name: str, handler: Callable[[argparse.Namespace], int], help_text: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text, description=help_text)
        sub.add_argument("--data-dir", type=Path, help="folder holding the index (default ./.councilqa)")
        sub.set_defaults(handler=handler)
        return sub

    sub = command("ingest", cmd_ingest, "Index the PDFs under PATHs; files already indexed cost nothing.")
    sub.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="a folder (an ingest root) or a PDF")
    sub.add_argument("--prune", action="store_true", help="drop indexed files that are gone from the folders")
    _fetch_command(command)
    sub = command("ask", cmd_ask, "Answer a question with page-cited excerpts.")
    sub.add_argument("question")
    sub.add_argument(
        "--k",
        type=int,
        default=None,
        help="passages found to cite (default 5); one beside them that the answer quotes is cited after them",
    )
    sub.add_argument("--json", action="store_true", help="print the JSON record of docs/design.md")
    sub.add_argument(
        "--answer",
        choices=("prose", "quotes"),
        help="prose: a language model's sentences, each checked on the excerpts (needs answer.llm; its default "
        "where one is set); quotes: sentences quoted from the papers (the default without one)",
    )
    add_meeting_filters(sub)
    sub.add_argument("--doc-type", choices=DOC_TYPES, help="document type")
    sub.add_argument("--doc", help="one document's path, as cited")
    add_include_restricted(sub)
    sub = command(
        "resolutions",
        cmd_resolutions,
        "List the decisions in minutes (resolutions, motions, amendments) with their outcome, newest meeting first.",
    )
    add_meeting_filters(sub)
    sub.add_argument("--search", help="words that must all occur in the decision or its item")
    sub.add_argument("--outcome", choices=OUTCOMES, help="only decisions with this outcome")
    sub.add_argument("--json", action="store_true", help="print JSON records")
    add_include_restricted(sub)
    _access_commands(command)
    for plugin in entry_points(group=COMMANDS):  # `eval`, from councilqa.eval, which imports this module
        plugin.load()(command)
    sub = command("serve", cmd_serve, "Serve the Gradio chat.")
    sub.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1, this machine only)")
    sub.add_argument("--port", type=int, default=7860)
    return top


def main(argv: list[str] | None = None) -> int:
    prepare()
    args = parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s"
    )
    try:
        return int(args.handler(args))
    except CouncilQAError as error:  # anything else is a bug: its traceback shows
        print(f"councilqa {args.command}: {error}", file=sys.stderr)
        return 2


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())


if __name__ == "__main__":
    run()
