import pytest
from django.conf import settings
from django.utils import translation

from factordb.models import ReviewAssignment
from tests.factories import InReviewVersionFactory


@pytest.fixture
def in_review(reviewers):
    """In review with the first two reviewers assigned."""
    return InReviewVersionFactory(reviewers=reviewers[:2])


@pytest.fixture
def assignment(in_review, reviewer) -> ReviewAssignment:
    return ReviewAssignment.objects.get(version=in_review, reviewer=reviewer)


@pytest.fixture
def reviewer_client(client, reviewer):
    client.force_login(reviewer)
    return client


@pytest.fixture
def approver_client(client, approver):
    client.force_login(approver)
    return client


@pytest.fixture(autouse=True)
def _default_language_afterwards():
    # A request to an /en/ page leaves English active in the thread; later tests expect Chinese.
    yield
    translation.activate(settings.LANGUAGE_CODE)
