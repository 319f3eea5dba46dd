"""The reviewer's workspace: my assignments, and one assignment with its decision forms.

Views are thin: the decisions offered, their forms and services are the workspace's steps
in factordb.steps; a post names one, the service decides, factordb.http says what went
wrong, a success redirects. Only the reviewer's own assignments exist here: another's is a 404.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.roles import Role
from factordb import selectors, steps
from factordb.http import perform
from factordb.models import ReviewAssignment, ReviewDecision
from factordb.steps import Surface


@login_required
def assignment_list(request: HttpRequest) -> HttpResponse:
    assignments = list(selectors.my_assignments(request.user))
    if not assignments and Role.REVIEWER not in (roles := steps.roles_in_request(request.user)):
        return _elsewhere(request, roles)
    return render(request, "factordb/review/assignment_list.html", {
        "open_assignments": [a for a in assignments if a.decision == ReviewDecision.PENDING],
        "decided_assignments": [a for a in assignments if a.decision != ReviewDecision.PENDING],
    })


def _elsewhere(request: HttpRequest, roles: frozenset[Role]) -> HttpResponse:
    """Signing in lands on the workspace; someone who reviews nothing (and never did) is sent
    to their own place, or told why there is nothing here for them."""
    if Role.APPROVER in roles:
        return redirect("review:dashboard")
    if request.user.is_staff:
        return redirect("admin:index")
    raise PermissionDenied(_("评审工作台需要“%(role)s”角色。") % {"role": Role.REVIEWER.label})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def assignment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = selectors.assignment_of(request.user, pk)
    if assignment is None:
        raise Http404(_("没有这项评审指派。"))
    if request.method != "POST":
        return _render(request, assignment)
    step = steps.step_on(Surface.WORKSPACE, request.POST.get("action"))
    if step is None:
        return _render(request, assignment, status=400, error=_("未知的操作。"))
    # Any workspace step, offered to this user or not: the service decides.
    form = step.form_for(assignment.version, prefix=step.name, data=request.POST)
    status = perform(request, form, lambda data: steps.take(step, assignment, request.user, data),
                     success=str(step.done))
    if status is None:
        return redirect("review:assignment", pk=assignment.pk)
    # Re-read: a refused step changed nothing, but the page must show things as they are.
    return _render(request, selectors.assignment_of(request.user, pk), bound=(step.name, form),
                   status=status)


def _render(request: HttpRequest, assignment: ReviewAssignment, *, bound=None, status: int = 200,
            error: str = "") -> HttpResponse:
    version = assignment.version
    # Decisions belong to this page's assignment only while it is the open one.
    offers = [] if not assignment.is_open else steps.offers(
        version, request.user, surface=Surface.WORKSPACE, prefix=lambda step: step.name, bound=bound,
        roles=steps.roles_in_request(request.user))
    return render(request, "factordb/review/assignment_detail.html", {
        "assignment": assignment,
        "version": version,
        "factor": version.factor,
        "diff": selectors.version_diff(version),
        "derivation": selectors.derivation_parts(version.derivation),
        "offers": offers,
        "error": error,
    }, status=status)
