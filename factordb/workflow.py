"""The review road of a FactorVersion as one explicit transition table (docs/design.md §2).

Every status change in the code base goes through `transition()`: it checks the table,
writes the append-only workflow event and the history reason. Nothing else assigns
`status`.
"""

from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from factordb.constants import FROZEN_STATUSES
from factordb.constants import FactorStatus as S
from factordb.errors import InvalidTransition


@dataclass(frozen=True)
class Transition:
    name: str
    sources: tuple[S, ...]
    target: S


TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in (
        Transition("submit", (S.DRAFT,), S.SUBMITTED),
        Transition("start_review", (S.SUBMITTED,), S.IN_REVIEW),
        Transition("approve", (S.IN_REVIEW,), S.APPROVED),
        Transition("request_changes", (S.IN_REVIEW,), S.CHANGES_REQUESTED),
        Transition("revise", (S.CHANGES_REQUESTED,), S.DRAFT),
        Transition("reject", (S.IN_REVIEW,), S.REJECTED),
        Transition("publish", (S.APPROVED,), S.PUBLISHED),
        # Official statistics copied verbatim from their authority's own publication
        # (the seed): published by that authority, not by this platform's review.
        Transition("publish_official", (S.DRAFT,), S.PUBLISHED),
        Transition("supersede", (S.PUBLISHED,), S.SUPERSEDED),
        Transition("withdraw", (S.PUBLISHED,), S.WITHDRAWN),
    )
}


# The steps that change what the public sees: the change feed lists them, and each starts a
# new generation of the API's kept answers (factordb.generation). "correct": an approver's
# recorded correction of the names or citation a public version shows
# (factordb.services.corrections).
PUBLIC_ACTIONS = ("publish", "publish_official", "supersede", "withdraw", "correct")


def allowed_sources(name: str) -> tuple[S, ...]:
    return TRANSITIONS[name].sources


def guard(version, name: str) -> Transition:
    """The transition, or InvalidTransition naming the state the version is in."""
    step = TRANSITIONS[name]
    if version.status not in step.sources:
        raise InvalidTransition(
            _("版本 %(version)s 当前为“%(state)s”，不能执行“%(step)s”（仅限：%(allowed)s）。") % {
                "version": version, "state": S(version.status).label, "step": name,
                "allowed": "、".join(str(S(s).label) for s in step.sources),
            }
        )
    return step


# Steps on the record that leave the status where it is: an approver fixing the date an
# approved version goes public is a decision the story must show, but it moves nothing.
RECORDED_STEPS: dict[str, tuple[S, ...]] = {"schedule": (S.APPROVED,), "correct": FROZEN_STATUSES}


def _write(version, name: str, target: S, *, actor, comment: str):
    """Save the version at `target` and the event saying who, when, from, to and why."""
    from factordb.models import WorkflowEvent
    from factordb.services.publication import next_event_seq

    # A public step is numbered for the change feed under the publication lock (before `at`,
    # which then cannot be earlier than any event numbered before it).
    seq = next_event_seq() if name in PUBLIC_ACTIONS else None
    event = WorkflowEvent(
        version=version, action=name, from_status=version.status, to_status=target,
        actor=actor, comment=comment, at=timezone.now(), seq=seq,
    )
    version.status = target
    version._change_reason = f"{name}: {comment}" if comment else name
    version._history_user = actor
    version.save()
    event.save()
    return event


def transition(version, name: str, *, actor, comment: str = ""):
    """Move a (row-locked) version along the table and record who, when, from, to and why."""
    return _write(version, name, guard(version, name).target, actor=actor, comment=comment)


def record(version, name: str, *, actor, comment: str = ""):
    """Write a step that keeps the (row-locked) version's status, with the version's other
    changes, to the same append-only table and history as a transition."""
    if version.status not in RECORDED_STEPS[name]:
        raise InvalidTransition(
            _("版本 %(version)s 当前为“%(state)s”，不能执行“%(step)s”。") % {
                "version": version, "state": S(version.status).label, "step": name})
    return _write(version, name, version.status, actor=actor, comment=comment)


BATCH = 500  # rows a bulk statement of transition_many writes


def transition_many(versions, name: str, *, actor, comment: str = "", fields: tuple[str, ...] = ()) -> None:
    """transition() for many (row-locked) versions at once, as a change set moves its rows:
    the same guard, and for each version the same event and history record, written in bulk.
    `fields`: other columns the caller set on the versions, saved with the step."""
    from factordb.generation import renew_with_the_write
    from factordb.models import FactorVersion, WorkflowEvent
    from factordb.services.publication import next_event_seq

    versions = list(versions)
    if not versions:
        return
    step = TRANSITIONS[name]
    for version in versions:
        guard(version, name)
    now = timezone.now()
    # Public steps are numbered for the change feed under the publication lock, one after another.
    first_seq = next_event_seq() if name in PUBLIC_ACTIONS else None
    events = [
        WorkflowEvent(version=version, action=name, from_status=version.status, to_status=step.target,
                      actor=actor, comment=comment, at=now, seq=None if first_seq is None else first_seq + n)
        for n, version in enumerate(versions)
    ]
    for version in versions:
        # The rows are locked: the revision moves on as a save would, so an editor's form loaded
        # before the step is refused as stale.
        version.status, version.revision, version.updated_at = step.target, version.revision + 1, now
    # In batches: one statement may carry at most 65,535 parameters (PostgreSQL's protocol).
    FactorVersion.objects.bulk_update(versions, ["status", "revision", "updated_at", *fields],
                                      batch_size=BATCH)
    FactorVersion.history.bulk_history_create(
        versions, update=True, default_user=actor, default_date=now, batch_size=BATCH,
        default_change_reason=f"{name}: {comment}" if comment else name)
    WorkflowEvent.objects.bulk_create(events, batch_size=BATCH)
    if name in PUBLIC_ACTIONS:  # bulk writes send no signals: say so as a save would
        renew_with_the_write()
