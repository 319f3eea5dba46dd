"""A factor's tags are ticked from the tags in use or typed in new, and stored as a sorted
list without duplicates; a tag that cannot be one is refused by name and nothing is saved."""

import pytest

from factordb.admin.tags import MAX_TAG_LENGTH
from factordb.models import Factor
from tests.factordb.admin.helpers import admin_url, change_form_data
from tests.factories import FactorFactory, SourcedPublishedVersionFactory

pytestmark = pytest.mark.django_db


def save(client, factor, **changes):
    page = client.get(admin_url(factor, "change"))
    data = change_form_data(page, change_reason="标签整理", **changes)
    return client.post(admin_url(factor, "change"), data)


def tags_of(factor) -> list:
    return Factor.objects.values_list("tags", flat=True).get(pk=factor.pk)


def test_the_tags_in_use_on_any_factor_are_offered_as_checkboxes(admin_client):
    FactorFactory(tags=["电力", "全国"])
    FactorFactory(tags=["化石燃料"])
    factor = FactorFactory(tags=["自定义"])

    response = admin_client.get(admin_url(factor, "change"))

    field = response.context["adminform"].form.fields["tags"]
    assert [value for value, _ in field.choices] == sorted(["电力", "全国", "化石燃料", "自定义"])
    assert 'type="checkbox" name="tags" value="全国"' in response.content.decode()
    assert response.context["adminform"].form["tags"].value() == ["自定义"]


def test_with_no_tag_in_use_the_page_says_where_to_type_one(admin_client):
    factor = FactorFactory(tags=[])

    content = admin_client.get(admin_url(factor, "change")).content.decode()

    assert "尚无因子带标签" in content


def test_ticked_and_typed_tags_are_stored_sorted_and_once(admin_client):
    FactorFactory(tags=["电力", "全国"])
    factor = FactorFactory(tags=[])

    response = save(admin_client, factor, tags=["全国", "电力"], new_tags="电网， 华北、 电力 ,全国")

    assert response.status_code == 302
    assert tags_of(factor) == sorted(["全国", "电力", "电网", "华北"])


def test_unticking_every_tag_stores_an_empty_list(admin_client):
    factor = FactorFactory(tags=["电力"])

    save(admin_client, factor, tags=[], new_tags="")

    assert tags_of(factor) == []


def test_spaces_inside_a_typed_tag_are_kept_as_one(admin_client):
    factor = FactorFactory(tags=[])

    save(admin_client, factor, new_tags="  grid   mix  ")

    assert tags_of(factor) == ["grid mix"]


@pytest.mark.parametrize(("typed", "reason"), [
    ("x" * (MAX_TAG_LENGTH + 1), "过长"),
    ("电力,坏\x07标签", "不可见字符"),
])
def test_a_tag_that_cannot_be_one_is_refused_by_name_and_nothing_is_saved(admin_client, typed, reason):
    factor = FactorFactory(tags=["电力"], name_en="Before")

    response = save(admin_client, factor, tags=[], new_tags=typed, name_en="After")

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["new_tags"]
    assert any(reason in error for error in errors)
    factor.refresh_from_db()
    assert (factor.tags, factor.name_en) == (["电力"], "Before")


def test_a_tag_nobody_offered_cannot_be_ticked(admin_client):
    """Ticking is choosing from the list; a forged value is refused, not stored."""
    factor = FactorFactory(tags=[])

    response = save(admin_client, factor, tags=["<script>"])

    assert response.status_code == 200
    assert "tags" in response.context["adminform"].form.errors
    assert tags_of(factor) == []


def test_a_past_record_shows_its_tags_without_a_field_to_type_new_ones(admin_client):
    factor = SourcedPublishedVersionFactory().factor
    record = factor.history.first()

    response = admin_client.get(admin_url(factor, "simple_history", factor.pk, record.history_id))

    assert response.status_code == 200
    assert 'name="new_tags"' not in response.content.decode()
    assert 'name="tags"' not in response.content.decode()
