"""Releases: the list, one release with its diff and files, and the downloads page."""

from django.http import Http404, HttpRequest, HttpResponse


def release_list(request: HttpRequest) -> HttpResponse:
    raise Http404


def release_detail(request: HttpRequest, name: str) -> HttpResponse:
    raise Http404


def downloads(request: HttpRequest) -> HttpResponse:
    raise Http404
