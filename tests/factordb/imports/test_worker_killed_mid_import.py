"""The drill of a Celery worker killed mid-task: a worker process of the test's own is killed
(SIGKILL: no chance to tidy up) while it writes a confirmed import; the task, acknowledged
only once done (acks_late), is delivered again to the next worker once its visibility timeout
has passed, and the import is written exactly once. On PostgreSQL and Redis."""

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from accounts.roles import Role
from factordb.celery import app
from factordb.constants import RegionKind
from factordb.models import FactorVersion, ImportStatus
from factordb.services import factor_imports
from factordb.tasks import apply_import
from tests.factories import RegionFactory
from tests.roles import user_with_roles

from .conftest import csv_bytes, row

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(settings.BASE_DIR)
REGIONS, YEARS = 60, 100  # 6,000 rows: three batches of writing, each reported
VISIBILITY_SECONDS = 2
WAIT_SECONDS = 120


@pytest.fixture
def broker():
    if not settings.REDIS_URL or connection.vendor != "postgresql":
        reason = "the drill needs PostgreSQL and Redis (DATABASE_URL and REDIS_URL)"
        if os.environ.get("REQUIRE_CELERY_WORKER") == "1":
            pytest.fail(f"REQUIRE_CELERY_WORKER=1 but {reason}")
        pytest.skip(reason)
    return f"factordb-drill-{uuid.uuid4().hex[:8]}"


class Worker:
    """`celery worker` as production runs it, a process of its own, on this test's database."""

    def __init__(self, queue: str, name: str, log: Path) -> None:
        database = connection.settings_dict
        env = {**os.environ, "DEBUG": "1", "ENV_FILE": "", "REDIS_URL": settings.REDIS_URL,
               "CELERY_TASK_ALWAYS_EAGER": "0", "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_SECONDS),
               "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:"
                               f"{database['PORT'] or 5432}/{database['NAME']}"}
        self.name, self.log = f"{name}@drill", log
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "factordb", "worker", "--pool=solo", "-Q", queue,
             "--hostname", self.name, "--loglevel=INFO", "--without-gossip", "--without-mingle"],
            cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + WAIT_SECONDS
        while not app.control.ping(destination=[self.name], timeout=0.5):
            assert self.process.poll() is None, log.read_text()[-2000:]
            assert time.monotonic() < deadline, "the worker did not answer a ping"

    def kill(self) -> None:
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=30)


def confirmed_import():
    regions = [RegionFactory(code=f"CN-K{n:02d}", kind=RegionKind.PROVINCE, name_zh=f"省{n}",
                             name_en=f"Province {n}") for n in range(REGIONS)]
    content = csv_bytes([row(region=region.code, year=str(1990 + year))
                         for region in regions for year in range(YEARS)])
    editor = user_with_roles("drill-editor", Role.EDITOR)
    upload = factor_imports.import_upload(actor=editor, file_name="drill.csv", content=content)
    upload = factor_imports.import_preview(upload)
    assert upload.status == ImportStatus.PREVIEWED, upload.report[:3]
    return factor_imports.import_confirm(factor_import=upload, actor=editor, file_sha256=upload.file_sha256,
                                         previewed_at=upload.previewed_at)


def until(condition, what: str):
    deadline = time.monotonic() + WAIT_SECONDS
    while not (found := condition()):
        assert time.monotonic() < deadline, what
        time.sleep(0.01)
    return found


def test_a_worker_killed_mid_import_leaves_it_to_the_next_which_writes_it_once(registry, broker, tmp_path):
    upload = confirmed_import()
    first = Worker(broker, "first", tmp_path / "first.log")
    try:
        task = apply_import.apply_async(args=[upload.pk], queue=broker)
        # Killed between two batches of writing, before the import's transaction commits.
        until(lambda: (factor_imports.import_progress(upload.pk) or {}).get("stage") == "writing",
              "the first worker never began writing")
        first.kill()
    finally:
        first.stop()
    upload.refresh_from_db()
    killed_before_commit = upload.status == ImportStatus.CONFIRMED
    drafts_after_the_kill = FactorVersion.objects.filter(imported_from__factor_import=upload).count()

    second = Worker(broker, "second", tmp_path / "second.log")
    try:
        until(lambda: upload.__class__.objects.filter(pk=upload.pk, status=ImportStatus.IMPORTED).exists(),
              "the task was not delivered again, or not written")
        again = apply_import.apply_async(args=[upload.pk], queue=broker).get(timeout=WAIT_SECONDS)
    finally:
        second.stop()

    assert killed_before_commit, "the kill came after the import's commit: the drill proved nothing"
    assert drafts_after_the_kill == 0
    assert task.id in (tmp_path / "second.log").read_text()  # the same task, delivered again
    assert FactorVersion.objects.filter(imported_from__factor_import=upload).count() == REGIONS * YEARS
    assert again == ImportStatus.IMPORTED  # a further delivery writes nothing more
    assert FactorVersion.objects.filter(imported_from__factor_import=upload).count() == REGIONS * YEARS
