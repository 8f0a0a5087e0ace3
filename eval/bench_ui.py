"""`make bench-ui`: many questions at once through the served app's API, as browsers would send them.

Serves the app over an index of the given folders (ingested into a fresh data directory, or
reused with --data-dir), sends N questions at the same moment to its `/ask` endpoint with
gradio_client, and prints how many were answered and the latency percentiles, each measured from
the moment all were sent. Everything runs on this machine.

    python -m councilqa.eval.bench_ui corpus --questions eval/riverford_sample.jsonl -n 20
"""

from __future__ import annotations

import argparse
import contextlib
import json
import statistics
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from councilqa.eval.metrics import percentile
from councilqa.process import prepare

ASK = "/ask"


@dataclass
class LoadResult:
    """Latencies (seconds) of the questions answered, and the errors of those that were not."""

    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def percentile(self, q: float) -> float:
        """The q-th percentile (0-100) of the latencies, as the eval reports its own (`metrics.percentile`)."""
        found = percentile(self.latencies, q)
        return float("nan") if found is None else found

    def summary(self) -> str:
        mean = statistics.fmean(self.latencies) if self.latencies else float("nan")
        return (
            f"{len(self.latencies)} answered, {len(self.errors)} failed in {self.seconds:.2f} s; "
            f"latency p50 {self.percentile(50):.2f} s, p95 {self.percentile(95):.2f} s, "
            f"max {max(self.latencies, default=float('nan')):.2f} s, mean {mean:.2f} s"
        )


def load(url: str, questions: list[str], n: int) -> LoadResult:
    """Send `n` questions (cycling through `questions`) to the app at `url` all at once."""
    from gradio_client import Client

    client = Client(url, analytics_enabled=False, verbose=False)
    result = LoadResult()
    lock = threading.Lock()
    started = time.perf_counter()

    def done(job: object, asked: str) -> None:
        elapsed = time.perf_counter() - started
        try:
            history = job.result()[0]  # type: ignore[attr-defined]
            if len(history) != 2 or not history[-1]["content"]:
                raise ValueError(f"unexpected reply {history!r}")
            if _text(history[0]) != asked:  # each asker gets the answer to their own question
                raise ValueError(f"asked {asked!r}, answered {_text(history[0])!r}")
        except Exception as error:
            with lock:
                result.errors.append(repr(error))
            return
        with lock:
            result.latencies.append(elapsed)

    jobs = []
    for i in range(n):
        asked = questions[i % len(questions)]
        job = client.submit(asked, [], None, "", "", None, api_name=ASK)
        job.add_done_callback(lambda job, asked=asked: done(job, asked))
        jobs.append(job)
    for job in jobs:
        with contextlib.suppress(Exception):  # failures are counted by the callback
            job.result(timeout=600)
    while len(result.latencies) + len(result.errors) < n:  # callbacks may trail result()
        time.sleep(0.01)
    result.seconds = time.perf_counter() - started
    client.close()
    return result


def _text(message: dict) -> str:
    content = message["content"]
    return content if isinstance(content, str) else "".join(part.get("text", "") for part in content)


def read_questions(path: Path) -> list[str]:
    return [json.loads(line)["question"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def main(argv: list[str] | None = None) -> int:
    from councilqa.answer.ask import Assistant
    from councilqa.app.serve import launch
    from councilqa.app.ui import build_app
    from councilqa.index.build import ingest
    from councilqa.index.store import open_index
    from councilqa.settings import Settings

    args = _parser().parse_args(argv)
    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="councilqa-bench-ui-"))
    settings = Settings(data_dir=data_dir)
    index = open_index(settings)
    if args.paths:
        print(ingest(args.paths, index).summary().splitlines()[0])
    assistant = Assistant(settings, index)
    assistant.warm()  # as `serve` does
    app = build_app(assistant)
    _, url, _ = launch(app, assistant, port=args.port, prevent_thread_lock=True, quiet=True)
    try:
        result = load(url, read_questions(args.questions), args.n)
    finally:
        app.close()
    print(f"{args.n} questions at once, concurrency {settings.ui.concurrency}: {result.summary()}")
    for error in result.errors[:5]:
        print(f"  error: {error}")
    return 1 if result.errors else 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="bench_ui", description=__doc__)
    parser.add_argument("paths", nargs="*", type=Path, help="folders to ingest first")
    parser.add_argument("--data-dir", type=Path, help="reuse this index (default: a fresh temporary one)")
    parser.add_argument("--questions", type=Path, default=Path("eval/riverford_sample.jsonl"))
    parser.add_argument("-n", type=int, default=20, help="questions sent at once (default 20)")
    parser.add_argument("--port", type=int, default=7861)
    return parser


if __name__ == "__main__":
    prepare()
    raise SystemExit(main())
