import re
import uuid
from pathlib import Path

import pytest
from rest_framework.test import APIClient

from accounts.services import api_key_issue
from factordb.models import WebhookEndpoint
from tests.factordb.webhooks.receiver import Receiver
from tests.factories import StaffUserFactory

DOCS = Path(__file__).resolve().parents[3] / "docs/webhooks.md"


@pytest.fixture
def receiver():
    receiver = Receiver().start()
    yield receiver
    receiver.stop()


@pytest.fixture(autouse=True)
def _own_throttle_counters(settings):
    settings.THROTTLE_NAMESPACE = f"test-{uuid.uuid4().hex}:"


@pytest.fixture(autouse=True)
def _quick_timeouts(settings):
    settings.WEBHOOK_ALLOW_LOOPBACK = True
    settings.WEBHOOK_TIMEOUT_SECONDS = 2


def issued_key(name: str = "Calculator", email: str = "it@calculator.example"):
    issuer = StaffUserFactory(username=f"issuer-{uuid.uuid4().hex[:8]}", is_superuser=True)
    return api_key_issue(name=name, organisation="Calc Co.", contact_email=email, tier="standard",
                         actor=issuer, reason="测试")


@pytest.fixture
def key(db):
    return issued_key()


@pytest.fixture
def api(key):
    """A client that sends the key with every request."""
    client = APIClient()
    # English: the refusals these tests read (tests/factordb/webhooks/test_registration_language.py: both).
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key[1]}", HTTP_ACCEPT_LANGUAGE="en")
    # The key's first use records when it was used (then at most once a minute): done here,
    # so that tests comparing the database before and after a request see only that request.
    client.get("/api/v1/webhooks/")
    return client


def endpoint_for(api_key, url: str, *, categories=(), regions=(), datasets=()) -> WebhookEndpoint:
    """An endpoint saved directly (registration's checks are tested through the API)."""
    endpoint = WebhookEndpoint.objects.create(api_key=api_key, url=url, secret=uuid.uuid4().hex * 2)
    endpoint.categories.set(categories)
    endpoint.regions.set(regions)
    endpoint.datasets.set(datasets)
    return endpoint


def documented_verify():
    """The verification snippet of docs/webhooks.md, run as written: the tests check the docs."""
    text = DOCS.read_text()
    snippet = re.search(r"<!-- verify -->\s*```python\n(.*?)```", text, re.S).group(1)
    namespace: dict = {}
    exec(compile(snippet, str(DOCS), "exec"), namespace)
    return namespace["verify"]
