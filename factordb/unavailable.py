"""When the database or the cache does not answer, a request says so with a 503 and
`Retry-After`, not a server error:

- the database refuses or drops connections (a restart, a failover): a read fails at its first
  query, as soon as the connection is refused (libpq's `connect_timeout` bounds a connection
  that hangs), and the next request after the database is back connects again (Django's
  CONN_HEALTH_CHECKS): nothing needs restarting;
- a public write that cannot be announced because the cache does not answer
  (factordb.generation.GenerationNotRenewed): the editor's action changed nothing and can be
  repeated once Redis answers.

Pages get the 503 page here; the API answers the same conditions in its JSON shape
(api/exceptions.py). Errors in the SQL itself are not unavailability: they stay server errors.
"""

import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy

from factordb.generation import GenerationNotRenewed

RETRY_AFTER_SECONDS = 30
DATABASE_UNAVAILABLE = gettext_lazy("数据库暂时无法访问；未作任何更改，请稍后再试。")

logger = logging.getLogger(__name__)


def unavailability(exception: Exception) -> str | None:
    """What to tell the client when `exception` says the database or the cache does not answer;
    None for any other failure. The database: psycopg's OperationalError (refused, dropped,
    restarting; also a few conditions of a running server, a deadlock or a cancelled statement,
    which a client may simply repeat) and InterfaceError (a connection already closed)."""
    if isinstance(exception, GenerationNotRenewed):
        return str(exception)
    if isinstance(exception, OperationalError | InterfaceError):
        logger.error("the database does not answer: %s", exception)
        return str(DATABASE_UNAVAILABLE)
    return None


class UnavailableMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        # The API answers in its error shape (api/exceptions.py, which imports this module).
        if request.path.startswith("/api/") or (message := unavailability(exception)) is None:
            return None
        return unavailable_page(request, message)


def unavailable_page(request: HttpRequest, message: str) -> HttpResponse:
    """The 503 page; its frame needs nothing of the request (templates/error_page.html), so it
    renders while the database is away."""
    response = TemplateResponse(request, "503.html", {"message": message}, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response.render()
