from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from accounts.roles import ForbiddenAction
from accounts.services import api_key_issue, api_key_revoke
from factordb.admin.history import CHANGE_REASON_FIELD, AuditedAdminMixin

from .models import ApiKey, User


@admin.register(User)
class UserAdmin(AuditedAdminMixin, DjangoUserAdmin):
    list_display = ("username", "email", "first_name", "last_name", "is_staff", "is_active")


# The roles: what each may do is as much audit evidence as the data it is allowed to change.
admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(AuditedAdminMixin, DjangoGroupAdmin):
    pass


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

    def revoke_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        key = get_object_or_404(ApiKey, pk=pk)
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
