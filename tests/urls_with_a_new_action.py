"""The site's URLs plus one page no one has put in the permission matrix yet."""

from django.http import HttpResponse
from django.urls import path

from factordb.urls import urlpatterns as site


def clear_conflict(request, pk: int) -> HttpResponse:
    return HttpResponse()


urlpatterns = [
    path("review/dashboard/versions/<int:pk>/clear-conflict/", clear_conflict, name="clear_conflict"),
    *site,
]
