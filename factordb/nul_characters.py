"""Refusal of NUL characters in addresses, before any view or query sees them.

A NUL can be typed into any URL (`%00`), and PostgreSQL refuses text that holds one ("text
fields cannot contain NUL"), so a lookup with it failed as a server error. No name, code or
search of ours contains one: the request is a 400 naming where the NUL was. Form fields
refuse NUL themselves (Django's and DRF's CharField); JSON bodies are checked by the API's
parser (api/parsers.py).
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse

NUL = "\x00"
MESSAGE = "contains a NUL character (\\u0000), which no value of this platform holds."


def nul_places(request: HttpRequest) -> list[str]:
    """Where in the request's address a NUL stands: "path", or the query parameter's name."""
    places = ["path"] if NUL in request.path else []
    places += [name for name, values in request.GET.lists()
               if NUL in name or any(NUL in value for value in values)]
    return places


class RefuseNulCharactersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        places = nul_places(request)
        if not places:
            return self.get_response(request)
        if request.path.startswith("/api/"):
            return JsonResponse({"error": {"code": "invalid", "message": "The request has invalid values.",
                                           "details": {place: [MESSAGE] for place in places}}}, status=400)
        return HttpResponseBadRequest(f"{', '.join(places)}: {MESSAGE}", content_type="text/plain")
