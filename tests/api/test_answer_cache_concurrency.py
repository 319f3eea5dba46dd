"""An API answer worked out while a publication is still open is never served once it commits.

A request that reads while the publication's transaction is open sees the old value, and keeps
it (the answer, and resolution's candidates, each process's per generation: docs/adr/0028,
0033) under the generation of that moment; the publication renews the generation after its
commit, so the next request must answer with the new value. PostgreSQL only: there a reader
does not wait for an open write, which is the race.
"""

from decimal import Decimal

import pytest
from django.db import connection

from factordb.services import review
from tests.factories import ApprovedVersionFactory, PublishedVersionFactory
from tests.open_write import while_open

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("shared_cache"),
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="SQLite serialises writes: no reader sees a write still open"),
]


@pytest.fixture
def newer(editor):
    published = PublishedVersionFactory(co2e_total=Decimal("0.5810"))
    return ApprovedVersionFactory(factor=published.factor, version=published.version + 1, author=editor,
                                  co2e_total=Decimal("0.5366"))


def detail(api, version) -> str:
    response = api.get(f"/api/v1/factors/{version.factor.public_id}/")
    assert response.status_code == 200
    return response.json()["version"]["co2e_total"]


def resolved(api, version, **headers) -> str:
    factor = version.factor
    key = {"category": factor.category.code, "region": factor.region.code, "year": factor.year,
           "unit": factor.unit.code}
    response = api.post("/api/v1/resolve/", {"keys": [key]}, format="json", headers=headers)
    assert response.status_code == 200
    (result,) = response.json()["results"]
    return result["co2e_total"]


def before_and_after_a_publication(read, newer, approver) -> tuple[str, str]:
    """`read()` while the publication of `newer` is still open, and again once it committed."""
    publication = while_open(lambda: review.factor_version_publish(version=newer, actor=approver))
    during = read()
    publication.commit()
    return during, read()


def test_a_detail_read_during_a_publication_is_not_served_after_it_commits(api, approver, newer):
    read = before_and_after_a_publication(lambda: detail(api, newer), newer, approver)

    assert read == ("0.581", "0.5366")


def test_a_key_resolved_during_a_publication_is_resolved_anew_after_it_commits(api, approver, newer):
    read = before_and_after_a_publication(lambda: resolved(api, newer), newer, approver)

    assert read == ("0.581", "0.5366")
    # Worked out again, past the answer kept: from the candidates kept for the new generation.
    assert resolved(api, newer, cache_control="no-cache") == "0.5366"
