"""On PostgreSQL an import's rows go in by COPY: they must be exactly the rows, history rows
included, that Django's bulk_create and simple-history would have written."""

from decimal import Decimal

import pytest
from django.db import connection

from factordb.models import Factor, FactorVersion, GasAmount, ImportedVersion, VersionSource
from factordb.services.imports import applying
from tests.factories import PublishedVersionFactory

from .conftest import csv_bytes, imported, row

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is how PostgreSQL is written"),
]

DERIVATION = {"parameters": {"net_calorific_value": {"value": "20.908", "unit": "GJ/t"}},
              "rounding": "0.000001"}
# What differs between two writings of the same content by construction.
OWN = {"id", "public_id", "year", "factor_id", "version_id", "factor_import_id", "created_at",
       "updated_at", "history_id", "history_date", "history_change_reason"}


def _file(registry, year: int) -> bytes:
    """A new factor with CO2 alone, one with three gases, a removal, and a revision of a
    published factor with a derivation (which the new draft carries)."""
    PublishedVersionFactory(
        version=1, factor__category=registry, factor__year=year, factor__boundary="grid_consumption",
        factor__name_zh="全国电网平均排放因子", factor__name_en="National grid average",
        co2e_total=Decimal("0.5366"), derivation=DERIVATION)
    return csv_bytes([
        row(year=str(year), co2e_total="0.5370", gas_CO2="0.5370", valid_from="2022-01-01",
            notes_zh="修订"),
        row(year=str(year), region="CN-BJ", name_zh="北京", name_en="Beijing", co2e_total="",
            gas_CO2="0.6", gas_CH4="0.001", gas_N2O="0.0001", uncertainty_distribution="lognormal",
            uncertainty_low_pct="10", uncertainty_high_pct="15.5", quality_note="估算"),
        row(year=str(year), region="CN-BJ", boundary="life_cycle", name_zh="清除", name_en="Removal",
            is_removal="true", co2e_total="-1.25", gas_CO2="-1.25", source_locator=""),
    ])


def _written(done) -> dict[str, list[dict]]:
    """Every row the import wrote and its history rows, in file order, without what differs
    between two writings by construction (ids, public ids, year, timestamps, the import's name)."""
    versions = list(FactorVersion.objects.filter(imported_from__factor_import=done)
                    .order_by("imported_from__row"))
    ids = [v.pk for v in versions]
    factor_ids = [v.factor_id for v in versions]

    def rows(queryset, order) -> list[dict]:
        return [{k: v for k, v in values.items() if k not in OWN}
                for values in queryset.order_by(*order).values()]

    return {
        "factors": rows(Factor.objects.filter(pk__in=factor_ids), ["region__code", "boundary"]),
        "factor history": rows(Factor.history.filter(id__in=factor_ids), ["region__code", "boundary"]),
        "versions": rows(FactorVersion.objects.filter(pk__in=ids), ["imported_from__row"]),
        "version history": rows(FactorVersion.history.filter(id__in=ids), ["co2e_total"]),
        "gas amounts": rows(GasAmount.objects.filter(version_id__in=ids), ["amount"]),
        "gas amount history": rows(GasAmount.history.filter(version_id__in=ids), ["amount"]),
        "sources": rows(VersionSource.objects.filter(version_id__in=ids), ["version__co2e_total"]),
        "source history": rows(VersionSource.history.filter(version_id__in=ids), ["version__co2e_total"]),
        "imported": rows(ImportedVersion.objects.filter(factor_import=done), ["row"]),
    }


def test_copy_writes_what_bulk_create_with_history_writes(registry, editor, monkeypatch):
    by_copy = imported(editor, _file(registry, 2021))
    monkeypatch.setattr(applying, "by_copy", lambda: False)
    by_orm = imported(editor, _file(registry, 2020))
    copied, created = _written(by_copy), _written(by_orm)
    assert [len(rows) for rows in copied.values()] == [3, 3, 3, 3, 5, 5, 3, 3, 3]
    for table in copied:
        assert copied[table] == created[table], table
    revision = FactorVersion.objects.get(imported_from__factor_import=by_copy, imported_from__row=2)
    assert revision.derivation == DERIVATION
    assert revision.history.get().history_user == editor
    assert all(v.created_at and v.updated_at
               for v in FactorVersion.objects.filter(imported_from__factor_import=by_copy))


def test_ids_drawn_for_copy_are_the_sequences_own(registry, editor):
    """The ids COPY wrote came from the tables' sequences: rows saved afterwards get new ones."""
    done = imported(editor, csv_bytes([row(), row(region="CN-BJ", name_zh="北京", name_en="Beijing")]))
    written = set(FactorVersion.objects.filter(imported_from__factor_import=done)
                  .values_list("pk", flat=True))
    later = PublishedVersionFactory(factor__category=registry, factor__year=2030)
    assert later.pk > max(written)
    assert later.factor_id > max(Factor.objects.filter(versions__pk__in=written).values_list("pk", flat=True))
