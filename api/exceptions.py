"""One JSON error shape for every API answer that is not a success:

    {"error": {"code": "invalid", "message": "…", "details": {"field": ["…"]}}}

Domain errors are mapped here and nowhere else: a Django ValidationError is a 400 naming
its fields, a workflow conflict a 409, a role refusal a 403.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from accounts.roles import ForbiddenAction
from factordb.errors import WorkflowError


def _details(detail, prefix: str = "") -> dict[str, list[str]]:
    """{field: [messages]}, nested errors named by path: `keys[3].year`, `key.region`."""
    if isinstance(detail, dict):
        details = {}
        for name, inner in detail.items():
            if isinstance(name, int):  # a list's item, as DRF's ListField reports it
                path = f"{prefix}[{name}]"
            elif name == "non_field_errors" and prefix:
                path = prefix
            else:
                path = f"{prefix}.{name}" if prefix else str(name)
            details.update(_details(inner, path) if isinstance(inner, dict) else
                           {path: [str(m) for m in (inner if isinstance(inner, list) else [inner])]})
        return details
    if isinstance(detail, list):
        return {prefix or "non_field_errors": [str(m) for m in detail]}
    return {}


def _as_drf(exc: Exception) -> Exception:
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        return exceptions.ValidationError(detail)
    if isinstance(exc, ForbiddenAction):
        return exceptions.PermissionDenied(str(exc))
    if isinstance(exc, WorkflowError):
        conflict = exceptions.APIException(str(exc))
        conflict.status_code, conflict.default_code = status.HTTP_409_CONFLICT, "conflict"
        return conflict
    if isinstance(exc, Http404):
        return exceptions.NotFound(str(exc) or None)
    return exc


def error_handler(exc: Exception, context: dict) -> Response | None:
    exc = _as_drf(exc)
    response = exception_handler(exc, context)
    if response is None:
        return None  # a real server error: let Django log it and answer 500
    detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
    if isinstance(exc, exceptions.ValidationError):
        code, message, details = "invalid", "The request has invalid values.", _details(detail)
    elif isinstance(exc, exceptions.ParseError):
        code, message, details = "parse_error", str(detail), {"body": [str(detail)]}
    else:
        code = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
        code = code if isinstance(code, str) else "error"
        message, details = str(detail), {}
    response.data = {"error": {"code": code, "message": message, "details": details}}
    return response


def not_found(request, exception=None):
    """Django's 404 for addresses no URL pattern matches: JSON in the error shape under /api/."""
    from django.http import JsonResponse
    from django.views.defaults import page_not_found

    if request.path.startswith("/api/"):
        return JsonResponse({"error": {"code": "not_found", "message": "No such address in the API.",
                                       "details": {}}}, status=404)
    return page_not_found(request, exception)
