import pytest
from django.core.cache import cache
from rest_framework.test import APIClient


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture(autouse=True)
def _fresh_throttle_counters():
    # Throttle counters live in the cache; one test's requests must not spend the next one's quota.
    cache.clear()
    yield
    cache.clear()
