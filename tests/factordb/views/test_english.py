"""The reviewer workspace and the approver dashboard speak English under /en/, for outside experts."""

import re

import pytest

from tests.factories import ApprovedVersionFactory, SubmittedVersionFactory

pytestmark = pytest.mark.django_db

HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
HEADINGS = re.compile(r"<(h[12]|th|button)\b[^>]*>(.*?)</\1>", re.S)


def headings(html: str) -> list[str]:
    """Headings, column heads and buttons: the page's own words, not the data it lists."""
    return [re.sub(r"<[^>]+>", "", text).strip() for _, text in HEADINGS.findall(html)]


def assert_english(response, *expected: str) -> None:
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en">' in html
    shown = headings(html)
    for text in expected:
        assert text in shown
    assert not [text for text in shown if HAN.search(text)]


def test_the_reviewer_workspace_is_in_english(reviewer_client, assignment):
    response = reviewer_client.get("/en/review/")
    assert_english(response, "My reviews", "Pending review")
    assert assignment.version.factor.public_id in response.content.decode()


def test_an_assignment_page_is_in_english(reviewer_client, assignment):
    response = reviewer_client.get(f"/en/review/assignments/{assignment.pk}/")
    assert_english(response, "Factor identity")


def test_the_approver_dashboard_is_in_english(approver_client, in_review):
    SubmittedVersionFactory()
    ApprovedVersionFactory()
    response = approver_client.get("/en/review/dashboard/")
    assert_english(response, "Approver dashboard", "Submitted, awaiting expert reviewers", "In review")
