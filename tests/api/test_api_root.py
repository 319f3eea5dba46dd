"""/api/v1/: the root lists every endpoint a client starts from."""

from urllib.parse import urlsplit

import pytest
from django.urls import URLPattern, URLResolver, resolve

from api import urls as api_urls

ROOT = "/api/v1/"


def parameterless_api_routes() -> set[str]:
    """The name of every API address without a parameter (an object's addresses have one),
    other than the root itself and DRF's format-suffix variants."""
    names = set()
    patterns = list(api_urls.urlpatterns)
    while patterns:
        pattern = patterns.pop()
        if isinstance(pattern, URLResolver):
            patterns.extend(pattern.url_patterns)
        elif isinstance(pattern, URLPattern) and pattern.name and not pattern.pattern.regex.groups:
            names.add(pattern.name)
    return names - {"api-root"}


@pytest.mark.django_db
def test_the_root_lists_every_endpoint_without_a_parameter(api):
    listed = api.get(ROOT).json()
    reached = {resolve(urlsplit(address).path).url_name for address in listed.values()}
    assert reached == parameterless_api_routes()
    assert {"resolve", "calculate", "changes", "releases", "units", "schema", "docs"} <= set(listed)


@pytest.mark.django_db
def test_the_root_gives_absolute_addresses_on_the_host_asked(api):
    listed = api.get(ROOT, HTTP_HOST="localhost").json()
    assert listed["resolve"] == "http://localhost/api/v1/resolve/"
    assert listed["docs"] == "http://localhost/api/v1/docs/"
