"""Read answers come from the cache while the data stands still, and never after it moved."""

from decimal import Decimal

import pytest
from django.test import override_settings
from rest_framework.response import Response

from accounts.services import api_key_issue, api_key_revoke
from factordb.services import review
from factordb.services.editing import factor_version_start_revision, factor_version_update_draft
from tests.factories import ApprovedVersionFactory, PublishedVersionFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shared_cache")]


@pytest.fixture
def published():
    return PublishedVersionFactory()


def test_the_same_read_again_costs_no_query(api, published, django_assert_num_queries):
    url = f"/api/v1/factors/{published.factor.public_id}/"
    first = api.get(url)

    with django_assert_num_queries(0):
        again = api.get(url)

    assert again.status_code == 200
    assert again.content == first.content
    assert again["ETag"] == first["ETag"]
    assert again["Content-Type"] == "application/json"


def test_an_edit_of_reference_data_is_served_at_once(api, published):
    unit = published.factor.unit
    api.get("/api/v1/units/")
    unit.name_en = "renamed unit"
    unit._change_reason = "test"
    unit.save()

    names = [row["name_en"] for row in api.get("/api/v1/units/").json()]

    assert "renamed unit" in names


def test_head_is_answered_from_the_answer_kept_for_get(api, published, django_assert_num_queries):
    url = f"/api/v1/factors/{published.factor.public_id}/"
    first = api.get(url)

    with django_assert_num_queries(0):
        head = api.head(url)

    assert head.status_code == 200
    assert head["ETag"] == first["ETag"]


def test_an_answer_kept_for_head_serves_get_in_full(api, published, django_assert_num_queries):
    url = f"/api/v1/factors/{published.factor.public_id}/"
    api.head(url)

    with django_assert_num_queries(0):
        get = api.get(url)

    assert get.status_code == 200
    assert get.json()["public_id"] == published.factor.public_id


def test_a_kept_answer_carries_the_headers_of_one_worked_out(api, published):
    url = f"/api/v1/factors/{published.factor.public_id}/"
    fresh = api.get(url, HTTP_CACHE_CONTROL="no-cache")

    kept = api.get(url)

    for name in ("Content-Type", "Allow", "Vary", "ETag"):
        assert kept[name] == fresh[name], name


def test_an_error_is_worked_out_each_time(api, published, django_assert_max_num_queries):
    missing = "/api/v1/factors/EF0000000000/"
    assert api.get(missing).status_code == 404

    with django_assert_max_num_queries(20) as again:
        assert api.get(missing).status_code == 404

    assert len(again.captured_queries) > 0


def test_a_query_string_is_a_different_answer(api, published):
    api.get("/api/v1/factors/")
    other = api.get("/api/v1/factors/", {"year": published.factor.year + 1})
    assert other.json()["results"] == []


def test_a_revoked_key_is_refused_even_for_a_cached_answer(api, published, staff):
    key, plain = api_key_issue(name="x", organisation="x", contact_email="x@example.org", tier="standard",
                               actor=staff, reason="test key")
    url = f"/api/v1/factors/{published.factor.public_id}/"
    assert api.get(url, HTTP_AUTHORIZATION=f"Api-Key {plain}").status_code == 200
    api_key_revoke(key=key, actor=staff, reason="contract ended")

    assert api.get(url, HTTP_AUTHORIZATION=f"Api-Key {plain}").status_code == 401


def test_quotas_count_cached_answers_too(api, published, settings):
    settings.API_ANON_RATE = "2/min"
    codes = [api.get("/api/v1/units/").status_code for _ in range(3)]
    assert codes == [200, 200, 429]


@pytest.mark.django_db(transaction=True)
def test_a_committed_publication_is_never_answered_from_the_cache(api, approver, editor):
    # Committed for real (no test transaction around it): the after-commit renewal runs.
    published = PublishedVersionFactory()
    url = f"/api/v1/factors/{published.factor.public_id}/"
    assert api.get(url).json()["version"]["version"] == published.version
    newer = ApprovedVersionFactory(factor=published.factor, version=published.version + 1, author=editor)

    review.factor_version_publish(version=newer, actor=approver)

    assert api.get(url).json()["version"]["version"] == newer.version


def test_only_json_answers_are_kept(api, published, django_assert_max_num_queries):
    url = "/api/v1/units/"
    api.get(url, HTTP_ACCEPT="text/html")
    with django_assert_max_num_queries(50) as browsable:
        api.get(url, HTTP_ACCEPT="text/html")
    assert len(browsable.captured_queries) > 0


RESOLVE = "/api/v1/resolve/"


def _batch(version, **extra) -> dict:
    factor = version.factor
    return {"keys": [{"category": factor.category.code, "region": factor.region.code,
                      "year": factor.year, "unit": factor.unit.code}], **extra}


def test_the_same_batch_again_costs_no_query(api, published, django_assert_num_queries):
    first = api.post(RESOLVE, _batch(published), format="json")

    with django_assert_num_queries(0):
        again = api.post(RESOLVE, _batch(published), format="json")

    assert again.status_code == 200
    assert again.content == first.content


def test_another_body_is_another_answer(api, published):
    api.post(RESOLVE, _batch(published), format="json")
    later = _batch(published)
    later["keys"][0]["year"] = published.factor.year - 1

    answer = api.post(RESOLVE, later, format="json").json()["results"][0]

    assert answer["status"] == "not_found"


def test_a_calculation_again_costs_no_query(api, published, django_assert_num_queries):
    body = {"public_id": published.factor.public_id, "amount": "2", "unit": published.factor.unit.code,
            "gwp_set": published.gwp_set.code}
    first = api.post("/api/v1/calculate/", body, format="json")

    with django_assert_num_queries(0):
        again = api.post("/api/v1/calculate/", body, format="json")

    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()


def test_no_cache_in_the_request_works_the_answer_out_again(api, published, django_assert_num_queries):
    api.post(RESOLVE, _batch(published), format="json")
    api.get(f"/api/v1/factors/{published.factor.public_id}/")

    # Worked out by the view (a DRF Response), though the resolution's candidates and reference
    # lists are kept for the generation and cost no query.
    fresh = api.post(RESOLVE, _batch(published), format="json", HTTP_CACHE_CONTROL="no-cache")
    with django_assert_num_queries(0):
        kept = api.post(RESOLVE, _batch(published), format="json")
    detail = api.get(f"/api/v1/factors/{published.factor.public_id}/",
                     HTTP_CACHE_CONTROL="max-age=0, no-cache")

    assert fresh.status_code == detail.status_code == 200
    assert isinstance(fresh, Response)
    assert not isinstance(kept, Response)
    assert kept.content == fresh.content
    assert detail.json()["public_id"] == published.factor.public_id


@pytest.mark.django_db(transaction=True)
def test_a_committed_publication_changes_the_answer_to_the_same_batch(api, approver, editor):
    published = PublishedVersionFactory()
    first = api.post(RESOLVE, _batch(published), format="json").json()["results"][0]
    assert first["version"] == published.version
    newer = ApprovedVersionFactory(factor=published.factor, version=published.version + 1, author=editor)

    review.factor_version_publish(version=newer, actor=approver)

    answer = api.post(RESOLVE, _batch(published), format="json").json()["results"][0]
    assert answer["version"] == newer.version


def test_a_cached_answer_outlives_a_draft_edit(api, editor, django_assert_num_queries):
    published = PublishedVersionFactory(co2e_total=Decimal("0.5366"))
    url = f"/api/v1/factors/{published.factor.public_id}/"
    api.get(url)
    draft = factor_version_start_revision(factor=published.factor, actor=editor)
    factor_version_update_draft(version=draft, actor=editor, revision=draft.revision,
                                changes={"co2e_total": Decimal("0.9999")},
                                gas_amounts={"CO2": Decimal("0.9999")})

    with django_assert_num_queries(0):
        answer = api.get(url)

    assert answer.json()["version"]["co2e_total"] == "0.5366"


def _process_with_its_own_memory(name: str):
    """Settings as in a web process without Redis: Django's local-memory cache, which is each
    process's own (another LOCATION is another memory, as another process would have)."""
    return override_settings(CACHES={"default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": name}})


def test_without_a_shared_cache_no_process_serves_its_answers_after_a_publication_elsewhere(
        api, published, approver, editor):
    url = f"/api/v1/factors/{published.factor.public_id}/"
    with _process_with_its_own_memory("process-a"):
        assert api.get(url).json()["version"]["version"] == published.version
    newer = ApprovedVersionFactory(factor=published.factor, version=published.version + 1, author=editor)

    with _process_with_its_own_memory("process-b"):
        review.factor_version_publish(version=newer, actor=approver)

    with _process_with_its_own_memory("process-a"):
        assert api.get(url).json()["version"]["version"] == newer.version


def test_without_a_shared_cache_a_rename_elsewhere_is_served_at_once(api, published):
    with _process_with_its_own_memory("process-a"):
        api.get("/api/v1/units/")

    with _process_with_its_own_memory("process-b"):
        unit = published.factor.unit
        unit.name_en = "renamed unit"
        unit._change_reason = "test"
        unit.save()

    with _process_with_its_own_memory("process-a"):
        assert "renamed unit" in [row["name_en"] for row in api.get("/api/v1/units/").json()]


def test_processes_sharing_a_cache_keep_answers_and_see_each_others_publications(
        api, published, approver, editor, tmp_path, django_assert_num_queries):
    shared = override_settings(CACHES={"default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(tmp_path / "shared")}})
    url = f"/api/v1/factors/{published.factor.public_id}/"
    with shared:
        api.get(url)
        with django_assert_num_queries(0):
            api.get(url)
    newer = ApprovedVersionFactory(factor=published.factor, version=published.version + 1, author=editor)

    with shared:
        review.factor_version_publish(version=newer, actor=approver)

    with shared:
        assert api.get(url).json()["version"]["version"] == newer.version
