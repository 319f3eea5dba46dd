"""The site's 404 and 500 pages, in the language of the address asked for.

This module is also the URLconf of its 500 tests: the project's addresses plus a page that
fails, in both languages."""

import pytest
from django.conf.urls.i18n import i18n_patterns
from django.test import Client
from django.urls import path

from factordb.urls import handler404, handler500
from factordb.urls import urlpatterns as project_urlpatterns
from tests.factordb.views.public.test_home import parsed

pytestmark = pytest.mark.django_db


class Broken(Exception):
    """A bug in a page."""


def page_that_raises(request):
    raise Broken("a bug in a page")


urlpatterns = [
    *i18n_patterns(path("broken/", page_that_raises), prefix_default_language=False),
    *project_urlpatterns,
]
__all__ = ["handler404", "handler500", "urlpatterns"]


@pytest.fixture(autouse=True)
def _debug_off(settings):
    settings.DEBUG = False  # the site's own pages, not Django's technical ones


@pytest.mark.parametrize(("path", "language", "heading"), [
    ("/factors/NOPE/", "zh-hans", "找不到此页面"),
    ("/en/factors/NOPE/", "en", "Page not found"),
])
def test_an_unknown_factor_is_the_404_page_of_its_language(client, path, language, heading):
    response = client.get(path)

    assert response.status_code == 404
    content = response.content.decode()
    assert f'<html lang="{language}">' in content
    assert f"<h1>{heading}</h1>" in content
    assert f'<code class="asked-path">{path}</code>' in content


def test_the_404_page_offers_a_search_and_the_way_home(client):
    page = parsed(client.get("/en/nowhere/"))

    (form,) = [f for f in page.forms if f.get("action") == "/en/factors/"]
    (field,) = [i for i in form["inputs"] if i.get("name") == "q"]
    assert field["id"] in form["labels"]
    assert {"/en/", "/en/factors/"} <= {href for href, _text in page.links}


def test_the_asked_address_is_shown_escaped(client):
    content = client.get("/factors/<script>/").content.decode()

    assert "<script>" not in content


@pytest.mark.parametrize(("path", "language", "heading", "home"), [
    ("/broken/", "zh-hans", "服务器出错", 'href="/"'),
    ("/en/broken/", "en", "Server error", 'href="/en/"'),
])
def test_a_failing_page_is_the_500_page_of_its_language(settings, path, language, heading, home):
    settings.ROOT_URLCONF = __name__
    client = Client()
    client.raise_request_exception = False

    response = client.get(path)

    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")
    content = response.content.decode()
    assert f'<html lang="{language}">' in content
    assert f"<h1>{heading}</h1>" in content
    assert home in content
    assert "a bug in a page" not in content  # nothing of the code leaks
