import uuid

import pytest
from rest_framework.test import APIClient


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture(autouse=True)
def _own_throttle_counters(settings):
    # Each test counts its own requests; nothing is flushed (Redis also carries the broker).
    settings.THROTTLE_NAMESPACE = f"test-{uuid.uuid4().hex}:"
