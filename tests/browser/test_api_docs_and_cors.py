"""In a real browser: the API docs work with no other site reachable, and a page on an allowed
origin calls the API across origins while a page elsewhere cannot."""

import json
import threading
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest

from tests.factories import CategoryFactory, PublishedVersionFactory

pytestmark = pytest.mark.django_db(transaction=True)

GRID_KEY = {"category": "energy.electricity.grid_average", "region": "CN", "year": 2022, "unit": "kWh"}


def test_swagger_ui_renders_the_api_loading_nothing_from_another_site(live_server, page):
    own = urlsplit(live_server.url).netloc
    foreign = []

    def only_our_own(route):
        if urlsplit(route.request.url).netloc == own:
            route.continue_()
        else:  # as offline: nothing else is reachable
            foreign.append(route.request.url)
            route.abort()

    page.route("**/*", only_our_own)
    page.goto(live_server.url + "/api/v1/docs/")

    page.locator(".opblock-summary-path", has_text="/api/v1/resolve/").first.wait_for()
    assert page.locator(".opblock").count() >= 20
    assert foreign == []


def fetch_resolve(page, api: str) -> dict:
    """What a calculator's script on the page gets from POSTing a key to resolve/ at `api`."""
    return page.evaluate("""async ([url, body]) => {
        try {
            const response = await fetch(url, {method: "POST", body,
                headers: {"Content-Type": "application/json"}});
            return {status: response.status, body: await response.json()};
        } catch (error) {
            return {blocked: String(error)};
        }
    }""", [api + "/api/v1/resolve/", json.dumps({"keys": [GRID_KEY]})])


@pytest.fixture
def grid_2022():
    return PublishedVersionFactory(co2e_total=Decimal("0.5366"), factor__year=2022,
                                   factor__category=CategoryFactory(code=GRID_KEY["category"]))


class CalculatorPage(BaseHTTPRequestHandler):
    """An empty page of another site, without our Content-Security-Policy, which lets our own
    pages call only our own site (docs/adr/0037)."""

    def do_GET(self) -> None:
        body = b"<!DOCTYPE html><title>Calculator</title>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def calculator():
    """The origin of a calculator's site: a server of its own on the loopback address, as a
    browser lets a page there call another loopback address."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), CalculatorPage)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def test_a_page_on_an_allowed_origin_posts_to_resolve_across_origins(live_server, page, settings, grid_2022,
                                                                    calculator):
    settings.CORS_ALLOWED_ORIGINS = [calculator]
    page.goto(calculator)

    answer = fetch_resolve(page, live_server.url)

    assert answer.get("status") == 200, answer
    assert answer["body"]["results"][0]["factor_public_id"] == grid_2022.factor.public_id


def test_a_page_on_another_origin_is_refused_by_the_browser(live_server, page, settings, grid_2022,
                                                            calculator):
    settings.CORS_ALLOWED_ORIGINS = ["https://calculator.example.com"]
    page.goto(calculator)

    assert "blocked" in fetch_resolve(page, live_server.url)
