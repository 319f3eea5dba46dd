"""A large import on a real Celery worker over Redis: previewed and written there, its progress
visible to the admin meanwhile, and written once however often its task is delivered."""

import time

import pytest
from django.test import Client
from django.urls import reverse

from accounts.roles import Role
from factordb.constants import FactorStatus, RegionKind
from factordb.models import FactorVersion, ImportStatus
from factordb.services import factor_imports
from factordb.tasks import apply_import, preview_import
from tests.factories import RegionFactory
from tests.permission_matrix import database_snapshot
from tests.roles import user_with_roles

from .conftest import csv_bytes, row

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]

REGIONS, YEARS = 20, 100  # 2,000 rows, each its own factor
TASK_SECONDS = 300


def two_thousand_rows() -> bytes:
    regions = [RegionFactory(code=f"CN-W{n:02d}", kind=RegionKind.PROVINCE, name_zh=f"省{n}",
                             name_en=f"Province {n}") for n in range(REGIONS)]
    return csv_bytes([row(region=region.code, year=str(1990 + year))
                      for region in regions for year in range(YEARS)])


def watch(result, client: Client, url: str) -> list[dict]:
    """What the admin's progress address says until the worker's task is done."""
    seen = []
    deadline = time.monotonic() + TASK_SECONDS
    while not result.ready():
        assert time.monotonic() < deadline, "the worker did not finish the task in time"
        seen.append(client.get(url).json())
        time.sleep(0.02)
    result.get(timeout=10)  # raises what the task raised
    seen.append(client.get(url).json())
    return seen


def test_a_worker_previews_and_writes_2000_rows_once(redis_celery_worker, registry, staff):
    editor = user_with_roles("bulk-editor", Role.EDITOR)
    upload = factor_imports.import_upload(actor=editor, file_name="bulk.csv", content=two_thousand_rows())
    client = Client()
    client.force_login(staff)
    progress_url = reverse("admin:factordb_factorimport_progress", args=[upload.pk])

    during_preview = watch(preview_import.delay(upload.pk), client, progress_url)

    upload.refresh_from_db()
    assert upload.status == ImportStatus.PREVIEWED, upload.report[:3]
    assert upload.summary["create"] == REGIONS * YEARS
    assert factor_imports.import_progress(upload.pk) == {"stage": "previewed", "done": 2000, "total": 2000}
    assert during_preview[-1]["finished"] is True
    assert {p["stage"] for p in during_preview} <= {"queued", "reading", "matching"}
    assert not FactorVersion.objects.exists()

    factor_imports.import_confirm(factor_import=upload, actor=editor, file_sha256=upload.file_sha256,
                                  previewed_at=upload.previewed_at)
    during_apply = watch(apply_import.delay(upload.pk), client, progress_url)

    upload.refresh_from_db()
    assert upload.status == ImportStatus.IMPORTED, upload.failure
    assert factor_imports.import_progress(upload.pk) == {"stage": "imported", "done": 2000, "total": 2000}
    assert {p["stage"] for p in during_apply} <= {"queued", "reading", "matching", "writing"}
    drafts = FactorVersion.objects.filter(imported_from__factor_import=upload)
    assert drafts.count() == REGIONS * YEARS
    assert set(drafts.values_list("status", flat=True)) == {FactorStatus.DRAFT}

    # A redelivered task (acks_late: a worker lost mid-task gets it again) writes nothing more.
    snapshot = database_snapshot()
    assert apply_import.delay(upload.pk).get(timeout=TASK_SECONDS) == ImportStatus.IMPORTED
    assert database_snapshot() == snapshot
