"""The reviewer's workspace: my assignments, and one assignment with its decision forms.

Views are thin: parse a form, call the service, let factordb.http say what went wrong,
redirect after success. Only the reviewer's own assignments exist here: another's is a 404.
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from factordb import forms, selectors
from factordb.http import perform
from factordb.models import ReviewAssignment, ReviewDecision
from factordb.services import review

SERVICES = {
    "approve": lambda a, user, data: review.review_approve(
        assignment=a, actor=user, declares_no_conflict=data["declares_no_conflict"], comment=data["comment"]),
    "request_changes": lambda a, user, data: review.review_request_changes(
        assignment=a, actor=user, comment=data["comment"]),
    "reject": lambda a, user, data: review.review_reject(assignment=a, actor=user, comment=data["comment"]),
    "declare_conflict": lambda a, user, data: review.review_declare_conflict(
        assignment=a, actor=user, comment=data["comment"]),
}

SUCCESS = {
    "approve": _("已记录您的同意。"),
    "request_changes": _("已要求修改，版本退回作者。"),
    "reject": _("已驳回此版本。"),
    "declare_conflict": _("已声明利益冲突并回避此评审。"),
}


@login_required
def assignment_list(request: HttpRequest) -> HttpResponse:
    assignments = list(selectors.my_assignments(request.user))
    return render(request, "factordb/review/assignment_list.html", {
        "open_assignments": [a for a in assignments if a.decision == ReviewDecision.PENDING],
        "decided_assignments": [a for a in assignments if a.decision != ReviewDecision.PENDING],
    })


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def assignment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = selectors.assignment_of(request.user, pk)
    if assignment is None:
        raise Http404(_("没有这项评审指派。"))
    if request.method != "POST":
        return _render(request, assignment)
    action = request.POST.get("action")
    if action not in SERVICES:
        return _render(request, assignment, status=400, error=_("未知的操作。"))
    form = forms.decision_form(action, request.POST)
    status = perform(request, form, lambda data: SERVICES[action](assignment, request.user, data),
                     success=str(SUCCESS[action]))
    if status is None:
        return redirect("review:assignment", pk=assignment.pk)
    # Re-read: a refused step changed nothing, but the page must show things as they are.
    return _render(request, selectors.assignment_of(request.user, pk), bound=form, status=status)


def _render(request: HttpRequest, assignment: ReviewAssignment, *, bound=None, status: int = 200,
            error: str = "") -> HttpResponse:
    version = assignment.version
    return render(request, "factordb/review/assignment_detail.html", {
        "assignment": assignment,
        "version": version,
        "factor": version.factor,
        "diff": selectors.version_diff(version),
        "derivation": selectors.derivation_parts(version.derivation),
        "forms": forms.decision_forms(bound),
        "error": error,
    }, status=status)
