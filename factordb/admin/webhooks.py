"""Webhooks in the admin: every calculator's endpoints and the delivery log.

Both are written by their services (registration through the API, the outbox, the sender)
and only shown here; staff read them, and platform administrators disable or enable an
endpoint and replay a failed delivery, each a POST to its own address.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from accounts.roles import Role, has_role
from factordb.models import WebhookDelivery, WebhookEndpoint
from factordb.services import webhook_delivery, webhooks


def _may_manage(request: HttpRequest) -> bool:
    return request.user.is_active and (request.user.is_superuser or has_role(request.user, Role.ADMIN))


class ShownOnlyAdmin(admin.ModelAdmin):
    """Staff read; no form adds, changes or deletes a row."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.is_active and request.user.is_staff

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def _managed(self, request: HttpRequest, object_id: str):
        """The row a management POST names, once the user may manage webhooks."""
        if not _may_manage(request):
            raise PermissionDenied
        return get_object_or_404(self.model, pk=unquote(object_id))

    def _back(self, obj) -> HttpResponseRedirect:
        opts = self.model._meta
        return HttpResponseRedirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_change",
                                            args=[obj.pk]))

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "",
                    extra_context=None) -> HttpResponse:
        return super().change_view(request, object_id, form_url,
                                   {"may_manage": _may_manage(request), **(extra_context or {})})


class DisableForm(forms.Form):
    reason = forms.CharField(label=_("停用原因"), max_length=2000)


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(ShownOnlyAdmin):
    list_display = ("url", "api_key", "state", "consecutive_failures", "failing_since", "created_at")
    list_select_related = ("api_key",)
    list_filter = (("disabled_at", admin.EmptyFieldListFilter), ("removed_at", admin.EmptyFieldListFilter))
    search_fields = ("url", "api_key__prefix", "api_key__name", "api_key__organisation")
    fields = ("url", "api_key", "categories", "regions", "datasets", "created_at", "removed_at",
              "disabled_at", "disabled_reason", "consecutive_failures", "failing_since")
    change_form_template = "admin/factordb/webhookendpoint/change_form.html"

    @admin.display(description=_("状态"))
    def state(self, endpoint: WebhookEndpoint) -> str:
        if endpoint.removed_at:
            return _("已删除")
        return _("已停用") if endpoint.disabled_at else _("启用")

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view
        return [
            path("<path:object_id>/disable/", view(require_POST(self.disable_view)),
                 name="factordb_webhookendpoint_disable"),
            path("<path:object_id>/enable/", view(require_POST(self.enable_view)),
                 name="factordb_webhookendpoint_enable"),
            *super().get_urls(),
        ]

    def disable_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        endpoint = self._managed(request, object_id)
        form = DisableForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("请填写停用原因。"))
            return self._back(endpoint)
        webhooks.webhook_endpoint_disable(endpoint=endpoint, reason=form.cleaned_data["reason"])
        messages.success(request, _("已停用端点 %(url)s，并已通知其联系人。") % {"url": endpoint.url})
        return self._back(endpoint)

    def enable_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        endpoint = self._managed(request, object_id)
        webhooks.webhook_endpoint_enable(endpoint=endpoint)
        messages.success(request, _("已重新启用端点 %(url)s；待发送的投递将随后发出。")
                         % {"url": endpoint.url})
        return self._back(endpoint)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ShownOnlyAdmin):
    list_display = ("uuid", "event_type", "endpoint", "status", "attempts", "last_status_code",
                    "next_attempt_at", "delivered_at", "created_at")
    list_select_related = ("endpoint",)
    list_filter = ("status", "event_type", "created_at")
    search_fields = ("uuid", "event_id", "endpoint__url")
    date_hierarchy = "created_at"
    fields = ("uuid", "event_id", "event_type", "endpoint", "status", "attempts", "next_attempt_at",
              "last_attempt_at", "last_status_code", "last_error", "delivered_at", "created_at",
              "replayed_at", "replayed_by", "payload")
    change_form_template = "admin/factordb/webhookdelivery/change_form.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("endpoint", "replayed_by")

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view
        return [
            path("<path:object_id>/replay/", view(require_POST(self.replay_view)),
                 name="factordb_webhookdelivery_replay"),
            *super().get_urls(),
        ]

    def replay_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        delivery = self._managed(request, object_id)
        try:
            webhook_delivery.delivery_replay(delivery=delivery, actor=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("已安排重发投递 %(id)s。") % {"id": delivery.uuid})
        return self._back(delivery)
