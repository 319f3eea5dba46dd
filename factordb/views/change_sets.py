"""The change set pages: one set with its rows, rounds and discussion; publication with its
summary; each user's inbox; and the approvers' list.

Only those who take part in a set's review see it (services.discussion.takes_part). The
road's steps come from the one registry (factordb.steps, surface CHANGE_SET), the
discussion's actions from DISCUSSION below; each posts to its own address, calls one
service, and redirects back. A refusal re-renders the page with the reason and the status
of the refusal (factordb.http), having changed nothing.
"""

from collections.abc import Callable

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from accounts.roles import ForbiddenAction, Role, require_role
from factordb import forms_change_sets as forms
from factordb import selectors_change_sets, steps
from factordb.http import domain_errors, perform
from factordb.models import ChangeSet
from factordb.services import change_set_review as road
from factordb.services import discussion

# The discussion's actions: (form, service, what success says). Not steps of the road: they
# move nothing, and everyone who takes part in the set may take them.
DISCUSSION: dict[str, tuple[Callable, Callable, object]] = {
    "comment": (lambda cs, data: forms.CommentForm(data, change_set=cs, prefix="comment"),
                lambda cs, user, d: discussion.comment_post(change_set=cs, actor=user, body=d["body"],
                                                            thread=d["thread"], version=d["version"],
                                                            field=d["field"]),
                _("已发表。")),
    "resolve": (lambda cs, data: forms.ThreadForm(data, prefix="resolve"),
                lambda cs, user, d: discussion.thread_resolve(change_set=cs, thread=d["thread"], actor=user),
                _("讨论已标记为解决。")),
    "reopen": (lambda cs, data: forms.ThreadForm(data, prefix="reopen"),
               lambda cs, user, d: discussion.thread_reopen(change_set=cs, thread=d["thread"], actor=user),
               _("讨论已重新打开。")),
}


def actions() -> list[str]:
    """Every action a set's page dispatches: the road's steps and the discussion's."""
    return [step.name for step in steps.on(steps.Surface.CHANGE_SET)] + list(DISCUSSION)


def _visible_set(request: HttpRequest, pk: int) -> ChangeSet:
    change_set = get_object_or_404(ChangeSet.objects.select_related("author", "split_from"), pk=pk)
    if not discussion.takes_part(change_set, request.user):
        raise ForbiddenAction(_("您不参与此变更集的评审。"))
    return change_set


@login_required
@domain_errors
def change_set_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render(request, _visible_set(request, pk))


def _offers(change_set: ChangeSet, user, bound) -> list[steps.Offer]:
    # Publication is offered as a link to its summary page, which holds its form.
    return steps.offers(change_set, user, surface=steps.Surface.CHANGE_SET, prefix=lambda step: step.name,
                        bound=bound)


def _discussion_forms(change_set: ChangeSet, bound) -> dict:
    built = {name: factory(change_set, None) for name, (factory, _call, _done) in DISCUSSION.items()}
    if bound is not None and bound[0] in built:
        built[bound[0]] = bound[1]
    return built


def _render(request: HttpRequest, change_set: ChangeSet, *, bound=None, status: int = 200) -> HttpResponse:
    user = request.user
    page = selectors_change_sets.rows_page(change_set, q=request.GET.get("q", "").strip()[:100],
                                           only_changed_value=request.GET.get("changed") == "1",
                                           page=request.GET.get("page", 1))
    offers = _offers(change_set, user, bound)
    return render(request, "factordb/review/change_set.html", {
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
        "offers": [offer for offer in offers if offer.name != "set_publish"],
        "can_publish": any(offer.name == "set_publish" for offer in offers),
        "forms": _discussion_forms(change_set, bound),
        "splits": list(change_set.splits.all()),
    }, status=status)


@login_required
@require_POST
@domain_errors
def change_set_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    change_set = _visible_set(request, pk)
    step = steps.step_on(steps.Surface.CHANGE_SET, action)
    if step is not None:
        form = step.form_for(change_set, prefix=step.name, data=request.POST)
        done = step.done

        def call(data: dict):
            return steps.take(step, change_set, request.user, data)
    elif action in DISCUSSION:
        factory, service, done = DISCUSSION[action]
        form = factory(change_set, request.POST)

        def call(data: dict):
            return service(change_set, request.user, data)
    else:
        raise Http404(_("未知的操作。"))
    status = perform(request, form, call, success=f"#{change_set.pk}: {done}")
    if status is None:
        return redirect("review:change_set", pk=change_set.pk)
    change_set.refresh_from_db()
    if action == "set_publish":
        return _render_publication(request, change_set, form, status=status)
    return _render(request, change_set, bound=(action, form), status=status)


@login_required
@domain_errors
def change_set_publish(request: HttpRequest, pk: int) -> HttpResponse:
    """The summary of what publishing changes, with the confirmation that publishes or schedules
    (it posts to the set_publish step)."""
    change_set = _visible_set(request, pk)
    require_role(request.user, Role.APPROVER)
    return _render_publication(request, change_set, None)


def _render_publication(request: HttpRequest, change_set: ChangeSet, form, *,
                        status: int = 200) -> HttpResponse:
    summary = selectors_change_sets.publication_summary(change_set)
    if form is None:
        form = forms.PublishForm(initial={"fingerprint": summary.fingerprint}, prefix="set_publish")
    return render(request, "factordb/review/change_set_publish.html", {
        "change_set": change_set, "summary": summary, "form": form,
        "approvals": selectors_change_sets.approvals(change_set),
        "required_approvals": road.required_approvals(),
        "open_threads": discussion.open_threads(change_set),
    }, status=status)


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    return render(request, "factordb/review/inbox.html", {"inbox": selectors_change_sets.inbox(request.user)})


@login_required
@domain_errors
def change_set_list(request: HttpRequest) -> HttpResponse:
    """Every set on the road, for approvers: what each is, how big, which round, how far."""
    require_role(request.user, Role.APPROVER)
    from factordb.views.dashboard import change_set_sections

    return render(request, "factordb/review/change_set_list.html", {"sections": change_set_sections()})
