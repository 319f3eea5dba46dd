"""The preview's fingerprint is checked under the publication lock: a publication that commits
while the confirmed cut waits for the lock refuses the cut.

PostgreSQL only: SQLite serialises whole-database writes, so the wait cannot happen there.
"""

import threading
import time

import pytest
from django.db import connection, transaction

from factordb.models import FactorVersion, Release
from factordb.services import review
from factordb.services.releases import StalePreview, release_cut, release_preview
from tests.factories import ApprovedVersionFactory, SourcedPublishedVersionFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="row locks need PostgreSQL; SQLite serialises whole-database writes"),
]


def test_a_publication_committing_while_the_confirmed_cut_waits_refuses_the_cut(approver, editor):
    published = SourcedPublishedVersionFactory()
    release_cut(name="2025.1", actor=approver)
    newer = ApprovedVersionFactory(factor=published.factor, version=published.version + 1, author=editor)
    previewed = release_preview().fingerprint
    publishing = threading.Event()
    outcome: dict[str, object] = {}

    def publish() -> None:
        try:
            with transaction.atomic():
                review.factor_version_publish(version=newer, actor=approver)  # holds the lock
                publishing.set()
                time.sleep(0.5)  # the cut is now waiting for the lock
        finally:
            publishing.set()
            connection.close()

    def cut() -> None:
        publishing.wait(timeout=10)
        try:
            outcome["release"] = release_cut(name="2025.2", actor=approver, previewed=previewed)
        except StalePreview as refusal:
            outcome["refused"] = refusal
        finally:
            connection.close()

    threads = [threading.Thread(target=publish), threading.Thread(target=cut)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert "refused" in outcome, outcome
    assert list(Release.objects.values_list("name", flat=True)) == ["2025.1"]
    assert FactorVersion.objects.published().get(factor=published.factor).pk == newer.pk
