"""The review road, one service per step (docs/design.md §2).

Each step is atomic, locks the version row, checks the actor's role and the version's
state (through the transition table in factordb.workflow), records the event and queues
notifications to be sent once the transaction has committed.
"""

import logging
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import ForbiddenAction, Role, has_role, require_role
from factordb import consistency, workflow
from factordb.constants import FactorStatus
from factordb.errors import InvalidTransition, WorkflowError
from factordb.models import ConflictOfInterest, FactorVersion, ReviewAssignment, ReviewDecision, WebhookEvent
from factordb.services import independence, notifications, webhooks
from factordb.services.change_sets import refuse_if_in_set
from factordb.services.publication import hold_publication_lock, retry_on_conflict

logger = logging.getLogger(__name__)


def _locked(version: FactorVersion) -> FactorVersion:
    try:
        # of=("self",): the version row alone, not the factor and user rows it is read with.
        return (FactorVersion.objects.select_for_update(of=("self",)).select_related("factor", "author")
                .get(pk=version.pk))
    except FactorVersion.DoesNotExist:
        raise InvalidTransition(_("该版本不存在。")) from None


def _locked_assignment(assignment: ReviewAssignment) -> ReviewAssignment:
    # Version first, then assignment: the same order as review_assign, so no deadlock.
    version_id = (ReviewAssignment.objects.filter(pk=assignment.pk).values_list("version_id", flat=True)
                  .first() if assignment.pk else None)
    if version_id is None:
        raise InvalidTransition(_("该评审指派不存在。"))
    locked_version = _locked(FactorVersion(pk=version_id))
    locked = ReviewAssignment.objects.select_for_update().get(pk=assignment.pk)
    locked.version = locked_version
    return locked


def _require_comment(comment: str, field: str = "comment") -> str:
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({field: _("此操作必须填写意见。")})
    return comment


def required_approvals() -> int:
    return settings.REVIEW_REQUIRED_APPROVALS


def approvals_in_current_round(version: FactorVersion) -> int:
    """Approvals that count: distinct reviewers independent of the version (services.independence)."""
    return independence.counted_approvals([version])[version.pk]


# --- Editors ---------------------------------------------------------------------------


@transaction.atomic
def factor_version_submit(*, version: FactorVersion, actor, comment: str = "") -> FactorVersion:
    require_role(actor, Role.EDITOR)
    version = _locked(version)
    refuse_if_in_set(version)
    workflow.guard(version, "submit")
    if not version.version_sources.exists():
        raise ValidationError({"version_sources": _("提交评审前须至少注明一个来源。")})
    # The last guard: the total and the gas rows may have been saved apart (the admin's parts).
    consistency.check_stored_version(version)
    version.review_round += 1
    # Only an approver schedules, and only an approved version: one found on a draft did not
    # come through that road, and must not publish this content once it is approved.
    version.scheduled_publication_at = version.scheduled_by = None
    workflow.transition(version, "submit", actor=actor, comment=comment)
    notifications.queue("submitted", version=version, actor=actor, comment=comment)
    return version


@transaction.atomic
def factor_version_revise(*, version: FactorVersion, actor, comment: str = "") -> FactorVersion:
    """Take a version sent back for changes into draft again, for the editor to correct."""
    require_role(actor, Role.EDITOR)
    version = _locked(version)
    refuse_if_in_set(version)
    workflow.transition(version, "revise", actor=actor, comment=comment)
    return version


# --- Approvers: assignment ------------------------------------------------------------


@transaction.atomic
def review_assign(*, version: FactorVersion, reviewer, actor) -> ReviewAssignment:
    require_role(actor, Role.APPROVER)
    version = _locked(version)
    refuse_if_in_set(version)
    if version.status not in (FactorStatus.SUBMITTED, FactorStatus.IN_REVIEW):
        workflow.guard(version, "start_review")
    if not has_role(reviewer, Role.REVIEWER):
        raise ValidationError({"reviewer": _("%(user)s 不是评审专家。") % {"user": reviewer}})
    reason = independence.why_not_independent(version, reviewer)
    if reason:
        raise ValidationError({"reviewer": reason})
    if ReviewAssignment.objects.filter(version=version, review_round=version.review_round,
                                       reviewer=reviewer).exists():
        raise ValidationError({"reviewer": _("该专家已被指派评审此版本。")})
    if version.status == FactorStatus.SUBMITTED:
        workflow.transition(version, "start_review", actor=actor,
                            comment=_("指派评审专家 %(user)s") % {"user": reviewer})
    assignment = ReviewAssignment(version=version, review_round=version.review_round,
                                  reviewer=reviewer, assigned_by=actor)
    assignment._change_reason = "assigned"
    assignment.save()
    notifications.queue("assigned", version=version, assignment=assignment, actor=actor)
    return assignment


@transaction.atomic
def review_clear_conflict(*, factor, reviewer, actor, reason: str) -> ConflictOfInterest:
    """Lift a reviewer's declared conflict of interest in a factor, for a reason on record."""
    require_role(actor, Role.APPROVER)
    if actor.pk == reviewer.pk:
        raise ForbiddenAction(_("不能解除自己声明的利益冲突。"))
    reason = _require_comment(reason, "reason")
    conflict = (ConflictOfInterest.objects.select_for_update()
                .filter(factor=factor, reviewer=reviewer, cleared_at__isnull=True).first())
    if conflict is None:
        raise InvalidTransition(_("%(user)s 在此因子上没有待解除的利益冲突。") % {"user": reviewer})
    conflict.cleared_by, conflict.cleared_at, conflict.clearance_reason = actor, timezone.now(), reason
    conflict._change_reason = f"cleared: {reason}"
    conflict._history_user = actor
    conflict.save()
    return conflict


# --- Reviewers: decisions -------------------------------------------------------------


def _open_assignment_of(assignment: ReviewAssignment, actor) -> ReviewAssignment:
    require_role(actor, Role.REVIEWER)
    assignment = _locked_assignment(assignment)
    if assignment.reviewer_id != actor.pk:
        raise ForbiddenAction(_("只能对指派给自己的评审作出结论。"))
    refuse_if_in_set(assignment.version)
    if assignment.version.author_id == actor.pk:
        raise ForbiddenAction(_("作者不能评审自己的版本。"))
    if assignment.decision != ReviewDecision.PENDING:
        raise InvalidTransition(_("此评审已有结论（%(decision)s）。")
                                % {"decision": assignment.get_decision_display()})
    if assignment.review_round != assignment.version.review_round:
        raise InvalidTransition(_("此评审属于已结束的评审轮次。"))
    workflow.guard(assignment.version, "approve")  # the version must still be in review
    return assignment


def _decidable_assignment_of(assignment: ReviewAssignment, actor) -> ReviewAssignment:
    """An open assignment of the actor's, who must still be independent of the version: an edit
    or a declared conflict since the assignment takes the decision out of their hands."""
    assignment = _open_assignment_of(assignment, actor)
    reason = independence.why_not_independent(assignment.version, actor)
    if reason:
        raise ForbiddenAction(reason)
    return assignment


def _decide(assignment: ReviewAssignment, decision: ReviewDecision, comment: str, **fields) -> None:
    assignment.decision = decision
    assignment.comment = comment
    assignment.decided_at = timezone.now()
    for name, value in fields.items():
        setattr(assignment, name, value)
    assignment._change_reason = f"{decision}: {comment}" if comment else str(decision)
    assignment.save()


@transaction.atomic
def review_declare_conflict(*, assignment: ReviewAssignment, actor, comment: str) -> ReviewAssignment:
    """A reviewer with a conflict of interest steps aside. The conflict holds for the factor: they
    are out of its later rounds and versions too, until an approver clears it."""
    assignment = _open_assignment_of(assignment, actor)
    _decide(assignment, ReviewDecision.RECUSED, _require_comment(comment), conflict_of_interest=True)
    record_conflict(assignment, actor=actor)
    notifications.queue("recused", version=assignment.version, assignment=assignment, actor=actor,
                        comment=assignment.comment)
    return assignment


def record_conflict(assignment: ReviewAssignment, *, actor) -> None:
    # The conflict holds for the factor until an approver clears it; one already open stands.
    factor_id = assignment.version.factor_id
    if ConflictOfInterest.objects.filter(factor_id=factor_id, reviewer=actor,
                                         cleared_at__isnull=True).exists():
        return
    conflict = ConflictOfInterest(factor_id=factor_id, reviewer=actor, declared_in=assignment,
                                  declared_at=assignment.decided_at)
    conflict._change_reason = f"declared: {assignment.comment}"
    conflict._history_user = actor
    conflict.save()


@transaction.atomic
def review_approve(*, assignment: ReviewAssignment, actor, declares_no_conflict: bool,
                   comment: str = "") -> ReviewAssignment:
    assignment = _decidable_assignment_of(assignment, actor)
    if not declares_no_conflict:
        raise ValidationError({"declares_no_conflict": _("同意前须声明与此版本无利益冲突。")})
    _decide(assignment, ReviewDecision.APPROVED, comment.strip(), conflict_of_interest=False)
    version = assignment.version
    if approvals_in_current_round(version) >= required_approvals():
        event = workflow.transition(version, "approve", actor=actor,
                                    comment=_("已获得 %(n)d 位专家同意") % {"n": required_approvals()})
        notifications.queue("approved", version=version, actor=actor, comment=event.comment)
    return assignment


@transaction.atomic
def review_request_changes(*, assignment: ReviewAssignment, actor, comment: str) -> ReviewAssignment:
    assignment = _decidable_assignment_of(assignment, actor)
    comment = _require_comment(comment)
    _decide(assignment, ReviewDecision.CHANGES_REQUESTED, comment)
    _close_round(assignment)
    workflow.transition(assignment.version, "request_changes", actor=actor, comment=comment)
    notifications.queue("changes_requested", version=assignment.version, assignment=assignment, actor=actor,
                        comment=comment)
    return assignment


@transaction.atomic
def review_reject(*, assignment: ReviewAssignment, actor, comment: str) -> ReviewAssignment:
    assignment = _decidable_assignment_of(assignment, actor)
    comment = _require_comment(comment)
    _decide(assignment, ReviewDecision.REJECTED, comment)
    _close_round(assignment)
    workflow.transition(assignment.version, "reject", actor=actor, comment=comment)
    notifications.queue("rejected", version=assignment.version, assignment=assignment, actor=actor,
                        comment=comment)
    return assignment


def _close_round(decided: ReviewAssignment) -> None:
    # One rejection or change request ends the round: the others have nothing left to decide.
    for other in ReviewAssignment.objects.filter(
        version=decided.version, review_round=decided.review_round, decision=ReviewDecision.PENDING,
    ).exclude(pk=decided.pk):
        _decide(other, ReviewDecision.CLOSED, "")


# --- Approvers: publication -----------------------------------------------------------


def supersede_current(version: FactorVersion, *, actor, at: datetime, comment: str) -> None:
    """End the factor's published version at `at`, as `version` takes its place (every road
    to publication calls this, under the publication lock)."""
    # Unordered and unjoined (lock order, factordb/services/publication.py); at most one row.
    current = next(iter(FactorVersion.objects.select_for_update(of=("self",))
                        .filter(factor_id=version.factor_id, status=FactorStatus.PUBLISHED).order_by()), None)
    if current is not None:
        current.superseded_at = at
        workflow.transition(current, "supersede", actor=actor, comment=comment)


def publish_version(version: FactorVersion, *, actor, at: datetime, comment: str, counted: int | None = None,
                    notify: bool = True) -> FactorVersion:
    """Publish a (row-locked) approved version at `at`, under the publication lock; `counted`:
    its approvals, when the caller counted them for many versions at once."""
    workflow.guard(version, "publish")
    if counted is None:
        counted = approvals_in_current_round(version)
    if counted < required_approvals():
        raise InvalidTransition(_("同意的评审专家不足 %(n)d 位。") % {"n": required_approvals()})
    supersede_current(version, actor=actor, at=at, comment=_("由 v%(n)d 取代") % {"n": version.version})
    version.published_at = at
    version.scheduled_publication_at = None
    workflow.transition(version, "publish", actor=actor, comment=comment)
    webhooks.webhooks_record_factor_event([version], WebhookEvent.FACTOR_PUBLISHED)
    if notify:
        notifications.queue("published", version=version, actor=actor, comment=comment)
    return version


def _refuse_own_version(version: FactorVersion, actor) -> None:
    # Publishing is the last review of a version: its author, or whoever changed its content,
    # is not independent of it (docs/adr/0015).
    if version.author_id == actor.pk:
        raise ForbiddenAction(_("作者不能发布自己的版本。"))
    reason = independence.why_not_independent(version, actor)
    if reason is not None:
        raise ForbiddenAction(reason)


@retry_on_conflict
@transaction.atomic
def factor_version_publish(*, version: FactorVersion, actor, comment: str = "") -> FactorVersion:
    """Publish now; the factor's previously published version is superseded at the same instant."""
    require_role(actor, Role.APPROVER)
    hold_publication_lock()
    version = _locked(version)
    refuse_if_in_set(version)
    _refuse_own_version(version, actor)
    return publish_version(version, actor=actor, at=timezone.now(), comment=comment)


@transaction.atomic
def factor_version_schedule_publication(*, version: FactorVersion, actor, at: datetime) -> FactorVersion:
    require_role(actor, Role.APPROVER)
    version = _locked(version)
    refuse_if_in_set(version)
    workflow.guard(version, "publish")
    _refuse_own_version(version, actor)
    if at is None or timezone.is_naive(at):
        raise ValidationError({"at": _("计划发布时间须注明时区。")})
    if at <= timezone.now():
        raise ValidationError({"at": _("计划发布时间须晚于当前时间。")})
    version.scheduled_publication_at = at
    version.scheduled_by = actor
    when = timezone.localtime(at).isoformat(timespec="minutes")
    workflow.record(version, "schedule", actor=actor, comment=_("计划于 %(at)s 发布") % {"at": when})
    return version


def publish_due_versions(*, now: datetime | None = None) -> list[FactorVersion]:
    """Publish every approved version whose scheduled time has come (Celery beat calls this).

    Idempotent: each version is re-checked under its row lock, so a second run, or two
    workers at once, publish it once. The publisher on record is whoever scheduled it, so
    that person must still be allowed to publish it now; else the version waits, approved.
    """
    now = now or timezone.now()
    due = FactorVersion.objects.filter(status=FactorStatus.APPROVED, scheduled_publication_at__lte=now)
    published = []
    for pk in due.values_list("pk", flat=True):
        try:
            version = _publish_if_due(pk, now=now)
            if version is not None:
                published.append(version)
        except (WorkflowError, ForbiddenAction):
            # One version that may no longer be published (too few approvals since the setting
            # was raised, a scheduler who is no approver) must not hold back the others.
            logger.warning("scheduled publication of version %s refused", pk, exc_info=True)
    return published


@retry_on_conflict
@transaction.atomic
def _publish_if_due(pk: int, *, now: datetime) -> FactorVersion | None:
    hold_publication_lock()
    version = next(iter(FactorVersion.objects.select_for_update(of=("self",)).filter(
        pk=pk, status=FactorStatus.APPROVED, scheduled_publication_at__lte=now).order_by()), None)
    if version is None:
        return None
    require_role(version.scheduled_by, Role.APPROVER)
    _refuse_own_version(version, version.scheduled_by)
    return publish_version(version, actor=version.scheduled_by, at=now, comment=_("按计划发布"))


@retry_on_conflict
@transaction.atomic
def factor_version_withdraw(*, version: FactorVersion, actor, reason: str) -> FactorVersion:
    """Take a published value out of force; it stays on record, marked withdrawn."""
    require_role(actor, Role.APPROVER)
    reason = _require_comment(reason, "reason")
    hold_publication_lock()
    version = _locked(version)
    workflow.guard(version, "withdraw")
    version.superseded_at = timezone.now()
    workflow.transition(version, "withdraw", actor=actor, comment=reason)
    webhooks.webhooks_record_factor_event([version], WebhookEvent.FACTOR_WITHDRAWN)
    notifications.queue("withdrawn", version=version, actor=actor, comment=reason)
    return version
