"""The pages of the second factor: the code, the enrolment of an authenticator app, and new
recovery codes. Each takes only the signed-in user's own devices (accounts/two_factor.py)."""

import django_otp
import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from accounts import two_factor


def _next_url(request: HttpRequest) -> str:
    """Where to go once verified: the page asked for, if it is on this site."""
    asked = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME, "")
    safe = url_has_allowed_host_and_scheme(asked, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure())
    return asked if safe else resolve_url(settings.LOGIN_REDIRECT_URL)


def _with_next(name: str, request: HttpRequest) -> str:
    return f"{resolve_url(name)}?{urlencode({REDIRECT_FIELD_NAME: _next_url(request)})}"


def _staff_only(request: HttpRequest) -> None:
    # These pages are for users who need a second factor; for anyone else there is nothing here.
    if not two_factor.second_factor_required(request.user):
        raise PermissionDenied(_("只有工作人员需要二次验证。"))


def _verified(request: HttpRequest, device) -> None:
    # A new session key as the session gains rights, as signing in does.
    request.session.cycle_key()
    django_otp.login(request, device)


def _qr_svg(device) -> str:
    """The enrolment QR code as SVG markup: no style attributes and no data: URI (the pages'
    Content-Security-Policy allows neither)."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
    return mark_safe(image.to_string(encoding="unicode"))  # qrcode's own markup; the data is an otpauth URL


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    if request.user.is_verified():
        return redirect(_next_url(request))
    if two_factor.totp_device_confirmed(request.user) is None:
        return redirect(_with_next("two_factor_enrol", request))
    error = None
    if request.method == "POST":
        if two_factor.second_factor_throttled(request.user):
            error = _("错误次数过多，请稍等片刻再试。")
        elif (device := two_factor.second_factor_verify(user=request.user,
                                                         token=request.POST.get("code", ""))) is None:
            error = _("验证码不正确或已使用过，请输入验证器中的新验证码或一个未用过的恢复码。")
        else:
            _verified(request, device)
            return redirect(_next_url(request))
    return render(request, "two_factor/verify.html", {"next": _next_url(request), "error": error},
                  status=200 if error is None else 400)


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def enrol(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    if two_factor.totp_device_confirmed(request.user) is not None:
        return redirect(_with_next("two_factor_verify", request))
    error = None
    if request.method == "POST":
        enrolment = two_factor.totp_device_confirm(user=request.user, token=request.POST.get("code", ""))
        if enrolment is not None:
            _verified(request, enrolment.device)
            # Shown in this answer only, never again: no redirect to a page that could show them.
            return render(request, "two_factor/recovery_codes.html",
                          {"codes": enrolment.recovery_codes, "next": _next_url(request)})
        error = _("验证码不正确，请输入验证器当前显示的六位数字。")
    device = two_factor.totp_device_pending(request.user)
    context = {"qr_svg": _qr_svg(device), "secret": two_factor.totp_secret(device),
               "next": _next_url(request), "error": error}
    return render(request, "two_factor/enrol.html", context, status=200 if error is None else 400)


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """New recovery codes (the middleware has asked for the second factor already)."""
    _staff_only(request)
    codes = two_factor.recovery_codes_renew(user=request.user) if request.method == "POST" else None
    return render(request, "two_factor/recovery_codes.html", {"codes": codes, "next": _next_url(request)})
