"""Workflow buttons on the admin's version page, and a factor's story.

The buttons are the admin's steps in factordb.steps that the version's state and the
user's roles allow. Each posts to one admin URL per step, which calls the step's service
and answers a refusal as the workspace does (factordb.http: 400 with the form kept, 403,
409), on a page saying why; nothing changes then.
"""

from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.views.decorators.http import require_POST

from factordb import steps
from factordb.http import perform
from factordb.models import FactorVersion
from factordb.services import change_sets
from factordb.steps import Surface


class WorkflowActionsMixin:
    """For FactorVersionAdmin: a POST endpoint per step, and the buttons on the change page."""

    def get_urls(self) -> list[URLPattern]:
        step = path("<path:object_id>/workflow/<str:step>/", self.admin_site.admin_view(self.workflow_view),
                    name=self._workflow_url_name())
        return [step, *super().get_urls()]

    def _workflow_url_name(self) -> str:
        opts = self.model._meta
        return f"{opts.app_label}_{opts.model_name}_workflow"

    def _change_url(self, pk: int) -> str:
        opts = self.model._meta
        return reverse(f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_change", args=[pk])

    def workflow_buttons(self, request: HttpRequest, version: FactorVersion) -> list[steps.Offer]:
        """The steps offered to this user on the version, each with its form and address. A row of
        an open change set moves with its set, on the set's page: none here."""
        if change_sets.open_in_progress_set_of(version) is not None:
            return []
        offered = steps.offers(version, request.user, surface=Surface.ADMIN, prefix=lambda step: step.name,
                               roles=steps.roles_in_request(request.user))
        for offer in offered:
            offer.url = reverse(f"{self.admin_site.name}:{self._workflow_url_name()}",
                                args=[version.pk, offer.name])
        return offered

    def workflow_view(self, request: HttpRequest, object_id: str, step: str) -> HttpResponse:
        return require_POST(self._workflow_view)(request, object_id, step)

    def _workflow_view(self, request: HttpRequest, object_id: str, step: str) -> HttpResponse:
        definition = steps.step_on(Surface.ADMIN, step)
        if definition is None:
            raise Http404
        version = self.get_object(request, unquote(object_id))
        if version is None:
            raise Http404
        if not self.has_view_permission(request, version):
            raise PermissionDenied
        # Any admin step, offered to this user or not: the service decides.
        form = definition.form_for(version, prefix=definition.name, data=request.POST)
        outcome = []
        refused = perform(request, form,
                          lambda data: outcome.append(steps.take(definition, version, request.user, data)),
                          success=definition.done)
        if refused is not None:
            # The same answer as the workspace (400 / 403 / 409), on a page that keeps what was
            # typed and says why, rather than a redirect that hides the refusal's status.
            context = {
                **self.admin_site.each_context(request), "opts": self.model._meta, "original": version,
                "title": definition.label, "step": definition, "form": form,
                "version_url": self._change_url(version.pk),
            }
            return TemplateResponse(request, "admin/factordb/factorversion/workflow_step.html", context,
                                    status=refused)
        target = outcome[0] if isinstance(outcome[0], FactorVersion) else version
        # A revision is a new version: take the editor to it.
        return HttpResponseRedirect(self._change_url(target.pk))
