"""`python -m bench.cached_cost [<checkout> ...]`: the CPU one cached answer costs, in-process.

The steadiest measure of the answer cache on a shared machine: wrk's requests/s move with
whatever else runs, a process's own CPU time much less. Each measuring process loads one
checkout's code (this one, and each checkout named) with the production settings of
`make bench-api` (bench/api.py: DEBUG off, Redis cache and quotas, the benchmark database),
sends the 100 popular details of `make bench-api` once to fill the answer cache, then
BENCH_REQUESTS requests over them through Django's test client (the whole middleware stack,
no socket), BENCH_REPEATS times, and the same number to the bare view; it reports the CPU
time (`time.process_time`) per request. Every measured detail must come from the cache (a
kept answer is a plain HttpResponse, a worked-out one DRF's Response), or the run stops.

Sides take turns, one fresh process each, for BENCH_ROUNDS rounds in ABBA order, so a change
of the machine's load falls on all of them alike. The Redis database of the benchmark
(BENCH_REDIS_URL) is emptied before each process: checkouts may keep answers differently.
"""

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "2000"))
REPEATS = int(os.environ.get("BENCH_REPEATS", "3"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))


def _cpu_per_request(client, paths: list[str], *, cached: bool) -> float:
    from rest_framework.response import Response

    started = time.process_time()
    for i in range(REQUESTS):
        answer = client.get(paths[i % len(paths)])
        if answer.status_code != 200 or (cached and isinstance(answer, Response)):
            sys.exit(f"{paths[i % len(paths)]}: {answer.status_code}, "
                     f"{'worked out' if isinstance(answer, Response) else 'kept'}")
    return (time.process_time() - started) / REQUESTS * 1e6


def measure_here() -> dict[str, list[float]]:
    """In a process whose working directory is the checkout to measure."""
    sys.path[0] = os.getcwd()  # the checkout's code, not this file's folder
    from bench.api import SERVER_ENV
    os.environ.update(SERVER_ENV, ALLOWED_HOSTS="testserver")
    import django
    django.setup()
    import redis
    from django.test import Client

    from bench.api import scenarios

    redis.Redis.from_url(os.environ["REDIS_URL"]).flushdb()
    details = next(s for s in scenarios() if s.name == "detail").paths
    client = Client()
    _cpu_per_request(client, details, cached=False)  # fills the answer cache, opens connections
    figures: dict[str, list[float]] = {"detail": [], "bare view": []}
    for _ in range(REPEATS):
        figures["detail"].append(_cpu_per_request(client, details, cached=True))
        figures["bare view"].append(_cpu_per_request(client, ["/bench/bare/"], cached=False))
    return figures


def _one_process(checkout: Path) -> dict[str, list[float]]:
    out = subprocess.run([sys.executable, __file__, "--here"], cwd=checkout, check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def compare(checkouts: list[Path]) -> list[str]:
    runs: dict[Path, dict[str, list[float]]] = {c: {"detail": [], "bare view": []} for c in checkouts}
    for round_ in range(ROUNDS):
        for checkout in checkouts if round_ % 2 == 0 else checkouts[::-1]:
            for scenario, figures in _one_process(checkout).items():
                runs[checkout][scenario].extend(figures)
            print(f"  round {round_ + 1}, {checkout}: detail "
                  f"{', '.join(f'{f:.0f}' for f in runs[checkout]['detail'][-REPEATS:])} µs", flush=True)
    load = os.getloadavg()[0]
    lines = [f"{REQUESTS} requests, {REPEATS} times a process, {ROUNDS} processes a side; load "
             f"{load:.1f} at the end.", "", "| checkout | cached detail µs (median; range) | "
             "bare view µs (median; range) |", "|---|---:|---:|"]
    for checkout, figures in runs.items():
        lines.append(f"| {checkout} | {_spread(figures['detail'])} | {_spread(figures['bare view'])} |")
    return lines


def _spread(figures: list[float]) -> str:
    return f"{statistics.median(figures):.0f} ({min(figures):.0f}–{max(figures):.0f})"


def main() -> None:
    if sys.argv[1:] == ["--here"]:
        print(json.dumps(measure_here()))
        return
    print("\n".join(compare([ROOT, *(Path(arg).resolve() for arg in sys.argv[1:])])))


if __name__ == "__main__":
    main()
