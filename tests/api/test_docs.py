"""/api/v1/docs/: Swagger UI from the site's own static files, never from a CDN, with DEBUG on or off."""

from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.test import Client

# Closing a response signals request_finished, which checks the database connection.
pytestmark = pytest.mark.django_db

DOCS = "/api/v1/docs/"
JAVASCRIPT = ("text/javascript", "application/javascript")


class _Addresses(HTMLParser):
    """Every address the page makes a browser load, and whether any script is inline."""

    def __init__(self) -> None:
        super().__init__()
        self.loaded: list[str] = []
        self.inline_scripts = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script":
            if attrs.get("src"):
                self.loaded.append(attrs["src"])
            else:
                self.inline_scripts += 1
        elif tag == "link" and attrs.get("href"):
            self.loaded.append(attrs["href"])


def page_addresses(client: Client) -> _Addresses:
    response = client.get(DOCS)
    assert response.status_code == 200
    parser = _Addresses()
    parser.feed(response.content.decode())
    return parser


def assert_served_by_us(client: Client, address: str) -> None:
    response = client.get(address)
    assert response.status_code == 200, address
    content_type = response["Content-Type"]
    # nosniff is on: a browser runs a script only if it is served as JavaScript.
    assert response["X-Content-Type-Options"] == "nosniff"
    if address.endswith(".css"):
        assert content_type.startswith("text/css"), address
    elif address.endswith(".png"):
        assert content_type == "image/png", address
    else:
        assert content_type.startswith(JAVASCRIPT), (address, content_type)
    response.close()  # a static file is streamed from an open file


def test_the_docs_page_names_no_other_site(client):
    html = client.get(DOCS).content.decode()
    assert "http://" not in html
    assert "https://" not in html
    assert "//cdn" not in html


def test_everything_the_docs_page_loads_is_ours_and_served(settings, client):
    settings.DEBUG = True  # as `make run` serves: whitenoise finds the files where they lie
    page = page_addresses(client)
    assert any("swagger-ui-bundle" in address for address in page.loaded)
    for address in page.loaded:
        assert urlsplit(address).netloc == "", address  # same origin: a path, no host
        assert address.startswith("/"), address
        assert_served_by_us(client, address)


def test_the_docs_page_has_no_inline_script_a_content_security_policy_would_block(client):
    page = page_addresses(client)
    assert page.inline_scripts == 0
    assert any(address.startswith(f"{DOCS}?script") for address in page.loaded)


def test_the_docs_script_reads_our_own_schema(client):
    script = client.get(f"{DOCS}?script=").content.decode()
    assert '"/api/v1/schema/"' in script
    assert "http://" not in script
    assert "https://" not in script


def test_the_docs_work_with_debug_off_from_collected_static_files(settings, tmp_path):
    """As production serves them: collectstatic, hashed names, whitenoise, no finders."""
    settings.DEBUG = False
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}}
    call_command("collectstatic", "--noinput", verbosity=0)
    client = Client()  # a new handler: whitenoise reads the collected files when it starts

    page = page_addresses(client)
    static = [address for address in page.loaded if address.startswith("/static/")]
    assert len(static) == 5  # favicon, Swagger UI's stylesheet and the page's own, the two bundles
    for address in page.loaded:
        assert_served_by_us(client, address)
    # Hashed names (the manifest's), which whitenoise serves with a far-future expiry.
    bundle = next(address for address in static if "swagger-ui-bundle" in address)
    assert bundle != "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js"
    assert "immutable" in client.get(bundle)["Cache-Control"]
