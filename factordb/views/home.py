"""Public pages. Reads go through selectors; views only render."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from factordb import selectors, selectors_home
from factordb.services.releases import release_latest
from factordb.views.public.caching import public_page

LATEST_SHOWN = 10


@public_page
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "factordb/home.html", {
        "category_counts": selectors.published_counts_by_category(),
        "latest_versions": selectors.latest_published_versions(limit=LATEST_SHOWN),
        "totals": selectors_home.public_totals(),
        "national_grid": selectors_home.national_grid_average_versions(),
        "release": release_latest(),
    })
