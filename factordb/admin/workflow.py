"""Workflow buttons on the admin's version page, and a factor's story.

Each button posts to one admin URL per step, which calls the same service as the
reviewers' workspace and answers a refusal as the workspace does (factordb.http: 400 with
the form kept, 403, 409), on a page saying why; nothing changes then.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django import forms as django_forms
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from accounts.roles import ForbiddenAction
from factordb import forms, selectors
from factordb.constants import FactorStatus as S
from factordb.http import perform
from factordb.models import FactorVersion, ReviewAssignment, ReviewDecision
from factordb.services import editing, review


class NoteForm(django_forms.Form):
    comment = django_forms.CharField(label=_("说明（可选）"), required=False, max_length=1000)


def _own_open_assignment(version: FactorVersion, user) -> ReviewAssignment | None:
    return ReviewAssignment.objects.filter(
        version=version, reviewer=user, review_round=version.review_round,
        decision=ReviewDecision.PENDING,
    ).first()


def _decide(service: Callable, **fixed) -> Callable:
    def call(version: FactorVersion, user, data: dict):
        assignment = _own_open_assignment(version, user)
        if assignment is None:
            raise ForbiddenAction(_("您没有此版本待作出结论的评审指派。"))
        return service(assignment=assignment, actor=user, **{k: data[k] for k in fixed.get("keys", ())})
    return call


@dataclass(frozen=True)
class Step:
    label: str
    statuses: tuple[S, ...]
    call: Callable[[FactorVersion, object, dict], object]
    done: str
    reviewer_only: bool = False


STEPS: dict[str, Step] = {
    "submit": Step(
        _("提交评审"), (S.DRAFT,),
        lambda v, u, d: review.factor_version_submit(version=v, actor=u, comment=d["comment"]),
        _("已提交评审。")),
    "revise": Step(
        _("退回草稿以修改"), (S.CHANGES_REQUESTED,),
        lambda v, u, d: review.factor_version_revise(version=v, actor=u, comment=d["comment"]),
        _("已退回草稿。")),
    "assign": Step(
        _("指派评审专家"), (S.SUBMITTED, S.IN_REVIEW),
        lambda v, u, d: review.review_assign(version=v, reviewer=d["reviewer"], actor=u),
        _("已指派评审专家。")),
    "approve": Step(
        _("同意"), (S.IN_REVIEW,), _decide(review.review_approve, keys=("declares_no_conflict", "comment")),
        _("已记录您的同意。"), reviewer_only=True),
    "request_changes": Step(
        _("要求修改"), (S.IN_REVIEW,), _decide(review.review_request_changes, keys=("comment",)),
        _("已要求修改，版本退回作者。"), reviewer_only=True),
    "reject": Step(
        _("驳回"), (S.IN_REVIEW,), _decide(review.review_reject, keys=("comment",)),
        _("已驳回此版本。"), reviewer_only=True),
    "declare_conflict": Step(
        _("声明利益冲突并回避"), (S.IN_REVIEW,), _decide(review.review_declare_conflict, keys=("comment",)),
        _("已声明利益冲突并回避此评审。"), reviewer_only=True),
    "publish": Step(
        _("立即发布"), (S.APPROVED,),
        lambda v, u, d: review.factor_version_publish(version=v, actor=u, comment=d["comment"]),
        _("已发布。")),
    "schedule": Step(
        _("计划发布"), (S.APPROVED,),
        lambda v, u, d: review.factor_version_schedule_publication(version=v, actor=u, at=d["at"]),
        _("已安排发布时间。")),
    "start_revision": Step(
        _("修订（新建草稿版本）"), (S.PUBLISHED,),
        lambda v, u, d: editing.factor_version_start_revision(factor=v.factor, actor=u),
        _("已新建草稿版本；已发布的版本保持不变。")),
    "withdraw": Step(
        _("撤回"), (S.PUBLISHED,),
        lambda v, u, d: review.factor_version_withdraw(version=v, actor=u, reason=d["reason"]),
        _("已撤回。")),
}

SIMPLE_FORMS = {"submit": NoteForm, "revise": NoteForm, "start_revision": NoteForm,
                "publish": forms.PublishForm, "schedule": forms.ScheduleForm, "withdraw": forms.WithdrawForm}


def step_form(name: str, version: FactorVersion, reviewers: list, data=None) -> django_forms.Form:
    if name == "assign":
        return forms.AssignForm(data, version=version, reviewers=reviewers, prefix=name)
    if name in forms.DECISIONS:
        return forms.decision_form(name, data)
    return SIMPLE_FORMS[name](data, prefix=name)


class WorkflowActionsMixin:
    """For FactorVersionAdmin: a POST endpoint per step, and the buttons on the change page."""

    def get_urls(self) -> list[URLPattern]:
        opts = self.model._meta
        step = path("<path:object_id>/workflow/<str:step>/", self.admin_site.admin_view(self.workflow_view),
                    name=f"{opts.app_label}_{opts.model_name}_workflow")
        return [step, *super().get_urls()]

    def workflow_buttons(self, request: HttpRequest, version: FactorVersion) -> list[dict]:
        """The steps the version's state allows, each with its (unbound) form and address."""
        reviewers = selectors.reviewers() if version.status in STEPS["assign"].statuses else []
        own = _own_open_assignment(version, request.user) if version.status == S.IN_REVIEW else None
        opts = self.model._meta
        return [
            {"name": name, "label": step.label, "form": step_form(name, version, reviewers),
             "url": reverse(f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_workflow",
                            args=[version.pk, name])}
            for name, step in STEPS.items()
            if version.status in step.statuses and (own is not None or not step.reviewer_only)
        ]

    def workflow_view(self, request: HttpRequest, object_id: str, step: str) -> HttpResponse:
        return require_POST(self._workflow_view)(request, object_id, step)

    def _workflow_view(self, request: HttpRequest, object_id: str, step: str) -> HttpResponse:
        if step not in STEPS:
            raise Http404
        version = self.get_object(request, unquote(object_id))
        if version is None:
            raise Http404
        if not self.has_view_permission(request, version):
            raise PermissionDenied
        definition = STEPS[step]
        reviewers = selectors.reviewers() if step == "assign" else []
        form = step_form(step, version, reviewers, request.POST)
        outcome = []
        refused = perform(request, form,
                          lambda data: outcome.append(definition.call(version, request.user, data)),
                          success=definition.done)
        opts = self.model._meta

        def change_url(pk: int) -> str:
            return reverse(f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_change", args=[pk])

        if refused is not None:
            # The same answer as the workspace (400 / 403 / 409), on a page that keeps what was
            # typed and says why, rather than a redirect that hides the refusal's status.
            context = {
                **self.admin_site.each_context(request), "opts": opts, "original": version,
                "title": definition.label, "step": definition, "form": form,
                "version_url": change_url(version.pk),
            }
            return TemplateResponse(request, "admin/factordb/factorversion/workflow_step.html", context,
                                    status=refused)
        target = outcome[0] if isinstance(outcome[0], FactorVersion) else version
        # A revision is a new version: take the editor to it.
        return HttpResponseRedirect(change_url(target.pk))
