"""Sources: the list, and one source with every published factor citing it."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from factordb import selectors_catalogue as catalogue
from factordb.views.public.caching import public_page


@public_page
def source_list(request: HttpRequest) -> HttpResponse:
    return render(request, "factordb/public/source_list.html", {
        "sources": catalogue.cited_sources(),
    })


@public_page
def source_detail(request: HttpRequest, pk: int) -> HttpResponse:
    source = catalogue.cited_source(pk)
    if source is None:  # no published version cites it: not even its title is public
        raise Http404
    return render(request, "factordb/public/source_detail.html", {
        "source": source,
        "citations": catalogue.citations_of(source),
    })
