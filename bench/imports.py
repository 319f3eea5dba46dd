"""`make bench-import`: a 100,000-row factor import on PostgreSQL, next to a plain `executemany`.

What it does, on the machine it runs on (PostgreSQL and Redis as in CI):
1. makes the import benchmark's own database afresh (BENCH_IMPORT_DATABASE_URL, default
   postgres://postgres@127.0.0.1:5432/factordb_bench_import; dropped if it exists), migrates
   it and loads the real seed, so the rows name the registries' real codes;
2. writes BENCH_IMPORT_ROWS (100,000) valid template rows as one UTF-8 CSV file: each seed
   factor's dataset, category, boundary, method, GWP set and source, with every unit of its
   unit's dimension, in each of the 40 regions, over the years 2024, 2023, … as many as it
   takes, skipping the seed's own factors, so every row creates a factor. Half the rows give
   CO2 alone, half CO2, CH4 and N2O, each with the total its breakdown makes under its GWP
   set; a third state a 95 % interval;
3. in a fresh child process (so that its peak memory is the import's, not the setup's):
   times upload, preview (the dry run: every row read, checked and matched), confirmation
   and apply (the file planned again and written as drafts, history included) through the
   services an editor's requests and the worker call; then, in the same process, the
   baseline: the same CSV read with the csv module and its rows inserted with psycopg's
   `cursor.executemany` into a plain table of the template's columns, typed (text, integer,
   numeric, boolean, date), committed. The child's peak resident memory (VmHWM, the
   high-water mark of its resident set) is read after each import step, before the baseline;
4. in another fresh process, previews the same file again: every row now matches a factor
   and is compared with its draft (unchanged), the heavier preview for memory;
5. prints rows/s of both, their ratio, the preview alone and the peak memory, and whether
   the targets hold (ratio ≥ 0.25, peak under 500 MB); keeps the report in var/bench-import.md.

Production settings (DEBUG off: no query log growing with every statement), Redis for the
progress reports as in production (BENCH_REDIS_URL).
"""

import csv
import io
import json
import os
import random
import subprocess
import sys
import time
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATABASE_URL = os.environ.get("BENCH_IMPORT_DATABASE_URL",
                              "postgres://postgres@127.0.0.1:5432/factordb_bench_import")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", "100000"))
CSV_PATH = ROOT / "var" / "bench-import.csv"
BASELINE_TABLE = "bench_import_baseline"
EDITOR = "bench-import-editor"
SEED = 2026
RATIO_TARGET = 0.25
MEMORY_TARGET_MB = 500

ENV = {
    "DJANGO_SETTINGS_MODULE": "factordb.settings", "ENV_FILE": "", "DEBUG": "0",
    "SECRET_KEY": "bench-only-" + "x" * 50, "ALLOWED_HOSTS": "127.0.0.1",
    "DATABASE_URL": DATABASE_URL, "REDIS_URL": REDIS_URL, "LOG_LEVEL": "WARNING",
    "THROTTLE_NAMESPACE": "bench-import:",
}


@dataclass(frozen=True)
class Template:
    """What the generated rows take from one seed factor."""

    dataset: str
    category: str
    unit: str
    boundary: str
    method: str
    name_zh: str
    name_en: str
    gwp_set: str
    source: str
    co2e: Decimal


def recreate_database(url: str = DATABASE_URL) -> None:
    """The benchmark's own database, dropped if it exists and made afresh."""
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def prepare_database() -> None:
    """Migrated, seeded, with the editor who imports and the baseline's table."""
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.db import connection

    from accounts.models import User
    from accounts.roles import Role
    call_command("migrate", verbosity=0)
    call_command("loadseed", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    editor = User.objects.create_user(username=EDITOR, password=None)
    editor.groups.add(Group.objects.get_or_create(name=Role.EDITOR.value)[0])
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE {BASELINE_TABLE} ({', '.join(baseline_columns())})")


def header() -> list[str]:
    from factordb.services.imports import columns
    return columns.header_row()


def baseline_columns() -> list[str]:
    """The template's columns as a plain table's, each with the type its cells hold."""
    from factordb.services.imports import columns
    from factordb.services.imports.columns import Kind

    types = {Kind.INTEGER: "integer", Kind.DECIMAL: "numeric", Kind.BOOLEAN: "boolean", Kind.DATE: "date"}
    out = []
    for name in header():
        column = columns.BY_NAME.get(name)
        kind = column.kind if column else (Kind.DECIMAL if name.startswith(columns.GAS_PREFIX) else Kind.TEXT)
        out.append(f'"{name}" {types.get(kind, "text")}')
    return out


def templates() -> list[Template]:
    from factordb.models import Factor

    found = []
    for factor in (Factor.objects.select_related("dataset", "category", "unit")
                   .prefetch_related("versions__gwp_set", "versions__version_sources__source")
                   .order_by("pk")):
        version = max(factor.versions.all(), key=lambda v: v.version)
        cited = [vs.source.code for vs in version.version_sources.all()]
        found.append(Template(factor.dataset.code, factor.category.code, factor.unit.code, factor.boundary,
                              factor.method,
                              factor.name_zh, factor.name_en, version.gwp_set.code,
                              cited[0] if cited else "", version.co2e_total))
    return found


def generate_rows(n: int) -> list[dict[str, str]]:
    """n valid rows, each a new factor (distinct identities, none the seed's own)."""
    from factordb import gwp
    from factordb.models import Factor, GwpSet, Region, Unit
    from factordb.services.exports import decimal_text

    rng = random.Random(SEED)
    units_of: dict[str, list[str]] = {}
    for code, dimension in Unit.objects.order_by("pk").values_list("code", "dimension"):
        units_of.setdefault(dimension, []).append(code)
    dimension_of = dict(Unit.objects.values_list("code", "dimension"))
    regions = list(Region.objects.order_by("pk").values_list("code", flat=True))
    gwps = {s.code: gwp.gwp_values(s) for s in GwpSet.objects.all()}
    taken = set(Factor.objects.values_list("dataset__code", "category__code", "region__code", "unit__code",
                                           "year", "boundary", "method"))
    kinds: dict[tuple, Template] = {}
    for template in templates():
        for unit in units_of[dimension_of[template.unit]]:
            kinds.setdefault((template.dataset, template.category, unit, template.boundary, template.method),
                             template)
    rows: list[dict[str, str]] = []
    for year in range(2024, 1989, -1):
        for region in regions:
            for (dataset, category, unit, boundary, method), template in kinds.items():
                if (dataset, category, region, unit, year, boundary, method) in taken:
                    continue
                rows.append(_row(rng, template, region, unit, year, gwps[template.gwp_set], decimal_text))
                if len(rows) == n:
                    return rows
    sys.exit(f"only {len(rows):,} distinct identities from the seed; asked for {n:,}")


def _row(rng: random.Random, template: Template, region: str, unit: str, year: int, gwp_values, decimal_text
         ) -> dict[str, str]:
    co2 = (template.co2e * Decimal(rng.uniform(0.6, 1.4))).quantize(Decimal("1e-6"))
    gases = {"CO2": co2}
    if rng.random() < 0.5:
        gases |= {"CH4": (co2 * Decimal("0.0004")).quantize(Decimal("1e-7")),
                  "N2O": (co2 * Decimal("0.00002")).quantize(Decimal("1e-8"))}
    total = sum(amount * (gwp_values[code] if code != "CO2" else 1) for code, amount in gases.items())
    row = {
        "dataset": template.dataset, "category": template.category, "region": region, "unit": unit,
        "year": str(year), "boundary": template.boundary, "method": template.method,
        "name_zh": template.name_zh, "name_en": template.name_en,
        "co2e_total": decimal_text(total), "gwp_set": template.gwp_set,
        "dq_reliability": str(rng.randint(1, 3)), "dq_completeness": str(rng.randint(1, 3)),
        "dq_temporal": str(rng.randint(1, 4)), "dq_geographical": str(rng.randint(1, 4)),
        "dq_technological": str(rng.randint(1, 3)),
        "source": template.source, "source_locator": f"表 {rng.randint(1, 20)}",
    }
    row |= {f"gas_{code}": decimal_text(amount) for code, amount in gases.items()}
    if rng.random() < 1 / 3:
        low = rng.randint(5, 30)
        row |= {"uncertainty_distribution": "lognormal", "uncertainty_low_pct": str(low),
                "uncertainty_high_pct": str(low + rng.randint(0, 20))}
    return row


def csv_bytes(rows: list[dict[str, str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header(), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def peak_mb() -> float:
    """This process's peak resident memory so far: VmHWM, the high-water mark of its own
    address space. Not getrusage's ru_maxrss, which Linux carries over an exec from the
    forking process (here the parent, with the generated rows in memory)."""
    status = Path("/proc/self/status").read_text()
    return int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:"))) / 1024


def measure_import() -> dict:
    """The import as an editor and the worker run it; seconds and peak memory after each step.
    Like the worker, the preview and apply steps hold the import's row, not the file: the
    services read the file from the database."""
    from accounts.models import User
    from factordb.models import FactorImport, ImportStatus
    from factordb.services import factor_imports

    editor = User.objects.get(username=EDITOR)
    steps: dict[str, float] = {}
    cpu: dict[str, float] = {}
    content = CSV_PATH.read_bytes()
    peaks: dict[str, float] = {"before": peak_mb()}

    def timed(name: str, step, **kwargs):
        wall, process = time.perf_counter(), time.process_time()
        result = step(**kwargs)
        steps[name], cpu[name] = time.perf_counter() - wall, time.process_time() - process
        if name != "confirm":
            peaks[name] = peak_mb()
        return result

    upload_id = timed("upload", factor_imports.import_upload, actor=editor, file_name="bench.csv",
                      content=content).pk
    del content
    preview = timed("preview", factor_imports.import_preview,
                    factor_import=FactorImport.objects.defer("content").get(pk=upload_id))
    if preview.status != ImportStatus.PREVIEWED or preview.summary["create"] != ROWS:
        sys.exit(f"the preview did not plan {ROWS:,} creations: {preview.status}, {preview.summary}, "
                 f"first entries {preview.report[:3]}")
    report_bytes = len(json.dumps(preview.report, ensure_ascii=False).encode())
    preview = FactorImport.objects.defer("content", "report").get(pk=upload_id)  # as the admin's next request
    timed("confirm", factor_imports.import_confirm, factor_import=preview, actor=editor,
          file_sha256=preview.file_sha256, previewed_at=preview.previewed_at)
    done = timed("apply", factor_imports.import_apply, factor_import_id=upload_id)
    if done.status != ImportStatus.IMPORTED or done.summary["written"] != ROWS:
        sys.exit(f"the import did not write {ROWS:,} drafts: {done.status} {done.failure}")
    assert FactorImport.objects.filter(pk=done.pk, versions__isnull=False).count() == ROWS
    return {"steps": steps, "cpu": cpu, "peaks": peaks, "report_bytes": report_bytes}


def measure_executemany(content: bytes) -> float:
    """Seconds to read the CSV and insert its rows with one executemany, committed."""
    import psycopg

    names = header()
    sql = (f"INSERT INTO {BASELINE_TABLE} ({', '.join(f'{chr(34)}{n}{chr(34)}' for n in names)}) "
           f"VALUES ({', '.join(['%s'] * len(names))})")
    with psycopg.connect(DATABASE_URL) as conn:
        conn.execute(f"TRUNCATE {BASELINE_TABLE}")
        conn.commit()
        start = time.perf_counter()
        reader = csv.reader(io.StringIO(content.decode("utf-8-sig"), newline=""))
        next(reader)
        rows = [[cell if cell != "" else None for cell in cells] for cells in reader]
        with conn.cursor() as cursor:
            cursor.executemany(sql, rows)
        conn.commit()
        seconds = time.perf_counter() - start
        inserted = conn.execute(f"SELECT count(*) FROM {BASELINE_TABLE}").fetchone()[0]
    if inserted != ROWS:
        sys.exit(f"the baseline inserted {inserted:,} rows, not {ROWS:,}")
    return seconds


def measure_again() -> dict:
    """The preview of the same file once it has been imported: every row matched to its factor
    and compared with its draft, all unchanged (a report that lists at most 1,000 of them)."""
    from accounts.models import User
    from factordb.models import FactorImport
    from factordb.services import factor_imports

    editor = User.objects.get(username=EDITOR)
    upload_id = factor_imports.import_upload(actor=editor, file_name="again.csv",
                                             content=CSV_PATH.read_bytes()).pk
    before = peak_mb()
    start = time.perf_counter()
    preview = factor_imports.import_preview(FactorImport.objects.defer("content").get(pk=upload_id))
    seconds = time.perf_counter() - start
    if preview.summary["unchanged"] != ROWS:
        sys.exit(f"the same file again did not plan {ROWS:,} unchanged rows: {preview.summary}")
    return {"seconds": seconds, "before": before, "peak": peak_mb()}


def child(step: str) -> None:
    """A measured process: the import, its peak memory read before anything else runs, then
    the baseline; or the preview of the same file again. One JSON line on stdout."""
    import django
    django.setup()
    if step == "import":
        figures = measure_import()
        figures["executemany"] = measure_executemany(CSV_PATH.read_bytes())
    else:
        figures = measure_again()
    print("FIGURES " + json.dumps(figures))


def run_child(step: str) -> dict:
    out = subprocess.run([sys.executable, "-m", "bench.imports", "--child", step], cwd=ROOT, env=os.environ,
                         capture_output=True, text=True)
    if out.returncode:
        sys.exit(f"the measured process failed:\n{out.stdout}\n{out.stderr}")
    return json.loads(out.stdout.split("FIGURES ", 1)[1])


def machine() -> str:
    import psycopg

    from bench import api

    return api.machine(f"psycopg {psycopg.__version__}")


def report(figures: dict, file_bytes: int) -> list[str]:
    steps, cpu, peaks, again = figures["steps"], figures["cpu"], figures["peaks"], figures["again"]
    total = sum(steps.values())
    import_rate, baseline_rate = ROWS / total, ROWS / figures["executemany"]
    ratio, peak = import_rate / baseline_rate, max(peaks.values())
    lines = [f"{ROWS:,} rows, a {file_bytes / 1024 / 1024:.1f} MB CSV file; every row creates a factor.", "",
             "| measured | seconds | CPU s (this process) | rows/s | peak memory MB (after the step) |",
             "|---|---:|---:|---:|---:|"]
    for name, seconds in steps.items():
        rate = f"{ROWS / seconds:,.0f}" if name != "confirm" else ""
        memory = f"{peaks[name]:.0f}" if name in peaks else ""
        lines.append(f"| import: {name} | {seconds:.2f} | {cpu[name]:.2f} | {rate} | {memory} |")
    lines += [f"| **import, all four steps** | {total:.2f} | {sum(cpu.values()):.2f} | {import_rate:,.0f} | "
              f"{peak:.0f} |",
              f"| executemany (csv module + psycopg, committed) | {figures['executemany']:.2f} | | "
              f"{baseline_rate:,.0f} | |",
              f"| the same file again: preview, every row unchanged | {again['seconds']:.2f} | | "
              f"{ROWS / again['seconds']:,.0f} | {again['peak']:.0f} |", "",
              f"Peak memory is the measured process's VmHWM; {peaks['before']:.0f} MB of it before the "
              f"upload (Django, the file's bytes). The stored report: "
              f"{figures['report_bytes'] / 1024:,.0f} KB of JSON.", ""]
    checks = [(f"import rows/s ÷ executemany rows/s ≥ {RATIO_TARGET}", f"{ratio:.2f}", ratio >= RATIO_TARGET),
              (f"peak memory of the import < {MEMORY_TARGET_MB} MB", f"{peak:.0f} MB",
               peak < MEMORY_TARGET_MB),
              (f"peak memory of the same file's preview again < {MEMORY_TARGET_MB} MB",
               f"{again['peak']:.0f} MB", again["peak"] < MEMORY_TARGET_MB)]
    lines += [f"- {label}: {value} — {'met' if holds else 'NOT MET'}" for label, value, holds in checks]
    return lines


def main() -> None:
    if sys.argv[1:2] == ["--child"]:
        child(sys.argv[2])
        return
    os.environ.update(ENV)
    sys.path.insert(0, str(ROOT))
    recreate_database()
    import django
    django.setup()
    print("database: migrating and loading the seed…", flush=True)
    prepare_database()
    content = csv_bytes(generate_rows(ROWS))
    CSV_PATH.parent.mkdir(exist_ok=True)
    CSV_PATH.write_bytes(content)
    print(f"file: {ROWS:,} rows, {len(content) / 1024 / 1024:.1f} MB; importing…", flush=True)
    from django.db import connections
    connections.close_all()
    figures = run_child("import")
    print("the same file again…", flush=True)
    figures["again"] = run_child("again")
    from bench.api import publish
    publish([f"Machine: {machine()}.", "", *report(figures, len(content))], "bench-import")


if __name__ == "__main__":
    main()
