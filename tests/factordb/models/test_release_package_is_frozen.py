"""A release's datapackage.json is frozen with it: the models refuse to rewrite, delete or add
one to a sealed release, and on PostgreSQL so does the database, to raw SQL as well."""

import hashlib

import pytest
from django.db import IntegrityError, connection, transaction

from factordb.models import ReleaseFrozenError, ReleasePackage
from factordb.services.releases import release_cut
from tests.factories import PublishedVersionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def release(approver):
    PublishedVersionFactory.create_batch(2)
    return release_cut(name="2025.1", actor=approver)


def test_the_cut_freezes_one_package_with_its_digest(release):
    package = ReleasePackage.objects.get(release=release)
    assert package.sha256 == hashlib.sha256(bytes(package.body)).hexdigest()
    assert package.size == len(bytes(package.body))


def test_its_package_cannot_be_rewritten_deleted_or_added_to(release):
    package = ReleasePackage.objects.get(release=release)
    before = bytes(package.body)
    package.body = b"{}"
    attempts = [
        package.save, package.delete,
        lambda: ReleasePackage.objects.update(body=b"{}"),
        lambda: ReleasePackage.objects.all().delete(),
        lambda: ReleasePackage.objects.bulk_create(
            [ReleasePackage(release=release, body=b"{}", sha256="", size=2)]),
    ]
    for attempt in attempts:
        with pytest.raises(ReleaseFrozenError), transaction.atomic():
            attempt()
    assert bytes(ReleasePackage.objects.get(release=release).body) == before


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_the_database_refuses_to_rewrite_or_delete_it(release):
    package = ReleasePackage.objects.get(release=release)
    for sql in ("UPDATE factordb_releasepackage SET sha256 = '' WHERE id = %s",
                "DELETE FROM factordb_releasepackage WHERE id = %s"):
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [package.pk])
    assert ReleasePackage.objects.get(pk=package.pk).sha256 == package.sha256
