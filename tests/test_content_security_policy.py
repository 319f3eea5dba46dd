"""The Content-Security-Policy (docs/adr/0037): enforced on every kind of answer, with nothing
inline allowed, and no page of the site that needs anything inline. The browser twin,
tests/browser/test_content_security_policy.py, asks a real browser whether it refused anything."""

import re

import pytest
from django.test import Client

from tests.every_page import SECOND_FACTOR_PAGES, everyone_s_worker, newcomer, public_pages, staff_pages
from tests.permission_matrix import PASSWORD

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded")]

HEADER = "Content-Security-Policy"
OTHER_ANSWERS = [
    "/api/v1/factors/", "/api/v1/schema/", "/api/v1/docs/?script=", "/api/v1/factors/NO-SUCH-FACTOR/",
    "/api/v1/factors/?page=0", "/api/nowhere/", "/api/v1/broken/", "/broken/", "/nowhere/", "/healthz",
    "/robots.txt", "/sitemap.xml", "/static/css/site.css", "/static/favicon.svg",
]
# Anything the policy would refuse to run or apply: a <script> with a body (JSON data blocks
# aside), a <style> block, a style= attribute, an on…= event handler.
INLINE = re.compile(
    r"""<script(?![^>]*\bsrc=)(?![^>]*\btype="application/(?:ld\+)?json")[^>]*>\s*[^<\s]"""
    r"""|<style\b|<[a-z][^>]*\sstyle=|<[a-z][^>]*\son[a-z]+=""",
    re.IGNORECASE)


@pytest.fixture(autouse=True)
def _pages_that_fail(settings):
    """The site's addresses, plus a page and an API view that fail (the 500s)."""
    settings.ROOT_URLCONF = "tests.api.urls_that_raise"


def answers_to(anonymous_paths: list[str]) -> dict:
    """Each of `anonymous_paths` asked by a visitor, each page of the second factor by staff
    past the password, then each staff page by staff past both."""
    anonymous, enrolling, staff = (Client(raise_request_exception=False) for _ in range(3))
    enrolling.post("/accounts/login/", {"username": newcomer().username, "password": PASSWORD})
    user = everyone_s_worker()
    staff.force_login(user)
    asked = [*((anonymous, path) for path in anonymous_paths),
             *((enrolling, path) for path in SECOND_FACTOR_PAGES),
             *((staff, path) for path in staff_pages(user))]
    return {path: client.get(path) for client, path in asked}


def test_every_kind_of_answer_carries_the_enforced_policy():
    answers = answers_to([*public_pages(), *OTHER_ANSWERS])

    assert [path for path, answer in answers.items() if HEADER not in answer] == []
    assert len({answer[HEADER] for answer in answers.values()}) == 1  # one policy for all
    assert [path for path, answer in answers.items() if f"{HEADER}-Report-Only" in answer] == []
    # Errors too: what a failing page shows is held to the same policy.
    assert {answers[path].status_code for path in ("/nowhere/", "/broken/", "/api/v1/broken/")} == {404, 500}


def test_a_form_refused_by_the_csrf_check_gets_a_page_with_nothing_inline():
    refused = Client(enforce_csrf_checks=True).post("/accounts/login/", {"username": "a", "password": "b"})

    assert refused.status_code == 403
    assert HEADER in refused
    assert INLINE.search(refused.content.decode()) is None
    assert "无法提交表单" in refused.content.decode()  # ours, not Django's own page


def test_the_policy_allows_nothing_inline_and_no_eval():
    policy = Client().get("/api/v1/factors/")[HEADER]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))

    assert "unsafe-" not in policy  # 'unsafe-inline', 'unsafe-eval', 'unsafe-hashes'
    assert directives == {
        "default-src": "'self'", "script-src": "'self'", "style-src": "'self'",
        "img-src": "'self' data:",  # Swagger UI's icons
        "object-src": "'none'", "base-uri": "'self'", "form-action": "'self'", "frame-ancestors": "'none'",
    }


def test_no_page_holds_anything_inline():
    rendered = answers_to([*public_pages(), "/broken/", "/nowhere/"])

    assert {path: answer.status_code for path, answer in rendered.items() if answer.status_code != 200} == {
        "/factors/NO-SUCH-FACTOR/": 404, "/nowhere/": 404, "/broken/": 500,
        "/api/v1/resolve/?format=api": 405}  # POST only: the page of its form
    assert {path: INLINE.findall(answer.content.decode()) for path, answer in rendered.items()
            if INLINE.search(answer.content.decode())} == {}


def test_the_scan_sees_what_a_browser_would_refuse():
    refused = ['<script>go()</script>', '<style>p{}</style>', '<p style="color: red">',
               '<a href="#" onclick="go()">', '<script type="text/javascript">\ngo()</script>']
    allowed = ['<script src="/static/js/cite.js" defer></script>', '<link rel="stylesheet" href="/s.css">',
               '<script type="application/json" id="data">{"a": 1}</script>', '<p data-style="x">']

    assert [html for html in refused if not INLINE.search(html)] == []
    assert [html for html in allowed if INLINE.search(html)] == []
