"""The approver's dashboard: versions waiting for reviewers, in review, approved, published.

Each row offers the steps of factordb.steps that the version's state and the approver's
roles allow; each step posts to one endpoint per version and step, which calls the step's
service and redirects back. A refusal re-renders the dashboard with the reason next to the
version and the HTTP status of the refusal. The role rule itself is the services' (the page
checks the approver role only because no service stands behind reading it).
"""

from dataclasses import dataclass
from functools import cache

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.roles import Role
from factordb import forms, selectors, selectors_change_sets, steps
from factordb.constants import FactorStatus as S
from factordb.http import domain_errors, perform
from factordb.models import ConflictOfInterest, FactorVersion
from factordb.services import review
from factordb.steps import Surface


@dataclass
class Row:
    """A version on the dashboard with the steps it offers."""

    version: FactorVersion
    offers: list[steps.Offer]

    @property
    def forms(self) -> dict:
        return {offer.name: offer.form for offer in self.offers}


@dataclass
class ConflictRow:
    """A declared conflict of interest with the form that clears it."""

    conflict: ConflictOfInterest
    form: object


def _prefix(version: FactorVersion):
    # Many versions' forms on one page: each field named by its step and version.
    return lambda step: f"{step.name}-{version.pk}"


@login_required
@domain_errors
def dashboard(request: HttpRequest) -> HttpResponse:
    return _render(request)


def change_set_sections() -> list[tuple]:
    """The change sets on the road, by what the approver does next, with what they weigh."""
    sets = selectors_change_sets.sets_for_approvers(
        (S.SUBMITTED, S.IN_REVIEW, S.APPROVED, S.CHANGES_REQUESTED))
    return [
        ("cs-submitted", _("变更集：待指派评审"), sets[S.SUBMITTED]),
        ("cs-in-review", _("变更集：评审中"), sets[S.IN_REVIEW]),
        ("cs-approved", _("变更集：已通过，待发布"), sets[S.APPROVED]),
        ("cs-changes", _("变更集：退回修改"), sets[S.CHANGES_REQUESTED]),
    ]


def _render(request: HttpRequest, *, failed: tuple[int, str, object] | None = None,
            status: int = 200) -> HttpResponse:
    roles = steps.roles_in_request(request.user)
    if Role.APPROVER not in roles:
        raise PermissionDenied(_("审批工作台需要“%(role)s”角色。") % {"role": Role.APPROVER.label})
    reviewers = cache(selectors.reviewers)

    def row(version: FactorVersion) -> Row:
        bound = failed[1:] if failed and failed[0] == version.pk else None
        return Row(version, steps.offers(version, request.user, surface=Surface.DASHBOARD,
                                         prefix=_prefix(version), bound=bound, roles=roles,
                                         reviewers=reviewers))

    def conflict_row(conflict: ConflictOfInterest) -> ConflictRow:
        if failed and failed[0] == conflict.pk and failed[1] == "clear_conflict":
            return ConflictRow(conflict=conflict, form=failed[2])
        return ConflictRow(conflict=conflict,
                           form=forms.ClearConflictForm(prefix=f"clear_conflict-{conflict.pk}"))

    return render(request, "factordb/review/dashboard.html", {
        "submitted": [row(v) for v in selectors.versions_awaiting_assignment()],
        "in_review": [row(v) for v in selectors.versions_in_review()],
        "approved": [row(v) for v in selectors.versions_approved()],
        "published": [row(v) for v in selectors.versions_recently_published()],
        "conflicts": [conflict_row(c) for c in selectors.open_conflicts()],
        "change_set_sections": change_set_sections(),
        "required_approvals": review.required_approvals(),
    }, status=status)


@login_required
@require_POST
@domain_errors
def version_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    """Any dashboard step of the registry, offered to this user or not: the service decides."""
    definition = steps.step_on(Surface.DASHBOARD, step)
    if definition is None:
        raise Http404
    version = get_object_or_404(FactorVersion.objects.select_related("factor"), pk=pk)
    form = definition.form_for(version, prefix=_prefix(version)(definition), data=request.POST)
    status = perform(request, form, lambda data: steps.take(definition, version, request.user, data),
                     success=f"{version.factor.public_id} v{version.version}: {definition.done}")
    if status is None:
        return redirect("review:dashboard")
    return _render(request, failed=(version.pk, definition.name, form), status=status)


@login_required
@require_POST
@domain_errors
def clear_conflict(request: HttpRequest, pk: int) -> HttpResponse:
    conflict = get_object_or_404(ConflictOfInterest.objects.select_related("factor", "reviewer"), pk=pk)
    form = forms.ClearConflictForm(request.POST, prefix=f"clear_conflict-{conflict.pk}")
    status = perform(
        request, form,
        lambda data: review.review_clear_conflict(factor=conflict.factor, reviewer=conflict.reviewer,
                                                  actor=request.user, reason=data["reason"]),
        success=_("%(factor)s：已解除 %(user)s 的利益冲突声明。") % {
            "factor": conflict.factor.public_id, "user": conflict.reviewer},
    )
    if status is None:
        return redirect("review:dashboard")
    return _render(request, failed=(conflict.pk, "clear_conflict", form), status=status)
