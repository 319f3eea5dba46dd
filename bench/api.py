"""`make bench-api`: the read API under load, next to a bare Django view, in one run.

What it does, on the machine it runs on (PostgreSQL and Redis as in CI, wrk installed):
1. makes the benchmark database if it is missing (BENCH_DATABASE_URL, default
   postgres://postgres@127.0.0.1:5432/factordb_bench), migrates it, loads the real seed and
   fills it to 100,000 factors and over 1,000,000 history rows (bench/generate.py; once);
2. starts gunicorn on it with the production settings (DEBUG off, Redis cache and throttles)
   plus one bare view, `/bench/bare/`, a fixed JsonResponse through the same stack;
3. drives each scenario with wrk for BENCH_SECONDS (after a warm-up), over BENCH_CONNECTIONS
   connections for throughput, and over one connection for the latency comparison;
4. prints requests/s, p50 and p99, each scenario's ratio to the bare view (run again after every
   third scenario: each ratio is to the runs that bracket it), and whether the
   targets of the API issue hold. Non-2xx answers fail the run: a fast error is no result.

`python -m bench.api --against <another checkout>` compares this code with another's (the
commit before a change, say) on the cached scenarios, both served at once and taking turns
for BENCH_ROUNDS rounds: on a shared machine, what one run alone measures moves with the load.
After the scenarios (and alone with `python -m bench.api --after-a-publication`), the popular
details and lists, kept, in steady state and in the 10 s after one publication made through
the services while wrk runs, first with no Celery worker, then with one that works the most
asked answers out again (api/answer_warmup.py); each run publishes one more version of one of
the popular factors in the benchmark database.
"""

import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/factordb_bench")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
SECONDS = int(os.environ.get("BENCH_SECONDS", "15"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "8"))
WORKERS = int(os.environ.get("BENCH_WORKERS", str(2 * (os.cpu_count() or 1))))
PORT = int(os.environ.get("BENCH_PORT", "8765"))
AS_OF = "2024-06-01T00:00:00Z"
RESOLVE_KEYS = 1000
FRESH_BATCH = "resolve 1,000 keys, worked out"
REPEATED_BATCH = "resolve 1,000 keys, same batch again"
LATENCY_SCENARIOS = ("detail", "detail, uncached", FRESH_BATCH, REPEATED_BATCH)

# The environment gunicorn and this process share: production mode over plain HTTP on
# loopback, quotas out of the way (they would answer 429 to a load test, by design).
SERVER_ENV = {
    "DJANGO_SETTINGS_MODULE": "bench.settings", "ENV_FILE": "", "DEBUG": "0",
    "SECRET_KEY": "bench-only-" + "x" * 50, "ALLOWED_HOSTS": "127.0.0.1",
    "DATABASE_URL": DATABASE_URL, "REDIS_URL": REDIS_URL, "SECURE_SSL_REDIRECT": "0",
    "SESSION_COOKIE_SECURE": "0", "CSRF_COOKIE_SECURE": "0", "SECURE_HSTS_SECONDS": "0",
    "API_ANON_RATE": "1000000000/min", "LOG_LEVEL": "WARNING", "THROTTLE_NAMESPACE": "bench:",
}

DONE_LUA = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('RESULT {"requests": %d, "duration_us": %d, "socket_errors": %d, '
    .. '"non_2xx": %d, "p50_us": %d, "p99_us": %d}\\n', summary.requests, summary.duration,
    e.connect + e.read + e.write + e.timeout, e.status, latency:percentile(50), latency:percentile(99)))
end
"""


@dataclass(frozen=True)
class Scenario:
    name: str
    paths: list[str]
    body: str | None = None  # a POST body; GET when None
    # Sent with `Cache-Control: no-cache`: every answer is worked out, none served from the
    # answer cache (api/response_cache.py), however often the same request comes back.
    afresh: bool = False


@dataclass(frozen=True)
class Figures:
    requests_per_s: float
    p50_ms: float
    p99_ms: float


def ensure_database() -> None:
    import psycopg

    name = DATABASE_URL.rsplit("/", 1)[1]
    admin_url = DATABASE_URL.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def prepare_data() -> dict[str, int]:
    from django.core.management import call_command

    from bench.generate import generate
    call_command("migrate", verbosity=0)
    call_command("loadseed", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    return generate()


def data_shape() -> dict[str, int]:
    from django.db import connection

    from factordb.models import Factor, FactorVersion
    with connection.cursor() as cursor:
        cursor.execute("SELECT sum(n_live_tup) FROM pg_stat_user_tables WHERE relname LIKE %s",
                       ["%historical%"])
        history = int(cursor.fetchone()[0] or 0)
    return {"factors": Factor.objects.count(), "versions": FactorVersion.objects.count(),
            "history rows (estimate)": history}


def published_rows() -> list[tuple[str, str, str, int, str]]:
    """(public id, category, region, year, unit) of the generated factors' published versions."""
    from factordb.models import FactorVersion

    return list(FactorVersion.objects.filter(status="published", factor__public_id__startswith="BF")
                .values_list("factor__public_id", "factor__category__code", "factor__region__code",
                             "factor__year", "factor__unit__code")[:50_000])


def list_filters(rng: random.Random, count: int) -> list[str]:
    """`count` query strings of three filters (a parent category, a region, a year) that find
    generated factors."""
    from factordb.models import Category, Factor

    parents = {c.pk: c.code for c in Category.objects.filter(children__code__contains=".b")}
    listed = list(Factor.objects.filter(public_id__startswith="BF", category__parent_id__in=parents)
                  .values_list("category__parent_id", "region__code", "year")[:50_000])
    return [f"category={parents[c]}&region={r}&year={y}" for c, r, y in rng.sample(listed, count)]


@dataclass(frozen=True)
class Measured:
    figures: dict[str, Figures]  # throughput, over CONNECTIONS
    latency: dict[str, Figures]  # over one connection
    baseline_runs: list[float]  # requests/s of each run of the baseline, in the order run
    # Each scenario's baseline: the mean of the baseline's runs just before and just after it.
    baseline_of: dict[str, float]


def scenarios() -> list[Scenario]:
    """Requests of the shape calculators send, drawn from the data (fixed seed)."""
    rng = random.Random(7)
    published = published_rows()
    # Calculators ask for a few factors far more than the rest (the national and provincial
    # grids, the common fuels): "detail" cycles over 100 of them, which the answer cache
    # serves once warm; "detail, uncached" asks for them with no-cache, worked out each time.
    popular = rng.sample(published, 100)
    filters = list_filters(rng, 200)
    keys = [{"category": c, "region": r, "year": y + rng.choice((0, 0, 0, 1, 3)), "unit": u}
            for _, c, r, y, u in rng.sample(published, RESOLVE_KEYS)]
    details = [f"/api/v1/factors/{pid}/" for pid, *_ in popular]
    lists = [f"/api/v1/factors/?{f}" for f in filters]
    as_of_lists = [f"{path}&as_of={AS_OF}" for path in lists]
    batch = json.dumps({"keys": keys})
    # A calculator sending its bill of materials again gets the kept answer; the fresh
    # scenario is the batch seen for the first time (or after a publication).
    return [
        Scenario("bare view", ["/bench/bare/"]),
        # The obvious values() query of one factor through the same stack: what a worked-out
        # detail could cost at best, for its ratio to the bare view beside the detail's.
        Scenario("thin ORM detail", [f"/bench/thin-orm/{pid}/" for pid, *_ in popular]),
        Scenario("detail", details),
        Scenario("detail, uncached", details, afresh=True),
        Scenario("list, 3 filters", lists),
        Scenario("as_of list", as_of_lists),
        Scenario("list, 3 filters, uncached", lists, afresh=True),
        Scenario("as_of list, uncached", as_of_lists, afresh=True),
        Scenario(FRESH_BATCH, ["/api/v1/resolve/"], body=batch, afresh=True),
        Scenario(REPEATED_BATCH, ["/api/v1/resolve/"], body=batch),
    ]


def lua_for(scenario: Scenario) -> str:
    paths = ", ".join(json.dumps(p) for p in scenario.paths)
    if scenario.body is None:
        head = "wrk.method = 'GET'\n"
    else:
        head = (f"wrk.method = 'POST'\nwrk.body = {json.dumps(scenario.body)}\n"
                "wrk.headers['Content-Type'] = 'application/json'\n")
    if scenario.afresh:
        head += "wrk.headers['Cache-Control'] = 'no-cache'\n"
    return (head + f"local paths = {{{paths}}}\nlocal i = 0\n"
            "request = function()\n  i = i + 1\n  return wrk.format(nil, paths[(i % #paths) + 1])\nend\n"
            + DONE_LUA)


def wrk(script: str, *, seconds: int, connections: int, threads: int = 1, port: int = PORT) -> dict:
    """wrk driven by the Lua `script` (ending in DONE_LUA) against the server on `port`: its
    RESULT line."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as file:
        file.write(script)
    command = ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s", "--timeout", "30s",
               "-s", file.name, f"http://127.0.0.1:{port}"]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    os.unlink(file.name)
    return json.loads(out.split("RESULT ", 1)[1])


def figures_of(result: dict, label: str, hint: str = "") -> Figures:
    """wrk's RESULT as figures; any non-2xx answer or socket error (or no request) ends the run."""
    if result["non_2xx"] or result["socket_errors"] or not result["requests"]:
        sys.exit(f"{label}: {result['non_2xx']} non-2xx answers, {result['socket_errors']} "
                 f"socket errors of {result['requests']} requests{hint}")
    return Figures(result["requests"] / (result["duration_us"] / 1e6),
                   result["p50_us"] / 1000, result["p99_us"] / 1000)


def run_wrk(scenario: Scenario, *, seconds: int, connections: int, warm_up: bool = False,
            port: int = PORT) -> Figures | None:
    result = wrk(lua_for(scenario), seconds=seconds, connections=connections, port=port)
    if warm_up:
        return None
    return figures_of(result, scenario.name, f"; try one: {scenario.paths[0]}")


def start_gunicorn(code: Path = ROOT, port: int = PORT) -> subprocess.Popen:
    """gunicorn serving the checkout at `code` (this one unless told) on `port`."""
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(
        [str(gunicorn), "factordb.wsgi:application", "--workers", str(WORKERS), "--bind",
         f"127.0.0.1:{port}", "--log-level", "warning"],
        cwd=code, env={**os.environ, **SERVER_ENV})
    # Ready when the bare view answers: the port opens before the workers have loaded Django.
    for _ in range(300):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/bench/bare/", timeout=2) as answer:
                if answer.status == 200:
                    return server
        except OSError:
            if server.poll() is not None:
                sys.exit("gunicorn exited at start-up")
            time.sleep(0.2)
    server.terminate()
    sys.exit("gunicorn did not answer within a minute")


def machine(serving: str = f"gunicorn {WORKERS} sync workers, wrk 1 thread") -> str:
    """The machine, Python and PostgreSQL a run measured on, and `serving` (what else took part)."""
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    memory = int(next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                      if line.startswith("MemTotal"))) // 1024 // 1024
    from django.db import connection
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    return (f"{os.cpu_count()} cores ({cpu}), {memory} GiB, Python {platform.python_version()}, "
            f"PostgreSQL {postgres}, {serving}")


def report(measured: Measured) -> list[str]:
    figures, latency, baseline_of = measured.figures, measured.latency, measured.baseline_of

    def ratio(name: str) -> float:
        return figures[name].requests_per_s / baseline_of[name]

    lines = [f"Bare view, each of its {len(measured.baseline_runs)} runs (requests/s): "
             f"{', '.join(f'{n:,.0f}' for n in measured.baseline_runs)}; each scenario's ratio is to "
             "the mean of the runs just before and just after it.", "",
             "| scenario | requests/s | p50 ms | p99 ms | throughput / bare view |",
             "|---|---:|---:|---:|---:|"]
    lines += [f"| {name} | {f.requests_per_s:,.0f} | {f.p50_ms:.1f} | {f.p99_ms:.1f} | "
              f"{ratio(name):.2f} |" for name, f in figures.items() if name != "bare view"]
    lines += ["", "One connection (latency alone): "
              f"detail p50 {latency['detail'].p50_ms:.1f} ms (answer cache), "
              f"detail, uncached p50 {latency['detail, uncached'].p50_ms:.1f} ms, "
              f"resolve of {RESOLVE_KEYS:,} keys p50 {latency[FRESH_BATCH].p50_ms:.1f} ms worked out, "
              f"{latency[REPEATED_BATCH].p50_ms:.1f} ms the same batch again.", ""]
    checks = [
        ("detail ≥ 0.5 × bare view throughput", ratio("detail"), 0.5, ">="),
        # The cold path: answers worked out, as after a publication or for a rarely asked factor.
        ("detail worked out ≥ 0.25 × bare view throughput",
         ratio("detail, uncached"), 0.25, ">="),
        ("list, 3 filters, worked out ≥ 0.10 × bare view throughput",
         ratio("list, 3 filters, uncached"), 0.10, ">="),
        ("list ≥ 0.3 × bare view throughput", ratio("list, 3 filters"), 0.3, ">="),
        ("as_of list within 2 × plain list (time per request)",
         figures["list, 3 filters"].requests_per_s / figures["as_of list"].requests_per_s, 2.0, "<="),
        # The same when both are worked out: what the as_of query itself costs.
        ("as_of list within 2 × plain list, both uncached",
         figures["list, 3 filters, uncached"].requests_per_s / figures["as_of list, uncached"].requests_per_s,
         2.0, "<="),
        # Like with like: both worked out, and both answered from the cache.
        ("resolve 1,000 keys worked out ≤ 15 × one detail worked out (p50, one connection)",
         latency[FRESH_BATCH].p50_ms / latency["detail, uncached"].p50_ms, 15.0, "<="),
        ("resolve 1,000 keys again < 20 × one cached detail (p50, one connection)",
         latency[REPEATED_BATCH].p50_ms / latency["detail"].p50_ms, 20.0, "<"),
    ]
    for label, value, target, op in checks:
        holds = {">=": value >= target, "<=": value <= target, "<": value < target}[op]
        lines.append(f"- {label}: {value:.2f} — {'met' if holds else 'NOT MET'}")
    lines.append(f"- for the record, a batch worked out / one cached detail: "
                 f"{latency[FRESH_BATCH].p50_ms / latency['detail'].p50_ms:.0f} ×")
    return lines


def setup() -> dict[str, int]:
    """wrk present, the server's settings in this process too, and the benchmark database made
    and filled; the rows written, if any."""
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: `make bench-tools` installs it (Debian's package).")
    os.environ.update(SERVER_ENV)
    sys.path.insert(0, str(ROOT))
    import django
    django.setup()
    ensure_database()
    return prepare_data()


def measure(plan: list[Scenario], *, latency_of: Iterable[str], rerun_baseline_every: int = 0) -> Measured:
    """Against one gunicorn: each scenario's throughput over CONNECTIONS (after a warm-up that
    fills caches and opens connections), then the latency over one connection of the
    scenarios named in `latency_of`.

    The plan's first scenario is the baseline. With `rerun_baseline_every` = n it runs again
    after every n scenarios and at the end, and each scenario is compared with the runs that
    bracket it: on a shared machine the speed drifts over minutes, and one run of the
    baseline at the start would carry that drift into every ratio after it."""
    latency_of = set(latency_of)
    baseline, *rest = plan
    server = start_gunicorn()

    def throughput(scenario: Scenario) -> Figures:
        run_wrk(scenario, seconds=3, connections=CONNECTIONS, warm_up=True)
        found = run_wrk(scenario, seconds=SECONDS, connections=CONNECTIONS)
        print(f"  {scenario.name}: {found.requests_per_s:,.0f} requests/s", flush=True)
        return found

    try:
        figures = {baseline.name: throughput(baseline)}
        runs, since_baseline, bracketed = [figures[baseline.name].requests_per_s], [], {}
        for index, scenario in enumerate(rest, start=1):
            figures[scenario.name] = throughput(scenario)
            since_baseline.append(scenario.name)
            if rerun_baseline_every and (index % rerun_baseline_every == 0 or index == len(rest)):
                runs.append(throughput(baseline).requests_per_s)
                bracketed.update(dict.fromkeys(since_baseline, (runs[-2] + runs[-1]) / 2))
                since_baseline = []
        baseline_of = {name: bracketed.get(name, runs[0]) for name in figures}
        latency = {scenario.name: run_wrk(scenario, seconds=max(5, SECONDS // 2), connections=1)
                   for scenario in plan if scenario.name in latency_of}
    finally:
        server.terminate()
        server.wait(timeout=30)
    return Measured(figures, latency, runs, baseline_of)


def publish(lines: list[str], name: str) -> None:
    """Prints the report and keeps it in var/<name>.md."""
    print("\n".join(lines))
    (ROOT / "var").mkdir(exist_ok=True)
    (ROOT / "var" / f"{name}.md").write_text("\n".join(lines) + "\n")


COMPARED = ("bare view", "detail", "list, 3 filters", REPEATED_BATCH)


def compare(other: Path, rounds: int) -> list[str]:
    """This checkout against the one at `other`, both served at once on the same database, the
    cached scenarios taking turns (ABBA) for `rounds` rounds: on a shared machine, load that
    comes and goes falls on both alike. Each figure is a median over the rounds; a ratio is
    to the same server's bare view in the same round."""
    plan = [scenario for scenario in scenarios() if scenario.name in COMPARED]
    servers = {"this": (ROOT, PORT), "other": (other.resolve(), PORT + 1)}
    started = [start_gunicorn(code, port) for code, port in servers.values()]
    runs: dict[tuple[str, str], list[float]] = {}
    try:
        for scenario in plan:
            for _, port in servers.values():
                run_wrk(scenario, seconds=3, connections=CONNECTIONS, warm_up=True, port=port)
        for number in range(rounds):
            order = list(servers.items()) if number % 2 == 0 else list(reversed(servers.items()))
            for scenario in plan:
                for name, (_, port) in order:
                    figures = run_wrk(scenario, seconds=SECONDS, connections=CONNECTIONS, port=port)
                    runs.setdefault((name, scenario.name), []).append(figures.requests_per_s)
            print(f"  round {number + 1} of {rounds} done", flush=True)
    finally:
        for server in started:
            server.terminate()
            server.wait(timeout=30)
    return compare_report(runs, rounds, other)


def compare_report(runs: dict[tuple[str, str], list[float]], rounds: int, other: Path) -> list[str]:
    def ratios(name: str, scenario: str) -> list[float]:
        return [n / bare for n, bare in zip(runs[name, scenario], runs[name, "bare view"], strict=True)]

    lines = [f"{rounds} rounds, {SECONDS} s a scenario over {CONNECTIONS} connections; other: {other}", "",
             "| scenario | this: requests/s | other: requests/s | this / bare | other / bare "
             "| this / other |", "|---|---:|---:|---:|---:|---:|"]
    for scenario in COMPARED:
        mine, theirs = (statistics.median(ratios(name, scenario)) for name in ("this", "other"))
        lines.append(f"| {scenario} | {statistics.median(runs['this', scenario]):,.0f} | "
                     f"{statistics.median(runs['other', scenario]):,.0f} | {mine:.2f} | {theirs:.2f} | "
                     f"{mine / theirs if scenario != 'bare view' else 1:.2f} |")
    per_round = ", ".join(f"{a:.2f}/{b:.2f}" for a, b in zip(ratios("this", "detail"),
                                                            ratios("other", "detail"), strict=True))
    lines += ["", f"detail / bare, this/other, round by round: {per_round}"]
    return lines


def publish_one(public_id: str) -> None:
    """A new version of the factor, published through the services (the official road: a copy of
    the version in force, as an authority's new edition comes), by a bench user who may."""
    from django.contrib.auth.models import Group
    from django.utils import timezone

    from accounts.models import User
    from accounts.roles import Role
    from factordb.models import Factor
    from factordb.services.editing import factor_version_start_revision
    from factordb.services.factors import factor_version_publish_official

    publisher, _ = User.objects.get_or_create(username="bench-publisher")
    roles = (Role.EDITOR, Role.APPROVER)
    publisher.groups.add(*(Group.objects.get_or_create(name=role.value)[0] for role in roles))
    draft = factor_version_start_revision(factor=Factor.objects.get(public_id=public_id), actor=publisher)
    factor_version_publish_official(version=draft, published_at=timezone.now(), actor=publisher)


def start_worker() -> subprocess.Popen:
    """A Celery worker with the server's settings, which works answers out again after a
    publication (api/answer_warmup.py); returned once it answers a ping."""
    from factordb.celery import app

    celery = Path(sys.executable).with_name("celery")
    worker = subprocess.Popen([str(celery), "-A", "factordb", "worker", "--pool=solo", "--loglevel=WARNING"],
                              cwd=ROOT, env={**os.environ, **SERVER_ENV})
    for _ in range(60):
        if app.control.ping(timeout=1):
            return worker
        if worker.poll() is not None:
            sys.exit("the Celery worker exited at start-up")
    worker.terminate()
    sys.exit("the Celery worker did not answer within a minute")


def after_a_publication(*, warm_up: bool) -> tuple[float, Figures, dict]:
    """The throughput of the popular details and lists, kept, in steady state and in the 10 s
    after one publication made while wrk runs (every kept answer is then of an old generation);
    with a worker that works the most asked answers out again (`warm_up`), or with none."""
    plan = {scenario.name: scenario for scenario in scenarios()}
    # What calculators ask most: the popular details and the filtered lists, all kept.
    popular = Scenario("details and lists", plan["detail"].paths + plan["list, 3 filters"].paths)
    server = start_gunicorn()
    worker = start_worker() if warm_up else None
    try:
        run_wrk(popular, seconds=3, connections=CONNECTIONS, warm_up=True)
        steady = run_wrk(popular, seconds=10, connections=CONNECTIONS)
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
            script.write(lua_for(popular))
        during = subprocess.Popen(["wrk", "-t", "1", "-c", str(CONNECTIONS), "-d", "10s", "--timeout", "30s",
                                   "-s", script.name, f"http://127.0.0.1:{PORT}"],
                                  stdout=subprocess.PIPE, text=True)
        publish_one(plan["detail"].paths[0].rstrip("/").rsplit("/", 1)[1])
        result = json.loads(during.communicate()[0].split("RESULT ", 1)[1])
        os.unlink(script.name)
    finally:
        for process in (server, worker):
            if process is not None:
                process.terminate()
                process.wait(timeout=30)
    if not warm_up:  # the warm-up it queued would run on the next worker, in another run
        from factordb.celery import app
        app.control.purge()
    return result["requests"] / (result["duration_us"] / 1e6), steady, result


def publication_report(runs: dict[str, tuple[float, Figures, dict]]) -> list[str]:
    lines = ["| 100 details and 200 lists | steady: requests/s | 10 s after a publication: requests/s "
             "| p50 ms | p99 ms | after / steady |", "|---|---:|---:|---:|---:|---:|"]
    for name, (after, steady, result) in runs.items():
        lines.append(f"| {name} | {steady.requests_per_s:,.0f} | {after:,.0f} | "
                     f"{result['p50_us'] / 1000:.1f} | {result['p99_us'] / 1000:.1f} | "
                     f"{after / steady.requests_per_s:.2f} |")
    after, steady, _ = runs["answers worked out again"]
    ratio = after / steady.requests_per_s
    return [*lines, "", f"- throughput in the 10 s after a publication ≥ 0.5 × steady state: {ratio:.2f} — "
            f"{'met' if ratio >= 0.5 else 'NOT MET'}"]


def publication_runs() -> dict[str, tuple[float, Figures, dict]]:
    return {"no worker": after_a_publication(warm_up=False),
            "answers worked out again": after_a_publication(warm_up=True)}


def main() -> None:
    if sys.argv[1:] == ["--after-a-publication"]:
        setup()
        publish([f"Machine: {machine()}.", *publication_report(publication_runs())], "bench-api-publication")
        return
    if len(sys.argv) == 3 and sys.argv[1] == "--against":
        setup()
        publish([f"Machine: {machine('gunicorn ' + str(WORKERS) + ' sync workers each, wrk 1 thread')}.",
                 *compare(Path(sys.argv[2]), int(os.environ.get("BENCH_ROUNDS", "5")))], "bench-api-compare")
        return
    written = setup()
    if written:
        print("generated:", ", ".join(f"{table} {rows:,}" for table, rows in written.items()))
    print("data:", ", ".join(f"{name} {n:,}" for name, n in data_shape().items()))
    measured = measure(scenarios(), latency_of=LATENCY_SCENARIOS, rerun_baseline_every=3)
    print("  after a publication, with no worker and with one", flush=True)
    publication = publication_report(publication_runs())
    publish([f"Machine: {machine()}.", f"{SECONDS} s a scenario over {CONNECTIONS} connections.", "",
             *report(measured), "", *publication], "bench-api")


if __name__ == "__main__":
    main()
