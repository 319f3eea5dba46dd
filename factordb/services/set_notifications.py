"""Mail about change sets: who did what to which set, the values it changes, and why.

Queued with transaction.on_commit like every notification (a step that rolls back tells
nobody), sent by a Celery task. Each mail is written twice, in Chinese and in English, the
subject too, each part with a link to the page in its language that its reader acts on.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mass_mail
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role
from factordb import selectors
from factordb.models import ChangeSet, ReviewAssignment
from factordb.services import mail_parts

# What each event says, in the subject and at the head of each language's part.
EVENT_LABELS = {
    "submitted": _("变更集待评审"),
    "assigned": _("新的变更集评审任务"),
    "unassigned": _("变更集评审指派已取消"),
    "reviewer_approved": _("评审专家同意了变更集"),
    "approved": _("变更集评审通过，待发布"),
    "request_changes": _("变更集被要求修改"),
    "reject": _("变更集被驳回"),
    "round_closed": _("变更集本轮评审已结束"),
    "recused": _("评审专家回避，需重新指派"),
    "published": _("变更集已发布"),
    "commented": _("变更集有新的讨论"),
}
MAX_ROWS_IN_MAIL = 20


def queue(
    event: str, change_set: ChangeSet, *, actor, comment: str = "", recipients: list[int] | None = None
) -> None:
    if event not in EVENT_LABELS:
        raise ValueError(f"unknown change set notification {event}")
    from factordb.tasks import send_change_set_notification

    set_id, actor_id, people = change_set.pk, actor.pk if actor else None, list(recipients or [])
    transaction.on_commit(
        lambda: send_change_set_notification.delay(event, set_id, actor_id, comment, people)
    )


def _approvers():
    return list(get_user_model().objects.filter(groups__name=Role.APPROVER, is_active=True))


def _authors(change_set: ChangeSet) -> list:
    ids = {change_set.author_id, *change_set.current_versions().values_list("author_id", flat=True)}
    return list(get_user_model().objects.filter(pk__in=ids, is_active=True))


def _reviewers(change_set: ChangeSet) -> list:
    ids = (
        ReviewAssignment.objects.filter(change_set=change_set, change_set_round=change_set.review_round)
        .exclude(decision="recused")
        .values_list("reviewer_id", flat=True)
    )
    return list(get_user_model().objects.filter(pk__in=set(ids), is_active=True))


def recipients(event: str, change_set: ChangeSet, named: list[int]) -> list:
    """Who hears of an event: who must act next, and those whose work it decides."""
    people = list(get_user_model().objects.filter(pk__in=named, is_active=True))
    if event in ("submitted", "recused"):
        people += _approvers()
    elif event == "approved":
        people += _approvers() + _authors(change_set)
    elif event in ("request_changes", "reject", "reviewer_approved"):
        people += _authors(change_set)
    elif event in ("published", "commented"):
        people += _authors(change_set) + _reviewers(change_set)
        if event == "commented":
            people += _approvers()
    return people


def link(user, change_set: ChangeSet) -> str:
    """Everyone on a set's road acts on its page (the page offers what their roles allow)."""
    return settings.SITE_URL.rstrip("/") + reverse("review:change_set", args=[change_set.pk])


def rows_summary(change_set: ChangeSet) -> tuple[list[mail_parts.ValueChange], int]:
    """The first rows of the set with their value change against the published version."""
    versions = list(change_set.current_versions().select_related("factor__unit")[:MAX_ROWS_IN_MAIL])
    published = selectors.published_by_factor([v.factor_id for v in versions])
    rows = [mail_parts.value_change(version, published.get(version.factor_id)) for version in versions]
    return rows, change_set.current_versions().count()


def send(
    event: str,
    *,
    change_set_id: int,
    actor_id: int | None,
    comment: str = "",
    recipient_ids: list[int] | None = None,
) -> int:
    change_set = ChangeSet.objects.select_related("author").get(pk=change_set_id)
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    people = {u.pk: u for u in recipients(event, change_set, recipient_ids or []) if u.email}
    people.pop(actor_id, None)  # nobody is told what they just did themselves
    rows, total = rows_summary(change_set)
    context = {
        "event": event,
        "event_label": EVENT_LABELS[event],
        "change_set": change_set,
        "actor": actor,
        "comment": comment,
        "rows": rows,
        "total": total,
        "more": total - len(rows),
    }
    subject = mail_parts.bilingual_subject("factordb/email/change_set_subject.txt", context)
    messages = [
        (
            subject,
            mail_parts.bilingual_body("factordb/email/change_set_body.txt", context,
                                      lambda user=user: link(user, change_set)),
            settings.DEFAULT_FROM_EMAIL,
            [user.email],
        )
        for user in people.values()
    ]
    return send_mass_mail(messages, fail_silently=False)
