import pytest
from django.urls import reverse

from factordb.models import ReviewAssignment
from tests.factories import InReviewVersionFactory

pytestmark = pytest.mark.django_db

URL = reverse("review:assignments")


def test_it_requires_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_it_lists_only_my_own_assignments(reviewer_client, reviewers):
    mine = InReviewVersionFactory(reviewers=[reviewers[0]], factor__name_zh="我的因子")
    InReviewVersionFactory(reviewers=[reviewers[1]], factor__name_zh="别人的因子")
    response = reviewer_client.get(URL)
    assert response.status_code == 200
    assert [a.version for a in response.context["open_assignments"]] == [mine]
    body = response.content.decode()
    assert "我的因子" in body
    assert "别人的因子" not in body


def test_it_shows_names_in_english_on_english_pages(reviewer_client, reviewer):
    InReviewVersionFactory(reviewers=[reviewer], factor__name_en="Grid factor EN")
    response = reviewer_client.get("/en" + URL)
    assert "Grid factor EN" in response.content.decode()


def test_it_separates_decided_assignments(reviewer_client, reviewer, assignment):
    ReviewAssignment.objects.filter(pk=assignment.pk).update(decision="approved")
    response = reviewer_client.get(URL)
    assert response.context["open_assignments"] == []
    assert response.context["decided_assignments"] == [assignment]


@pytest.mark.parametrize("count", [3, 20])
def test_it_reads_a_bounded_number_of_queries(reviewer_client, reviewer, count,
                                              django_assert_max_num_queries):
    for _ in range(count):
        InReviewVersionFactory(reviewers=[reviewer])
    with django_assert_max_num_queries(8):
        response = reviewer_client.get(URL)
    assert len(response.context["open_assignments"]) == count
