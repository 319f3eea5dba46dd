"""The outbox: each publication, withdrawal and release writes one delivery per endpoint that
follows it, in its own transaction — none for a step that rolls back, none for an endpoint
that does not follow it."""

import pytest
from django.db import transaction

from accounts.roles import Role
from factordb.models import DeliveryStatus, WebhookDelivery
from factordb.services import change_set_review, releases, review
from tests.change_set_scenes import _approved
from tests.factordb.webhooks.conftest import endpoint_for
from tests.factories import (
    ApprovedVersionFactory,
    CategoryFactory,
    DatasetFactory,
    FactorFactory,
    RegionFactory,
    SourcedPublishedVersionFactory,
    UserFactory,
)
from tests.roles import with_roles

pytestmark = pytest.mark.django_db


@pytest.fixture
def grid():
    """energy > energy.electricity, CN > CN-GD, one dataset: where the followed factor sits."""
    energy = CategoryFactory(code="energy")
    electricity = CategoryFactory(code="energy.electricity", parent=energy)
    china = RegionFactory(code="CN")
    guangdong = RegionFactory(code="CN-GD", parent=china)
    return {"energy": energy, "electricity": electricity, "CN": china, "CN-GD": guangdong,
            "dataset": DatasetFactory(code="MEE-GRID"), "other_dataset": DatasetFactory(code="OTHER"),
            "materials": CategoryFactory(code="materials"), "US": RegionFactory(code="US")}


@pytest.fixture
def approved(grid):
    factor = FactorFactory(category=grid["electricity"], region=grid["CN-GD"], dataset=grid["dataset"])
    return ApprovedVersionFactory(factor=factor)


def deliveries(endpoint) -> list[tuple[str, str]]:
    return [(d.event_type, d.payload["data"].get("public_id") or d.payload["data"]["name"])
            for d in WebhookDelivery.objects.filter(endpoint=endpoint).order_by("pk")]


def test_a_publication_is_recorded_for_every_endpoint_that_follows_its_factor(key, grid, approved, approver):
    api_key = key[0]
    everything = endpoint_for(api_key, "https://a.example/")
    by_parent_category_and_region = endpoint_for(api_key, "https://b.example/", categories=[grid["energy"]],
                                                 regions=[grid["CN"]], datasets=[grid["dataset"]])
    by_exact_region = endpoint_for(api_key, "https://c.example/", regions=[grid["CN-GD"]])
    other_category = endpoint_for(api_key, "https://d.example/", categories=[grid["materials"]])
    other_region = endpoint_for(api_key, "https://e.example/", regions=[grid["US"]])
    other_dataset = endpoint_for(api_key, "https://f.example/", categories=[grid["energy"]],
                                 datasets=[grid["other_dataset"]])

    review.factor_version_publish(version=approved, actor=approver)

    public_id = approved.factor.public_id
    for endpoint in (everything, by_parent_category_and_region, by_exact_region):
        assert deliveries(endpoint) == [("factor.published", public_id)]
    for endpoint in (other_category, other_region, other_dataset):
        assert deliveries(endpoint) == []
    delivery = WebhookDelivery.objects.filter(endpoint=everything).get()
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.payload["data"] | {"published_at": None} == {
        "public_id": public_id, "version": approved.version, "status": "published",
        "category": "energy.electricity", "region": "CN-GD", "dataset": "MEE-GRID",
        "year": approved.factor.year, "published_at": None, "withdrawn_at": None,
        "url": f"http://127.0.0.1:8000/api/v1/factors/{public_id}/"}
    # One event, one id: the endpoints' deliveries of it share it, each with an id of its own.
    events = WebhookDelivery.objects.values_list("event_id", "uuid")
    assert len({event for event, _ in events}) == 1
    assert len({uuid for _, uuid in events}) == 3


def test_a_publication_rolled_back_leaves_no_delivery(key, approved, approver):
    endpoint_for(key[0], "https://a.example/")

    written = []

    def publish_then_fail() -> None:
        with transaction.atomic():
            review.factor_version_publish(version=approved, actor=approver)
            written.append(WebhookDelivery.objects.count())
            raise RuntimeError("the step fails after publishing")

    with pytest.raises(RuntimeError):
        publish_then_fail()

    assert written == [1]  # written with the publication…
    assert WebhookDelivery.objects.count() == 0  # …and gone with it


def test_a_refused_publication_records_nothing(key, approved):
    endpoint_for(key[0], "https://a.example/")
    author = with_roles(approved.author, Role.APPROVER)

    with pytest.raises(Exception, match="作者"):
        review.factor_version_publish(version=approved, actor=author)

    assert WebhookDelivery.objects.count() == 0


def test_a_withdrawal_is_recorded_with_its_time(key, approver):
    endpoint = endpoint_for(key[0], "https://a.example/")
    published = SourcedPublishedVersionFactory()

    review.factor_version_withdraw(version=published, actor=approver, reason="来源数据有误")

    [delivery] = WebhookDelivery.objects.filter(endpoint=endpoint)
    assert delivery.event_type == "factor.withdrawn"
    assert delivery.payload["data"]["status"] == "withdrawn"
    assert delivery.payload["data"]["withdrawn_at"] is not None


def test_a_release_goes_to_every_endpoint_whatever_it_follows(key, grid, approver):
    SourcedPublishedVersionFactory()
    narrow = endpoint_for(key[0], "https://a.example/", categories=[grid["materials"]])

    release = releases.release_cut(name="2026.1", actor=approver)

    [delivery] = WebhookDelivery.objects.filter(endpoint=narrow)
    assert delivery.event_type == "release.published"
    assert delivery.payload["data"] == {
        "name": "2026.1", "published_at": release.published_at.isoformat(),
        "checksum_sha256": release.checksum_sha256,
        "url": "http://127.0.0.1:8000/api/v1/releases/2026.1/"}


def test_a_change_set_records_one_event_per_row(key):
    endpoint = endpoint_for(key[0], "https://a.example/")
    change_set = _approved()

    approver = with_roles(UserFactory(username="set-approver"), Role.APPROVER)

    change_set_review.change_set_publish(change_set=change_set, actor=approver)

    public_ids = {v.factor.public_id for v in change_set.current_versions()}
    assert sorted(deliveries(endpoint)) == sorted(("factor.published", p) for p in public_ids)
    assert len(public_ids) == 2


def test_disabled_and_removed_endpoints_get_nothing_new(key, approved, approver):
    disabled = endpoint_for(key[0], "https://a.example/")
    removed = endpoint_for(key[0], "https://b.example/")
    disabled.disabled_at = removed.removed_at = approved.created_at
    disabled.save()
    removed.save()

    review.factor_version_publish(version=approved, actor=approver)

    assert WebhookDelivery.objects.count() == 0
