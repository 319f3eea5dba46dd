"""CORS: a calculator in a browser on an allowed site may read the API; nothing else changes."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

CALCULATOR = "https://calculator.example.com"
STRANGER = "https://stranger.example.net"
RESOLVE = "/api/v1/resolve/"


@pytest.fixture(autouse=True)
def _allowed_origins(settings):
    settings.CORS_ALLOWED_ORIGINS = [CALCULATOR]


def preflight(client, path: str, origin: str, method: str = "POST", headers: str = "content-type"):
    return client.options(path, HTTP_ORIGIN=origin, HTTP_ACCESS_CONTROL_REQUEST_METHOD=method,
                          HTTP_ACCESS_CONTROL_REQUEST_HEADERS=headers)


@pytest.mark.django_db
def test_a_preflight_from_an_allowed_origin_may_post_json_with_an_api_key(client):
    response = preflight(client, RESOLVE, CALCULATOR, headers="content-type, x-api-key")
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == CALCULATOR
    assert "POST" in response["Access-Control-Allow-Methods"]
    allowed_headers = {h.strip() for h in response["Access-Control-Allow-Headers"].split(",")}
    assert {"content-type", "x-api-key", "authorization"} <= allowed_headers
    assert not response.has_header("Access-Control-Allow-Credentials")


@pytest.mark.django_db
def test_a_preflight_from_another_origin_is_a_403_naming_the_origin(client):
    response = preflight(client, RESOLVE, STRANGER)
    assert response.status_code == 403
    assert not response.has_header("Access-Control-Allow-Origin")
    error = response.json()["error"]
    assert error["code"] == "permission_denied"
    assert STRANGER in error["details"]["origin"][0]


@pytest.mark.django_db
def test_a_preflight_without_any_origin_is_refused_too(client):
    response = client.options(RESOLVE, HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST")
    assert response.status_code == 403
    assert set(response.json()["error"]) == {"code", "message", "details"}


@pytest.mark.django_db
def test_a_plain_options_request_is_no_preflight_and_is_answered_as_before(client):
    response = client.options(RESOLVE, HTTP_ORIGIN=STRANGER)
    assert response.status_code == 200
    assert not response.has_header("Access-Control-Allow-Origin")


@pytest.mark.django_db
def test_an_allowed_origin_reads_an_answer_and_its_etag(client):
    response = client.get("/api/v1/units/", HTTP_ORIGIN=CALCULATOR)
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == CALCULATOR
    exposed = {name.strip() for name in response["Access-Control-Expose-Headers"].split(",")}
    assert {"ETag", "X-Request-ID"} <= exposed  # a report of a failure can quote the request's id
    assert "origin" in response["Vary"].lower()  # a shared cache keeps answers per origin
    assert not response.has_header("Access-Control-Allow-Credentials")


@pytest.mark.django_db
def test_an_allowed_origin_reads_the_error_too(client):
    bad = client.post("/api/v1/calculate/", {"amount": "lots", "unit": "kWh"},
                      content_type="application/json", HTTP_ORIGIN=CALCULATOR)
    unknown = client.get("/api/v1/nowhere/", HTTP_ORIGIN=CALCULATOR)
    assert (bad.status_code, unknown.status_code) == (400, 404)
    assert bad["Access-Control-Allow-Origin"] == unknown["Access-Control-Allow-Origin"] == CALCULATOR
    assert "error" in bad.json()
    assert "error" in unknown.json()


@pytest.mark.django_db
def test_another_origin_gets_the_answer_without_cors_headers(client):
    response = client.get("/api/v1/units/", HTTP_ORIGIN=STRANGER)
    assert response.status_code == 200  # a browser will not hand it to the stranger's script
    assert not response.has_header("Access-Control-Allow-Origin")


@pytest.mark.django_db
def test_only_the_api_answers_cross_origin(client):
    page = client.get("/methodology/", HTTP_ORIGIN=CALCULATOR)
    assert page.status_code == 200
    assert not page.has_header("Access-Control-Allow-Origin")
    page_preflight = preflight(client, "/factors/", CALCULATOR, method="GET")
    assert not page_preflight.has_header("Access-Control-Allow-Origin")


def test_the_allowed_origins_come_from_the_environment():
    env = {"PATH": os.environ["PATH"], "DEBUG": "1", "ENV_FILE": "",
           "CORS_ALLOWED_ORIGINS": f"{CALCULATOR},https://other.example.org"}
    code = "from factordb import settings; import json; print(json.dumps(settings.CORS_ALLOWED_ORIGINS))"
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True,
                            cwd=Path(__file__).resolve().parents[2])
    assert json.loads(result.stdout) == [CALCULATOR, "https://other.example.org"]
