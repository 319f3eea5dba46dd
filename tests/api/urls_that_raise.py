"""The project's URLs and error handlers, plus two views that fail: one under /api/, one not;
and an API view whose model refuses its values (a Django ValidationError from model.clean())."""

import datetime as dt

from django.urls import path
from rest_framework.decorators import api_view

from factordb.models import FactorVersion
from factordb.urls import handler404, handler500, urlpatterns


class Broken(Exception):
    """A bug in a view."""


@api_view(["GET"])
def api_view_that_raises(request):
    raise Broken("a bug in an API view")


@api_view(["GET"])
def api_view_whose_model_refuses(request):
    FactorVersion(valid_from=dt.date(2025, 1, 1), valid_to=dt.date(2024, 1, 1)).clean()


def page_that_raises(request):
    raise Broken("a bug in a page")


urlpatterns = [
    path("api/v1/broken/", api_view_that_raises),
    path("api/v1/refused-by-the-model/", api_view_whose_model_refuses),
    path("broken/", page_that_raises),
    *urlpatterns,
]

__all__ = ["handler404", "handler500", "urlpatterns"]
