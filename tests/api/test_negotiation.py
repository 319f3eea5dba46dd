"""The short way to JSON gives what DRF's own negotiation gives, and leaves it the rest."""

import pytest
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from api.negotiation import JsonFirstNegotiation

RENDERERS = [JSONRenderer(), BrowsableAPIRenderer()]


def _request(accept: str | None, query: str = "") -> Request:
    headers = {} if accept is None else {"HTTP_ACCEPT": accept}
    return Request(APIRequestFactory().get(f"/api/v1/units/{query}", **headers))


@pytest.mark.parametrize(("accept", "query"), [
    (None, ""), ("*/*", ""), ("application/json", ""), ("text/html", ""),
    ("text/html,application/xhtml+xml,*/*;q=0.8", ""), ("application/json; indent=4", ""),
    ("*/*", "?format=api"), (None, "?format=json"),
])
def test_it_chooses_what_drf_chooses(accept, query):
    ours = JsonFirstNegotiation().select_renderer(_request(accept, query), RENDERERS)
    drfs = DefaultContentNegotiation().select_renderer(_request(accept, query), RENDERERS)
    assert (type(ours[0]), ours[1]) == (type(drfs[0]), drfs[1])


def test_an_unacceptable_accept_is_still_a_406(api):
    response = api.get("/api/v1/units/", HTTP_ACCEPT="application/xml")
    assert response.status_code == 406
