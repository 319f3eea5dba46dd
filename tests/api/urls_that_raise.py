"""The project's URLs and error handlers, plus two views that fail: one under /api/, one not."""

from django.urls import path
from rest_framework.decorators import api_view

from factordb.urls import handler404, handler500, urlpatterns


class Broken(Exception):
    """A bug in a view."""


@api_view(["GET"])
def api_view_that_raises(request):
    raise Broken("a bug in an API view")


def page_that_raises(request):
    raise Broken("a bug in a page")


urlpatterns = [
    path("api/v1/broken/", api_view_that_raises),
    path("broken/", page_that_raises),
    *urlpatterns,
]

__all__ = ["handler404", "handler500", "urlpatterns"]
