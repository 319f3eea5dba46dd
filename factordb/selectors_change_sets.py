"""What the change set pages show: rows with their values, rounds, threads, and each inbox.

A set may hold thousands of rows, so the row table is read a page at a time, and the
summaries over all rows are computed from plain value lists in a fixed number of queries.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, F, Max, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from accounts.roles import Role
from factordb.constants import FactorStatus as S
from factordb.models import (
    ChangeSet,
    ChangeSetRow,
    FactorVersion,
    ReviewAssignment,
    ReviewComment,
    ReviewDecision,
)
from factordb.selectors import DIFF_FIELDS, _shown, published_by_factor
from factordb.services import independence
from factordb.services.change_set_review import content_fingerprint, required_approvals, reviewers_assignments
from factordb.services.change_sets import ENDED
from factordb.steps import roles_in_request

ROWS_PER_PAGE = 100
TOP_CHANGES = 20


@dataclass
class Row:
    version: FactorVersion
    published: FactorVersion | None
    # Each field whose shown value differs from the published version's (all of them for a new
    # factor): {"name", "label", "published", "proposed"}.
    changed: list[dict] = field(default_factory=list)

    @property
    def old(self) -> Decimal | None:
        return self.published.co2e_total.normalize() if self.published else None

    @property
    def new(self) -> Decimal:
        return self.version.co2e_total.normalize()

    @property
    def change_pct(self) -> Decimal | None:
        if self.old is None or not self.old:
            return None
        return ((self.new - self.old) / self.old * 100).quantize(Decimal("0.01"))


def _changed_fields(version: FactorVersion, published: FactorVersion | None) -> list[dict]:
    changed = []
    for name in DIFF_FIELDS:
        old, new = _shown(published, name), _shown(version, name)
        if old != new:
            changed.append({"name": name, "label": FactorVersion._meta.get_field(name).verbose_name,
                            "published": old, "proposed": new})
    return changed


def rows_page(
    change_set: ChangeSet, *, q: str = "", only_changed_value: bool = False, page: int | str = 1
) -> Page:
    """One page of the set's rows, each with its published version and what changed.
    `q` narrows by public id or name; `only_changed_value` keeps rows whose total changes."""
    versions = change_set.current_versions().select_related("factor__unit", "factor__region", "gwp_set")
    if q:
        versions = versions.filter(
            Q(factor__public_id__icontains=q)
            | Q(factor__name_zh__icontains=q)
            | Q(factor__name_en__icontains=q)
        )
    if only_changed_value:
        versions = versions.exclude(pk__in=_same_total(versions))
    page_obj = Paginator(versions, ROWS_PER_PAGE).get_page(page)
    on_page = list(page_obj.object_list)
    published = published_by_factor(v.factor_id for v in on_page)
    page_obj.object_list = [
        Row(
            version=v,
            published=published.get(v.factor_id),
            changed=_changed_fields(v, published.get(v.factor_id)),
        )
        for v in on_page
    ]
    return page_obj


def _same_total(versions: QuerySet) -> list[int]:
    """Rows whose total equals their factor's published total."""
    totals = dict(
        FactorVersion.objects.filter(
            status=S.PUBLISHED, factor_id__in=versions.values("factor_id")
        ).values_list("factor_id", "co2e_total")
    )
    return [
        pk
        for pk, factor_id, total in versions.values_list("pk", "factor_id", "co2e_total")
        if factor_id in totals and totals[factor_id] == total
    ]


@dataclass
class Summary:
    """What publishing the set changes, over all its rows."""

    rows: int
    new_factors: int
    revisions: int
    value_changes: int
    largest: list[dict]
    fingerprint: str


def publication_summary(change_set: ChangeSet) -> Summary:
    versions = list(change_set.current_versions().select_related("factor__unit"))
    published = published_by_factor(v.factor_id for v in versions)
    changes = []
    for version in versions:
        old = published.get(version.factor_id)
        if old is not None and old.co2e_total != version.co2e_total:
            pct = (
                ((version.co2e_total - old.co2e_total) / old.co2e_total * 100).quantize(Decimal("0.01"))
                if old.co2e_total
                else None
            )
            changes.append(
                {
                    "version": version,
                    "old": old.co2e_total.normalize(),
                    "new": version.co2e_total.normalize(),
                    "pct": pct,
                }
            )
    changes.sort(key=lambda c: abs(c["pct"]) if c["pct"] is not None else Decimal("Infinity"), reverse=True)
    return Summary(
        rows=len(versions),
        new_factors=sum(1 for v in versions if v.factor_id not in published),
        revisions=sum(1 for v in versions if v.factor_id in published),
        value_changes=len(changes),
        largest=changes[:TOP_CHANGES],
        fingerprint=content_fingerprint(versions),
    )


def approvals(change_set: ChangeSet) -> int:
    """Approvals the whole set has: the fewest any of its rows has (each counted as for a version)."""
    versions = list(change_set.current_versions())
    if not versions:
        return 0
    return min(independence.counted_approvals(versions).values())


@dataclass
class RoundEntry:
    number: int
    decisions: list[ReviewAssignment]


def rounds(change_set: ChangeSet) -> list[RoundEntry]:
    """Each round, newest first, with each reviewer's decision in it (one entry per reviewer)."""
    by_round: dict[int, list[ReviewAssignment]] = {}
    for assignment in reviewers_assignments(change_set):
        by_round.setdefault(assignment.change_set_round, []).append(assignment)
    return [
        RoundEntry(number=n, decisions=by_round.get(n, [])) for n in range(change_set.review_round, 0, -1)
    ]


def threads(change_set: ChangeSet) -> list[ReviewComment]:
    """Opening comments with their replies, oldest first; decisions are listed as threads too."""
    return list(
        ReviewComment.objects.filter(change_set=change_set, thread__isnull=True)
        .select_related("author", "resolved_by", "version__factor")
        .prefetch_related(
            Prefetch(
                "replies",
                queryset=ReviewComment.objects.select_related("author").order_by("created_at", "pk"),
            )
        )
    )


@dataclass
class SinceMyReview:
    decided_at: object
    review_round: int
    rows: list[dict]


def changes_since_my_last_review(change_set: ChangeSet, user) -> SinceMyReview | None:
    """Each row whose content changed since the reviewer's last decision on the set, field by
    field: what they saw then (history as of that moment) against what is there now."""
    last = (
        ReviewAssignment.objects.filter(change_set=change_set, reviewer=user, decided_at__isnull=False)
        .exclude(change_set_round=change_set.review_round)
        .order_by("-decided_at")
        .first()
    )
    if last is None:
        return None
    versions = list(change_set.current_versions().select_related("factor", "gwp_set"))
    # Each row as it stood then: its last history record written by that moment, all rows in
    # two queries (by history_id, the order records were written in, as services.independence).
    written = FactorVersion.history.filter(id__in=[v.pk for v in versions], history_date__lte=last.decided_at)
    lasts = written.values("id").annotate(last=Max("history_id")).values("last")
    seen = {record.id: record for record in
            FactorVersion.history.filter(history_id__in=lasts).select_related("gwp_set")}
    rows = []
    for version in versions:
        then = seen.get(version.pk)
        if then is None:
            rows.append({"version": version, "fields": [], "new_row": True})
            continue
        fields = [
            {
                "name": name,
                "label": FactorVersion._meta.get_field(name).verbose_name,
                "then": _shown(then, name),
                "now": _shown(version, name),
            }
            for name in DIFF_FIELDS
            if _shown(then, name) != _shown(version, name)
        ]
        if fields:
            rows.append({"version": version, "fields": fields, "new_row": False})
    return SinceMyReview(decided_at=last.decided_at, review_round=last.change_set_round, rows=rows)


@dataclass
class Inbox:
    """What needs the user, in four sections, on both roads: change sets and versions alone."""

    to_review: list[ChangeSet]
    to_revise: list[ChangeSet]
    to_assign: list[ChangeSet]
    to_publish: list[ChangeSet]
    # A version on its own road (in no open set): the reviewer's open assignments of one, ...
    assignments_to_review: list[ReviewAssignment] = field(default_factory=list)
    # ... and the versions an editor must correct, an approver assign or publish.
    versions_to_revise: list[FactorVersion] = field(default_factory=list)
    versions_to_assign: list[FactorVersion] = field(default_factory=list)
    versions_to_publish: list[FactorVersion] = field(default_factory=list)

    # Each section's count, sets and versions together, as its heading shows it.
    @property
    def review_count(self) -> int:
        return len(self.to_review) + len(self.assignments_to_review)

    @property
    def revise_count(self) -> int:
        return len(self.to_revise) + len(self.versions_to_revise)

    @property
    def assign_count(self) -> int:
        return len(self.to_assign) + len(self.versions_to_assign)

    @property
    def publish_count(self) -> int:
        return len(self.to_publish) + len(self.versions_to_publish)

    @property
    def count(self) -> int:
        return self.review_count + self.revise_count + self.assign_count + self.publish_count


@dataclass
class _InboxQueries:
    """The querysets behind an inbox: listed for the page, counted for the menu, the same rule."""

    sets: dict[str, QuerySet]
    assignments_to_review: QuerySet
    versions: dict[str, QuerySet]


def _listed(sets: QuerySet) -> list[ChangeSet]:
    return list(
        sets.annotate(size=Count("rows", filter=Q(rows__left_at__isnull=True)))
        .select_related("author")
        .order_by("created_at", "pk")
    )


def _on_their_own_road(versions: QuerySet) -> QuerySet:
    """Versions no open change set holds: a set's rows move with it, and the set is listed."""
    held = ChangeSetRow.objects.filter(version=OuterRef("pk"), left_at__isnull=True).exclude(
        change_set__status__in=ENDED
    )
    return versions.filter(~Exists(held))


def _inbox_queries(user) -> _InboxQueries:
    roles = roles_in_request(user)
    none_sets, none_versions = ChangeSet.objects.none(), FactorVersion.objects.none()
    editor, reviewer, approver = Role.EDITOR in roles, Role.REVIEWER in roles, Role.APPROVER in roles
    pending = ReviewAssignment.objects.filter(
        reviewer=user,
        decision=ReviewDecision.PENDING,
        change_set__status=S.IN_REVIEW,
        change_set_round=F("change_set__review_round"),
    )
    sets = {
        "to_review": (
            ChangeSet.objects.filter(pk__in=pending.values("change_set_id")) if reviewer else none_sets
        ),
        "to_revise": (
            ChangeSet.objects.filter(status=S.CHANGES_REQUESTED)
            .filter(Q(author=user) | Q(rows__version__author=user, rows__left_at__isnull=True))
            .distinct()
            if editor
            else none_sets
        ),
        "to_assign": ChangeSet.objects.filter(status=S.SUBMITTED) if approver else none_sets,
        "to_publish": ChangeSet.objects.filter(status=S.APPROVED) if approver else none_sets,
    }
    own_road = _on_their_own_road(FactorVersion.objects.all())
    assignments = (
        ReviewAssignment.objects.filter(
            reviewer=user,
            decision=ReviewDecision.PENDING,
            change_set__isnull=True,
            version__status=S.IN_REVIEW,
            review_round=F("version__review_round"),
        ).filter(version__in=own_road)
        if reviewer
        else ReviewAssignment.objects.none()
    )
    versions = {
        "to_revise": own_road.filter(status=S.CHANGES_REQUESTED, author=user) if editor else none_versions,
        "to_assign": own_road.filter(status=S.SUBMITTED) if approver else none_versions,
        # The author may not publish their own version (services.review): it waits for another.
        "to_publish": own_road.filter(status=S.APPROVED).exclude(author=user) if approver else none_versions,
    }
    return _InboxQueries(sets=sets, assignments_to_review=assignments, versions=versions)


def inbox(user) -> Inbox:
    """What needs the user now, by what they must do, on both roads."""
    queries = _inbox_queries(user)
    versions = {
        name: list(queryset.select_related("factor__unit", "author").order_by("updated_at", "pk"))
        for name, queryset in queries.versions.items()
    }
    return Inbox(
        **{name: _listed(queryset) for name, queryset in queries.sets.items()},
        assignments_to_review=list(
            queries.assignments_to_review.select_related("version__factor__unit", "version__author")
            .order_by("assigned_at", "pk")
        ),
        versions_to_revise=versions["to_revise"],
        versions_to_assign=versions["to_assign"],
        versions_to_publish=versions["to_publish"],
    )


def _count(queryset: QuerySet) -> Subquery:
    # The rows of one queryset, counted inside another query (distinct rows counted once).
    rows = queryset.model.objects.filter(pk__in=queryset.values("pk")).order_by()
    return Coalesce(Subquery(rows.annotate(one=Value(1)).values("one").annotate(n=Count("*")).values("n")), 0)


def inbox_count(user) -> int:
    """How many items the user's inbox lists (for the menus): the same querysets, counted in
    one query, since every page a user with a role opens shows it."""
    queries = _inbox_queries(user)
    counted = [
        queryset
        for queryset in (*queries.sets.values(), queries.assignments_to_review, *queries.versions.values())
        if not queryset.query.is_empty()
    ]
    if not counted:
        return 0
    counts = {f"n{i}": _count(queryset) for i, queryset in enumerate(counted)}
    row = get_user_model().objects.filter(pk=user.pk).annotate(**counts).values(*counts).first()
    return sum(row.values()) if row else 0


def sets_for_approvers(statuses: tuple[str, ...]) -> dict[str, list[ChangeSet]]:
    """Sets in these states, by state, with what an approver weighs: size, round, approvals and
    open threads. A fixed number of queries, however many sets and rows."""
    sets = _listed(ChangeSet.objects.filter(status__in=statuses))
    open_threads = dict(ReviewComment.objects.filter(change_set__in=sets, thread__isnull=True, verdict="",
                                                     resolved_at__isnull=True)
                        .values_list("change_set").annotate(n=Count("pk")).values_list("change_set", "n"))
    rows = list(FactorVersion.objects.filter(change_set_rows__change_set__in=sets,
                                             change_set_rows__left_at__isnull=True)
                .annotate(set_id=F("change_set_rows__change_set_id")))
    counted = independence.counted_approvals(rows) if rows else {}
    by_set: dict[int, list[int]] = {}
    for version in rows:
        by_set.setdefault(version.set_id, []).append(counted[version.pk])
    grouped: dict[str, list[ChangeSet]] = {status: [] for status in statuses}
    for change_set in sets:
        change_set.open_threads = open_threads.get(change_set.pk, 0)
        change_set.approvals = min(by_set.get(change_set.pk, [0]))
        change_set.required = required_approvals()
        grouped[change_set.status].append(change_set)
    return grouped
