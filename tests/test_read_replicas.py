"""The public's reads go to a read replica, and only those; a replica that has not replayed what
the current data generation announces is passed over, so nothing it lags behind is kept or
served as new. The replica here is the test database's mirror (a second alias, a connection of
its own, as a standby's would be); its lag is the generation asking for a log position it has
not reached."""

import json
import subprocess
import sys
from contextlib import contextmanager

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection, connections, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts.services import api_key_issue
from factordb.generation import GENERATION_KEY, data_changed, generation_position
from factordb.models import Factor, Unit
from factordb.replicas import ReplicaRouter, read_only_request, request_reads
from factordb.services.review import factor_version_withdraw
from tests.factories import PublishedVersionFactory
from tests.test_settings import bare_env

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="read replicas are PostgreSQL standbys"),
    pytest.mark.django_db(transaction=True, databases=["default", "replica"]),
    pytest.mark.usefixtures("shared_cache"),
]

AHEAD_OF_ANY_REPLICA = "FFFFFFFF/FFFFFFFF"


@pytest.fixture(autouse=True)
def _replica_named(settings):
    settings.DATABASE_REPLICAS = ["replica"]


@pytest.fixture
def published():
    version = PublishedVersionFactory()
    data_changed()  # the generation as a publication leaves it: with the primary's position
    return version


@contextmanager
def reads_by_database():
    """The queries each database answered, as (primary, replica)."""
    with CaptureQueriesContext(connections["default"]) as primary, \
            CaptureQueriesContext(connections["replica"]) as replica:
        yield primary, replica


def _public_data(queries: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if "factordb_" in q["sql"]]


def _detail(version) -> str:
    return f"/api/v1/factors/{version.factor.public_id}/"


def test_an_anonymous_api_read_is_answered_by_the_replica(published):
    with reads_by_database() as (primary, replica):
        answer = APIClient().get(_detail(published), HTTP_CACHE_CONTROL="no-cache")

    assert answer.status_code == 200
    assert _public_data(replica)
    assert _public_data(primary) == []


def test_a_public_page_is_read_from_the_replica(published):
    with reads_by_database() as (primary, replica):
        page = Client().get(f"/factors/{published.factor.public_id}/", HTTP_CACHE_CONTROL="no-cache")

    assert page.status_code == 200
    assert _public_data(replica)
    assert _public_data(primary) == []


def test_a_resolve_batch_is_a_read_the_replica_answers(published):
    factor = published.factor
    batch = {"keys": [{"category": factor.category.code, "region": factor.region.code,
                       "year": factor.year, "unit": factor.unit.code}]}

    with reads_by_database() as (primary, replica):
        answer = APIClient().post("/api/v1/resolve/", batch, format="json")

    assert answer.status_code == 200, answer.content
    assert answer.json()["results"][0]["status"] == "matched"
    assert _public_data(replica)
    assert _public_data(primary) == []


def test_a_signed_in_user_reads_the_primary(published, editor):
    client = Client()
    client.force_login(editor)

    with reads_by_database() as (primary, replica):
        page = client.get(f"/factors/{published.factor.public_id}/")

    assert page.status_code == 200
    assert _public_data(primary)
    assert replica.captured_queries == []


def test_a_key_issued_a_moment_ago_is_read_where_it_was_written(published, staff):
    _key, plain = api_key_issue(name="x", organisation="x", contact_email="x@example.org", tier="standard",
                                actor=staff, reason="test key")

    with reads_by_database() as (primary, replica):
        answer = APIClient().get(_detail(published), HTTP_AUTHORIZATION=f"Api-Key {plain}",
                                 HTTP_CACHE_CONTROL="no-cache")

    assert answer.status_code == 200
    assert any('"accounts_apikey"' in q["sql"] for q in primary.captured_queries)
    assert not any('"accounts_' in q["sql"] for q in replica.captured_queries)


def test_a_replica_behind_the_generation_is_passed_over_for_the_primary(published):
    generation = cache.get(GENERATION_KEY)
    cache.set(GENERATION_KEY, f"{generation.rsplit('-', 1)[0]}-{AHEAD_OF_ANY_REPLICA}", timeout=None)

    with reads_by_database() as (primary, replica):
        answer = APIClient().get(_detail(published))

    assert answer.status_code == 200
    assert _public_data(primary)
    assert _public_data(replica) == []  # asked only how far it has replayed


def test_a_publication_is_read_from_the_replica_once_it_has_replayed_it(published, approver):
    APIClient().get(_detail(published))
    factor_version_withdraw(version=published, actor=approver, reason="superseded by the 2025 survey")

    assert generation_position(cache.get(GENERATION_KEY)) is not None
    with reads_by_database() as (_primary, replica):
        answer = APIClient().get(_detail(published))

    assert answer.status_code == 404 or answer.json()["status"] == "withdrawn"
    assert _public_data(replica)


def test_a_replica_that_does_not_answer_is_passed_over(published):
    replica = connections["replica"]
    replica.close()
    port = replica.settings_dict["PORT"]
    replica.settings_dict["PORT"] = "1"  # nothing listens there
    try:
        with CaptureQueriesContext(connections["default"]) as primary:
            answer = APIClient().get(_detail(published), HTTP_CACHE_CONTROL="no-cache")
    finally:
        replica.close()
        replica.settings_dict["PORT"] = port

    assert answer.status_code == 200
    assert _public_data(primary)


def test_inside_a_transaction_reads_go_to_the_primary(published):
    with request_reads(method="GET", signed_in=False), reads_by_database() as (primary, replica), \
            transaction.atomic():
        assert Factor.objects.filter(pk=published.factor.pk).exists()

    assert _public_data(primary)
    assert replica.captured_queries == []


def test_after_a_write_the_request_reads_the_primary(published):
    with request_reads(method="GET", signed_in=False), reads_by_database() as (primary, replica):
        unit = Unit.objects.get(pk=published.factor.unit_id)
        assert unit._state.db == "replica"
        unit.name_en = "kilowatt-hour (renamed)"
        unit._change_reason = "test"
        unit.save()  # to the primary, though it was read from the replica
        assert Factor.objects.filter(pk=published.factor.pk).exists()

    writes = [q["sql"] for q in primary.captured_queries if q["sql"].startswith("UPDATE")]
    assert writes
    assert not any(q["sql"].startswith(("UPDATE", "INSERT", "DELETE")) for q in replica.captured_queries)
    assert '"factordb_factor"' in _public_data(primary)[-1]
    assert Unit.objects.using("default").get(pk=unit.pk).name_en == "kilowatt-hour (renamed)"


def test_a_post_that_is_not_a_question_reads_the_primary(published):
    with request_reads(method="POST", signed_in=False), reads_by_database() as (primary, replica):
        assert Factor.objects.filter(pk=published.factor.pk).exists()

    assert _public_data(primary)
    assert replica.captured_queries == []


def test_a_signed_in_users_question_stays_on_the_primary(published):
    with request_reads(method="POST", signed_in=True), reads_by_database() as (primary, replica):
        read_only_request()
        assert Factor.objects.filter(pk=published.factor.pk).exists()

    assert _public_data(primary)
    assert replica.captured_queries == []


def test_tasks_and_commands_read_the_primary(published):
    with reads_by_database() as (primary, replica):
        assert Factor.objects.filter(pk=published.factor.pk).exists()

    assert _public_data(primary)
    assert replica.captured_queries == []


def test_nothing_is_migrated_on_a_replica():
    router = ReplicaRouter()

    assert router.allow_migrate("replica", "factordb") is False
    assert router.allow_migrate("default", "factordb") is True


def _settings_with(**variables: str) -> subprocess.CompletedProcess:
    script = ("import django, json; django.setup(); from django.conf import settings as s; "
              "print(json.dumps({'replicas': s.DATABASE_REPLICAS, "
              "'databases': {a: [d['NAME'], d['TEST'].get('MIRROR')] for a, d in s.DATABASES.items()}}))")
    return subprocess.run([sys.executable, "-c", script], env=bare_env(DEBUG="1", **variables),
                          capture_output=True, text=True, cwd=settings.BASE_DIR, timeout=60)


def test_each_url_of_database_replica_urls_is_a_replica_the_tests_mirror():
    primary = "postgres://postgres@127.0.0.1:5432/factordb"
    result = _settings_with(DATABASE_URL=primary, DATABASE_REPLICA_URLS=(
        "postgres://reader@standby-1:5432/factordb,postgres://reader@standby-2:5432/factordb"))

    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout)
    assert seen["replicas"] == ["replica1", "replica2"]
    assert seen["databases"]["replica2"] == ["factordb", "default"]


def test_replicas_of_a_sqlite_database_are_refused(tmp_path):
    result = _settings_with(DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
                            DATABASE_REPLICA_URLS="postgres://reader@standby-1:5432/factordb")

    assert result.returncode != 0
    assert "DATABASE_REPLICA_URLS" in result.stderr
