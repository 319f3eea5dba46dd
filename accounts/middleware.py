"""Staff pages wait for the second factor (the rule: accounts/two_factor.py)."""

from collections.abc import Callable

from django.contrib.auth import REDIRECT_FIELD_NAME
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, resolve_url
from django.utils.http import urlencode

from accounts import two_factor


class StaffSecondFactorMiddleware:
    """Sends a signed-in staff user who has not passed the second factor to the code (or
    enrolment) page, with the page asked for as `next`. After django_otp's OTPMiddleware, which
    says whether the session is verified. A POST is refused the same way, so nothing it would
    have done is done."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> HttpResponse | None:
        target = two_factor.second_factor_redirect(request.user, request.resolver_match)
        if target is None:
            return None
        query = urlencode({REDIRECT_FIELD_NAME: request.get_full_path()})
        return redirect(f"{resolve_url(target)}?{query}")
