"""A factor that was never published is, to the public, a factor that does not exist: the
same status and the same bytes as an unknown id, for the factor and for its history."""

import datetime as dt

import pytest
from django.utils import timezone

from factordb.constants import FactorStatus
from tests.factories import STATE_FACTORIES, PublishedVersionFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/factors/"
UNKNOWN = "NO-SUCH-FACTOR"
NEVER_PUBLISHED = [FactorStatus.DRAFT, FactorStatus.SUBMITTED, FactorStatus.IN_REVIEW,
                   FactorStatus.CHANGES_REQUESTED, FactorStatus.APPROVED, FactorStatus.REJECTED]


@pytest.fixture
def sealed_release(approver) -> str:
    from factordb.services.releases import release_cut

    PublishedVersionFactory()
    return release_cut(name="2025.1", actor=approver).name


def queries(release: str) -> list[dict]:
    an_hour_ago = (timezone.now() - dt.timedelta(hours=1)).isoformat()
    return [{}, {"as_of": an_hour_ago}, {"release": release}]


def answer(api, path: str, params: dict) -> tuple[int, bytes, str]:
    response = api.get(path, params)
    return response.status_code, response.content, response["Content-Type"]


@pytest.mark.parametrize("status", NEVER_PUBLISHED)
@pytest.mark.parametrize("suffix", ["", "versions/"])
def test_a_never_published_factor_answers_like_an_unknown_id(api, sealed_release, status, suffix):
    hidden = STATE_FACTORIES[status]()

    for params in queries(sealed_release):
        unknown = answer(api, f"{URL}{UNKNOWN}/{suffix}", params)
        unpublished = answer(api, f"{URL}{hidden.factor.public_id}/{suffix}", params)

        assert unknown[0] == 404, params
        assert unpublished == unknown, params


def test_the_history_of_a_never_published_factor_is_a_404_not_an_empty_list(api):
    hidden = STATE_FACTORIES[FactorStatus.DRAFT]()

    response = api.get(f"{URL}{hidden.factor.public_id}/versions/")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("status", [FactorStatus.WITHDRAWN, FactorStatus.SUPERSEDED])
def test_a_factor_that_was_public_keeps_its_history(api, status):
    ended = STATE_FACTORIES[status]()

    response = api.get(f"{URL}{ended.factor.public_id}/versions/")

    assert response.status_code == 200
    assert [row["version"] for row in response.json()] == [ended.version]
