"""`make bench-seed-load`: the tests' seed loader (tests/seed_rows.py) next to `loaddata` of the
same files, in one process, on SQLite and on PostgreSQL.

The test suite loads the real seed about 45 times a run (every module that asks for `seeded`,
each live-server test), from the files `dumpdata` wrote on the run's first load
(tests/conftest.py, SeedRows). What it does, for each database:
1. migrates a database of its own (SQLite: a file under var/; PostgreSQL: made afresh,
   BENCH_SEED_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/factordb_bench_seed)
   and writes the dump files as the suite does;
2. loads them BENCH_SEED_ROUNDS times (default 8) each way, taking turns, every load in a
   transaction rolled back after it, after one unmeasured load each way;
3. prints the median and the lowest CPU (`time.process_time`) and wall time of a load each
   way, and their ratio.
"""

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ROUNDS = int(os.environ.get("BENCH_SEED_ROUNDS", "8"))
DATABASES = {
    "SQLite": f"sqlite:///{ROOT / 'var' / 'bench_seed.sqlite3'}",
    "PostgreSQL": os.environ.get("BENCH_SEED_DATABASE_URL",
                                 "postgres://postgres@127.0.0.1:5432/factordb_bench_seed"),
}
ENV = {"DJANGO_SETTINGS_MODULE": "factordb.settings", "ENV_FILE": "", "DEBUG": "1", "REDIS_URL": "",
       "LOG_LEVEL": "WARNING"}


def _fresh_database(url: str) -> None:
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
        return
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def _timed(load) -> tuple[float, float]:
    from django.db import transaction

    with transaction.atomic():
        cpu, wall = time.process_time(), time.perf_counter()
        load()
        figures = time.process_time() - cpu, time.perf_counter() - wall
        transaction.set_rollback(True)
    return figures


def measure_here() -> dict[str, list[tuple[float, float]]]:
    """In a process whose DATABASE_URL names the database to measure on."""
    sys.path.insert(0, str(ROOT))
    import django
    django.setup()
    from django.core.management import call_command
    from django.db import transaction

    from tests.conftest import SeedRows
    from tests.seed_rows import load_rows

    call_command("migrate", verbosity=0)
    seed = SeedRows(Path(tempfile.mkdtemp()))
    with transaction.atomic():  # the run's first load: through the services, then dumped
        seed.load()
        transaction.set_rollback(True)
    ways = {"loaddata": lambda: call_command("loaddata", *map(str, seed.parts), verbosity=0),
            "tests/seed_rows.py": lambda: load_rows(seed.parts)}
    figures: dict[str, list[tuple[float, float]]] = {name: [] for name in ways}
    for load in ways.values():
        _timed(load)  # unmeasured: imports, caches, connections
    for round_ in range(ROUNDS):
        for name in list(ways) if round_ % 2 == 0 else list(ways)[::-1]:
            figures[name].append(_timed(ways[name]))
    return figures


def report(database: str, figures: dict[str, list[tuple[float, float]]]) -> list[str]:
    lines = []
    for name, loads in figures.items():
        cpu, wall = [c for c, _ in loads], [w for _, w in loads]
        lines.append(f"| {database} | {name} | {statistics.median(cpu):.3f} ({min(cpu):.3f}) | "
                     f"{statistics.median(wall):.3f} ({min(wall):.3f}) |")
    before, after = (statistics.median(c for c, _ in loads) for loads in figures.values())
    lines.append(f"| {database} | loaddata / tests/seed_rows.py, CPU | {before / after:.1f} × | |")
    return lines


def main() -> None:
    if sys.argv[1:] == ["--here"]:
        print(json.dumps(measure_here()))
        return
    (ROOT / "var").mkdir(exist_ok=True)
    lines = [f"{ROUNDS} loads each way per database, taking turns; seconds per load, median (lowest).",
             "", "| database | loader | CPU s | wall s |", "|---|---|---:|---:|"]
    for database, url in DATABASES.items():
        _fresh_database(url)
        out = subprocess.run([sys.executable, __file__, "--here"], check=True, capture_output=True, text=True,
                             env={**os.environ, **ENV, "DATABASE_URL": url}).stdout
        lines += report(database, json.loads(out.strip().splitlines()[-1]))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
