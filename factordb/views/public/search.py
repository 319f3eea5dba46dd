"""The factor search: the API's filters as a form, sorting, paging and a count."""

from django.http import Http404, HttpRequest, HttpResponse


def factor_search(request: HttpRequest) -> HttpResponse:
    raise Http404


def search_redirect(request: HttpRequest) -> HttpResponse:
    raise Http404
