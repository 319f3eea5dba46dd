"""Putting change sets together: one version, a hand-picked group of drafts, or one import.

A change set is assembled by editors while it is a draft: rows come in only as drafts that
no other set holds, and leave with a reason on record; a set is never empty and always says
why. The review road of a set is factordb.services.change_set_review.
"""

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from accounts.roles import Role, require_role
from factordb import workflow
from factordb.constants import FactorStatus
from factordb.errors import InvalidTransition
from factordb.models import (
    ChangeSet,
    ChangeSetKind,
    ChangeSetRow,
    FactorImport,
    FactorVersion,
    ImportStatus,
)

MAX_TITLE = 200
# A set whose road has ended: its rows are published or rejected versions like any other.
ENDED = (FactorStatus.PUBLISHED, FactorStatus.REJECTED)


def open_set_of(version: FactorVersion) -> ChangeSet | None:
    """The change set that holds the version now, if any."""
    row = (
        ChangeSetRow.objects.select_related("change_set")
        .filter(version_id=version.pk, left_at__isnull=True)
        .first()
    )
    return row.change_set if row else None


def open_in_progress_set_of(version: FactorVersion) -> ChangeSet | None:
    """The set the version moves with now: one holding it whose road has not ended."""
    change_set = open_set_of(version)
    return change_set if change_set is not None and change_set.status not in ENDED else None


def refuse_if_in_set(version: FactorVersion) -> None:
    """A row of a change set moves with its set: a step on the version alone is refused."""
    change_set = open_in_progress_set_of(version)
    if change_set is not None:
        raise InvalidTransition(
            _("版本 %(version)s 属于变更集 %(set)s，请在变更集中操作。")
            % {"version": version, "set": change_set}
        )


def _said(title: str, description: str) -> tuple[str, str]:
    title, description = (title or "").strip(), (description or "").strip()
    errors = {}
    if not title:
        errors["title"] = _("变更集须有标题。")
    elif len(title) > MAX_TITLE:
        errors["title"] = _("标题不能超过 %(n)d 个字符。") % {"n": MAX_TITLE}
    if not description:
        errors["description"] = _("变更集须说明修改的理由。")
    if errors:
        raise ValidationError(errors)
    return title, description


def _locked_drafts(versions: Sequence[FactorVersion]) -> list[FactorVersion]:
    """The versions, row-locked, each a draft that no other set holds; else a ValidationError
    naming every version that may not join."""
    ids = sorted({v.pk for v in versions})
    if not ids:
        raise ValidationError({"versions": _("变更集至少须包含一个版本。")})
    locked = list(
        FactorVersion.objects.select_for_update(of=("self",))
        .filter(pk__in=ids)
        .select_related("factor")
        .order_by("pk")
    )
    problems = []
    if len(locked) != len(ids):
        problems.append(_("有 %(n)d 个版本不存在。") % {"n": len(ids) - len(locked)})
    held = dict(
        ChangeSetRow.objects.filter(version_id__in=ids, left_at__isnull=True).values_list(
            "version_id", "change_set_id"
        )
    )
    for version in locked:
        if version.status != FactorStatus.DRAFT:
            problems.append(_("%(version)s 不是草稿，不能加入变更集。") % {"version": version})
        elif version.pk in held:
            problems.append(
                _("%(version)s 已属于变更集 #%(set)d。") % {"version": version, "set": held[version.pk]}
            )
    if problems:
        raise ValidationError({"versions": problems})
    return locked


def _add_rows(change_set: ChangeSet, versions: Sequence[FactorVersion], actor) -> None:
    # An import's set may hold thousands of rows: written in bulk, each with its history record.
    rows = [ChangeSetRow(change_set=change_set, version=version) for version in versions]
    bulk_create_with_history(rows, ChangeSetRow, batch_size=workflow.BATCH, default_user=actor,
                             default_change_reason="added")


@transaction.atomic
def change_set_create(
    *,
    actor,
    title: str,
    description: str,
    versions: Sequence[FactorVersion],
    factor_import: FactorImport | None = None,
) -> ChangeSet:
    """A new draft change set of the given drafts, saying what it changes and why."""
    require_role(actor, Role.EDITOR)
    title, description = _said(title, description)
    locked = _locked_drafts(versions)
    kind = (
        ChangeSetKind.IMPORT
        if factor_import is not None
        else ChangeSetKind.VERSION
        if len(locked) == 1
        else ChangeSetKind.GROUP
    )
    change_set = ChangeSet(
        title=title, description=description, kind=kind, author=actor, factor_import=factor_import
    )
    save_set(change_set, actor, "created")
    _add_rows(change_set, locked, actor)
    return change_set


@transaction.atomic
def change_set_from_import(*, factor_import: FactorImport, actor, title: str, description: str) -> ChangeSet:
    """The drafts one import wrote, as one change set (an import is reviewed as a whole)."""
    factor_import = FactorImport.objects.select_for_update().get(pk=factor_import.pk)
    if factor_import.status != ImportStatus.IMPORTED:
        raise InvalidTransition(_("导入 %(import)s 尚未完成，不能组成变更集。") % {"import": factor_import})
    if ChangeSet.objects.filter(factor_import=factor_import).exists():
        raise InvalidTransition(_("导入 %(import)s 已有变更集。") % {"import": factor_import})
    versions = list(
        FactorVersion.objects.filter(imported_from__factor_import=factor_import, status=FactorStatus.DRAFT)
    )
    return change_set_create(
        actor=actor, title=title, description=description, versions=versions, factor_import=factor_import
    )


def locked_set(change_set: ChangeSet) -> ChangeSet:
    try:
        return ChangeSet.objects.select_for_update().get(pk=change_set.pk)
    except ChangeSet.DoesNotExist:
        raise InvalidTransition(_("该变更集不存在。")) from None


def _require_draft(change_set: ChangeSet) -> None:
    if change_set.status != FactorStatus.DRAFT:
        raise InvalidTransition(
            _("变更集 %(set)s 当前为“%(state)s”，只有草稿可以增减版本。")
            % {"set": change_set, "state": FactorStatus(change_set.status).label}
        )


@transaction.atomic
def change_set_add_versions(*, change_set: ChangeSet, versions: Sequence[FactorVersion], actor) -> ChangeSet:
    require_role(actor, Role.EDITOR)
    change_set = locked_set(change_set)
    _require_draft(change_set)
    _add_rows(change_set, _locked_drafts(versions), actor)
    if change_set.kind == ChangeSetKind.VERSION:
        change_set.kind = ChangeSetKind.GROUP
        save_set(change_set, actor, "versions added")
    return change_set


@transaction.atomic
def change_set_remove_version(
    *, change_set: ChangeSet, version: FactorVersion, actor, reason: str
) -> ChangeSet:
    """Take a draft out of a draft set; it stays a draft, free to join another."""
    require_role(actor, Role.EDITOR)
    change_set = locked_set(change_set)
    _require_draft(change_set)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请说明移出的理由。")})
    rows = list(ChangeSetRow.objects.select_for_update().filter(change_set=change_set, left_at__isnull=True))
    row = next((r for r in rows if r.version_id == version.pk), None)
    if row is None:
        raise ValidationError({"version": _("该版本不在此变更集中。")})
    if len(rows) == 1:
        raise ValidationError({"version": _("变更集至少须包含一个版本。")})
    leave(row, actor=actor, reason=reason)
    return change_set


def leave(row: ChangeSetRow, *, actor, reason: str, to: ChangeSet | None = None) -> None:
    """End a row's membership, on record: when, why and where it went."""
    row.left_at, row.left_reason, row.left_to = timezone.now(), reason, to
    row._history_user = actor
    row._change_reason = f"left: {reason}"
    row.save()


def save_set(change_set: ChangeSet, actor, reason: str) -> None:
    """Save the set with who and why on its history record."""
    change_set._history_user = actor
    change_set._change_reason = reason
    change_set.save()
