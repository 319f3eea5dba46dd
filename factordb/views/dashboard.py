"""The approver's dashboard: versions waiting for reviewers, in review, approved, published.

Each action posts to its own endpoint, which calls the service and redirects back; a
refusal re-renders the dashboard with the reason next to the version and the HTTP status
of the refusal. The role rule itself is the services' (`require_role` below only answers
a page that has no service behind it).
"""

from dataclasses import dataclass, field

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from accounts.roles import Role, require_role
from factordb import forms, selectors
from factordb.http import domain_errors, perform
from factordb.models import ConflictOfInterest, FactorVersion
from factordb.services import review


@dataclass
class Row:
    """A version on the dashboard with the forms its section offers."""

    version: FactorVersion
    forms: dict = field(default_factory=dict)


@dataclass
class ConflictRow:
    """A declared conflict of interest with the form that clears it."""

    conflict: ConflictOfInterest
    form: object


@login_required
@domain_errors
def dashboard(request: HttpRequest) -> HttpResponse:
    return _render(request)


def _render(request: HttpRequest, *, failed: tuple[int, str, object] | None = None,
            status: int = 200) -> HttpResponse:
    require_role(request.user, Role.APPROVER)
    reviewers = selectors.reviewers()

    def row(version: FactorVersion, *names: str) -> Row:
        built = {}
        for name in names:
            if failed and failed[0] == version.pk and failed[1] == name:
                built[name] = failed[2]
            elif name == "assign":
                built[name] = forms.AssignForm(version=version, reviewers=reviewers,
                                               prefix=f"assign-{version.pk}")
            else:
                built[name] = FORMS[name](prefix=f"{name}-{version.pk}")
        return Row(version=version, forms=built)

    def conflict_row(conflict: ConflictOfInterest) -> ConflictRow:
        if failed and failed[0] == conflict.pk and failed[1] == "clear_conflict":
            return ConflictRow(conflict=conflict, form=failed[2])
        return ConflictRow(conflict=conflict,
                           form=forms.ClearConflictForm(prefix=f"clear_conflict-{conflict.pk}"))

    return render(request, "factordb/review/dashboard.html", {
        "submitted": [row(v, "assign") for v in selectors.versions_awaiting_assignment()],
        "in_review": [row(v, "assign") for v in selectors.versions_in_review()],
        "approved": [row(v, "publish", "schedule") for v in selectors.versions_approved()],
        "published": [row(v, "withdraw") for v in selectors.versions_recently_published()],
        "conflicts": [conflict_row(c) for c in selectors.open_conflicts()],
        "required_approvals": review.required_approvals(),
    }, status=status)


FORMS = {"publish": forms.PublishForm, "schedule": forms.ScheduleForm, "withdraw": forms.WithdrawForm}

SERVICES = {
    "assign": lambda v, user, data: review.review_assign(version=v, reviewer=data["reviewer"], actor=user),
    "publish": lambda v, user, data: review.factor_version_publish(version=v, actor=user,
                                                                   comment=data["comment"]),
    "schedule": lambda v, user, data: review.factor_version_schedule_publication(
        version=v, actor=user, at=data["at"]),
    "withdraw": lambda v, user, data: review.factor_version_withdraw(version=v, actor=user,
                                                                     reason=data["reason"]),
}

SUCCESS = {
    "assign": _("已指派评审专家。"),
    "publish": _("已发布。"),
    "schedule": _("已安排发布时间。"),
    "withdraw": _("已撤回。"),
}


def _action(name: str):
    @login_required
    @require_POST
    @domain_errors
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        version = get_object_or_404(FactorVersion.objects.select_related("factor"), pk=pk)
        prefix = f"{name}-{version.pk}"
        if name == "assign":
            form = forms.AssignForm(request.POST, version=version, reviewers=selectors.reviewers(),
                                    prefix=prefix)
        else:
            form = FORMS[name](request.POST, prefix=prefix)
        status = perform(request, form, lambda data: SERVICES[name](version, request.user, data),
                         success=f"{version.factor.public_id} v{version.version}: {SUCCESS[name]}")
        if status is None:
            return redirect("review:dashboard")
        return _render(request, failed=(version.pk, name, form), status=status)

    view.__name__ = f"{name}_view"
    return view


assign = _action("assign")
publish = _action("publish")
schedule = _action("schedule")
withdraw = _action("withdraw")


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
