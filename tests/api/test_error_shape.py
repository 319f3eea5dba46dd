"""Every /api/ answer that is not a success has one JSON shape, with DEBUG on or off:

    {"error": {"code": "…", "message": "…", "details": {…}}}

Django's own error pages (the debug pages included) are for the HTML site only.
"""

import pytest
from django.test import Client, override_settings

RESOLVE = "/api/v1/resolve/"
BODY = '{"keys": [{"category": "x", "region": "CN", "year": 2022, "unit": "kWh"}]}'

debug_on_and_off = pytest.mark.parametrize("debug", [True, False], ids=["DEBUG on", "DEBUG off"])


def assert_error_shape(response, status: int, code: str) -> None:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    error = response.json()["error"]
    # A server error also names the request's id (X-Request-ID), so it can be found in the logs.
    assert set(error) == {"code", "message", "details"} | ({"request_id"} if status >= 500 else set())
    assert error["code"] == code
    assert isinstance(error["message"], str)
    assert error["message"]
    assert isinstance(error["details"], dict)


@pytest.mark.django_db
@debug_on_and_off
@pytest.mark.parametrize("path", ["/api/v1/nowhere/", "/api/v2/", "/api/", "/api/v1/factors/x/y/z/"])
def test_an_unknown_api_address_is_a_json_404(client, settings, debug, path):
    settings.DEBUG = debug
    assert_error_shape(client.get(path), 404, "not_found")


@pytest.mark.django_db
@debug_on_and_off
def test_a_post_without_its_trailing_slash_is_a_json_404_not_a_500(client, settings, debug):
    # With DEBUG on, Django's slash redirect refuses a POST with a RuntimeError (a 500).
    settings.DEBUG = debug
    response = client.post(RESOLVE.rstrip("/"), BODY, content_type="application/json")
    assert_error_shape(response, 404, "not_found")


@pytest.mark.django_db
@debug_on_and_off
def test_a_method_the_address_does_not_take_is_a_json_405(client, settings, debug):
    settings.DEBUG = debug
    response = client.get(RESOLVE)
    assert_error_shape(response, 405, "method_not_allowed")
    assert "POST" in response["Allow"]


@pytest.mark.django_db
@debug_on_and_off
def test_a_body_of_a_type_the_api_does_not_read_is_a_json_415(client, settings, debug):
    settings.DEBUG = debug
    assert_error_shape(client.post(RESOLVE, BODY, content_type="text/plain"), 415, "unsupported_media_type")


@pytest.mark.django_db
@debug_on_and_off
@pytest.mark.parametrize("path", [RESOLVE, "/api/v1/calculate/"])
def test_a_body_over_the_upload_limit_is_a_json_413(client, settings, debug, path):
    settings.DEBUG = debug
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = client.post(path, BODY + " " * 1000, content_type="application/json")
    assert_error_shape(response, 413, "payload_too_large")


@pytest.mark.django_db
@debug_on_and_off
def test_a_failing_api_view_is_a_json_500(settings, debug):
    settings.DEBUG = debug
    with override_settings(ROOT_URLCONF="tests.api.urls_that_raise"):
        response = Client(raise_request_exception=False).get("/api/v1/broken/")
    assert_error_shape(response, 500, "server_error")
    assert "a bug in an API view" not in response.content.decode()  # nothing of the code leaks
    assert response.json()["error"]["request_id"] == response["X-Request-ID"]


@pytest.mark.django_db
def test_a_failing_page_keeps_the_html_error_page(settings):
    settings.DEBUG = False
    with override_settings(ROOT_URLCONF="tests.api.urls_that_raise"):
        response = Client(raise_request_exception=False).get("/broken/")
    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.django_db
def test_an_unknown_page_keeps_the_html_404(client, settings):
    settings.DEBUG = False
    response = client.get("/nowhere/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_the_project_names_its_own_error_handlers():
    from factordb import urls

    assert urls.handler404 == "api.exceptions.not_found"
    assert urls.handler500 == "api.exceptions.server_error"


def test_a_workflow_conflict_is_a_409_coded_conflict():
    from api.exceptions import error_handler
    from factordb.errors import WorkflowError

    response = error_handler(WorkflowError("this version was decided in another tab"), {})

    assert response.status_code == 409
    assert response.data["error"]["code"] == "conflict"
    assert response.data["error"]["message"] == "this version was decided in another tab"
