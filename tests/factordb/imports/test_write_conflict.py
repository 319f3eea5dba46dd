"""A factor someone else writes between an import's plan and its writes: the import fails,
says why, and writes nothing, whichever way the database takes the rows (COPY or INSERT)."""

import pytest

from factordb.models import Dataset, Factor, FactorVersion, ImportStatus, Region, Unit
from factordb.services import factor_imports
from factordb.services.imports import applying
from tests.factories import FactorFactory

from .conftest import csv_bytes, previewed, row

pytestmark = pytest.mark.django_db


def test_a_factor_written_meanwhile_fails_the_import_and_nothing_is_written(registry, editor, monkeypatch):
    preview = previewed(editor, csv_bytes([row(), row(region="CN-BJ", name_zh="北京", name_en="Beijing")]))
    factor_imports.import_confirm(factor_import=preview, actor=editor, file_sha256=preview.file_sha256,
                                  previewed_at=preview.previewed_at)
    plan_then_write = applying.apply_plan

    def meanwhile(plan, **kwargs):
        # Another transaction's factor of the same identity as the second row, committed after
        # this plan was made: only the database's unique constraint can see it now.
        FactorFactory(dataset=Dataset.objects.get(code="MEE-GRID"), category=registry,
                      region=Region.objects.get(code="CN-BJ"), unit=Unit.objects.get(code="kWh"), year=2022,
                      boundary="grid_consumption", method="MEE-GRID")
        return plan_then_write(plan, **kwargs)

    monkeypatch.setattr(applying, "apply_plan", meanwhile)
    before = Factor.objects.count(), FactorVersion.objects.count()
    failed = factor_imports.import_apply(preview.pk)
    assert failed.status == ImportStatus.FAILED
    assert "冲突" in failed.failure
    assert (Factor.objects.count(), FactorVersion.objects.count()) == before
