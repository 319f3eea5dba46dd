"""`make bench-change-sets`: the whole review road of a 6,000-row change set on PostgreSQL,
next to the same road taken version by version.

What it does, on the machine it runs on (PostgreSQL as in CI):
1. makes its own database afresh (BENCH_SETS_DATABASE_URL, default
   postgres://postgres@127.0.0.1:5432/factordb_bench_sets), migrates it, loads the real seed,
   and imports BENCH_SETS_ROWS (6,000) generated template rows (bench.imports' generator)
   plus BASELINE_ROWS (200) more, as drafts, through the import services;
2. times each step of the change set road through the services the pages call: the set made
   from the import, submitted, two reviewers assigned, both approving, published (with the
   fingerprint of its summary, as the confirmation sends it);
3. in the same process, the baseline: BASELINE_ROWS drafts taken along the version road one
   by one (submit, assign two reviewers, two approvals, publish), as reviewing them without
   change sets would;
4. prints each step's seconds, the whole road's time, seconds per row of both roads and their
   ratio, and whether the set's road fits in the target (minutes: under 600 s).

Production settings (DEBUG off), no Redis needed: mail and cache work are queued after commit
and kept in memory here (CELERY_TASK_ALWAYS_EAGER, the in-memory mail backend).
"""

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATABASE_URL = os.environ.get("BENCH_SETS_DATABASE_URL",
                              "postgres://postgres@127.0.0.1:5432/factordb_bench_sets")
ROWS = int(os.environ.get("BENCH_SETS_ROWS", "6000"))
BASELINE_ROWS = int(os.environ.get("BENCH_SETS_BASELINE_ROWS", "200"))
TARGET_SECONDS = 600

ENV = {
    "DJANGO_SETTINGS_MODULE": "factordb.settings", "ENV_FILE": "", "DEBUG": "0",
    "SECRET_KEY": "bench-only-" + "x" * 50, "ALLOWED_HOSTS": "127.0.0.1",
    "DATABASE_URL": DATABASE_URL, "REDIS_URL": "redis://127.0.0.1:6379/12", "LOG_LEVEL": "WARNING",
    "CELERY_TASK_ALWAYS_EAGER": "1", "EMAIL_URL": "memorymail://", "THROTTLE_NAMESPACE": "bench-sets:",
}


def people() -> dict:
    from django.contrib.auth.models import Group

    from accounts.models import User
    from accounts.roles import Role

    def user(name: str, role: Role):
        person = User.objects.create_user(username=name, password=None, email=f"{name}@example.org")
        person.groups.add(Group.objects.get_or_create(name=role.value)[0])
        return person

    return {"editor": user("bench-sets-editor", Role.EDITOR),
            "approver": user("bench-sets-approver", Role.APPROVER),
            "reviewers": [user(f"bench-sets-reviewer{n}", Role.REVIEWER) for n in (1, 2)]}


def import_drafts(editor, rows: list[dict]):
    from bench.imports import csv_bytes
    from factordb.services import factor_imports

    upload = factor_imports.import_upload(actor=editor, file_name="bench.csv", content=csv_bytes(rows),
                                          file_format="template")
    preview = factor_imports.import_preview(upload)
    factor_imports.import_confirm(factor_import=preview, actor=editor, file_sha256=preview.file_sha256,
                                  previewed_at=preview.previewed_at)
    return factor_imports.import_apply(preview.pk)


def timed(figures: dict, name: str, call):
    started = time.perf_counter()
    result = call()
    figures[name] = time.perf_counter() - started
    print(f"  {name}: {figures[name]:.1f} s", flush=True)
    return result


def set_road(who: dict, factor_import) -> dict:
    from factordb.services import change_set_review as road
    from factordb.services import change_sets
    from factordb.services.change_set_review import content_fingerprint

    figures: dict = {}
    change_set = timed(figures, "set made from the import", lambda: change_sets.change_set_from_import(
        factor_import=factor_import, actor=who["editor"], title="bench",
        description="benchmark of the set road"))
    timed(figures, "submitted", lambda: road.change_set_submit(change_set=change_set, actor=who["editor"]))
    for n, reviewer in enumerate(who["reviewers"], start=1):
        timed(figures, f"reviewer {n} assigned", lambda r=reviewer: road.change_set_assign(
            change_set=change_set, reviewer=r, actor=who["approver"]))
    for n, reviewer in enumerate(who["reviewers"], start=1):
        timed(figures, f"reviewer {n} approves", lambda r=reviewer: road.change_set_decide(
            change_set=change_set, actor=r, verdict="approved", review_round=1, declares_no_conflict=True))
    fingerprint = content_fingerprint(list(change_set.current_versions()))
    timed(figures, "published", lambda: road.change_set_publish(change_set=change_set, actor=who["approver"],
                                                                fingerprint=fingerprint))
    return figures


def version_road(who: dict, factor_import) -> float:
    from factordb.models import FactorVersion
    from factordb.services import review

    versions = list(FactorVersion.objects.filter(imported_from__factor_import=factor_import))
    started = time.perf_counter()
    for version in versions:
        review.factor_version_submit(version=version, actor=who["editor"])
        assignments = [review.review_assign(version=version, reviewer=r, actor=who["approver"])
                       for r in who["reviewers"]]
        for assignment, reviewer in zip(assignments, who["reviewers"], strict=True):
            review.review_approve(assignment=assignment, actor=reviewer, declares_no_conflict=True)
        review.factor_version_publish(version=version, actor=who["approver"])
    return time.perf_counter() - started


def main() -> None:
    os.environ.update(ENV)
    sys.path.insert(0, str(ROOT))
    from bench.imports import recreate_database
    recreate_database(DATABASE_URL)
    import django

    django.setup()
    from django.core.management import call_command

    from bench.imports import generate_rows, machine
    print("database: migrating and loading the seed…", flush=True)
    call_command("migrate", verbosity=0)
    call_command("loadseed", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    who = people()
    rows = generate_rows(ROWS + BASELINE_ROWS)
    print(f"importing {ROWS:,} + {BASELINE_ROWS} drafts…", flush=True)
    big = import_drafts(who["editor"], rows[:ROWS])
    small = import_drafts(who["editor"], rows[ROWS:])
    print(f"the change set road, {ROWS:,} rows:", flush=True)
    figures = set_road(who, big)
    print(f"the version road, {BASELINE_ROWS} versions one by one…", flush=True)
    baseline = version_road(who, small)
    total = sum(figures.values())
    per_row, baseline_per_row = total / ROWS, baseline / BASELINE_ROWS
    from bench.api import publish
    publish([
        f"Machine: {machine()}.", "",
        f"A change set of {ROWS:,} rows (two reviewers), each step through the services the pages call:", "",
        "| step | seconds |", "|---|---|",
        *[f"| {name} | {seconds:.1f} |" for name, seconds in figures.items()],
        f"| **whole road** | **{total:.1f}** |", "",
        f"Per row: {per_row * 1000:.2f} ms on the set road; "
        f"{baseline_per_row * 1000:.2f} ms on the version road "
        f"({BASELINE_ROWS} versions one by one, same process): ratio {baseline_per_row / per_row:.1f}× "
        "in favour of the set.",
        f"Target: the whole road in minutes (under {TARGET_SECONDS} s): "
        f"{'met' if total < TARGET_SECONDS else 'NOT met'}.",
    ], "bench-change-sets")


if __name__ == "__main__":
    main()
