"""In a real browser: the API docs work with no other site reachable, and a page on an allowed
origin calls the API across origins while a page elsewhere cannot."""

import json
from decimal import Decimal
from urllib.parse import urlsplit

import pytest

from tests.factories import CategoryFactory, PublishedVersionFactory

pytestmark = pytest.mark.django_db(transaction=True)

GRID_KEY = {"category": "energy.electricity.grid_average", "region": "CN", "year": 2022, "unit": "kWh"}


def other_origin(url: str) -> str:
    """The same live server under its other loopback name: another origin to the browser."""
    parts = urlsplit(url)
    host = "127.0.0.1" if parts.hostname == "localhost" else "localhost"
    return f"{parts.scheme}://{host}:{parts.port}"


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


def test_a_page_on_an_allowed_origin_posts_to_resolve_across_origins(live_server, page, settings, grid_2022):
    api = other_origin(live_server.url)
    settings.CORS_ALLOWED_ORIGINS = [live_server.url]
    page.goto(live_server.url + "/about/")

    answer = fetch_resolve(page, api)

    assert answer["status"] == 200, answer
    assert answer["body"]["results"][0]["factor_public_id"] == grid_2022.factor.public_id


def test_a_page_on_another_origin_is_refused_by_the_browser(live_server, page, settings, grid_2022):
    api = other_origin(live_server.url)
    settings.CORS_ALLOWED_ORIGINS = ["https://calculator.example.com"]
    page.goto(live_server.url + "/about/")

    assert "blocked" in fetch_resolve(page, api)
