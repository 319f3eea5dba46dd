"""Preview writes nothing; confirm writes exactly the preview, as drafts, all or nothing."""

from decimal import Decimal

import pytest

from factordb.constants import FactorStatus
from factordb.models import Factor, FactorVersion, ImportedVersion, ImportStatus, RowAction
from factordb.services import factor_imports
from factordb.services.editing import factor_version_start_revision
from tests.factories import PublishedVersionFactory
from tests.permission_matrix import database_snapshot

from .conftest import csv_bytes, imported, issues, previewed, row

pytestmark = pytest.mark.django_db


def test_a_preview_lists_what_each_row_would_do_and_writes_no_factor(registry, editor):
    before = Factor.objects.count(), FactorVersion.objects.count()
    preview = previewed(editor, csv_bytes([row(), row(region="CN-BJ", name_zh="北京", name_en="Beijing")]))
    assert preview.status == ImportStatus.PREVIEWED
    assert preview.summary["create"] == 2
    assert preview.summary["issues"] == 0
    assert [entry["action"] for entry in preview.report] == [RowAction.CREATE, RowAction.CREATE]
    assert (Factor.objects.count(), FactorVersion.objects.count()) == before


def test_confirming_writes_the_rows_as_drafts_grouped_as_one_import_by_their_editor(registry, editor):
    done = imported(editor, csv_bytes([row(), row(region="CN-BJ", name_zh="北京", name_en="Beijing",
                                                  co2e_total="", gas_CO2="0.6", gas_CH4="0.001")]))
    assert done.status == ImportStatus.IMPORTED
    versions = FactorVersion.objects.filter(imported_from__factor_import=done).order_by("imported_from__row")
    assert [v.status for v in versions] == [FactorStatus.DRAFT, FactorStatus.DRAFT]
    assert all(v.author == editor and v.history.get().history_user == editor for v in versions)
    beijing = versions[1]
    # No stated total: computed from the breakdown under AR5 (0.6 + 0.001 × 28).
    assert beijing.co2e_total == Decimal("0.628")
    assert {g.gas.code: g.amount for g in beijing.gas_amounts.all()} == {
        "CO2": Decimal("0.6"), "CH4": Decimal("0.001")}
    assert [vs.source.code for vs in versions[0].version_sources.all()] == ["mee-electricity-2022"]
    assert ImportedVersion.objects.filter(factor_import=done).count() == 2


def test_the_same_file_imported_twice_changes_nothing_the_second_time(registry, editor):
    content = csv_bytes([row(), row(region="CN-BJ", name_zh="北京", name_en="Beijing")])
    imported(editor, content)
    snapshot = database_snapshot()
    again = previewed(editor, content)
    assert again.summary["unchanged"] == 2
    assert again.summary["create"] == 0
    imported(editor, content)
    after = database_snapshot()
    changed = {table for table in snapshot if snapshot[table] != after[table]}
    assert changed == {"factordb_factorimport"}


def test_a_changed_value_of_a_published_factor_becomes_a_new_draft_with_its_difference(registry, editor):
    published = PublishedVersionFactory(
        factor__category=registry, factor__year=2022, factor__boundary="grid_consumption",
        factor__name_zh="全国电网平均排放因子", factor__name_en="National grid average",
        co2e_total=Decimal("0.5366"))
    preview = previewed(editor, csv_bytes([row(co2e_total="0.5370", gas_CO2="0.5370")]))
    entry = preview.report[0]
    assert entry["action"] == RowAction.REVISE
    assert entry["public_id"] == published.factor.public_id
    assert ["co2e_total", "0.5366", "0.537"] in entry["diff"]
    factor_imports.import_confirm(factor_import=preview, actor=editor, file_sha256=preview.file_sha256,
                                  previewed_at=preview.previewed_at)
    factor_imports.import_apply(preview.pk)
    draft = published.factor.versions.get(status=FactorStatus.DRAFT)
    assert draft.version == published.version + 1
    assert draft.co2e_total == Decimal("0.537")
    published.refresh_from_db()
    assert published.status == FactorStatus.PUBLISHED
    assert published.co2e_total == Decimal("0.5366")


def test_a_factor_with_a_version_in_progress_is_an_error_not_a_second_draft(registry, editor):
    published = PublishedVersionFactory(
        factor__category=registry, factor__year=2022, factor__boundary="grid_consumption",
        factor__name_zh="全国电网平均排放因子", factor__name_en="National grid average")
    factor_version_start_revision(factor=published.factor, actor=editor)
    preview = previewed(editor, csv_bytes([row(co2e_total="0.6", gas_CO2="0.6")]))
    assert preview.status == ImportStatus.REFUSED
    assert f"v{published.version + 1}" in issues(preview)[0][2]


def test_confirm_must_name_the_previewed_file_and_preview(registry, editor):
    preview = previewed(editor, csv_bytes([row()]))
    with pytest.raises(factor_imports.ImportRefused):
        factor_imports.import_confirm(factor_import=preview, actor=editor, file_sha256="0" * 64,
                                      previewed_at=preview.previewed_at)
    preview.refresh_from_db()
    assert preview.status == ImportStatus.PREVIEWED


def test_only_the_uploader_confirms(registry, editor, other_editor):
    from accounts.roles import ForbiddenAction

    preview = previewed(editor, csv_bytes([row()]))
    with pytest.raises(ForbiddenAction):
        factor_imports.import_confirm(factor_import=preview, actor=other_editor,
                                      file_sha256=preview.file_sha256, previewed_at=preview.previewed_at)


def test_a_preview_with_any_error_cannot_be_confirmed(registry, editor):
    preview = previewed(editor, csv_bytes([row(), row(region="XX")]))
    assert preview.status == ImportStatus.REFUSED
    with pytest.raises(factor_imports.ImportRefused):
        factor_imports.import_confirm(factor_import=preview, actor=editor, file_sha256=preview.file_sha256,
                                      previewed_at=preview.previewed_at)


def test_a_redelivered_apply_writes_nothing_twice(registry, editor):
    done = imported(editor, csv_bytes([row()]))
    snapshot = database_snapshot()
    assert factor_imports.import_apply(done.pk).status == ImportStatus.IMPORTED
    assert database_snapshot() == snapshot


def test_data_changed_since_the_preview_fails_the_import_and_writes_nothing(registry, editor):
    published = PublishedVersionFactory(
        factor__category=registry, factor__year=2022, factor__boundary="grid_consumption",
        factor__name_zh="全国电网平均排放因子", factor__name_en="National grid average")
    preview = previewed(editor, csv_bytes([row(co2e_total="0.6", gas_CO2="0.6")]))
    factor_imports.import_confirm(factor_import=preview, actor=editor, file_sha256=preview.file_sha256,
                                  previewed_at=preview.previewed_at)
    factor_version_start_revision(factor=published.factor, actor=editor)  # meanwhile, in the admin
    versions = FactorVersion.objects.count()
    failed = factor_imports.import_apply(preview.pk)
    assert failed.status == ImportStatus.FAILED
    assert "重新预览" in failed.failure
    assert FactorVersion.objects.count() == versions
