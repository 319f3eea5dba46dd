"""Regions side by side: one category and year, every province's and grid's value."""

from django.http import Http404, HttpRequest, HttpResponse


def region_comparison(request: HttpRequest) -> HttpResponse:
    raise Http404
