"""Browsing by category and by region."""

from django.http import Http404, HttpRequest, HttpResponse


def category_list(request: HttpRequest) -> HttpResponse:
    raise Http404


def category_detail(request: HttpRequest, code: str) -> HttpResponse:
    raise Http404


def region_list(request: HttpRequest) -> HttpResponse:
    raise Http404


def region_detail(request: HttpRequest, code: str) -> HttpResponse:
    raise Http404
