"""Browsing by category and by region."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from factordb import selectors_catalogue as catalogue
from factordb.views.public.caching import public_page


@public_page
def category_list(request: HttpRequest) -> HttpResponse:
    return render(request, "factordb/public/category_list.html", {
        "tree": catalogue.category_tree(),
    })


@public_page
def category_detail(request: HttpRequest, code: str) -> HttpResponse:
    category = catalogue.category_by_code(code)
    if category is None:
        raise Http404
    return render(request, "factordb/public/category_detail.html", {
        "category": category,
        "ancestors": catalogue.ancestors_of(category),
        "children": catalogue.category_children(category),
        "years": catalogue.published_in_category(category),
    })


@public_page
def region_list(request: HttpRequest) -> HttpResponse:
    return render(request, "factordb/public/region_list.html", {
        "tree": catalogue.region_tree(),
    })


@public_page
def region_detail(request: HttpRequest, code: str) -> HttpResponse:
    region = catalogue.region_by_code(code)
    if region is None:
        raise Http404
    return render(request, "factordb/public/region_detail.html", {
        "region": region,
        "children": catalogue.region_children(region),
        "versions": catalogue.published_in_region(region),
    })
