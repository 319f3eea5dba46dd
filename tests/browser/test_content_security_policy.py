"""In a real browser, one page of every kind, the admin and the API docs included: the
Content-Security-Policy (docs/adr/0037) is enforced on each, and the browser refuses nothing
on any of them. One browser session visits them all in turn."""

import pytest
from django.conf import settings
from django.test import Client

from tests.every_page import SECOND_FACTOR_PAGES, everyone_s_worker, newcomer, public_pages, staff_pages
from tests.permission_matrix import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

# Each refusal, noted by the page itself before any of its own scripts run.
LISTEN = """document.addEventListener("securitypolicyviolation", (event) => {
    window.cspRefusals = window.cspRefusals || [];
    window.cspRefusals.push(
        `${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`);
});"""


def session_cookie(user, url: str) -> dict:
    """The session of `user` signed in (the second factor passed, tests/conftest.py), for the browser."""
    client = Client()
    client.force_login(user)
    name = settings.SESSION_COOKIE_NAME
    return {"name": name, "value": client.cookies[name].value, "url": url}


def sign_in(page, base: str, user) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.locator("button[type=submit], input[type=submit]").last.click()
    page.wait_for_load_state()


def visit(page, url: str, refusals: dict[str, list[str]]) -> str | None:
    """Opens `url`; notes what the browser refused there; answers its enforced policy."""
    response = page.goto(url)
    if "/api/v1/docs/" in url:  # Swagger UI draws the operations after fetching the schema
        page.locator(".opblock").first.wait_for()
    page.wait_for_load_state("load")
    refused = page.evaluate("window.cspRefusals || []")
    if refused:
        refusals[url] = refused
    return response.header_value("content-security-policy")


def test_no_page_of_any_kind_has_anything_refused(live_server, page, seeded):
    refusals, without_policy, signed_out, console = {}, [], [], []
    page.on("console", lambda message: console.append(message.text)
            if message.text.startswith("Refused to") else None)
    page.context.add_init_script(LISTEN)
    worker = everyone_s_worker()

    def visit_each(paths: list[str], *, signed_in: bool) -> None:
        for path in paths:
            if not visit(page, live_server.url + path, refusals):
                without_policy.append(path)
            if signed_in and "/login/" in page.url:
                signed_out.append(path)

    visit_each(public_pages(), signed_in=False)
    sign_in(page, live_server.url, newcomer())  # past the password only
    visit_each(SECOND_FACTOR_PAGES, signed_in=True)
    page.context.add_cookies([session_cookie(worker, live_server.url)])  # past both factors
    visit_each(staff_pages(worker), signed_in=True)
    # And once in use: the new factor form opens an autocomplete list (select2, its answers fetched).
    visit(page, live_server.url + "/admin/factordb/factor/add/", refusals)
    page.locator(".select2-selection").first.click()
    page.locator(".select2-results__option").first.wait_for()
    if refused := page.evaluate("window.cspRefusals || []"):
        refusals["autocomplete"] = refused

    assert signed_out == []
    assert without_policy == []
    assert refusals == {}
    assert console == []
