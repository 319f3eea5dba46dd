import pytest

from tests.factories import DraftVersionFactory, PublishedVersionFactory


@pytest.fixture
def draft(db):
    return DraftVersionFactory()


@pytest.fixture
def published(db):
    return PublishedVersionFactory()
