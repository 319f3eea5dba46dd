"""Domain errors to HTTP, for the server-rendered views, in one place.

WorkflowError (wrong state, already decided, a second submit from another tab) → 409,
ForbiddenAction → 403, ValidationError → 400 with the message on the form field it names.
In every case the service has rolled back, so nothing changed.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse

from accounts.roles import ForbiddenAction
from factordb.errors import WorkflowError

BAD_REQUEST, FORBIDDEN, CONFLICT = 400, 403, 409


def message_of(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc.args[0]) if exc.args else str(exc)


def add_errors(form: forms.Form, exc: ValidationError) -> None:
    """Put a service's ValidationError on the fields it names; any other name on the form itself."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for name, errors in exc.error_dict.items():
        form.add_error(name if name in form.fields else None, errors)


def perform(request: HttpRequest, form: forms.Form, call: Callable[[dict[str, Any]], Any], *,
            success: str) -> int | None:
    """Run a service on a valid form's data. None when it succeeded (a success message is
    queued); otherwise the HTTP status of the refusal, whose reason is on the form (400) or in
    the messages (403, 409)."""
    if not form.is_valid():
        return BAD_REQUEST
    try:
        call(form.cleaned_data)
    except ValidationError as exc:
        add_errors(form, exc)
        return BAD_REQUEST
    except ForbiddenAction as exc:
        messages.error(request, message_of(exc))
        return FORBIDDEN
    except WorkflowError as exc:
        messages.error(request, message_of(exc))
        return getattr(exc, "http_status", CONFLICT)
    messages.success(request, success)
    return None


def domain_errors(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """For a role or state check outside `perform` (e.g. opening a page): 403 / 409 pages."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except ForbiddenAction as exc:
            raise PermissionDenied(message_of(exc)) from exc
        except WorkflowError as exc:
            return HttpResponse(message_of(exc), status=CONFLICT, content_type="text/plain; charset=utf-8")

    return wrapped
