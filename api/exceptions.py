"""One JSON error shape for every API answer that is not a success:

    {"error": {"code": "invalid", "message": "…", "details": {"field": ["…"]}}}

Domain errors are mapped here and nowhere else: a Django ValidationError is a 400 naming
its fields, a workflow conflict a 409, a role refusal a 403, a body over
DATA_UPLOAD_MAX_MEMORY_SIZE a 413. What DRF never sees (an unknown address, a view that
fails, Django's debug pages) gets the same shape from the handlers and the middleware below.

Messages and details are in the client's language (api/language.py): ours are Chinese msgids
with an English catalogue entry (ADR 0003), Django's and DRF's come from their catalogues.
"""

import sys
from http import HTTPStatus

from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import defaults
from django_guid import get_guid
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from accounts.roles import ForbiddenAction
from factordb.errors import WorkflowError
from factordb.unavailable import RETRY_AFTER_SECONDS, unavailability, unavailable_page


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
        return Conflict(str(exc))
    if (message := unavailability(exc)) is not None:
        return Unavailable(message)
    if isinstance(exc, Http404):
        # Django's messages here ("No Release matches the given query.") are English whatever
        # the language; the views that can say more raise DRF's NotFound with their own words.
        return exceptions.NotFound()
    if isinstance(exc, RequestDataTooBig):
        return PayloadTooLarge()
    return exc


class Conflict(exceptions.APIException):
    """The workflow cannot honour the request as things stand (factordb.errors.WorkflowError)."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


class Unavailable(exceptions.APIException):
    """The database or the cache does not answer: try again shortly (factordb/unavailable.py)."""

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_code = "unavailable"


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "payload_too_large"
    default_detail = gettext_lazy("请求体超过本 API 接受的大小。")


def error_handler(exc: Exception, context: dict) -> Response | None:
    exc = _as_drf(exc)
    response = exception_handler(exc, context)
    if response is None:
        return None  # a real server error: let Django log it and answer 500
    detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
    if isinstance(exc, exceptions.ValidationError):
        code, message, details = "invalid", _("请求中有无效的值。"), _details(detail)
    elif isinstance(exc, exceptions.ParseError):
        code, message, details = "parse_error", str(detail), {"body": [str(detail)]}
    else:
        code = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
        code = code if isinstance(code, str) else "error"
        message, details = str(detail), {}
    response.data = {"error": {"code": code, "message": message, "details": details}}
    if isinstance(exc, Unavailable):
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


# --- Answers Django gives before or after DRF -------------------------------------------

# The codes DRF's own exceptions carry, for the same statuses answered outside DRF.
_CODES = {400: "bad_request", 401: "not_authenticated", 403: "permission_denied", 404: "not_found",
          405: "method_not_allowed", 413: "payload_too_large", 415: "unsupported_media_type",
          429: "throttled", 500: "server_error", 503: "unavailable"}


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


# Messages for the statuses Django answers outside DRF (its debug pages, a 405 or 415 of a
# plain Django view), in the client's language; any other status: its HTTP phrase.
_MESSAGES = {400: gettext_lazy("请求有误。"), 401: gettext_lazy("未提供有效的身份凭证。"),
             403: gettext_lazy("无权执行此操作。"), 404: gettext_lazy("未找到。"),
             405: gettext_lazy("此地址不接受该请求方法。"), 413: PayloadTooLarge.default_detail,
             415: gettext_lazy("不支持该请求体的媒体类型。"), 429: gettext_lazy("请求过于频繁，请稍后再试。"),
             500: gettext_lazy("服务器内部错误。")}


def error_body(status_code: int, message: str | None = None) -> dict:
    code = _CODES.get(status_code, "error")
    message = message or str(_MESSAGES.get(status_code, f"{HTTPStatus(status_code).phrase}."))
    body = {"error": {"code": code, "message": message, "details": {}}}
    if status_code >= 500:
        # The request's id, as its X-Request-ID header and every log line of it carry it: a
        # calculator's report of the failure can then be found in the logs.
        body["error"]["request_id"] = get_guid()
    return body


def unknown_address(request: HttpRequest, *args, **kwargs) -> JsonResponse:
    """Every /api/ address no API route matches. Matching them here also keeps Django's
    slash redirect away from the API: it would drop a POST's body (and fail with DEBUG on)."""
    return JsonResponse(error_body(404, _("API 中没有这个地址（地址以斜杠结尾）。")), status=404)


def not_found(request: HttpRequest, exception=None) -> HttpResponse:
    """handler404: JSON in the error shape under /api/, the site's page elsewhere."""
    if is_api(request):
        return unknown_address(request)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: JSON in the error shape under /api/, the site's page elsewhere. Django calls
    it for any failure no view or middleware answered; one that is unavailability (the database
    not answering when a middleware first reads the session, say) is a 503 all the same."""
    message = unavailability(sys.exc_info()[1])
    if message is not None:
        if not is_api(request):
            return unavailable_page(request, message)
        response = JsonResponse(error_body(503, message), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    if is_api(request):
        return JsonResponse(error_body(500), status=500)
    return defaults.server_error(request)


class ApiErrorShapeMiddleware:
    """Gives an /api/ error answer that is not DRF's (Django's debug pages when DEBUG is on,
    whose 404 and 500 bypass the handlers above) the error shape. Outermost, so it sees the
    answer after Django has logged and signalled the failure, which tests rely on."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (is_api(request) and response.status_code >= 400 and not isinstance(response, Response)
                and not response.get("Content-Type", "").startswith("application/json")):
            return _in_error_shape(response)
        return response


def _in_error_shape(response: HttpResponse) -> JsonResponse:
    answer = JsonResponse(error_body(response.status_code), status=response.status_code)
    for name in ("Allow", "Retry-After", "Vary"):
        if response.has_header(name):
            answer[name] = response[name]
    return answer
