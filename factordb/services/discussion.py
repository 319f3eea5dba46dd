"""A change set's discussion: threads of comments, optionally on one row and one field.

Those who take part in a set's review see and write its discussion: the set's author and the
authors of its rows, every reviewer ever asked to review it, and the approvers. A comment is
never edited or deleted; a thread is resolved (and folds) or reopened, on record.
A reviewer's decision is posted here too, as a comment with a verdict
(services.change_set_review).
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import ForbiddenAction, Role, has_role
from factordb.errors import InvalidTransition
from factordb.models import ChangeSet, ChangeSetRow, ReviewAssignment, ReviewComment
from factordb.selectors import DIFF_FIELDS
from factordb.services import set_notifications

MAX_BODY = 10_000


def anchor_fields() -> tuple[str, ...]:
    """The fields a comment may point at: those the diff shows, and each gas's amount."""
    return DIFF_FIELDS


def takes_part(change_set: ChangeSet, user) -> bool:
    """Whether the user may read and write the set's discussion (and see the set)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if has_role(user, Role.APPROVER):
        return True
    # Each by the role they take part in: someone whose role was taken away no longer does.
    if has_role(user, Role.EDITOR) and (
        change_set.author_id == user.pk
        or ChangeSetRow.objects.filter(change_set=change_set, version__author=user).exists()
    ):
        return True
    return (
        has_role(user, Role.REVIEWER)
        and ReviewAssignment.objects.filter(
            Q(change_set=change_set) | Q(change_set__split_from=change_set), reviewer=user
        ).exists()
    )


def _anchor(change_set: ChangeSet, version, field: str):
    field = (field or "").strip()
    if version is None:
        if field:
            raise ValidationError({"field": _("针对字段的讨论须同时指明版本。")})
        return None, ""
    if not ChangeSetRow.objects.filter(
        change_set=change_set, version_id=version.pk, left_at__isnull=True
    ).exists():
        raise ValidationError({"version": _("该版本不在此变更集中。")})
    if field and not (field in anchor_fields() or (field.startswith("gas:") and len(field) > 4)):
        raise ValidationError({"field": _("未知的字段：%(field)s") % {"field": field[:60]}})
    return version, field


@transaction.atomic
def comment_post(
    *,
    change_set: ChangeSet,
    actor,
    body: str,
    thread: ReviewComment | None = None,
    version=None,
    field: str = "",
) -> ReviewComment:
    """A new thread (optionally on a row and a field), or a reply to one."""
    change_set = ChangeSet.objects.select_for_update().get(pk=change_set.pk)
    if not takes_part(change_set, actor):
        raise ForbiddenAction(_("您不参与此变更集的评审，不能参与讨论。"))
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("请填写内容。")})
    if len(body) > MAX_BODY:
        raise ValidationError({"body": _("内容不能超过 %(n)d 个字符。") % {"n": MAX_BODY}})
    if thread is not None:
        if thread.change_set_id != change_set.pk or thread.thread_id is not None:
            raise ValidationError({"thread": _("只能回复本变更集中的讨论。")})
        version, field = thread.version, thread.field
    else:
        version, field = _anchor(change_set, version, field)
    comment = ReviewComment(
        change_set=change_set,
        thread=thread,
        review_round=change_set.review_round,
        author=actor,
        body=body,
        version=version,
        field=field,
    )
    comment._history_user = actor
    comment._change_reason = "posted"
    comment.save()
    if thread is not None and thread.is_resolved:
        _set_resolved(thread, actor, resolved=False, reason="reopened by a reply")
    set_notifications.queue("commented", change_set, actor=actor, comment=body)
    return comment


def _thread(change_set: ChangeSet, thread: ReviewComment) -> ReviewComment:
    root = ReviewComment.objects.select_for_update().filter(pk=thread.pk, change_set_id=change_set.pk).first()
    if root is None or root.thread_id is not None:
        raise ValidationError({"thread": _("只能解决本变更集中的讨论。")})
    return root


def _set_resolved(root: ReviewComment, actor, *, resolved: bool, reason: str) -> None:
    root.resolved_at, root.resolved_by = (timezone.now(), actor) if resolved else (None, None)
    root._history_user = actor
    root._change_reason = reason
    root.save()


@transaction.atomic
def thread_resolve(*, change_set: ChangeSet, thread: ReviewComment, actor) -> ReviewComment:
    """Mark a thread of the set settled; it folds on the page."""
    root = _thread(change_set, thread)
    if not takes_part(root.change_set, actor):
        raise ForbiddenAction(_("您不参与此变更集的评审，不能参与讨论。"))
    if root.is_resolved:
        raise InvalidTransition(_("此讨论已解决。"))
    _set_resolved(root, actor, resolved=True, reason="resolved")
    return root


@transaction.atomic
def thread_reopen(*, change_set: ChangeSet, thread: ReviewComment, actor) -> ReviewComment:
    root = _thread(change_set, thread)
    if not takes_part(root.change_set, actor):
        raise ForbiddenAction(_("您不参与此变更集的评审，不能参与讨论。"))
    if not root.is_resolved:
        raise InvalidTransition(_("此讨论尚未解决。"))
    _set_resolved(root, actor, resolved=False, reason="reopened")
    return root


def open_threads(change_set: ChangeSet) -> int:
    """Threads not yet resolved (decisions are not threads to resolve)."""
    return ReviewComment.objects.filter(
        change_set=change_set, thread__isnull=True, verdict="", resolved_at__isnull=True
    ).count()
