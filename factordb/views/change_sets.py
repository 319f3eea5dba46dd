"""The change set pages: one set with its rows, rounds and discussion; publication with its
summary; and each user's inbox.

Only those who take part in a set's review see it (services.discussion.takes_part); anyone
else gets a 404, as for another reviewer's assignment. Each action posts to its own address,
calls one service, and redirects back; a refusal re-renders the page with the reason and the
status of the refusal (factordb.http), having changed nothing.
"""

from collections.abc import Callable

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.roles import ForbiddenAction, Role, has_role
from factordb import forms_change_sets as forms
from factordb import selectors, selectors_change_sets
from factordb.constants import FactorStatus as S
from factordb.http import domain_errors, perform
from factordb.models import ChangeSet, FactorVersion
from factordb.services import change_set_review as road
from factordb.services import discussion


def _visible_set(request: HttpRequest, pk: int) -> ChangeSet:
    change_set = get_object_or_404(ChangeSet.objects.select_related("author", "split_from"), pk=pk)
    if not discussion.takes_part(change_set, request.user):
        raise ForbiddenAction(_("您不参与此变更集的评审。"))
    return change_set


def _decide(change_set: ChangeSet, user, data: dict):
    version = FactorVersion.objects.filter(pk=data.get("version")).first() if data.get("version") else None
    common = {
        "actor": user,
        "verdict": data["verdict"],
        "review_round": data["review_round"],
        "comment": data["comment"],
        "declares_no_conflict": data["declares_no_conflict"],
    }
    if version is not None:
        return road.change_set_decide_row(change_set=change_set, version=version, **common)
    return road.change_set_decide(change_set=change_set, **common)


# Each action: its form, the service it calls, and what it says when done.
ACTIONS: dict[str, tuple[Callable, Callable, object]] = {
    "comment": (
        lambda cs, data, **kw: forms.CommentForm(data, change_set=cs, prefix="comment"),
        lambda cs, user, d: discussion.comment_post(
            change_set=cs,
            actor=user,
            body=d["body"],
            thread=d["thread"],
            version=d["version"],
            field=d["field"],
        ),
        _("已发表。"),
    ),
    "resolve": (
        lambda cs, data, **kw: forms.ThreadForm(data, prefix="resolve"),
        lambda cs, user, d: discussion.thread_resolve(change_set=cs, thread=d["thread"], actor=user),
        _("讨论已标记为解决。"),
    ),
    "reopen": (
        lambda cs, data, **kw: forms.ThreadForm(data, prefix="reopen"),
        lambda cs, user, d: discussion.thread_reopen(change_set=cs, thread=d["thread"], actor=user),
        _("讨论已重新打开。"),
    ),
    "decide": (
        lambda cs, data, **kw: forms.DecisionForm(data, prefix="decide"),
        _decide,
        _("已记录您的结论。"),
    ),
    "declare_conflict": (
        lambda cs, data, **kw: forms.ConflictForm(data, prefix="declare_conflict"),
        lambda cs, user, d: road.change_set_declare_conflict(
            change_set=cs, actor=user, comment=d["comment"], review_round=d["review_round"]
        ),
        _("已声明利益冲突并回避此评审。"),
    ),
    "assign": (
        lambda cs, data, **kw: forms.ReviewerForm(data, reviewers=selectors.reviewers(), prefix="assign"),
        lambda cs, user, d: road.change_set_assign(change_set=cs, reviewer=d["reviewer"], actor=user),
        _("已指派评审专家。"),
    ),
    "unassign": (
        lambda cs, data, **kw: forms.ReviewerForm(data, reviewers=selectors.reviewers(), prefix="unassign"),
        lambda cs, user, d: road.change_set_unassign(
            change_set=cs, reviewer=d["reviewer"], actor=user, reason=d["reason"]
        ),
        _("已取消该专家本轮的指派。"),
    ),
    "submit": (
        lambda cs, data, **kw: forms.NoteForm(data, prefix="submit"),
        lambda cs, user, d: road.change_set_submit(change_set=cs, actor=user, comment=d["comment"]),
        _("已提交评审。"),
    ),
    "revise": (
        lambda cs, data, **kw: forms.NoteForm(data, prefix="revise"),
        lambda cs, user, d: road.change_set_revise(change_set=cs, actor=user, comment=d["comment"]),
        _("已退回草稿以修改。"),
    ),
}


def _forms(change_set: ChangeSet, bound: tuple[str, object] | None = None) -> dict:
    built = {name: factory(change_set, None) for name, (factory, _call, _done) in ACTIONS.items()}
    built["decide"].initial = {"review_round": change_set.review_round}
    built["declare_conflict"].initial = {"review_round": change_set.review_round}
    if bound is not None:
        built[bound[0]] = bound[1]
    return built


@login_required
@domain_errors
def change_set_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render(request, _visible_set(request, pk))


def _render(request: HttpRequest, change_set: ChangeSet, *, bound=None, status: int = 200) -> HttpResponse:
    user = request.user
    page = selectors_change_sets.rows_page(
        change_set,
        q=request.GET.get("q", "").strip()[:100],
        only_changed_value=request.GET.get("changed") == "1",
        page=request.GET.get("page", 1),
    )
    return render(
        request,
        "factordb/review/change_set.html",
        {
            "change_set": change_set,
            "page": page,
            "q": request.GET.get("q", "")[:100],
            "changed": request.GET.get("changed") == "1",
            "rounds": selectors_change_sets.rounds(change_set),
            "threads": selectors_change_sets.threads(change_set),
            "open_threads": discussion.open_threads(change_set),
            "approvals": selectors_change_sets.approvals(change_set),
            "required_approvals": road.required_approvals(),
            "since": selectors_change_sets.changes_since_my_last_review(change_set, user),
            "can": _what_user_can(change_set, user),
            "forms": _forms(change_set, bound),
            "splits": list(change_set.splits.all()),
        },
        status=status,
    )


def _what_user_can(change_set: ChangeSet, user) -> dict[str, bool]:
    """The actions this page offers the user now; the services decide all the same."""
    editor, approver = has_role(user, Role.EDITOR), has_role(user, Role.APPROVER)
    reviewing = (
        change_set.status == S.IN_REVIEW
        and has_role(user, Role.REVIEWER)
        and selectors_change_sets.my_open_assignment_round(change_set, user)
    )
    return {
        "submit": editor and change_set.status == S.DRAFT,
        "revise": editor and change_set.status == S.CHANGES_REQUESTED,
        "assign": approver and change_set.status in (S.SUBMITTED, S.IN_REVIEW),
        "unassign": approver and change_set.status == S.IN_REVIEW,
        "decide": reviewing,
        "publish": approver and change_set.status == S.APPROVED,
        "comment": True,
    }


@login_required
@require_POST
@domain_errors
def change_set_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    change_set = _visible_set(request, pk)
    if action not in ACTIONS:
        raise Http404(_("未知的操作。"))
    factory, call, done = ACTIONS[action]
    form = factory(change_set, request.POST)
    status = perform(
        request, form, lambda data: call(change_set, request.user, data), success=f"#{change_set.pk}: {done}"
    )
    if status is None:
        return redirect("review:change_set", pk=change_set.pk)
    change_set.refresh_from_db()
    return _render(request, change_set, bound=(action, form), status=status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@domain_errors
def change_set_publish(request: HttpRequest, pk: int) -> HttpResponse:
    """The summary of what publishing changes, and the confirmation that publishes or schedules."""
    change_set = _visible_set(request, pk)
    form = forms.PublishForm(request.POST or None)
    status = 200
    if request.method == "POST":

        def publish(data: dict):
            if data.get("at"):
                return road.change_set_schedule(
                    change_set=change_set, actor=request.user, at=data["at"], fingerprint=data["fingerprint"]
                )
            return road.change_set_publish(
                change_set=change_set,
                actor=request.user,
                comment=data["comment"],
                fingerprint=data["fingerprint"],
            )

        scheduled = bool(request.POST.get("at"))
        status = perform(
            request,
            form,
            publish,
            success=f"#{change_set.pk}: " + str(_("已安排发布时间。") if scheduled else _("已发布。")),
        )
        if status is None:
            return redirect("review:change_set", pk=change_set.pk)
        change_set.refresh_from_db()
    summary = selectors_change_sets.publication_summary(change_set)
    if request.method != "POST":
        form = forms.PublishForm(initial={"fingerprint": summary.fingerprint})
    return render(
        request,
        "factordb/review/change_set_publish.html",
        {
            "change_set": change_set,
            "summary": summary,
            "form": form,
            "approvals": selectors_change_sets.approvals(change_set),
            "required_approvals": road.required_approvals(),
            "open_threads": discussion.open_threads(change_set),
        },
        status=status,
    )


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    return render(request, "factordb/review/inbox.html", {"inbox": selectors_change_sets.inbox(request.user)})


@login_required
@domain_errors
def change_set_list(request: HttpRequest) -> HttpResponse:
    """Every set on the road, for approvers: what each is, how big, which round, how far."""
    from accounts.roles import require_role

    require_role(request.user, Role.APPROVER)
    return render(
        request,
        "factordb/review/change_set_list.html",
        {
            "sections": [
                (_("待指派评审"), selectors_change_sets.sets_for_approvers((S.SUBMITTED,))),
                (_("评审中"), selectors_change_sets.sets_for_approvers((S.IN_REVIEW,))),
                (_("已通过，待发布"), selectors_change_sets.sets_for_approvers((S.APPROVED,))),
                (_("退回修改"), selectors_change_sets.sets_for_approvers((S.CHANGES_REQUESTED,))),
            ],
        },
    )
