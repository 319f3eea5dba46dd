"""The drill of a Redis outage, on a Redis server of the test's own that it stops and starts
again: while it is down the API and the pages answer from the database, quotas let requests
through with a logged warning, nothing is kept or served kept, a public write is refused and
changes nothing; once it answers again, answers are kept and quotas counted as before."""

import logging
import shutil
import socket
import subprocess
import time

import pytest
import redis
from django.urls import reverse
from rest_framework.response import Response
from rest_framework.test import APIClient

from factordb.generation import GenerationNotRenewed
from factordb.models import FactorVersion, WebhookEndpoint
from factordb.services import review
from tests.factordb.webhooks.conftest import issued_key
from tests.factordb.webhooks.receiver import Receiver
from tests.factories import ApprovedVersionFactory, PublishedVersionFactory

pytestmark = pytest.mark.django_db

SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


class RedisServer:
    def __init__(self, folder) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.folder, self.process = folder, None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.folder)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        client = redis.Redis.from_url(self.url)
        for _ in range(100):
            try:
                client.ping()
                return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)

    def keys(self, pattern: str) -> list[bytes]:
        return redis.Redis.from_url(self.url).keys(pattern)


@pytest.fixture
def redis_server(tmp_path, settings):
    if not shutil.which(SERVER):
        pytest.skip("redis-server is not installed")
    server = RedisServer(tmp_path)
    server.start()
    # The production settings' cache, on this server.
    settings.CACHES = {"default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": server.url,
                                   "OPTIONS": settings.REDIS_CACHE_OPTIONS}}
    settings.API_ANON_RATE = "1000/min"
    yield server
    if server.process.poll() is None:
        server.stop()


@pytest.fixture
def published(db):
    return PublishedVersionFactory()


def reads(published) -> list[str]:
    public_id = published.factor.public_id
    return [f"/api/v1/factors/{public_id}/", "/api/v1/factors/?page_size=5", "/api/v1/units/",
            reverse("home"), reverse("factor", args=[public_id]), reverse("factor_search")]


def test_while_redis_is_down_reads_answer_from_the_database_and_quotas_let_them_through(
        client, published, redis_server, caplog):
    before = [client.get(path) for path in reads(published)]
    redis_server.stop()

    with caplog.at_level(logging.WARNING):
        during = [client.get(path) for path in reads(published)]
        again = [client.get(path) for path in reads(published)]

    assert [r.status_code for r in before] == [r.status_code for r in during] == [200] * 6
    assert [r.content for r in during[:3]] == [r.content for r in before[:3]]
    # Worked out each time (a DRF Response for the API), nothing served kept.
    assert all(isinstance(answer, Response) for answer in again[:3])
    quota_warnings = [r for r in caplog.records if r.name == "api.throttles" and r.levelno == logging.WARNING]
    assert len(quota_warnings) >= 6
    assert "not counted" in quota_warnings[0].getMessage()
    ready = client.get("/readyz")
    assert ready.status_code == 503
    assert "cache" in ready.json()["down"]


def test_once_redis_answers_again_answers_are_kept_and_quotas_counted(client, published, redis_server):
    redis_server.stop()
    client.get(reads(published)[0])
    redis_server.start()  # empty, as a restarted Redis without persistence

    first = client.get(reads(published)[0])
    second = client.get(reads(published)[0])

    assert (first.status_code, second.status_code) == (200, 200)
    assert isinstance(first, Response)
    assert not isinstance(second, Response)  # served kept
    assert redis_server.keys("*throttle*")
    assert client.get("/readyz").status_code == 200


def test_a_publication_while_redis_is_down_is_refused_and_changes_nothing(published, approver, editor,
                                                                         redis_server):
    newer = ApprovedVersionFactory(factor=published.factor, version=published.version + 1, author=editor)
    redis_server.stop()

    with pytest.raises(GenerationNotRenewed):
        review.factor_version_publish(version=newer, actor=approver)

    assert FactorVersion.objects.get(pk=newer.pk).status == newer.status
    assert FactorVersion.objects.get(pk=published.pk).status == published.status


def test_the_dashboards_publication_while_redis_is_down_is_a_503_page(client, published, approver, editor,
                                                                     redis_server):
    newer = ApprovedVersionFactory(factor=published.factor, version=published.version + 1, author=editor)
    client.force_login(approver)
    redis_server.stop()

    answer = client.post(reverse("review:version_step", args=[newer.pk, "publish"]), {})

    assert answer.status_code == 503
    assert answer["Retry-After"] == "30"
    assert "nothing was changed" in answer.content.decode() or "未作任何更改" in answer.content.decode()
    assert FactorVersion.objects.get(pk=newer.pk).status == newer.status


def test_an_api_write_while_redis_is_down_is_a_503_in_the_error_shape_and_changes_nothing(redis_server,
                                                                                          settings):
    settings.WEBHOOK_ALLOW_LOOPBACK = True
    _key, secret = issued_key()
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Api-Key {secret}", HTTP_ACCEPT_LANGUAGE="en")
    receiver = Receiver().start()  # answers the registration's signed ping
    redis_server.stop()

    try:
        answer = api.post("/api/v1/webhooks/", {"url": receiver.url}, format="json")
    finally:
        receiver.stop()

    assert answer.status_code == 503
    assert answer.json()["error"]["code"] == "unavailable"
    assert "nothing was changed" in answer.json()["error"]["message"]
    assert not WebhookEndpoint.objects.exists()
