"""Requests no honest client sends: a path that climbs out of a download, malformed headers, a body
over the limit. Each is refused or answered as usual, never a 500, and nothing leaks."""

import pytest
from django.test import Client

from tests.factories import PublishedVersionFactory

pytestmark = pytest.mark.django_db

CLIMBS = ["..%2F..%2Ffactordb%2Fsettings.py", "%2e%2e%2f%2e%2e%2fmanage.py", "..%5C..%5Cmanage.py",
          "....//....//manage.py", "%252e%252e%252fmanage.py"]


DOWNLOADS = ["/static/{}", "/static/css/{}", "/api/v1/releases/{}/download.csv",
             "/api/v1/releases/{}/download.json", "/api/v1/releases/{}/datapackage.json", "/releases/{}/",
             "/factors/{}/"]


@pytest.mark.parametrize("climb", CLIMBS)
def test_a_path_that_climbs_out_of_a_download_finds_nothing(client, climb):
    for template in DOWNLOADS:
        response = client.get(template.format(climb))

        assert response.status_code in (400, 404), template
        body = b"".join(response) if response.streaming else response.content
        assert b"SECRET_KEY" not in body
        assert b"DJANGO_SETTINGS_MODULE" not in body


@pytest.fixture
def published():
    return PublishedVersionFactory()


MALFORMED = {
    "HTTP_ACCEPT_LANGUAGE": "zh-hans;q=abc, ;;;, en;q=1.5, " + "x" * 500,
    "HTTP_IF_NONE_MATCH": 'W/"unterminated, *, ""',
    "HTTP_IF_MODIFIED_SINCE": "yesterday at noon",
    "HTTP_X_FORWARDED_FOR": "999.1.1.1, not-an-address, ::ffff:zz",
    "HTTP_COOKIE": 'sessionid="; csrftoken=\\x00; =; ;;',
    "HTTP_CACHE_CONTROL": "no-cache=\"unterminated, max-age=-1",
    "HTTP_ACCEPT": "application/json;q=nonsense, */*;;",
    "HTTP_RANGE": "bytes=999999999-1",
    "HTTP_ORIGIN": "http://[::1",
}


@pytest.mark.parametrize("header", sorted(MALFORMED))
def test_a_malformed_header_is_never_a_server_error(published, header):
    for path in ("/api/v1/factors/{}/", "/factors/{}/", "/api/v1/factors/"):
        response = Client().get(path.format(published.factor.public_id), **{header: MALFORMED[header]})

        assert response.status_code < 500, (header, path, response.status_code)


@pytest.mark.parametrize("host", ["evil.example", "127.0.0.1:notaport", "a..b", "[::1", "x" * 300])
def test_a_host_the_site_does_not_serve_is_a_400(host):
    response = Client().get("/", HTTP_HOST=host)

    assert response.status_code == 400


def test_a_form_body_over_the_limit_is_refused_and_changes_nothing(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000

    response = client.post("/accounts/login/", {"username": "x" * 5000, "password": "y"})

    assert response.status_code == 400
    assert not response.cookies.get("sessionid")
