"""No address or query a visitor can type makes a public page fail, or run their script.

Every public page is tried with the same hostile queries: unknown parameters, years and page
numbers out of range or not numbers, script in any field, a language that does not exist.
Each answers below 500, logs no server error, and shows what was typed only escaped.
"""

import logging

import pytest
from django.urls import reverse

from tests.factories import PublishedVersionFactory, ReleaseFactory, SourceFactory

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
HOSTILE_QUERIES = [
    "unknown=1&another=2",
    "year=abc", "year=99999", "year=-1", "year=1e9", "year=2022&year=abc",
    "page=-1", "page=abc", "page=999999", "page=0",
    "per_page=100000", "per_page=-5",
    f"q={SCRIPT}", "q=" + "全国" * 3000, "q=%EF%BC%8C%EF%BC%8C%EF%BC%8C",
    f"category={SCRIPT}", "region=NOPE", "gas=NOPE", "unit=NOPE", "source=abc", "source=99999999999999999999",
    "boundary=nope", "method=nope", "dataset=nope",
    "sort=;drop table", "ordering=nope",
    "as_of=garbage", "as_of=9999-12-31", "as_of=2024-02-30", "release=nope", f"release={SCRIPT}",
    "gwp=XX", f"gwp={SCRIPT}",
]


@pytest.fixture
def pages():
    """Every public page, with a record of its own where it shows one."""
    version = PublishedVersionFactory()
    source = SourceFactory()
    factor = version.factor
    release = ReleaseFactory(name="hostile.1")
    return [
        reverse("home"), reverse("factor_search"), reverse("search"), reverse("factor_export"),
        reverse("compare"),
        reverse("factor", args=[factor.public_id]), reverse("categories"),
        reverse("category", args=[factor.category.code]), reverse("regions"),
        reverse("region", args=[factor.region.code]), reverse("releases"),
        reverse("release", args=[release.name]), reverse("downloads"), reverse("sources"),
        reverse("source", args=[source.pk]), reverse("methodology"), reverse("developers"),
        reverse("about"),
    ]


@pytest.fixture
def server_errors(caplog):
    caplog.set_level(logging.ERROR, logger="django")
    return caplog


def assert_answered_sensibly(response, server_errors) -> None:
    assert response.status_code < 500, response.status_code
    assert [r.getMessage() for r in server_errors.records if r.levelno >= logging.ERROR] == []
    assert SCRIPT.encode() not in response.content


@pytest.mark.parametrize("query", HOSTILE_QUERIES)
def test_no_hostile_query_makes_a_page_fail(client, pages, query, server_errors):
    for path in pages:
        response = client.get(f"{path}?{query}", follow=True)
        assert_answered_sensibly(response, server_errors)


@pytest.mark.parametrize("path", ["/fr/", "/xx/factors/", "/zh-hant/factors/", "/en-gb/"])
def test_a_language_that_does_not_exist_is_a_missing_page(client, path, server_errors):
    response = client.get(path)

    assert response.status_code == 404
    assert_answered_sensibly(response, server_errors)


def test_an_unknown_language_asked_by_the_browser_gets_the_default(client, pages, server_errors):
    for path in pages:
        response = client.get(path, HTTP_ACCEPT_LANGUAGE="fr-FR,xx;q=0.9")
        assert_answered_sensibly(response, server_errors)
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            assert 'lang="zh-hans"' in response.content.decode()


def test_script_in_an_address_is_never_run(client, server_errors):
    for path in [f"/factors/{SCRIPT}/", f"/categories/{SCRIPT}/", f"/releases/{SCRIPT}/",
                 f"/regions/{SCRIPT}/"]:
        response = client.get(path)
        assert response.status_code == 404
        assert_answered_sensibly(response, server_errors)
