"""Who counts as independent of a version under review (docs/adr/0015).

A user is independent of a version unless

1. they are its author;
2. they changed its content: they wrote a history record of the version that changes anything
   but the review road's own bookkeeping (status, round, revision, publication dates), or any
   history record of its gas amounts or cited sources;
3. they declared a conflict of interest in its factor that no approver has cleared since.

Someone who is not independent is not assigned to review the version, takes no decision on it
(stepping aside stays open to them), and their approval never counts, whenever it was written:
an edit or a declaration after an approval takes that approval out of the count.

Approvals are counted for a list of versions at once, in a fixed number of queries whatever its
length, so the services and the approver's dashboard count through the same function.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence

from django.utils.translation import gettext as _

from factordb.models import (
    ConflictOfInterest,
    FactorVersion,
    GasAmount,
    ReviewAssignment,
    ReviewDecision,
    VersionSource,
)

# What the review road writes as a version moves on. Every other column is content, including
# any added later: a new column counts against whoever changes it until it is listed here.
BOOKKEEPING_FIELDS = frozenset({
    "id", "status", "review_round", "revision", "created_at", "updated_at",
    "published_at", "superseded_at", "scheduled_publication_at", "scheduled_by",
})
CONTENT_COLUMNS = tuple(field.attname for field in FactorVersion._meta.concrete_fields
                        if field.name not in BOOKKEEPING_FIELDS)


def content_editors(version_ids: Iterable[int]) -> dict[int, set[int]]:
    """For each version, the users whose history records changed its content."""
    version_ids = list(version_ids)
    editors: dict[int, set[int]] = defaultdict(set)
    _add_version_editors(editors, version_ids)
    parts = (GasAmount.history.filter(version_id__in=version_ids, history_user__isnull=False)
             .values_list("version_id", "history_user_id").order_by()
             .union(VersionSource.history.filter(version_id__in=version_ids, history_user__isnull=False)
                    .values_list("version_id", "history_user_id").order_by()))
    for version_id, user_id in parts:
        editors[version_id].add(user_id)
    return editors


def _add_version_editors(editors: dict[int, set[int]], version_ids: list[int]) -> None:
    # A record is a content change when its content differs from the record before it (the
    # first record creates the content). By history_id, the order they were written in: a
    # pinned clock may date a later record earlier.
    records = (FactorVersion.history.filter(id__in=version_ids).order_by("id", "history_id")
               .values_list("id", "history_user_id", *CONTENT_COLUMNS))
    previous: dict[int, tuple] = {}
    for version_id, user_id, *content in records:
        if previous.get(version_id) != tuple(content) and user_id is not None:
            editors[version_id].add(user_id)
        previous[version_id] = tuple(content)


def conflicted_reviewers(factor_ids: Iterable[int]) -> dict[int, set[int]]:
    """For each factor, the reviewers with a declared conflict of interest not yet cleared."""
    conflicted: dict[int, set[int]] = defaultdict(set)
    for factor_id, reviewer_id in ConflictOfInterest.objects.filter(
        factor_id__in=list(factor_ids), cleared_at__isnull=True,
    ).values_list("factor_id", "reviewer_id"):
        conflicted[factor_id].add(reviewer_id)
    return conflicted


def not_independent(versions: Sequence[FactorVersion]) -> dict[int, set[int]]:
    """For each version, the users who are not independent of it."""
    editors = content_editors(v.pk for v in versions)
    conflicted = conflicted_reviewers({v.factor_id for v in versions})
    return {v.pk: {v.author_id} | editors[v.pk] | conflicted[v.factor_id] for v in versions}


def why_not_independent(version: FactorVersion, user) -> str | None:
    """Why `user` may not review `version`, or None when they are independent of it."""
    if user.pk == version.author_id:
        return _("作者不能评审自己的版本。")
    if user.pk in content_editors([version.pk])[version.pk]:
        return _("%(user)s 修改过此版本的内容，不能评审它。") % {"user": user}
    if user.pk in conflicted_reviewers([version.factor_id])[version.factor_id]:
        return _("%(user)s 已声明与此因子存在利益冲突，须经审批人解除后方可评审。") % {"user": user}
    return None


def counted_approvals(versions: Sequence[FactorVersion]) -> dict[int, int]:
    """For each version, the distinct independent reviewers who approved it in its current round."""
    return {pk: len(approvals) for pk, approvals in independent_approvals(versions).items()}


def independent_approvals(versions: Sequence[FactorVersion]) -> dict[int, list[ReviewAssignment]]:
    """For each version, the approvals that count, in the order they were decided: of its
    current round, by a reviewer independent of it, each reviewer once (with the reviewer)."""
    rounds = {v.pk: v.review_round for v in versions}
    excluded = not_independent(versions)
    approvals: dict[int, list[ReviewAssignment]] = {pk: [] for pk in rounds}
    counted: dict[int, set[int]] = defaultdict(set)
    for assignment in ReviewAssignment.objects.filter(
        version_id__in=list(rounds), decision=ReviewDecision.APPROVED, conflict_of_interest=False,
    ).select_related("reviewer").order_by("decided_at", "pk"):
        version_id, reviewer_id = assignment.version_id, assignment.reviewer_id
        if (assignment.review_round == rounds[version_id] and reviewer_id not in excluded[version_id]
                and reviewer_id not in counted[version_id]):
            counted[version_id].add(reviewer_id)
            approvals[version_id].append(assignment)
    return approvals
