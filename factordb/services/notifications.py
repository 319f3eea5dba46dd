"""E-mail notifications of workflow steps, sent by a Celery task after the step commits.

A step queues its notification with transaction.on_commit, so a step that rolls back
tells nobody anything, and mail delivery never holds a database transaction open.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mass_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role, has_role
from factordb.models import FactorVersion, ReviewAssignment, ReviewDecision

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


def queue(event: str, *, version: FactorVersion, assignment: ReviewAssignment | None = None) -> None:
    if event not in EVENTS:
        raise ValueError(f"unknown notification {event}")
    from factordb.tasks import send_notification

    version_id, assignment_id = version.pk, assignment.pk if assignment else None
    transaction.on_commit(lambda: send_notification.delay(event, version_id, assignment_id))


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


def _body(user, context: dict) -> str:
    # The ministry works in Chinese; the same mail says it in English for outside experts,
    # each part with a link to the page in its language.
    parts = []
    for language in (settings.LANGUAGE_CODE, "en"):
        with translation.override(language):
            path = _path(user, context["event"], context["version"], context["assignment"])
            link = settings.SITE_URL.rstrip("/") + path
            parts.append(render_to_string("factordb/email/body.txt", {**context, "link": link}).strip())
    return "\n\n----\n\n".join(parts) + "\n"


def send(event: str, *, version_id: int, assignment_id: int | None = None) -> int:
    """Send one event's mails; returns how many went out."""
    version = FactorVersion.objects.select_related("factor", "author").get(pk=version_id)
    assignment = (ReviewAssignment.objects.select_related("reviewer").get(pk=assignment_id)
                  if assignment_id else None)
    people = {user.pk: user for user in recipients(event, version, assignment) if user and user.email}
    context = {"event": event, "event_label": EVENT_LABELS[event], "version": version,
               "assignment": assignment}
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string("factordb/email/subject.txt", context).strip()
    messages = [(subject, _body(user, context), settings.DEFAULT_FROM_EMAIL, [user.email])
                for user in people.values()]
    return send_mass_mail(messages, fail_silently=False)
