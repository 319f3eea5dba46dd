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

from accounts.roles import Role
from factordb.models import FactorVersion, ReviewAssignment, ReviewDecision

EVENTS = ("submitted", "assigned", "recused", "approved", "changes_requested", "rejected",
          "published", "withdrawn")


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


def _link(event: str, version: FactorVersion, assignment: ReviewAssignment | None) -> str:
    if event == "assigned":
        path = reverse("review:assignment", args=[assignment.pk])
    elif event in ("submitted", "approved", "recused"):
        path = reverse("review:dashboard")
    else:
        path = reverse("admin:factordb_factorversion_change", args=[version.pk])
    return settings.SITE_URL.rstrip("/") + path


def send(event: str, *, version_id: int, assignment_id: int | None = None) -> int:
    """Send one event's mails; returns how many went out."""
    version = FactorVersion.objects.select_related("factor", "author").get(pk=version_id)
    assignment = (ReviewAssignment.objects.select_related("reviewer").get(pk=assignment_id)
                  if assignment_id else None)
    people = {user.pk: user for user in recipients(event, version, assignment) if user and user.email}
    context = {"event": event, "version": version, "assignment": assignment,
               "link": _link(event, version, assignment)}
    # The ministry works in Chinese; the English follows in the same mail for outside experts.
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string("factordb/email/subject.txt", context).strip()
        body = render_to_string("factordb/email/body.txt", context)
    messages = [(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email]) for user in people.values()]
    return send_mass_mail(messages, fail_silently=False)
