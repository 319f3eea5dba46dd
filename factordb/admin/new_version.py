"""The "new version" button on a factor's admin page.

It starts a draft through the same service as the "revise" step on a published version's
page (factordb.services.editing), so the same rules hold: editors only, one version in
progress per factor. A refusal is answered as the workflow steps answer theirs (403 / 409,
on a page saying why, nothing changed); a factor that already has a version in progress
says so, and links to it, instead of offering the button.
"""

from django import forms
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from accounts.roles import Role, has_role
from factordb.http import perform
from factordb.models import Factor, FactorVersion
from factordb.services import editing

NEW_VERSION = _("新建版本")


def version_in_progress(factor: Factor) -> FactorVersion | None:
    """The factor's version on its way to publication, which the service would refuse to duplicate."""
    return factor.versions.filter(status__in=editing.IN_PROGRESS).order_by("-version").first()


class NewVersionAdminMixin:
    """For FactorAdmin: the endpoint, and what the change page offers."""

    new_version_template = "admin/factordb/factor/new_version.html"

    def get_urls(self) -> list[URLPattern]:
        opts = self.model._meta
        view = path("<path:object_id>/new_version/", self.admin_site.admin_view(self.new_version_view),
                    name=f"{opts.app_label}_{opts.model_name}_new_version")
        return [view, *super().get_urls()]

    def new_version_context(self, request: HttpRequest, factor: Factor) -> dict:
        """The button for an editor, or the version already in progress; nothing for others."""
        if not has_role(request.user, Role.EDITOR):
            return {}
        in_progress = version_in_progress(factor)
        if in_progress is not None:
            return {"version_in_progress": in_progress, "version_in_progress_url": _version_url(in_progress)}
        opts = self.model._meta
        name = f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_new_version"
        return {"new_version_url": reverse(name, args=[factor.pk])}

    def new_version_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        return require_POST(self._new_version_view)(request, object_id)

    def _new_version_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        factor = self.get_object(request, unquote(object_id))
        if factor is None:
            raise Http404
        if not self.has_view_permission(request, factor):
            raise PermissionDenied
        created = []

        def start(data: dict) -> None:
            created.append(editing.factor_version_start_revision(factor=factor, actor=request.user))

        refused = perform(request, forms.Form(request.POST), start,
                          success=_("已新建草稿版本；已发布的版本保持不变。"))
        if refused is None:
            return HttpResponseRedirect(_version_url(created[0]))
        opts = self.model._meta
        in_progress = version_in_progress(factor)
        context = {
            **self.admin_site.each_context(request), "opts": opts, "original": factor,
            "title": NEW_VERSION,
            "factor_url": reverse(f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_change",
                                  args=[factor.pk]),
            "version_in_progress": in_progress,
            "version_in_progress_url": _version_url(in_progress) if in_progress else None,
        }
        return TemplateResponse(request, self.new_version_template, context, status=refused)


def _version_url(version: FactorVersion) -> str:
    return reverse("admin:factordb_factorversion_change", args=[version.pk])
