"""Pages of explanation: methodology, calculator developers, about; robots.txt and the icon."""

from django.http import Http404, HttpRequest, HttpResponse


def methodology(request: HttpRequest) -> HttpResponse:
    raise Http404


def developers(request: HttpRequest) -> HttpResponse:
    raise Http404


def about(request: HttpRequest) -> HttpResponse:
    raise Http404


def robots_txt(request: HttpRequest) -> HttpResponse:
    raise Http404
