"""One registry of the steps people take on the review road (docs/design.md §2).

Each entry says once what a step is called, where on the road it may be taken (read from
the transition table in factordb.workflow, never restated), which roles may take it,
whether it acts on the actor's own open review assignment, the form it reads, the service
it calls and what success says. The approvers' dashboard, the reviewers' workspace and the
admin's version page build their buttons, parse their posts and dispatch from this table:
a new step is one entry here (and a row in the permission matrix, which reads this table).

It decides only what to *show*. The services check role, state and independence again and
stay the authority: a page sends any step of its surface to the service, offered or not, so
a forged request for a hidden step is refused there and changes nothing.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django import forms as django_forms
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.roles import ForbiddenAction, Role
from factordb import forms, selectors, workflow
from factordb import forms_change_sets as set_forms
from factordb.constants import FactorStatus as S
from factordb.models import ChangeSet, FactorVersion, ReviewAssignment, ReviewDecision
from factordb.services import change_set_review as set_road
from factordb.services import editing, review


class Surface(StrEnum):
    """The pages that offer steps."""

    DASHBOARD = "dashboard"  # the approvers' dashboard: one endpoint per version and step
    WORKSPACE = "workspace"  # a reviewer's assignment page: the step named in the body
    ADMIN = "admin"  # the admin's version page: one endpoint per version and step
    CHANGE_SET = "change_set"  # a change set's page: one endpoint per set and step


# Builds a step's form: (data or None, prefix=, version=, reviewers=) → a form. `reviewers` is
# a callable, so that a page with many rows reads the reviewer list once, and only if asked.
FormFactory = Callable[..., django_forms.Form]
# Calls a step's service: (subject, actor, cleaned data) → what the service returns.
Service = Callable[[Any, Any, dict], Any]


def sources_of(road: str, *, and_target: bool = False) -> tuple[S, ...]:
    """The states a step of factordb.workflow may be taken from (a transition's sources, or a
    recorded step's states); with `and_target`, the state the transition leads to as well."""
    if road in workflow.TRANSITIONS:
        transition = workflow.TRANSITIONS[road]
        return (*transition.sources, transition.target) if and_target else transition.sources
    if road in workflow.RECORDED_STEPS and not and_target:  # a recorded step keeps the state
        return workflow.RECORDED_STEPS[road]
    raise ValueError(f"no step {road!r} in factordb.workflow that a step could start from")


@dataclass(frozen=True)
class Step:
    name: str  # what a page posts, and the last part of the step's address
    label: str | Promise
    # The factordb.workflow step whose source states are where this one may be taken.
    road: str
    roles: frozenset[Role]  # any one of them suffices
    form: FormFactory
    call: Service
    done: str | Promise  # the success message
    # Also in the state `road` leads to: more reviewers may be assigned once review started.
    and_target: bool = False
    # Acts on the actor's own open assignment of the version (a reviewer's decision), not on
    # the version itself.
    on_own_assignment: bool = False
    # The pages that offer it; the admin's version page, where staff see a version's whole road,
    # offers every step.
    surfaces: frozenset[Surface] = field(default=frozenset({Surface.ADMIN}))
    # What the step moves: a version, or a change set (every row of it at once).
    on_change_set: bool = False

    def __post_init__(self) -> None:
        sources_of(self.road, and_target=self.and_target)  # a misspelt road fails on import

    @property
    def sources(self) -> tuple[S, ...]:
        return sources_of(self.road, and_target=self.and_target)

    def form_for(self, version: FactorVersion, *, prefix: str, data=None,
                 reviewers: Callable[[], list] | None = None) -> django_forms.Form:
        return self.form(data, prefix=prefix, version=version, reviewers=reviewers or selectors.reviewers)


def plain_form(form_class: type[django_forms.Form]) -> FormFactory:
    """The factory of a form that reads nothing but what was posted."""

    def build(data, *, prefix: str, version: FactorVersion, reviewers: Callable[[], list]):
        return form_class(data, prefix=prefix)
    return build


def _assign_form(data, *, prefix: str, version: FactorVersion, reviewers: Callable[[], list]):
    return forms.AssignForm(data, version=version, reviewers=reviewers(), prefix=prefix)


EDITOR, REVIEWER, APPROVER = frozenset({Role.EDITOR}), frozenset({Role.REVIEWER}), frozenset({Role.APPROVER})
DASHBOARD_AND_ADMIN = frozenset({Surface.DASHBOARD, Surface.ADMIN})
WORKSPACE_AND_ADMIN = frozenset({Surface.WORKSPACE, Surface.ADMIN})


def _set_reviewer_form(data, *, prefix: str, version, reviewers: Callable[[], list]):
    return set_forms.ReviewerForm(data, reviewers=reviewers(), prefix=prefix)


def _set_round_form(form_class: type[django_forms.Form]) -> FormFactory:
    """A reviewer's form on a set, carrying the round the reviewer saw."""

    def build(data, *, prefix: str, version, reviewers: Callable[[], list]):
        return form_class(data, prefix=prefix, initial={"review_round": version.review_round})
    return build


def _set_decision(change_set: ChangeSet, user, data: dict):
    row = FactorVersion.objects.filter(pk=data.get("version")).first() if data.get("version") else None
    said = {"actor": user, "verdict": data["verdict"], "review_round": data["review_round"],
            "comment": data["comment"], "declares_no_conflict": data["declares_no_conflict"]}
    if row is not None:  # a decision on one row alone: it leaves the set
        return set_road.change_set_decide_row(change_set=change_set, version=row, **said)
    return set_road.change_set_decide(change_set=change_set, **said)


def _set_publication(change_set: ChangeSet, user, data: dict):
    if data.get("at"):
        return set_road.change_set_schedule(change_set=change_set, actor=user, at=data["at"],
                                                     fingerprint=data["fingerprint"])
    return set_road.change_set_publish(change_set=change_set, actor=user, comment=data["comment"],
                                                fingerprint=data["fingerprint"])


SET_PAGE = frozenset({Surface.CHANGE_SET})


def _entries(*steps: Step) -> dict[str, Step]:
    return {step.name: step for step in steps}


# In the order the pages show them.
STEPS: dict[str, Step] = _entries(
    Step("submit", _("提交评审"), "submit", EDITOR, plain_form(forms.NoteForm),
         lambda v, user, d: review.factor_version_submit(version=v, actor=user, comment=d["comment"]),
         _("已提交评审。")),
    Step("revise", _("退回草稿以修改"), "revise", EDITOR, plain_form(forms.NoteForm),
         lambda v, user, d: review.factor_version_revise(version=v, actor=user, comment=d["comment"]),
         _("已退回草稿。")),
    # Assigning the first reviewer starts the review; more may be assigned while it runs.
    Step("assign", _("指派评审专家"), "start_review", APPROVER, _assign_form,
         lambda v, user, d: review.review_assign(version=v, reviewer=d["reviewer"], actor=user),
         _("已指派评审专家。"), and_target=True, surfaces=DASHBOARD_AND_ADMIN),
    Step("approve", _("同意"), "approve", REVIEWER, plain_form(forms.ApproveForm),
         lambda a, user, d: review.review_approve(
             assignment=a, actor=user, declares_no_conflict=d["declares_no_conflict"], comment=d["comment"]),
         _("已记录您的同意。"), on_own_assignment=True, surfaces=WORKSPACE_AND_ADMIN),
    Step("request_changes", _("要求修改"), "request_changes", REVIEWER, plain_form(forms.CommentForm),
         lambda a, user, d: review.review_request_changes(assignment=a, actor=user, comment=d["comment"]),
         _("已要求修改，版本退回作者。"), on_own_assignment=True, surfaces=WORKSPACE_AND_ADMIN),
    Step("reject", _("驳回"), "reject", REVIEWER, plain_form(forms.CommentForm),
         lambda a, user, d: review.review_reject(assignment=a, actor=user, comment=d["comment"]),
         _("已驳回此版本。"), on_own_assignment=True, surfaces=WORKSPACE_AND_ADMIN),
    # Stepping aside moves nothing: it is taken where the reviewers' decisions are, while the
    # version is in review (the service guards it with "approve" too).
    Step("declare_conflict", _("声明利益冲突并回避"), "approve", REVIEWER, plain_form(forms.CommentForm),
         lambda a, user, d: review.review_declare_conflict(assignment=a, actor=user, comment=d["comment"]),
         _("已声明利益冲突并回避此评审。"), on_own_assignment=True, surfaces=WORKSPACE_AND_ADMIN),
    Step("publish", _("立即发布"), "publish", APPROVER, plain_form(forms.PublishForm),
         lambda v, user, d: review.factor_version_publish(version=v, actor=user, comment=d["comment"]),
         _("已发布。"), surfaces=DASHBOARD_AND_ADMIN),
    Step("schedule", _("计划发布"), "schedule", APPROVER, plain_form(forms.ScheduleForm),
         lambda v, user, d: review.factor_version_schedule_publication(version=v, actor=user, at=d["at"]),
         _("已安排发布时间。"), surfaces=DASHBOARD_AND_ADMIN),
    # A revision is the new draft that will one day supersede the published version: it
    # starts where superseding may.
    Step("start_revision", _("修订（新建草稿版本）"), "supersede", EDITOR, plain_form(forms.NoteForm),
         lambda v, user, d: editing.factor_version_start_revision(factor=v.factor, actor=user),
         _("已新建草稿版本；已发布的版本保持不变。")),
    Step("withdraw", _("撤回"), "withdraw", APPROVER, plain_form(forms.WithdrawForm),
         lambda v, user, d: review.factor_version_withdraw(version=v, actor=user, reason=d["reason"]),
         _("已撤回。"), surfaces=DASHBOARD_AND_ADMIN),
    # --- A change set: every row moves with it (factordb.services.change_set_review) --------
    Step("set_submit", _("提交评审"), "submit", EDITOR, plain_form(set_forms.NoteForm),
         lambda cs, user, d: set_road.change_set_submit(change_set=cs, actor=user, comment=d["comment"]),
         _("已提交评审。"), surfaces=SET_PAGE, on_change_set=True),
    Step("set_revise", _("退回草稿以修改"), "revise", EDITOR, plain_form(set_forms.NoteForm),
         lambda cs, user, d: set_road.change_set_revise(change_set=cs, actor=user, comment=d["comment"]),
         _("已退回草稿以修改。"), surfaces=SET_PAGE, on_change_set=True),
    Step("set_assign", _("指派评审专家"), "start_review", APPROVER, _set_reviewer_form,
         lambda cs, user, d: set_road.change_set_assign(change_set=cs, reviewer=d["reviewer"], actor=user),
         _("已指派评审专家。"), and_target=True, surfaces=SET_PAGE, on_change_set=True),
    # Releasing a reviewer, like their decisions, happens while the set is in review.
    Step("set_unassign", _("取消指派"), "approve", APPROVER, _set_reviewer_form,
         lambda cs, user, d: set_road.change_set_unassign(change_set=cs, reviewer=d["reviewer"],
                                                                   actor=user, reason=d["reason"]),
         _("已取消该专家本轮的指派。"), surfaces=SET_PAGE, on_change_set=True),
    Step("set_decide", _("提交结论"), "approve", REVIEWER, _set_round_form(set_forms.DecisionForm),
         _set_decision, _("已记录您的结论。"), on_own_assignment=True, surfaces=SET_PAGE, on_change_set=True),
    Step("set_declare_conflict", _("声明利益冲突并回避"), "approve", REVIEWER,
         _set_round_form(set_forms.ConflictForm),
         lambda cs, user, d: set_road.change_set_declare_conflict(
             change_set=cs, actor=user, comment=d["comment"], review_round=d["review_round"]),
         _("已声明利益冲突并回避此评审。"), on_own_assignment=True, surfaces=SET_PAGE, on_change_set=True),
    # Posted from the page that shows the summary of what publication changes: publishes at
    # once, or at the time given, the set the approver saw (its fingerprint).
    Step("set_publish", _("发布"), "publish", APPROVER, plain_form(set_forms.PublishForm), _set_publication,
         _("已发布或已安排发布时间。"), surfaces=SET_PAGE, on_change_set=True),
)


def on(surface: Surface) -> list[Step]:
    """The steps a surface dispatches, whether or not it offers them to the user at hand."""
    return [step for step in STEPS.values() if surface in step.surfaces]


def step_on(surface: Surface, name: str | None) -> Step | None:
    step = STEPS.get(name or "")
    return step if step is not None and surface in step.surfaces else None


# --- Who sees what --------------------------------------------------------------------


def roles_held(user) -> frozenset[Role]:
    """The workflow roles the user holds, in one query (accounts.roles.has_role's rule: an
    inactive or anonymous user holds none, a superuser only those given explicitly)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return frozenset()
    names = set(user.groups.values_list("name", flat=True))
    return frozenset(role for role in Role if role.value in names)


def roles_in_request(user) -> frozenset[Role]:
    """roles_held, read once for a request's user: a page and its menus ask several times."""
    held = getattr(user, "_held_workflow_roles", None)
    if held is None:
        held = roles_held(user)
        user._held_workflow_roles = held
    return held


def own_open_assignment(version: FactorVersion | ChangeSet, user) -> ReviewAssignment | None:
    """The user's undecided assignment of the version's (or set's) current round, if any."""
    if user is None or not user.is_authenticated:
        return None
    if isinstance(version, ChangeSet):
        return ReviewAssignment.objects.filter(
            change_set=version, change_set_round=version.review_round, reviewer=user,
            decision=ReviewDecision.PENDING).first()
    return ReviewAssignment.objects.filter(
        version=version, reviewer=user, review_round=version.review_round, decision=ReviewDecision.PENDING,
    ).first()


def available_steps(version: FactorVersion, user, *, surface: Surface | None = None,
                    roles: Iterable[Role] | None = None) -> list[Step]:
    """The steps to offer the user on the version: its state is among the step's sources, the
    user holds one of the step's roles, and a reviewer's decision needs their own open
    assignment. `roles`: the user's roles when a page has read them once for many versions."""
    held = frozenset(roles) if roles is not None else roles_held(user)
    on_set = isinstance(version, ChangeSet)
    candidates = [
        step for step in STEPS.values()
        if (surface is None or surface in step.surfaces) and step.on_change_set == on_set
        and version.status in step.sources and held & step.roles
    ]
    if any(step.on_own_assignment for step in candidates) and own_open_assignment(version, user) is None:
        candidates = [step for step in candidates if not step.on_own_assignment]
    return candidates


@dataclass
class Offer:
    """A step offered on a page, with its form (the one just posted, errors and all, in its
    place) and, where the page has one per step, its address."""

    step: Step
    form: django_forms.Form
    url: str = ""

    @property
    def name(self) -> str:
        return self.step.name

    @property
    def label(self) -> str | Promise:
        return self.step.label


def offers(version: FactorVersion, user, *, surface: Surface, prefix: Callable[[Step], str],
           bound: tuple[str, django_forms.Form] | None = None, roles: Iterable[Role] | None = None,
           reviewers: Callable[[], list] | None = None) -> list[Offer]:
    """The available steps with their forms; `bound`: (step name, form) of a refused post."""
    return [
        Offer(step, bound[1] if bound is not None and bound[0] == step.name
              else step.form_for(version, prefix=prefix(step), reviewers=reviewers))
        for step in available_steps(version, user, surface=surface, roles=roles)
    ]


# --- Taking a step ----------------------------------------------------------------------


Record = FactorVersion | ReviewAssignment | ChangeSet


def subject_of(step: Step, record: Record, actor) -> Record:
    """What the step's service acts on, from the record a page is about: the version, or for
    a reviewer's decision the actor's own open assignment of it. The one place that maps a
    page's record to a step's subject (a step on another kind of record adds its case here)."""
    if isinstance(record, ChangeSet):
        return record  # the set's services find the actor's own assignments themselves
    if isinstance(record, ReviewAssignment):
        return record if step.on_own_assignment else record.version
    if not step.on_own_assignment:
        return record
    assignment = own_open_assignment(record, actor)
    if assignment is None:
        raise ForbiddenAction(_("您没有此版本待作出结论的评审指派。"))
    return assignment


def take(step: Step, record: Record, actor, data: dict) -> Any:
    """Call the step's service (which checks role, state and independence) on its subject."""
    return step.call(subject_of(step, record, actor), actor, data)
