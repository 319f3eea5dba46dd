"""A public write refused because the cache that announces it does not answer
(factordb.generation.GenerationNotRenewed) is a 503 page saying so, not a server error: the
editor's action changed nothing and can be repeated once Redis answers. The API answers the
same refusal in its JSON shape (api/exceptions.py)."""

from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from factordb.generation import GenerationNotRenewed

RETRY_AFTER_SECONDS = 30


class RefusedWriteMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, GenerationNotRenewed) or request.path.startswith("/api/"):
            return None
        response = TemplateResponse(request, "503.html", {"message": str(exception)}, status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response.render()
