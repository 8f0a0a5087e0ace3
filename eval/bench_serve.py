"""`councilqa serve` from cold: how long until it answers HTTP, and how long its first and second questions
take, asked one at a time through the app's API (`serve` loads the model before it is ready, so the first
question should not wait for it).

    python -m councilqa.eval.bench_serve --data-dir .councilqa-eval
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
from pathlib import Path

from councilqa.process import prepare

QUESTIONS = ("What did the council decide about the budget?", "What did Cabinet resolve about parking charges?")


def main(argv: list[str] | None = None) -> int:
    import httpx
    from gradio_client import Client

    args = _parser().parse_args(argv)
    command = shutil.which("councilqa") or str(Path(sys.executable).with_name("councilqa"))
    url = f"http://127.0.0.1:{args.port}/"
    started = time.perf_counter()
    serve = [command, "serve", "--port", str(args.port), "--data-dir", str(args.data_dir)]
    server = subprocess.Popen(serve, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while True:
            if server.poll() is not None:
                print(f"councilqa serve stopped with status {server.returncode}")
                return 1
            try:
                if httpx.get(url, timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        ready = time.perf_counter() - started
        client = Client(url, verbose=False, analytics_enabled=False)
        times = []
        for question in QUESTIONS:
            asked = time.perf_counter()
            client.predict(question, [], None, "", "", None, api_name="/ask")
            times.append(time.perf_counter() - asked)
        client.close()
    finally:
        server.terminate()
        server.wait()
    print(f"ready after {ready:.1f} s; first question {times[0]:.2f} s, second {times[1]:.2f} s")
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="bench_serve", description=__doc__)
    parser.add_argument("--data-dir", type=Path, required=True, help="an index to serve (from `councilqa ingest`)")
    parser.add_argument("--port", type=int, default=7862)
    return parser


if __name__ == "__main__":
    prepare()
    raise SystemExit(main())
