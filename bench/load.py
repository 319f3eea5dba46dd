"""`make bench-load`: fifty clients at once for a minute, mixing what calculators and visitors
ask, against gunicorn, PostgreSQL and Redis with the production settings.

The same database and server as `make bench-api` (bench/api.py: 100,000 factors, gunicorn with
BENCH_WORKERS sync workers, Redis cache and quotas out of the way). The mix, drawn from the data
with a fixed seed and sent round-robin by wrk: factor details (the 100 popular ones, as
calculators ask them again and again), filtered lists, resolve batches of 20 keys, calculations,
and the public search and factor pages. Then each kind alone, for what the machine serves of
it: as asked (repeated requests come from the answer and page caches, as in production), and
worked out (`Cache-Control: no-cache`: the cold path, as after a publication). Any non-2xx
answer or socket error fails the run. The report (var/bench-load.md) goes into
bench/RESULTS.md by hand; docs/capacity.md reads its figures.
"""

import json
import os
import random

from bench.api import (
    DONE_LUA,
    WORKERS,
    Figures,
    data_shape,
    figures_of,
    list_filters,
    machine,
    publish,
    published_rows,
    setup,
    start_gunicorn,
    wrk,
)

SECONDS = int(os.environ.get("BENCH_LOAD_SECONDS", "60"))
KIND_SECONDS = int(os.environ.get("BENCH_LOAD_KIND_SECONDS", "15"))
CONNECTIONS = int(os.environ.get("BENCH_LOAD_CONNECTIONS", "50"))
# Of every 20 requests: what a national platform's traffic is assumed to be (docs/capacity.md).
MIX = {"detail": 8, "list": 3, "resolve": 2, "calculate": 2, "factor page": 3, "search page": 2}
RESOLVE_KEYS = 20


def requests_by_kind() -> dict[str, list[tuple[str, str, str | None]]]:
    """(method, path, JSON body) of each kind, drawn from the benchmark data (fixed seed)."""
    rng = random.Random(5)
    published = published_rows()
    popular = rng.sample(published, 100)
    filters = list_filters(rng, 100)
    batches = [json.dumps({"keys": [{"category": c, "region": r, "year": y, "unit": u}
                                    for _, c, r, y, u in rng.sample(published, RESOLVE_KEYS)]})
               for _ in range(50)]
    return {
        "detail": [("GET", f"/api/v1/factors/{pid}/", None) for pid, *_ in popular],
        "list": [("GET", f"/api/v1/factors/?{f}", None) for f in filters],
        "resolve": [("POST", "/api/v1/resolve/", body) for body in batches],
        "calculate": [("POST", "/api/v1/calculate/",
                       json.dumps({"public_id": pid, "amount": "12.5", "unit": unit}))
                      for pid, _, _, _, unit in rng.sample(published, 100)],
        "factor page": [("GET", f"/factors/{pid}/", None) for pid, *_ in rng.sample(published, 100)],
        "search page": [("GET", f"/factors/?{f}", None) for f in filters],
    }


def mixed(kinds: dict[str, list], total: int = 2000) -> list[tuple[str, str, str | None]]:
    rng = random.Random(9)
    weights = sum(MIX.values())
    plan = [request for kind, share in MIX.items()
            for request in rng.choices(kinds[kind], k=total * share // weights)]
    rng.shuffle(plan)
    return plan


def lua(plan: list[tuple[str, str, str | None]], *, afresh: bool) -> str:
    """wrk's script: the plan round-robin; `afresh` sends `Cache-Control: no-cache`, so every
    answer is worked out and none is served from the answer or page cache."""
    rows = ",\n".join(f"{{{json.dumps(method)}, {json.dumps(path)}, {json.dumps(body) if body else 'nil'}}}"
                      for method, path, body in plan)
    fresh = "['Cache-Control'] = 'no-cache', " if afresh else ""
    return (f"local plan = {{\n{rows}\n}}\nlocal i = 0\n"
            f"local plain = {{{fresh}}}\n"
            f"local json_body = {{{fresh}['Content-Type'] = 'application/json'}}\n"
            "request = function()\n  i = i + 1\n  local r = plan[(i % #plan) + 1]\n"
            "  if r[3] then return wrk.format(r[1], r[2], json_body, r[3]) end\n"
            "  return wrk.format(r[1], r[2], plain)\nend\n" + DONE_LUA)


def drive(plan: list, seconds: int, label: str, *, afresh: bool = False) -> Figures:
    result = wrk(lua(plan, afresh=afresh), seconds=seconds, connections=CONNECTIONS, threads=2)
    figures = figures_of(result, label)
    print(f"  {label}: {figures.requests_per_s:,.0f} requests/s, p50 {figures.p50_ms:.1f} ms, "
          f"p99 {figures.p99_ms:.1f} ms, {result['requests']:,} requests, no error", flush=True)
    return figures


def main() -> None:
    setup()
    from django.core.management import call_command
    call_command("collectstatic", interactive=False, verbosity=0)  # the pages' manifest storage
    print("data:", ", ".join(f"{name} {n:,}" for name, n in data_shape().items()))
    kinds = requests_by_kind()
    plan = mixed(kinds)
    server = start_gunicorn()
    try:
        drive(plan, 5, "warm-up (not reported)")
        together = drive(plan, SECONDS, f"the mix, {SECONDS} s")
        alone = {kind: drive(requests, KIND_SECONDS, kind) for kind, requests in kinds.items()}
        worked_out = {kind: drive(requests, KIND_SECONDS, f"{kind}, worked out", afresh=True)
                      for kind, requests in kinds.items()}
    finally:
        server.terminate()
    cores = os.cpu_count() or 1
    lines = [f"Machine: {machine(f'gunicorn {WORKERS} sync workers, wrk 2 threads')}.",
             f"{CONNECTIONS} connections; the mix {SECONDS} s, each kind alone {KIND_SECONDS} s. "
             "No non-2xx answer and no socket error (the run stops at the first).", "",
             "| load | requests/s | per core | p50 ms | p99 ms |", "|---|---:|---:|---:|---:|",
             f"| the mix ({', '.join(f'{kind} {share}/20' for kind, share in MIX.items())}) | "
             f"{together.requests_per_s:,.0f} | {together.requests_per_s / cores:,.0f} | "
             f"{together.p50_ms:.1f} | {together.p99_ms:.1f} |"]
    lines += [f"| {kind} alone | {f.requests_per_s:,.0f} | {f.requests_per_s / cores:,.0f} | "
              f"{f.p50_ms:.1f} | {f.p99_ms:.1f} |" for kind, f in alone.items()]
    lines += [f"| {kind} alone, worked out (no-cache) | {f.requests_per_s:,.0f} | "
              f"{f.requests_per_s / cores:,.0f} | {f.p50_ms:.1f} | {f.p99_ms:.1f} |"
              for kind, f in worked_out.items()]
    lines += ["", f"Per core: requests/s over the machine's {cores} cores, which gunicorn, PostgreSQL, "
              "Redis and wrk share."]
    publish(lines, "bench-load")


if __name__ == "__main__":
    main()
