"""E-mail notifications of a version's workflow steps, sent by a Celery task after the step commits.

A step queues its notification with transaction.on_commit, so a step that rolls back
tells nobody anything, and mail delivery never holds a database transaction open. Each mail
says who did what to which factor, the value change and the reason, in Chinese then in
English (subject too), with a link to the page its reader acts on; the actor gets none.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mass_mail
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role, has_role
from factordb import selectors
from factordb.constants import FactorStatus
from factordb.models import FactorVersion, ReviewAssignment, ReviewDecision
from factordb.services import mail_parts

# What each event says, in the subject and at the head of each language's part of the body.
EVENT_LABELS = {
    "submitted": _("待指派评审"),
    "assigned": _("新的评审任务"),
    "recused": _("评审专家回避，需重新指派"),
    "approved": _("评审通过，待发布"),
    "changes_requested": _("评审要求修改"),
    "rejected": _("评审驳回"),
    "published": _("已发布"),
    "withdrawn": _("已撤回"),
}
EVENTS = tuple(EVENT_LABELS)


def queue(event: str, *, version: FactorVersion, assignment: ReviewAssignment | None = None, actor=None,
          comment: str = "") -> None:
    """Mail the event once the step commits. `actor`: who took the step (told nothing of it);
    `comment`: the step's reason, as its workflow event or assignment records it."""
    if event not in EVENTS:
        raise ValueError(f"unknown notification {event}")
    from factordb.tasks import send_notification

    version_id, assignment_id = version.pk, assignment.pk if assignment else None
    actor_id = actor.pk if actor else None
    transaction.on_commit(
        lambda: send_notification.delay(event, version_id, assignment_id, actor_id, comment or "")
    )


def _approvers():
    return get_user_model().objects.filter(groups__name=Role.APPROVER, is_active=True)


def _round_reviewers(version: FactorVersion):
    return get_user_model().objects.filter(
        review_assignments__version=version, review_assignments__review_round=version.review_round,
    ).exclude(review_assignments__decision=ReviewDecision.RECUSED).distinct()


def recipients(event: str, version: FactorVersion, assignment: ReviewAssignment | None) -> list:
    """Who hears of an event: the person who must act next, and those whose work it decides."""
    if event == "assigned":
        return [assignment.reviewer]
    if event in ("submitted", "recused"):
        return list(_approvers())
    if event == "approved":
        return [*_approvers(), version.author]
    if event in ("changes_requested", "rejected"):
        return [version.author]
    return [version.author, *_round_reviewers(version)]  # published, withdrawn


def _path(user, event: str, version: FactorVersion, assignment: ReviewAssignment | None) -> str:
    """The page about the version that this recipient can open: each role has its own."""
    if event == "assigned":
        return reverse("review:assignment", args=[assignment.pk])
    if user.pk != version.author_id:
        if has_role(user, Role.APPROVER):
            return reverse("review:dashboard")
        own = version.assignments.filter(reviewer=user, review_round=version.review_round).first()
        if own is not None:
            return reverse("review:assignment", args=[own.pk])
    return reverse("admin:factordb_factorversion_change", args=[version.pk])  # the author edits there


def _value_before(event: str, version: FactorVersion) -> FactorVersion | None:
    """The factor's version in force before the step: for a publication, the one it superseded
    at that instant; else the one published now (none while the factor has never been)."""
    if event == "published":
        return (FactorVersion.objects.filter(factor_id=version.factor_id, status=FactorStatus.SUPERSEDED,
                                             superseded_at=version.published_at)
                .exclude(pk=version.pk).first())
    return selectors.published_by_factor([version.factor_id]).get(version.factor_id)


def send(event: str, *, version_id: int, assignment_id: int | None = None, actor_id: int | None = None,
         comment: str = "") -> int:
    """Send one event's mails; returns how many went out."""
    version = FactorVersion.objects.select_related("factor__unit", "author").get(pk=version_id)
    assignment = (ReviewAssignment.objects.select_related("reviewer").get(pk=assignment_id)
                  if assignment_id else None)
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    people = {user.pk: user for user in recipients(event, version, assignment) if user and user.email}
    people.pop(actor_id, None)  # nobody is told what they just did themselves
    context = {
        "event": event, "event_label": EVENT_LABELS[event], "version": version, "assignment": assignment,
        "actor": actor, "comment": comment,
        "change": mail_parts.value_change(version, _value_before(event, version)),
    }
    subject = mail_parts.bilingual_subject("factordb/email/subject.txt", context)

    def link(user) -> str:
        # Called in each part's language: the English part links to the /en/ page.
        return settings.SITE_URL.rstrip("/") + _path(user, event, version, assignment)

    messages = [
        (subject, mail_parts.bilingual_body("factordb/email/body.txt", context, lambda u=user: link(u)),
         settings.DEFAULT_FROM_EMAIL, [user.email])
        for user in people.values()
    ]
    return send_mass_mail(messages, fail_silently=False)
