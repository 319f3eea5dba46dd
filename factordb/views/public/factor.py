"""One factor at its permanent address, by public_id."""

from django.http import Http404, HttpRequest, HttpResponse


def factor_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    raise Http404
