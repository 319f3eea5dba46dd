"""History is evidence: the admin shows it and never writes it, not even for a superuser."""

import pytest
from django.urls import reverse

from tests.factordb.admin.helpers import admin_url
from tests.factories import (
    CategoryFactory,
    DraftVersionFactory,
    GwpSetFactory,
    PublishedVersionFactory,
    StaffUserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def renamed_category():
    category = CategoryFactory(code="energy", name_zh="能源")
    category.name_zh = "能源类"
    category._change_reason = "更名"
    category.save()
    return category


def history_form_url(obj, record) -> str:
    return reverse("admin:factordb_category_simple_history", args=[obj.pk, record.history_id])


def test_a_superuser_post_to_the_history_form_view_changes_nothing(admin_client, renamed_category):
    first = renamed_category.history.last()
    data = {"code": "energy", "name_zh": "能源", "name_en": first.name_en, "_save": "Revert",
            "change_reason": "revert"}

    response = admin_client.post(history_form_url(renamed_category, first), data)

    assert response.status_code == 405
    renamed_category.refresh_from_db()
    assert renamed_category.name_zh == "能源类"
    assert renamed_category.history.count() == 2


def test_the_history_form_view_shows_the_past_record_read_only(admin_client, renamed_category):
    first = renamed_category.history.last()

    response = admin_client.get(history_form_url(renamed_category, first))

    assert response.status_code == 200
    assert response.context["adminform"].form.fields == {}
    assert response.context["revert_disabled"] is True
    content = response.content.decode()
    assert "能源" in content
    assert 'name="_save"' not in content
    assert 'name="name_zh"' not in content


def test_the_history_page_offers_no_revert(admin_client, renamed_category):
    response = admin_client.get(admin_url(renamed_category, "history"))

    assert response.status_code == 200
    assert response.context["revert_disabled"] is True
    assert "更名" in response.content.decode()


@pytest.mark.parametrize(
    "make", [DraftVersionFactory, PublishedVersionFactory, StaffUserFactory, GwpSetFactory],
)
def test_every_past_record_renders_read_only(admin_client, make):
    obj = make()
    record = obj.history.last()
    opts = obj._meta
    name = f"admin:{opts.app_label}_{opts.model_name}_simple_history"
    url = reverse(name, args=[obj.pk, record.history_id])

    response = admin_client.get(url)

    assert response.status_code == 200
    assert response.context["adminform"].form.fields == {}
