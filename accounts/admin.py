from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import permissions
from accounts.roles import ForbiddenAction
from accounts.services import api_key_issue, api_key_may_revoke, api_key_revoke
from factordb.admin.history import CHANGE_REASON_FIELD, AuditedAdminMixin

from .models import ApiKey, User


def _denied(exc: ForbiddenAction) -> PermissionDenied:
    return PermissionDenied(str(exc))


@admin.register(User)
class UserAdmin(AuditedAdminMixin, DjangoUserAdmin):
    """Accounts, under the rules against escalation in accounts.permissions: the rights a
    member may not set are shown read-only, and a request that sends them anyway is a 403."""

    list_display = ("username", "email", "first_name", "last_name", "is_staff", "is_active")
    fieldsets = (*DjangoUserAdmin.fieldsets,
                 (_("公开评审记录"), {"fields": ("named_in_public_review_record",)}))

    def get_readonly_fields(self, request: HttpRequest, obj=None) -> list[str]:
        readonly = list(super().get_readonly_fields(request, obj))
        locked = permissions.user_fields_locked(actor=request.user, target=obj)
        return readonly + sorted(locked.difference(readonly))

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        allowed = obj is None or permissions.may_change_user(actor=request.user, target=obj)
        return allowed and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        # An account stands in the history of what it did, which nothing may rewrite (ADR 0007):
        # it is deactivated, never deleted.
        return False

    def changeform_view(self, request: HttpRequest, object_id=None, form_url: str = "",
                        extra_context=None) -> HttpResponse:
        if request.method == "POST":
            # The form drops a read-only field's value silently; a forged one is refused instead.
            target = self.get_object(request, unquote(object_id)) if object_id else None
            if target is not None or object_id is None:
                try:
                    permissions.require_user_change(actor=request.user, target=target, fields=request.POST)
                except ForbiddenAction as exc:
                    raise _denied(exc) from exc
        return super().changeform_view(request, object_id, form_url, extra_context)

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> HttpResponse:
        target = self.get_object(request, unquote(id))
        if target is not None:
            try:
                permissions.require_password_change(actor=request.user, target=target)
            except ForbiddenAction as exc:
                raise _denied(exc) from exc
        return super().user_change_password(request, id, form_url)


# The second factor's devices are their owners' alone (docs/adr/0038): django-otp's admins would
# let staff with its permissions read a secret, add a device for someone else or delete one
# without a record. A lost phone is a recovery code, or `manage.py two_factor_reset USER`.
admin.site.unregister(TOTPDevice)
admin.site.unregister(StaticDevice)

# The roles: what each may do is as much audit evidence as the data it is allowed to change.
admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(AuditedAdminMixin, DjangoGroupAdmin):
    """What a role may do is granted to all its members: only a superuser changes it."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return permissions.may_change_roles(request.user) and super().has_add_permission(request)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return permissions.may_change_roles(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return permissions.may_change_roles(request.user) and super().has_delete_permission(request, obj)


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("吊销原因"), widget=forms.Textarea(attrs={"rows": 3}))


@admin.register(ApiKey)
class ApiKeyAdmin(AuditedAdminMixin):
    """Staff issue keys (the plain key is shown once, in the confirmation) and revoke them."""

    list_display = ("prefix", "name", "organisation", "tier", "created_at", "last_used_at", "revoked_at")
    list_filter = ("tier", ("revoked_at", admin.EmptyFieldListFilter))
    search_fields = ("prefix", "name", "organisation", "contact_email")
    readonly_fields = ("prefix", "created_at", "created_by", "last_used_at", "revoked_at", "revoked_by",
                       "revoke_reason")
    change_form_template = "admin/accounts/apikey/change_form.html"

    def get_fields(self, request: HttpRequest, obj=None):
        editable = ["name", "organisation", "contact_email", "tier"]
        return editable if obj is None else [*editable, *self.readonly_fields]

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        # A key's identity and tier are fixed at issue; revoke and issue another instead.
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: ApiKey, form, change: bool) -> None:
        key, plain = api_key_issue(
            name=obj.name, organisation=obj.organisation, contact_email=obj.contact_email,
            tier=obj.tier, actor=request.user, reason=form.cleaned_data[CHANGE_REASON_FIELD])
        obj.pk, obj.prefix = key.pk, key.prefix
        messages.warning(request, _("新密钥（只显示这一次，请立即交给对方）：%(key)s") % {"key": plain})

    def save_related(self, request, form, formsets, change) -> None:
        pass  # the service wrote everything

    def get_urls(self):
        revoke = path("<int:pk>/revoke/", self.admin_site.admin_view(self.revoke_view),
                      name="accounts_apikey_revoke")
        return [revoke, *super().get_urls()]

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "",
                    extra_context=None) -> HttpResponse:
        key = self.get_object(request, unquote(object_id))
        may_revoke = key is not None and api_key_may_revoke(actor=request.user, key=key)
        return super().change_view(request, object_id, form_url,
                                   {"may_revoke": may_revoke, **(extra_context or {})})

    def revoke_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        # Asked before the lookup too, so that who may not revoke cannot tell which ids exist.
        if not api_key_may_revoke(actor=request.user, key=None):
            raise PermissionDenied(_("吊销 API 密钥需要相应权限。"))
        key = get_object_or_404(ApiKey, pk=pk)
        if not api_key_may_revoke(actor=request.user, key=key):
            # The form itself is refused too: it would only lead to the service's refusal.
            raise PermissionDenied(_("吊销 API 密钥需要相应权限。"))
        form = RevokeForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                api_key_revoke(key=key, actor=request.user, reason=form.cleaned_data["reason"])
            except ValidationError as exc:
                form.add_error("reason", exc.messages)
            except ForbiddenAction as exc:
                raise PermissionDenied(str(exc)) from exc
            else:
                messages.success(request, _("已吊销密钥 %(key)s。") % {"key": key})
                return HttpResponseRedirect(reverse("admin:accounts_apikey_change", args=[key.pk]))
        return TemplateResponse(request, "admin/accounts/apikey/revoke.html", {
            **self.admin_site.each_context(request), "opts": self.model._meta, "key": key, "form": form,
            "title": _("吊销 API 密钥")}, status=400 if form.errors else 200)
