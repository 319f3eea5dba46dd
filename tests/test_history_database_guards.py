"""On PostgreSQL every django-simple-history table (factordb's and accounts') is append-only
to raw SQL too: history is evidence, so nobody rewrites or removes a record of it. New
history rows are still written; the code itself only ever inserts them."""

import pytest
from django.apps import apps
from django.db import IntegrityError, connection, transaction
from simple_history.models import registered_models

from accounts.models import User
from accounts.roles import Role
from factordb.constants import FactorStatus as S
from factordb.models import Factor, FactorVersion, GasAmount, Release, ReviewAssignment, Source, VersionSource
from tests.factordb.workflow.helpers import version_in
from tests.factories import ReleaseFactory, UserFactory
from tests.roles import user_with_roles

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="the triggers are PostgreSQL's; SQLite has the models' guards"),
]


def history_tables() -> list[str]:
    """Every table simple-history writes: one per audited model, one per recorded link."""
    return sorted(
        model._meta.db_table for model in apps.get_models()
        if model._meta.app_label in ("factordb", "accounts") and model.__name__.startswith("Historical")
    )


def guarded_tables() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT tgrelid::regclass::text FROM pg_trigger WHERE tgname LIKE %s",
                       ["%_history_append_only"])
        return {table for (table,) in cursor.fetchall()}


def refused(sql: str, params: list) -> None:
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_it_knows_the_history_tables():
    # Guards the check below: a listing that found nothing would pass it vacuously.
    assert {"factordb_historicalfactorversion", "accounts_historicaluser",
            "accounts_historicaluser_groups"} <= set(history_tables())
    assert len(history_tables()) > len(registered_models) // 2


def test_every_history_table_is_guarded():
    assert [table for table in history_tables() if table not in guarded_tables()] == []


@pytest.fixture
def world(approver):
    """A published version with its factor, breakdown and source, a review, a role and a release."""
    version_in(S.IN_REVIEW, reviewers=[user_with_roles("expert", Role.REVIEWER)])
    version_in(S.PUBLISHED)
    ReleaseFactory(created_by=approver)
    return approver


@pytest.mark.parametrize("model", [Factor, FactorVersion, GasAmount, VersionSource, Source, Release,
                                   ReviewAssignment, User])
def test_a_history_record_cannot_be_rewritten_or_removed_in_sql(world, model):
    history = model.history.model
    table, record = history._meta.db_table, model.history.order_by("history_id").first()
    before = list(model.history.order_by("history_id").values())

    refused(f"UPDATE {table} SET history_change_reason = %s WHERE history_id = %s", ["rewritten", record.pk])
    refused(f"UPDATE {table} SET history_user_id = NULL", [])
    refused(f"DELETE FROM {table} WHERE history_id = %s", [record.pk])

    assert list(model.history.order_by("history_id").values()) == before


def test_a_recorded_role_change_cannot_be_rewritten_or_removed_in_sql(world):
    links = "accounts_historicaluser_groups"  # the groups a user held at each record
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT m2m_history_id, group_id FROM {links} ORDER BY m2m_history_id")
        before = cursor.fetchall()
    assert before, "the world grants a role, which history records"

    refused(f"UPDATE {links} SET group_id = NULL WHERE m2m_history_id = %s", [before[0][0]])
    refused(f"DELETE FROM {links} WHERE m2m_history_id = %s", [before[0][0]])

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT m2m_history_id, group_id FROM {links} ORDER BY m2m_history_id")
        assert cursor.fetchall() == before


def test_new_history_is_still_written(world):
    before = User.history.count()

    UserFactory(username="newcomer")

    assert User.history.count() == before + 1


def test_a_user_named_in_the_history_cannot_be_deleted(world):
    # Deleting would blank the actor of every record they made (simple-history's SET NULL):
    # the record must keep who acted, so such a user is deactivated, never deleted.
    actor, source = UserFactory(username="one-time-editor"), Source.objects.first()
    source._history_user, source._change_reason = actor, "核对出处"
    source.save()
    before = list(Source.history.order_by("history_id").values())

    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=actor.pk).delete()

    assert User.objects.filter(pk=actor.pk).exists()
    assert list(Source.history.order_by("history_id").values()) == before
