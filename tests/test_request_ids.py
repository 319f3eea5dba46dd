"""Every request has an id: answered in X-Request-ID, on each of its log lines (JSON in
production), in the body of a server error, and on the lines of the tasks it starts."""

import io
import json
import logging
import re

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.utils.module_loading import import_string
from django_guid import clear_guid, get_guid, set_guid

from factordb.tasks import platform_health

HEX_ID = re.compile(r"^[0-9a-f]{32}$")


@pytest.mark.django_db
def test_every_answer_names_its_own_request_id(client):
    first, second = client.get("/healthz"), client.get("/api/v1/")

    assert HEX_ID.match(first["X-Request-ID"])
    assert HEX_ID.match(second["X-Request-ID"])
    assert first["X-Request-ID"] != second["X-Request-ID"]


@pytest.mark.django_db
def test_the_id_a_proxy_sent_is_kept(client):
    sent = "5a2c1f0e-8e0b-4c1e-9a55-3b1f3c2d4e5f"

    assert client.get("/healthz", HTTP_X_REQUEST_ID=sent)["X-Request-ID"] == sent


@pytest.mark.django_db
@pytest.mark.parametrize("forged", ["not-an-id", "a" * 500, "x\r\ninjected: yes", '{"level": "ERROR"}'])
def test_a_forged_id_is_replaced_never_logged_as_sent(client, forged):
    answered = client.get("/healthz", HTTP_X_REQUEST_ID=forged)["X-Request-ID"]

    assert answered != forged
    assert HEX_ID.match(answered)


@pytest.fixture
def json_log_lines():
    """The production handler of settings.LOGGING (JSON formatter, request-id filter), writing
    into a buffer on the root logger: the lines a log collector would receive."""
    formatter = settings.LOGGING["formatters"]["json"]
    request_id = settings.LOGGING["filters"]["request_id"]
    handler = logging.StreamHandler(buffer := io.StringIO())
    handler.setFormatter(import_string(formatter["()"])(formatter["format"]))
    handler.addFilter(import_string(request_id["()"])(correlation_id_field=request_id["correlation_id_field"]))
    logging.getLogger().addHandler(handler)
    yield lambda: [json.loads(line) for line in buffer.getvalue().splitlines()]
    logging.getLogger().removeHandler(handler)


@pytest.mark.django_db
def test_a_server_error_is_logged_and_answered_under_one_id(json_log_lines):
    with override_settings(ROOT_URLCONF="tests.api.urls_that_raise"):
        response = Client(raise_request_exception=False).get("/api/v1/broken/")

    request_id = response["X-Request-ID"]
    assert response.status_code == 500
    assert response.json()["error"]["request_id"] == request_id
    logged = [line for line in json_log_lines() if line["levelname"] == "ERROR"]
    assert logged, "the server error was not logged"
    assert {line["request_id"] for line in logged} == {request_id}
    assert {"asctime", "name", "message"} <= set(logged[0])


@pytest.mark.django_db
@pytest.mark.skipif(not settings.CELERY_TASK_ALWAYS_EAGER,
                    reason="tasks go to a worker: tests/test_celery.py checks the id arrives there")
def test_a_task_run_eagerly_for_a_request_runs_under_its_id_and_leaves_it_to_the_request():
    set_guid("fedcba9876543210fedcba9876543210")
    try:
        assert platform_health.delay().get()["request_id"] == "fedcba9876543210fedcba9876543210"
        assert get_guid() == "fedcba9876543210fedcba9876543210"
    finally:
        clear_guid()

