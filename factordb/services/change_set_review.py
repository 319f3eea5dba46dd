"""The review road of a change set: every row moves together, under the rules of one version.

A set moves along the same transition table as a version (factordb.workflow), and each of
its rows takes the step as a version would, with its own workflow event. Reviewers are
assigned to the set (an assignment per row, so approvals are counted per version by the
same function as for a version alone, services.independence); a reviewer who is not
independent of any one row decides on none of them. A decision is a comment with a verdict
in the set's discussion. A reviewer may decide on one row alone: that row leaves the set for
a set of its own (`split_from`), which goes on without the others.

Lock order: the publication lock (publication only), the set, then its version rows by id,
then assignments; the same everywhere, so two steps on one set wait rather than deadlock.
"""

import hashlib
import logging
from collections.abc import Sequence
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Min, Prefetch
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from accounts.roles import ForbiddenAction, Role, has_role, require_role
from factordb import consistency, gwp, workflow
from factordb.constants import FactorStatus as S
from factordb.errors import InvalidTransition, WorkflowError
from factordb.models import (
    ChangeSet,
    ChangeSetKind,
    ChangeSetRow,
    FactorVersion,
    GasAmount,
    ReviewAssignment,
    ReviewComment,
    ReviewDecision,
    Verdict,
    VersionSource,
    WebhookEvent,
)
from factordb.services import independence, set_notifications, webhooks
from factordb.services.change_sets import leave, locked_set, save_set
from factordb.services.publication import hold_publication_lock, retry_on_conflict
from factordb.services.review import record_conflict, required_approvals, supersede_current

logger = logging.getLogger(__name__)

MAX_NAMED = 5  # rows named in a refusal; the count says how many more


def _rows(change_set: ChangeSet, *, with_content: bool = False) -> list[FactorVersion]:
    """The set's versions, row-locked in id order; `with_content`: with their GWP set and
    breakdown, read in two queries for all rows rather than per row."""
    rows = ChangeSetRow.objects.filter(change_set=change_set, left_at__isnull=True)
    ids = list(rows.values_list("version_id", flat=True))
    locked = FactorVersion.objects.select_for_update(of=("self",)).filter(pk__in=ids).order_by("pk")
    if with_content:
        locked = locked.select_related("factor", "gwp_set").prefetch_related(
            Prefetch("gas_amounts", queryset=GasAmount.objects.select_related("gas")))
        return list(locked)
    return list(locked.select_related("factor"))


def _named(versions: Sequence[FactorVersion]) -> str:
    separator = "、" if (get_language() or "zh").startswith("zh") else ", "
    names = separator.join(f"{v.factor.public_id} v{v.version}" for v in versions[:MAX_NAMED])
    more = len(versions) - MAX_NAMED
    return names + (_(" 等 %(n)d 条") % {"n": len(versions)} if more > 0 else "")


def _guard(change_set: ChangeSet, name: str) -> workflow.Transition:
    step = workflow.TRANSITIONS[name]
    if change_set.status not in step.sources:
        raise InvalidTransition(
            _("变更集 %(set)s 当前为“%(state)s”，不能执行“%(step)s”（仅限：%(allowed)s）。")
            % {
                "set": change_set,
                "state": S(change_set.status).label,
                "step": name,
                "allowed": "、".join(str(S(s).label) for s in step.sources),
            }
        )
    return step


def _move(
    change_set: ChangeSet, versions: Sequence[FactorVersion], name: str, *, actor, comment: str,
    fields: tuple[str, ...] = (),
) -> None:
    """Every row, then the set, takes the step; each row's event says it came with the set.
    `fields`: other columns set on the rows for the step (a new round, a publication time)."""
    step = _guard(change_set, name)
    said = (
        _("变更集 %(set)s：%(comment)s") % {"set": f"#{change_set.pk}", "comment": comment}
        if comment
        else _("变更集 %(set)s") % {"set": f"#{change_set.pk}"}
    )
    workflow.transition_many(versions, name, actor=actor, comment=said, fields=fields)
    change_set.status = step.target
    save_set(change_set, actor, f"{name}: {comment}" if comment else name)


def _require_text(text: str, field: str, message: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError({field: message})
    return text


def content_fingerprint(versions: Sequence[FactorVersion]) -> str:
    """What an approver saw: each row and the revision of its content. Publishing may require it."""
    rows = ",".join(f"{v.pk}:{v.revision}" for v in sorted(versions, key=lambda v: v.pk))
    return hashlib.sha256(rows.encode()).hexdigest()


# --- Editors ---------------------------------------------------------------------------


@transaction.atomic
def change_set_submit(*, change_set: ChangeSet, actor, comment: str = "") -> ChangeSet:
    """Send every row for review; from the second round on, the previous round's reviewers
    are asked again at once (an approver may still add or remove reviewers)."""
    require_role(actor, Role.EDITOR)
    change_set = locked_set(change_set)
    _guard(change_set, "submit")
    versions = _rows(change_set, with_content=True)
    if not versions:
        raise ValidationError({"versions": _("变更集至少须包含一个版本。")})
    sourced = set(VersionSource.objects.filter(version__in=versions).values_list("version_id", flat=True))
    without_source = [v for v in versions if v.pk not in sourced]
    if without_source:
        raise ValidationError(
            {
                "version_sources": _("提交评审前须至少注明一个来源：%(rows)s")
                % {"rows": _named(without_source)}
            }
        )
    values: dict[int, dict] = {}  # each GWP set's values, read once for all rows
    for version in versions:
        if version.gwp_set_id not in values:
            values[version.gwp_set_id] = gwp.gwp_values(version.gwp_set)
        breakdown = {row.gas.code: row.amount for row in version.gas_amounts.all()}
        problem = consistency.co2e_problem(version.co2e_total, breakdown, version.gwp_set.code,
                                           values[version.gwp_set_id])
        if problem is not None:
            said = f"{version.factor.public_id} v{version.version}: {problem[1]}"
            raise ValidationError({"versions": [said]})
        version.review_round += 1
        version.scheduled_publication_at = version.scheduled_by = None
    change_set.review_round += 1
    change_set.scheduled_publication_at = change_set.scheduled_by = None
    _move(change_set, versions, "submit", actor=actor, comment=comment.strip(),
          fields=("review_round", "scheduled_publication_at", "scheduled_by"))
    asked = _ask_previous_reviewers(change_set, versions, actor=actor) if change_set.review_round > 1 else []
    set_notifications.queue(
        "submitted", change_set, actor=actor, comment=comment, recipients=[r.pk for r in asked]
    )
    return change_set


def _ask_previous_reviewers(change_set: ChangeSet, versions: list[FactorVersion], *, actor) -> list:
    """The reviewers of the last round who may still review every row, assigned again."""
    previous = [assignment for assignment in reviewers_assignments(change_set, change_set.review_round - 1)
                if assignment.decision != ReviewDecision.RECUSED]
    excluded = independence.not_independent(versions)
    asked = []
    for assignment in previous:
        reviewer = assignment.reviewer
        if has_role(reviewer, Role.REVIEWER) and not any(reviewer.pk in excluded[v.pk] for v in versions):
            _assign_rows(
                change_set,
                versions,
                reviewer,
                assigned_by=assignment.assigned_by,
                actor=actor,
                reason=_("第 %(n)d 轮：再次邀请上一轮的评审专家") % {"n": change_set.review_round},
            )
            asked.append(reviewer)
    return asked


@transaction.atomic
def change_set_revise(*, change_set: ChangeSet, actor, comment: str = "") -> ChangeSet:
    """Take a set sent back for changes into draft again, every row with it."""
    require_role(actor, Role.EDITOR)
    change_set = locked_set(change_set)
    _move(change_set, _rows(change_set), "revise", actor=actor, comment=comment.strip())
    return change_set


# --- Approvers: reviewers -------------------------------------------------------------


def _not_independent_rows(versions: Sequence[FactorVersion], user) -> list[FactorVersion]:
    excluded = independence.not_independent(versions)
    return [v for v in versions if user.pk in excluded[v.pk]]


def _why_not(versions: Sequence[FactorVersion], user) -> str | None:
    rows = _not_independent_rows(versions, user)
    if not rows:
        return None
    reason = independence.why_not_independent(rows[0], user)
    return _("%(user)s 不独立于本变更集的 %(rows)s：%(reason)s") % {
        "user": user,
        "rows": _named(rows),
        "reason": reason,
    }


def _assign_rows(
    change_set: ChangeSet, versions: list[FactorVersion], reviewer, *, assigned_by, actor, reason: str
) -> None:
    if change_set.status == S.SUBMITTED:
        _move(change_set, versions, "start_review", actor=actor, comment=reason)
    assignments = [
        ReviewAssignment(
            version=v,
            review_round=v.review_round,
            reviewer=reviewer,
            assigned_by=assigned_by,
            change_set=change_set,
            change_set_round=change_set.review_round,
        )
        for v in versions
    ]
    bulk_create_with_history(
        assignments, ReviewAssignment, default_user=actor, batch_size=workflow.BATCH,
        default_change_reason="assigned",
    )


@transaction.atomic
def change_set_assign(*, change_set: ChangeSet, reviewer, actor) -> ChangeSet:
    """Ask a reviewer to review every row of the set in its current round."""
    require_role(actor, Role.APPROVER)
    change_set = locked_set(change_set)
    if change_set.status not in (S.SUBMITTED, S.IN_REVIEW):
        _guard(change_set, "start_review")
    if not has_role(reviewer, Role.REVIEWER):
        raise ValidationError({"reviewer": _("%(user)s 不是评审专家。") % {"user": reviewer}})
    versions = _rows(change_set)
    reason = _why_not(versions, reviewer)
    if reason:
        raise ValidationError({"reviewer": reason})
    earlier = (
        ReviewAssignment.objects.filter(
            change_set=change_set, change_set_round=change_set.review_round, reviewer=reviewer
        )
        .values_list("decision", flat=True)
        .first()
    )
    if earlier == ReviewDecision.PENDING:
        raise ValidationError({"reviewer": _("该专家已被指派评审此变更集。")})
    if earlier is not None:
        raise ValidationError({"reviewer": _("该专家本轮已评审过此变更集。")})
    _assign_rows(
        change_set,
        versions,
        reviewer,
        assigned_by=actor,
        actor=actor,
        reason=_("指派评审专家 %(user)s") % {"user": reviewer},
    )
    set_notifications.queue("assigned", change_set, actor=actor, recipients=[reviewer.pk])
    return change_set


@transaction.atomic
def change_set_unassign(*, change_set: ChangeSet, reviewer, actor, reason: str) -> ChangeSet:
    """Release a reviewer from the current round, for a reason they are told."""
    require_role(actor, Role.APPROVER)
    reason = _require_text(reason, "reason", _("请说明理由。"))
    change_set = locked_set(change_set)
    if change_set.status != S.IN_REVIEW:
        _guard(change_set, "approve")
    _rows(change_set)
    pending = _pending(change_set, reviewer)
    if not pending:
        raise ValidationError({"reviewer": _("%(user)s 在本轮没有待作出结论的评审。") % {"user": reviewer}})
    _close(
        pending,
        actor=actor,
        comment=_("审批人 %(user)s 取消了指派：%(reason)s") % {"user": actor, "reason": reason},
    )
    set_notifications.queue("unassigned", change_set, actor=actor, comment=reason, recipients=[reviewer.pk])
    return change_set


# --- Reviewers: decisions -------------------------------------------------------------


def _require_round(change_set: ChangeSet, review_round: int) -> None:
    """A decision names the round its reviewer saw; one for a round that has ended is refused."""
    if review_round != change_set.review_round:
        raise InvalidTransition(
            _("第 %(seen)s 轮评审已结束；变更集现处于第 %(now)d 轮。")
            % {"seen": review_round, "now": change_set.review_round}
        )


def _pending(change_set: ChangeSet, reviewer) -> list[ReviewAssignment]:
    return list(
        ReviewAssignment.objects.select_for_update()
        .filter(
            change_set=change_set,
            change_set_round=change_set.review_round,
            reviewer=reviewer,
            decision=ReviewDecision.PENDING,
        )
        .order_by("pk")
    )


def _close(assignments: list[ReviewAssignment], *, actor, comment: str) -> None:
    now = timezone.now()
    for assignment in assignments:
        assignment.decision, assignment.comment, assignment.decided_at = ReviewDecision.CLOSED, comment, now
    bulk_update_with_history(
        assignments,
        ReviewAssignment,
        ["decision", "comment", "decided_at"],
        default_user=actor, batch_size=workflow.BATCH,
        default_change_reason=f"closed: {comment}",
    )


def _decidable(change_set: ChangeSet, versions: list[FactorVersion], actor, review_round: int) -> list:
    """The actor's open assignments on these rows, if they may decide on them now."""
    require_role(actor, Role.REVIEWER)
    _require_round(change_set, review_round)
    if change_set.status != S.IN_REVIEW:
        _guard(change_set, "approve")
    ids = {v.pk for v in versions}
    mine = [a for a in _pending(change_set, actor) if a.version_id in ids]
    if {a.version_id for a in mine} != ids:
        decided = (
            ReviewAssignment.objects.filter(
                change_set=change_set,
                change_set_round=change_set.review_round,
                reviewer=actor,
                version_id__in=ids,
            )
            .exclude(decision=ReviewDecision.PENDING)
            .first()
        )
        if decided is not None:
            raise InvalidTransition(
                _("您在本轮已作出结论（%(decision)s）。") % {"decision": decided.get_decision_display()}
            )
        raise ForbiddenAction(_("您在本轮没有此变更集待作出结论的评审指派。"))
    if any(v.author_id == actor.pk for v in versions) or change_set.author_id == actor.pk:
        raise ForbiddenAction(_("作者不能评审自己的变更集。"))
    reason = _why_not(versions, actor)
    if reason:
        raise ForbiddenAction(reason)
    return mine


@transaction.atomic
def change_set_decide(
    *,
    change_set: ChangeSet,
    actor,
    verdict: str,
    review_round: int,
    comment: str = "",
    declares_no_conflict: bool = False,
) -> ReviewComment:
    """A reviewer's decision on the whole set, posted as a comment with its verdict."""
    change_set = locked_set(change_set)
    versions = _rows(change_set)
    return _decide_rows(
        change_set,
        versions,
        actor=actor,
        verdict=verdict,
        review_round=review_round,
        comment=comment,
        declares_no_conflict=declares_no_conflict,
    )


def _decide_rows(
    change_set: ChangeSet,
    versions: list[FactorVersion],
    *,
    actor,
    verdict: str,
    review_round: int,
    comment: str,
    declares_no_conflict: bool,
) -> ReviewComment:
    if verdict not in Verdict.values:
        raise ValidationError({"verdict": _("未知的结论。")})
    mine = _decidable(change_set, versions, actor, review_round)
    comment = (comment or "").strip()
    if verdict == Verdict.APPROVED and not declares_no_conflict:
        raise ValidationError({"declares_no_conflict": _("同意前须声明与此变更集无利益冲突。")})
    if verdict != Verdict.APPROVED:
        comment = _require_text(comment, "comment", _("此操作必须填写意见。"))
    now = timezone.now()
    for assignment in mine:
        assignment.decision, assignment.comment, assignment.decided_at = verdict, comment, now
        if verdict == Verdict.APPROVED:
            assignment.conflict_of_interest = False
    bulk_update_with_history(
        mine,
        ReviewAssignment,
        ["decision", "comment", "decided_at", "conflict_of_interest"],
        default_user=actor, batch_size=workflow.BATCH,
        default_change_reason=f"{verdict}: {comment}" if comment else verdict,
    )
    said = ReviewComment(
        change_set=change_set,
        review_round=change_set.review_round,
        author=actor,
        body=comment,
        verdict=verdict,
    )
    said._history_user = actor
    said.save()
    if verdict == Verdict.APPROVED:
        set_notifications.queue("reviewer_approved", change_set, actor=actor, comment=comment)
        _approve_if_enough(change_set, versions, actor=actor)
    else:
        _end_round(change_set, versions, actor=actor, verdict=verdict, comment=comment)
    return said


def _approve_if_enough(change_set: ChangeSet, versions: list[FactorVersion], *, actor) -> bool:
    counted = independence.counted_approvals(versions)
    if not versions or min(counted.values()) < required_approvals():
        return False
    _move(
        change_set,
        versions,
        "approve",
        actor=actor,
        comment=_("已获得 %(n)d 位专家同意") % {"n": required_approvals()},
    )
    set_notifications.queue("approved", change_set, actor=actor)
    return True


def _end_round(
    change_set: ChangeSet, versions: list[FactorVersion], *, actor, verdict: str, comment: str
) -> None:
    """One request for changes, or a rejection, ends the round; the other reviewers are told why."""
    others = list(
        ReviewAssignment.objects.select_for_update()
        .filter(
            change_set=change_set,
            change_set_round=change_set.review_round,
            decision=ReviewDecision.PENDING,
        )
        .exclude(reviewer=actor)
        .select_related("reviewer")
        .order_by("pk")
    )
    label = Verdict(verdict).label
    _close(
        others,
        actor=actor,
        comment=_("%(user)s %(verdict)s，本轮评审结束：%(reason)s")
        % {"user": actor, "verdict": label, "reason": comment},
    )
    step = "request_changes" if verdict == Verdict.CHANGES_REQUESTED else "reject"
    _move(change_set, versions, step, actor=actor, comment=comment)
    set_notifications.queue(step, change_set, actor=actor, comment=comment)
    closed = sorted({a.reviewer_id for a in others})
    if closed:
        set_notifications.queue("round_closed", change_set, actor=actor, comment=comment, recipients=closed)


@transaction.atomic
def change_set_decide_row(
    *,
    change_set: ChangeSet,
    version: FactorVersion,
    actor,
    verdict: str,
    review_round: int,
    comment: str = "",
    declares_no_conflict: bool = False,
) -> ChangeSet:
    """A decision on one row alone: the row leaves the set for a set of its own, where the
    decision is taken; the rest of the set goes on. Returns the set the decision went to."""
    change_set = locked_set(change_set)
    versions = _rows(change_set)
    row = next((v for v in versions if v.pk == version.pk), None)
    if row is None:
        raise ValidationError({"version": _("该版本不在此变更集中。")})
    if len(versions) == 1:
        _decide_rows(
            change_set,
            versions,
            actor=actor,
            verdict=verdict,
            review_round=review_round,
            comment=comment,
            declares_no_conflict=declares_no_conflict,
        )
        return change_set
    _decidable(change_set, [row], actor, review_round)  # nothing splits for someone who may not decide
    alone = _split(change_set, row, actor=actor)
    _decide_rows(
        alone,
        [row],
        actor=actor,
        verdict=verdict,
        review_round=review_round,
        comment=comment,
        declares_no_conflict=declares_no_conflict,
    )
    rest = [v for v in versions if v.pk != row.pk]
    if change_set.status == S.IN_REVIEW:
        _approve_if_enough(change_set, rest, actor=actor)
    return alone


def _split(change_set: ChangeSet, version: FactorVersion, *, actor) -> ChangeSet:
    alone = ChangeSet(
        title=f"{change_set.title} — {version.factor.public_id}"[:200],
        description=change_set.description,
        kind=ChangeSetKind.VERSION,
        split_from=change_set,
        author=change_set.author,
        status=change_set.status,
        review_round=change_set.review_round,
    )
    save_set(alone, actor, f"split from #{change_set.pk}")
    row = ChangeSetRow.objects.select_for_update().get(
        change_set=change_set, version=version, left_at__isnull=True
    )
    leave(
        row,
        actor=actor,
        reason=_("%(user)s 对此条单独作出结论，转入变更集 #%(set)d") % {"user": actor, "set": alone.pk},
        to=alone,
    )
    moved = ChangeSetRow(change_set=alone, version=version)
    moved._history_user, moved._change_reason = actor, f"split from #{change_set.pk}"
    moved.save()
    # The row's reviewers of this round review it in its own set now.
    assignments = list(
        ReviewAssignment.objects.select_for_update().filter(
            change_set=change_set, change_set_round=change_set.review_round, version=version
        )
    )
    for assignment in assignments:
        assignment.change_set = alone
    bulk_update_with_history(
        assignments,
        ReviewAssignment,
        ["change_set"],
        default_user=actor, batch_size=workflow.BATCH,
        default_change_reason=f"moved to #{alone.pk}",
    )
    return alone


@transaction.atomic
def change_set_declare_conflict(
    *, change_set: ChangeSet, actor, comment: str, review_round: int
) -> ChangeSet:
    """A reviewer with a conflict of interest in any row steps aside from the whole set; the
    conflict holds for each factor of the set until an approver clears it."""
    require_role(actor, Role.REVIEWER)
    comment = _require_text(comment, "comment", _("此操作必须填写意见。"))
    change_set = locked_set(change_set)
    _require_round(change_set, review_round)
    _rows(change_set)
    mine = _pending(change_set, actor)
    if not mine:
        raise ForbiddenAction(_("您在本轮没有此变更集待作出结论的评审指派。"))
    now = timezone.now()
    for assignment in mine:
        assignment.decision, assignment.comment, assignment.decided_at = ReviewDecision.RECUSED, comment, now
        assignment.conflict_of_interest = True
    bulk_update_with_history(
        mine,
        ReviewAssignment,
        ["decision", "comment", "decided_at", "conflict_of_interest"],
        default_user=actor, batch_size=workflow.BATCH,
        default_change_reason=f"recused: {comment}",
    )
    for assignment in ReviewAssignment.objects.filter(pk__in=[a.pk for a in mine]).select_related("version"):
        record_conflict(assignment, actor=actor)
    set_notifications.queue("recused", change_set, actor=actor, comment=comment)
    return change_set


# --- Approvers: publication -----------------------------------------------------------


def _refuse_own(change_set: ChangeSet, versions: Sequence[FactorVersion], actor) -> None:
    if change_set.author_id == actor.pk or any(v.author_id == actor.pk for v in versions):
        raise ForbiddenAction(_("作者不能发布自己的变更集。"))
    reason = _why_not(versions, actor)
    if reason:
        raise ForbiddenAction(reason)


def _publishable(change_set: ChangeSet, actor, fingerprint: str | None) -> list[FactorVersion]:
    """The (locked) set's rows, if the actor may publish them as the summary they saw showed them."""
    _guard(change_set, "publish")
    versions = _rows(change_set)
    if fingerprint is not None and fingerprint != content_fingerprint(versions):
        raise InvalidTransition(_("变更集在您查看摘要之后已有变化；请重新查看后再发布。"))
    _refuse_own(change_set, versions, actor)
    return versions


def _publish_rows(
    change_set: ChangeSet, versions: list[FactorVersion], *, actor, at: datetime, comment: str
) -> None:
    counted = independence.counted_approvals(versions)
    short = [v for v in versions if counted[v.pk] < required_approvals()]
    if short:
        raise InvalidTransition(
            _("%(rows)s 同意的评审专家不足 %(n)d 位。") % {"rows": _named(short), "n": required_approvals()}
        )
    # Only revisions supersede a version in force; a new factor has none to look for.
    factors = [v.factor_id for v in versions]
    in_force = set(FactorVersion.objects.filter(factor_id__in=factors, status=S.PUBLISHED)
                   .values_list("factor_id", flat=True))
    for version in versions:
        if version.factor_id in in_force:
            said = _("由变更集 #%(set)d 的 v%(n)d 取代") % {"set": change_set.pk, "n": version.version}
            supersede_current(version, actor=actor, at=at, comment=said)
        version.published_at, version.scheduled_publication_at = at, None
    workflow.transition_many(versions, "publish", actor=actor, comment=comment,
                             fields=("published_at", "scheduled_publication_at"))
    webhooks.webhooks_record_factor_event(versions, WebhookEvent.FACTOR_PUBLISHED)
    change_set.status = S.PUBLISHED
    change_set.scheduled_publication_at = None
    save_set(change_set, actor, f"publish: {comment}" if comment else "publish")
    set_notifications.queue("published", change_set, actor=actor, comment=comment)


@retry_on_conflict
@transaction.atomic
def change_set_publish(
    *, change_set: ChangeSet, actor, comment: str = "", fingerprint: str | None = None
) -> ChangeSet:
    """Publish every row at one instant, or none. `fingerprint`: the content the approver saw
    in the summary (content_fingerprint); publication is refused if the set changed since."""
    require_role(actor, Role.APPROVER)
    hold_publication_lock()
    change_set = locked_set(change_set)
    versions = _publishable(change_set, actor, fingerprint)
    _publish_rows(change_set, versions, actor=actor, at=timezone.now(), comment=comment.strip())
    return change_set


@transaction.atomic
def change_set_schedule(
    *, change_set: ChangeSet, actor, at: datetime, fingerprint: str | None = None
) -> ChangeSet:
    """Publish the whole set at a future time, as the scheduling approver."""
    require_role(actor, Role.APPROVER)
    change_set = locked_set(change_set)
    versions = _publishable(change_set, actor, fingerprint)
    if at is None or timezone.is_naive(at):
        raise ValidationError({"at": _("计划发布时间须注明时区。")})
    if at <= timezone.now():
        raise ValidationError({"at": _("计划发布时间须晚于当前时间。")})
    change_set.scheduled_publication_at, change_set.scheduled_by = at, actor
    when = timezone.localtime(at).isoformat(timespec="minutes")
    comment = _("变更集 #%(set)d 计划于 %(at)s 发布") % {"set": change_set.pk, "at": when}
    for version in versions:
        workflow.record(version, "schedule", actor=actor, comment=comment)
    save_set(change_set, actor, f"schedule: {when}")
    return change_set


def publish_due_change_sets(*, now: datetime | None = None) -> list[ChangeSet]:
    """Publish every approved set whose scheduled time has come, each all at once (beat calls
    this). Idempotent like publish_due_versions: each set is re-checked under its lock."""
    now = now or timezone.now()
    published = []
    for pk in ChangeSet.objects.filter(status=S.APPROVED, scheduled_publication_at__lte=now).values_list(
        "pk", flat=True
    ):
        try:
            change_set = _publish_set_if_due(pk, now=now)
            if change_set is not None:
                published.append(change_set)
        except (WorkflowError, ForbiddenAction):
            logger.warning("scheduled publication of change set %s refused", pk, exc_info=True)
    return published


@retry_on_conflict
@transaction.atomic
def _publish_set_if_due(pk: int, *, now: datetime) -> ChangeSet | None:
    hold_publication_lock()
    change_set = (
        ChangeSet.objects.select_for_update()
        .filter(pk=pk, status=S.APPROVED, scheduled_publication_at__lte=now)
        .first()
    )
    if change_set is None:
        return None
    actor = change_set.scheduled_by
    require_role(actor, Role.APPROVER)
    versions = _rows(change_set)
    _refuse_own(change_set, versions, actor)
    _publish_rows(change_set, versions, actor=actor, at=now, comment=_("按计划发布"))
    return change_set


def reviewers_assignments(change_set: ChangeSet, review_round: int | None = None) -> list[ReviewAssignment]:
    """One assignment per reviewer and round of the set (its first): who was asked in each round
    and what they decided. A set's steps write every row's assignment alike, so one tells; read
    in two queries, however many rows the set has."""
    assignments = ReviewAssignment.objects.filter(change_set=change_set)
    if review_round is not None:
        assignments = assignments.filter(change_set_round=review_round)
    firsts = assignments.values("change_set_round", "reviewer").annotate(first=Min("pk")).values("first")
    return list(ReviewAssignment.objects.filter(pk__in=firsts).select_related("reviewer", "assigned_by")
                .order_by("change_set_round", "assigned_at", "pk"))


def reviewers_of_round(change_set: ChangeSet, review_round: int | None = None) -> list:
    """Who was asked to review the set in a round (the current one by default), in order."""
    review_round = change_set.review_round if review_round is None else review_round
    return [assignment.reviewer for assignment in reviewers_assignments(change_set, review_round)]
