"""Migration 0018: a release sealed before it gets its datapackage.json, derived from the bytes it
already froze (which stay as they are), and from then on that package is frozen like them."""

import csv
import hashlib
import io
from types import SimpleNamespace

import frictionless
import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.loader import MigrationLoader
from rest_framework.test import APIClient

from factordb.models import Release, ReleaseContent, ReleaseEntry, ReleasePackage, Source
from factordb.services.datapackage import cited_sources, datapackage_bytes
from factordb.services.exports import release_content_fields, release_render
from tests.api.test_release_datapackage import problems, save_side_by_side
from tests.factories import SourcedPublishedVersionFactory

pytestmark = pytest.mark.django_db


def package_sealed_releases() -> None:
    """Run the migration's step with the models as they are at it, before its guard exists
    (the test database has it; it is back before the test ends)."""
    loader = MigrationLoader(connection, ignore_no_migrations=True)
    (key,) = [(app, name) for app, name in loader.disk_migrations
              if app == "factordb" and name.endswith("release_datapackage")]
    module = __import__(loader.disk_migrations[key].__module__, fromlist=["_"])
    editor = SimpleNamespace(connection=connection)
    module._on_postgresql(module.DROP_GUARD)(None, editor)
    module.package_sealed_releases(loader.project_state(key).apps, editor)
    module._on_postgresql(module.GUARD)(None, editor)


def without_columns(csv_bytes: bytes, dropped: set[str]) -> bytes:
    rows = list(csv.DictReader(io.StringIO(csv_bytes.decode())))
    kept = [name for name in rows[0] if name not in dropped]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=kept, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode()


def sealed_without_package(approver, *, name: str = "2025.1",
                           dropped: frozenset[str] = frozenset()) -> Release:
    """A release as cuts sealed them before 0018: its files frozen, no package. `dropped`
    leaves columns out of its CSV, as an earlier export had fewer."""
    release = Release.objects.create(name=name, published_at=approver.date_joined, created_by=approver)
    ReleaseEntry.objects.bulk_create(ReleaseEntry(release=release, version=v)
                                     for v in SourcedPublishedVersionFactory.create_batch(2))
    fields = release_content_fields(release_render(release))
    if dropped:
        csv_bytes = without_columns(fields["csv_bytes"], dropped)
        fields |= {"csv_bytes": csv_bytes, "csv_sha256": hashlib.sha256(csv_bytes).hexdigest(),
                   "csv_size": len(csv_bytes)}
    content = ReleaseContent.objects.create(release=release, **fields)
    release.checksum_sha256 = content.json_sha256
    release.save()
    return release


def test_a_release_sealed_before_gets_the_package_a_cut_would_have_built(approver, tmp_path):
    release = sealed_without_package(approver)
    frozen = (bytes(release.content.csv_bytes), bytes(release.content.json_bytes))

    package_sealed_releases()

    content = ReleaseContent.objects.get(release=release)
    assert (bytes(content.csv_bytes), bytes(content.json_bytes)) == frozen
    assert bytes(ReleasePackage.objects.get(release=release).body) == datapackage_bytes(
        release_name="2025.1", published_at=release.published_at, csv_bytes=frozen[0], json_bytes=frozen[1],
        sources=cited_sources(Source, release.pk))
    report = frictionless.validate(save_side_by_side(APIClient(), "2025.1", tmp_path))
    assert report.valid, problems(report)


def test_the_schema_describes_the_columns_the_stored_csv_has(approver, tmp_path):
    sealed_without_package(approver, dropped=frozenset({"boundary", "method"}))

    package_sealed_releases()

    api = APIClient()
    (table,) = [r for r in api.get("/api/v1/releases/2025.1/datapackage.json").json()["resources"]
                if r.get("schema")]
    names = [field["name"] for field in table["schema"]["fields"]]
    assert not {"boundary", "method"} & set(names)
    assert names[:3] == ["public_id", "version", "dataset"]
    report = frictionless.validate(save_side_by_side(api, "2025.1", tmp_path))
    assert report.valid, problems(report)


def test_an_unsealed_release_gets_none(approver):
    Release.objects.create(name="2099.1", published_at=approver.date_joined, created_by=approver)
    package_sealed_releases()
    assert not ReleasePackage.objects.exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_after_it_the_database_refuses_to_rewrite_or_add_a_package(approver):
    release = sealed_without_package(approver)
    package_sealed_releases()
    package = ReleasePackage.objects.get(release=release)
    later = sealed_without_package(approver, name="2025.2")  # sealed, and still without one
    for sql, params in [
        ("UPDATE factordb_releasepackage SET body = %s WHERE id = %s", [b"{}", package.pk]),
        ("DELETE FROM factordb_releasepackage WHERE id = %s", [package.pk]),
        ("INSERT INTO factordb_releasepackage (release_id, body, sha256, size) VALUES (%s, %s, '', 2)",
         [later.pk, b"{}"]),
    ]:
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
    assert bytes(ReleasePackage.objects.get(pk=package.pk).body) == bytes(package.body)
    assert not ReleasePackage.objects.filter(release=later).exists()
