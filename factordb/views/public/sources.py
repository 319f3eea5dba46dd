"""Sources: the list, and one source with every published factor citing it."""

from django.http import Http404, HttpRequest, HttpResponse


def source_list(request: HttpRequest) -> HttpResponse:
    raise Http404


def source_detail(request: HttpRequest, pk: int) -> HttpResponse:
    raise Http404
