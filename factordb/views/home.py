"""Public pages. Reads go through selectors; views only render."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from factordb import selectors
from factordb.views.public.caching import public_page


@public_page
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "factordb/home.html", {
        "category_counts": selectors.published_counts_by_category(),
        "latest_versions": selectors.latest_published_versions(limit=10),
        "totals": selectors.published_totals(),
    })
