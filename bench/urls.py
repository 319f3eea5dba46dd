"""The site's URLs and a bare view: a fixed JsonResponse through the same middleware,
gunicorn and settings, so the API's figures can be read as ratios to it."""

from django.http import HttpRequest, JsonResponse
from django.urls import path

from factordb.urls import handler404  # noqa: F401
from factordb.urls import urlpatterns as site_urlpatterns

BODY = {"public_id": "EF0000000", "co2e_total": "0.5366", "unit": "kWh"}


def bare(request: HttpRequest) -> JsonResponse:
    return JsonResponse(BODY)


urlpatterns = [path("bench/bare/", bare), *site_urlpatterns]
