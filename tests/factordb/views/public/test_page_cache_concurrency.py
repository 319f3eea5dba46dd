"""A page worked out while a write is still open is never served once the write commits.

The writer renews the data generation inside its transaction, so a reader meanwhile keeps
the page it saw (the old data) under that generation; the renewal after the commit must
send the next visitor to a page worked out afresh. The same holds for the reference lists
each process keeps per generation (docs/adr/0018). PostgreSQL only: there a reader does not
wait for an open write, which is the race.
"""

from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse

from factordb.services import review
from tests.factories import ApprovedVersionFactory, CategoryFactory, PublishedVersionFactory
from tests.open_write import while_open

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="SQLite serialises writes: no reader sees a write still open"),
]


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_a_factor_page_seen_during_a_publication_is_not_served_after_it_commits(
        client, shared_cache, approver, editor):
    published = PublishedVersionFactory(co2e_total=Decimal("0.5810"))
    newer = ApprovedVersionFactory(factor=published.factor, version=published.version + 1, author=editor,
                                   co2e_total=Decimal("0.5366"))
    url = reverse("factor", args=[published.factor.public_id])

    publication = while_open(lambda: review.factor_version_publish(version=newer, actor=approver))
    during = page(client, url)
    publication.commit()

    assert "0.581" in during
    assert "0.5366" in page(client, url)


def test_a_category_renamed_during_a_search_is_offered_by_its_new_name_after_the_commit(
        client, shared_cache):
    category = CategoryFactory(code="steel", name_zh="钢铁")
    url = reverse("factor_search")

    def rename() -> None:
        category.name_zh = "钢铁产品"
        category._change_reason = "a clearer name"
        category.save()

    renaming = while_open(rename)
    during = page(client, url)
    renaming.commit()

    assert "钢铁产品" not in during
    assert "钢铁产品" in page(client, url)
