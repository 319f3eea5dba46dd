"""Validators for API reads, so calculators can poll cheaply and are never served stale data.

The ETag is the hash of the body itself (Django's ConditionalGetMiddleware): any change in
what a request would return — a publication, a release, a renamed unit — changes it.
Last-Modified is the time of the last public change to the factor data (a publication,
supersession, withdrawal or release); a client that sends If-None-Match is answered by the
ETag first, as HTTP prescribes.
"""

from collections.abc import Callable
from datetime import datetime

from django.db.models import Max
from django.http import HttpRequest, HttpResponse
from django.utils.http import http_date

from factordb.models import FactorVersion, Release, WorkflowEvent
from factordb.workflow import PUBLIC_ACTIONS


def data_last_modified() -> datetime | None:
    """The last public change: a recorded workflow step, a version's publication or end, a release."""
    event = WorkflowEvent.objects.filter(action__in=PUBLIC_ACTIONS).aggregate(at=Max("at"))["at"]
    versions = FactorVersion.objects.aggregate(published=Max("published_at"), ended=Max("superseded_at"))
    release = Release.objects.aggregate(at=Max("published_at"))["at"]
    moments = [m for m in (event, versions["published"], versions["ended"], release) if m is not None]
    return max(moments) if moments else None


def stamp_last_modified(response: HttpResponse) -> None:
    """Last-Modified from the last public change, unless the answer already carries one."""
    if not response.has_header("Last-Modified") and (moment := data_last_modified()) is not None:
        response["Last-Modified"] = http_date(moment.timestamp())


class ApiLastModifiedMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (request.method in ("GET", "HEAD") and request.path.startswith("/api/")
                and response.status_code == 200):
            stamp_last_modified(response)
        return response
