"""Refusal of NUL characters in addresses, cookies and key headers, before any view or query
sees them.

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


# Headers whose values reach a query: the API key is looked up by its prefix.
QUERIED_HEADERS = {"HTTP_AUTHORIZATION": "Authorization", "HTTP_X_API_KEY": "X-Api-Key"}


def nul_places(request: HttpRequest) -> list[str]:
    """Where a NUL stands in what the request's handling may query with: "path", a query
    parameter's name, a cookie (the session is looked up by it), or a key header."""
    places = ["path"] if NUL in request.path else []
    places += [name for name, values in request.GET.lists()
               if NUL in name or any(NUL in value for value in values)]
    places += [f"cookie {name}" for name, value in request.COOKIES.items() if NUL in name + value]
    places += [header for key, header in QUERIED_HEADERS.items() if NUL in request.META.get(key, "")]
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
