"""Releases: the list, one release with its diff and files, and the downloads page."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from factordb import selectors_catalogue as catalogue
from factordb.views.public.caching import public_page


@public_page
def release_list(request: HttpRequest) -> HttpResponse:
    return render(request, "factordb/public/release_list.html", {
        "releases": catalogue.sealed_releases(),
    })


@public_page
def release_detail(request: HttpRequest, name: str) -> HttpResponse:
    release = catalogue.sealed_release(name)
    if release is None:  # unknown, or still being cut: not a release yet
        raise Http404
    return render(request, "factordb/public/release_detail.html", {
        "release": release,
        "changes": catalogue.release_changes(release),
    })


@public_page
def downloads(request: HttpRequest) -> HttpResponse:
    return render(request, "factordb/public/downloads.html", {
        "releases": catalogue.sealed_releases(),
        "licensed_sources": catalogue.licensed_sources(),
    })
