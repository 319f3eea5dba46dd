"""On PostgreSQL the database itself keeps the public record of a version, to raw SQL too:
a published, superseded or withdrawn version, its gas amounts and its sources never change,
except for the one way on the services need (published → superseded or withdrawn, and the
updated_at/revision of a recorded step). SQLite keeps the models' guards
(test_published_version_is_immutable.py)."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from factordb.constants import FROZEN_STATUSES
from factordb.constants import FactorStatus as S
from factordb.models import FactorVersion, GasAmount, VersionSource
from factordb.services import review
from factordb.services.factors import factor_version_publish_official
from tests.factordb.workflow.helpers import version_in
from tests.factories import ApprovedVersionFactory, GasFactory, SourcedDraftVersionFactory, SourceFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="the triggers are PostgreSQL's; SQLite has the models' guards"),
]


def refused(sql: str, params: list) -> None:
    """Run SQL around the ORM, in a savepoint, and expect the database to refuse it."""
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def accepted(sql: str, params: list) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def record_of(version: FactorVersion) -> dict:
    """The version's row, breakdown and sources: what a refused statement must leave as it was."""
    return {
        "version": FactorVersion.objects.filter(pk=version.pk).values().get(),
        "gas_amounts": list(GasAmount.objects.filter(version=version).order_by("pk").values()),
        "sources": list(VersionSource.objects.filter(version=version).order_by("pk").values()),
    }


@pytest.fixture(params=FROZEN_STATUSES)
def frozen(request):
    version = version_in(request.param)
    GasAmount.objects.filter(version=version).exists() or pytest.fail("the factory gives a breakdown")
    return version


# --- The version row -------------------------------------------------------------------------

@pytest.mark.parametrize(("column", "value"), [
    ("co2e_total", Decimal("9.9")),
    ("notes_en", "rewritten"),
    ("published_at", timezone.now()),
    ("version", 99),
    ("review_round", 7),
])
def test_the_content_of_a_frozen_version_cannot_change_in_sql(frozen, column, value):
    before = record_of(frozen)

    refused(f"UPDATE factordb_factorversion SET {column} = %s WHERE id = %s", [value, frozen.pk])

    assert record_of(frozen) == before


def test_a_frozen_version_cannot_be_deleted_in_sql(frozen):
    before = record_of(frozen)

    refused("DELETE FROM factordb_factorversion WHERE id = %s", [frozen.pk])

    assert record_of(frozen) == before


@pytest.mark.parametrize(("status", "target"), [
    (S.PUBLISHED, S.DRAFT), (S.PUBLISHED, S.APPROVED),
    (S.SUPERSEDED, S.PUBLISHED), (S.WITHDRAWN, S.PUBLISHED), (S.WITHDRAWN, S.SUPERSEDED),
    (S.SUPERSEDED, S.DRAFT),
])
def test_a_frozen_version_moves_only_from_published_to_its_end_in_sql(status, target):
    version = version_in(status)
    before = record_of(version)

    refused("UPDATE factordb_factorversion SET status = %s WHERE id = %s", [target, version.pk])

    assert record_of(version) == before


@pytest.mark.parametrize("status", [S.SUPERSEDED, S.WITHDRAWN])
def test_the_end_of_an_ended_version_cannot_be_moved_in_sql(status):
    version = version_in(status)
    before = record_of(version)

    refused("UPDATE factordb_factorversion SET superseded_at = %s WHERE id = %s",
            [timezone.now(), version.pk])

    assert record_of(version) == before


@pytest.mark.parametrize("target", [S.SUPERSEDED, S.WITHDRAWN])
def test_a_published_version_may_still_end_in_sql(target):
    version = version_in(S.PUBLISHED)

    changed = accepted(
        "UPDATE factordb_factorversion SET status = %s, superseded_at = now(), updated_at = now(), "
        "revision = revision + 1 WHERE id = %s", [target, version.pk])

    assert changed == 1


def test_a_recorded_step_may_still_bump_updated_at_and_revision(frozen):
    changed = accepted("UPDATE factordb_factorversion SET updated_at = now(), revision = revision + 1 "
                       "WHERE id = %s", [frozen.pk])

    assert changed == 1


def test_a_draft_is_still_written_in_sql():
    draft = version_in(S.DRAFT)

    accepted("UPDATE factordb_factorversion SET notes_en = %s WHERE id = %s", ["edited", draft.pk])
    accepted("DELETE FROM factordb_gasamount WHERE version_id = %s", [draft.pk])

    assert FactorVersion.objects.get(pk=draft.pk).notes_en == "edited"


# --- Its gas amounts and sources -------------------------------------------------------------

def test_the_breakdown_of_a_frozen_version_cannot_change_in_sql(frozen):
    amount = GasAmount.objects.filter(version=frozen).first()
    before = record_of(frozen)

    refused("UPDATE factordb_gasamount SET amount = %s WHERE id = %s", [Decimal("9.9"), amount.pk])
    refused("DELETE FROM factordb_gasamount WHERE id = %s", [amount.pk])
    refused("INSERT INTO factordb_gasamount (version_id, gas_id, amount, is_removal) "
            "VALUES (%s, %s, 1, false)", [frozen.pk, GasFactory(code="CH4").pk])

    assert record_of(frozen) == before


def test_the_sources_of_a_frozen_version_cannot_change_in_sql(frozen):
    cited = VersionSource.objects.filter(version=frozen).first()
    before = record_of(frozen)

    refused("UPDATE factordb_versionsource SET locator = %s WHERE id = %s", ["p. 99", cited.pk])
    refused("DELETE FROM factordb_versionsource WHERE id = %s", [cited.pk])
    refused("INSERT INTO factordb_versionsource (version_id, source_id, locator) VALUES (%s, %s, '')",
            [frozen.pk, SourceFactory().pk])

    assert record_of(frozen) == before


def test_rows_cannot_be_moved_into_or_out_of_a_frozen_version_in_sql(frozen):
    draft = SourcedDraftVersionFactory()
    frozen_before, draft_before = record_of(frozen), record_of(draft)
    own, foreign = GasAmount.objects.get(version=frozen), GasAmount.objects.get(version=draft)

    refused("UPDATE factordb_gasamount SET version_id = %s WHERE id = %s", [draft.pk, own.pk])
    refused("UPDATE factordb_gasamount SET version_id = %s WHERE id = %s", [frozen.pk, foreign.pk])
    refused("UPDATE factordb_versionsource SET version_id = %s WHERE version_id = %s", [frozen.pk, draft.pk])

    assert (record_of(frozen), record_of(draft)) == (frozen_before, draft_before)


def test_a_drafts_breakdown_and_sources_are_still_written_in_sql():
    draft = SourcedDraftVersionFactory()

    accepted("UPDATE factordb_gasamount SET amount = 1 WHERE version_id = %s", [draft.pk])
    accepted("DELETE FROM factordb_versionsource WHERE version_id = %s", [draft.pk])

    assert GasAmount.objects.get(version=draft).amount == 1


# --- The services' path ----------------------------------------------------------------------

def test_publishing_still_supersedes_the_version_in_force(approver):
    current = version_in(S.PUBLISHED)
    successor = ApprovedVersionFactory(factor=current.factor, version=current.version + 1)

    review.factor_version_publish(version=successor, actor=approver)

    current.refresh_from_db()
    assert (current.status, current.superseded_at is not None) == (S.SUPERSEDED, True)


def test_an_official_publication_still_supersedes_the_version_in_force(approver):
    current = version_in(S.PUBLISHED)
    successor = SourcedDraftVersionFactory(factor=current.factor, version=current.version + 1)

    factor_version_publish_official(version=successor, actor=approver, published_at=timezone.now())

    assert FactorVersion.objects.get(pk=current.pk).status == S.SUPERSEDED


def test_withdrawing_still_works(approver):
    version = version_in(S.PUBLISHED)

    review.factor_version_withdraw(version=version, actor=approver, reason="来源数据有误")

    assert FactorVersion.objects.get(pk=version.pk).status == S.WITHDRAWN
