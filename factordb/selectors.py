"""Reads of the domain: what is published, counted and current."""

import json
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import Case, Count, Prefetch, QuerySet, When
from django.utils.formats import localize
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from accounts.roles import Role
from factordb.constants import QUALITY_INDICATORS, FactorStatus
from factordb.models import (
    Category,
    ChangeSetRow,
    ConflictOfInterest,
    FactorVersion,
    Gas,
    GasAmount,
    ReviewAssignment,
    ReviewDecision,
    VersionSource,
    WorkflowEvent,
)
from factordb.services.independence import counted_approvals


def published_versions() -> QuerySet[FactorVersion]:
    return FactorVersion.objects.filter(status=FactorStatus.PUBLISHED).select_related(
        "factor__category", "factor__region", "factor__unit", "factor__dataset", "gwp_set",
    )


def latest_published_versions(*, limit: int) -> list[FactorVersion]:
    return list(published_versions().order_by("-published_at", "-pk")[:limit])


def published_totals() -> dict[str, int]:
    versions = published_versions()
    return {
        "factors": versions.count(),
        "regions": versions.values("factor__region").distinct().count(),
        "datasets": versions.values("factor__dataset").distinct().count(),
    }


def published_counts_by_category() -> list[dict]:
    """Top-level categories and their children, each with the published factors in its subtree.

    Two queries whatever the size of the tree: counts per category path, summed by prefix.
    """
    per_path = dict(
        FactorVersion.objects.filter(status=FactorStatus.PUBLISHED)
        .values_list("factor__category__path")
        .annotate(n=Count("pk"))
        .order_by()
    )

    def subtree_count(category: Category) -> int:
        return sum(n for path, n in per_path.items() if path.startswith(category.path))

    categories = list(Category.objects.order_by("path"))
    roots = [c for c in categories if c.parent_id is None]
    return [
        {
            "category": root,
            "published": subtree_count(root),
            "children": [
                {"category": child, "published": subtree_count(child)}
                for child in categories if child.parent_id == root.pk
            ],
        }
        for root in roots
    ]


# --- Review workspace -------------------------------------------------------------------

_VERSION_RELATED = (
    "factor__category", "factor__region", "factor__unit", "factor__dataset", "gwp_set", "author",
)


def my_assignments(user) -> QuerySet[ReviewAssignment]:
    """The user's own review assignments, open ones first, newest first within each."""
    return (
        # A change set's assignments are reviewed on the set's page (the inbox lists the set).
        ReviewAssignment.objects.filter(reviewer=user, change_set__isnull=True)
        .select_related(*(f"version__{name}" for name in _VERSION_RELATED))
        .annotate(is_pending=Case(When(decision=ReviewDecision.PENDING, then=0), default=1))
        .order_by("is_pending", "-assigned_at", "-pk")
    )


def assignment_of(user, pk: int) -> ReviewAssignment | None:
    """One of the user's assignments, or None: another reviewer's is as good as unknown."""
    return (
        my_assignments(user)
        .prefetch_related(
            Prefetch("version__gas_amounts", queryset=GasAmount.objects.select_related("gas")),
            Prefetch("version__version_sources", queryset=VersionSource.objects.select_related("source")),
        )
        .filter(pk=pk).first()
    )


def _with_approvals(versions: QuerySet[FactorVersion]) -> list[FactorVersion]:
    """The versions, each with `approvals`: the approvals that count, by the services' own rule."""
    versions = list(versions)
    counts = counted_approvals(versions)
    for version in versions:
        version.approvals = counts[version.pk]
    return versions


def _versions_in(status: FactorStatus) -> QuerySet[FactorVersion]:
    # Rows of a change set are on the set's page and in the sets' lists, never loose here.
    in_sets = ChangeSetRow.objects.filter(left_at__isnull=True).values("version_id")
    return (FactorVersion.objects.filter(status=status).exclude(pk__in=in_sets)
            .select_related(*_VERSION_RELATED))


def versions_awaiting_assignment() -> QuerySet[FactorVersion]:
    return _versions_in(FactorStatus.SUBMITTED).order_by("updated_at", "pk")


def versions_in_review() -> list[FactorVersion]:
    """In review, each with its current round's assignments and the approvals that count."""
    return _with_approvals(
        _versions_in(FactorStatus.IN_REVIEW)
        .prefetch_related(Prefetch(
            "assignments", to_attr="all_assignments",
            queryset=ReviewAssignment.objects.select_related("reviewer").order_by("assigned_at", "pk"),
        ))
        .order_by("updated_at", "pk")
    )


def versions_approved() -> list[FactorVersion]:
    return _with_approvals(_versions_in(FactorStatus.APPROVED).select_related("scheduled_by")
                           .order_by("updated_at", "pk"))


def open_conflicts() -> QuerySet[ConflictOfInterest]:
    """Declared conflicts of interest no approver has cleared, oldest first."""
    return (ConflictOfInterest.objects.filter(cleared_at__isnull=True)
            .select_related("factor", "reviewer", "declared_in").order_by("declared_at", "pk"))


def versions_recently_published(*, limit: int = 20) -> list[FactorVersion]:
    return list(_versions_in(FactorStatus.PUBLISHED).order_by("-published_at", "-pk")[:limit])


def reviewers() -> list:
    """Active users holding the reviewer role (the candidates an approver picks from)."""
    return list(get_user_model().objects.filter(groups__name=Role.REVIEWER, is_active=True)
                .order_by("username").distinct())


# --- Comparison with the published version -------------------------------------------

DIFF_FIELDS = (
    "co2e_total", "gwp_set", "biogenic_co2", "is_removal",
    "uncertainty_distribution", "uncertainty_low_pct", "uncertainty_high_pct", "uncertainty_gsd",
    *QUALITY_INDICATORS, "quality_note", "valid_from", "valid_to", "notes_zh", "notes_en", "derivation",
)


@dataclass(frozen=True)
class FieldDiff:
    name: str
    label: str
    published: str
    proposed: str

    @property
    def changed(self) -> bool:
        return self.published != self.proposed


@dataclass(frozen=True)
class GasDiff:
    gas: Gas
    published: Decimal | None
    proposed: Decimal | None

    @property
    def change(self) -> Decimal | None:
        if self.published is None or self.proposed is None:
            return None
        return (self.proposed - self.published).normalize()

    @property
    def change_pct(self) -> Decimal | None:
        if self.change is None or not self.published:
            return None
        return (self.change / self.published * 100).quantize(Decimal("0.01"))


@dataclass(frozen=True)
class VersionDiff:
    published: FactorVersion | None
    fields: list[FieldDiff]
    gases: list[GasDiff]


def published_version_of(factor_id: int) -> FactorVersion | None:
    return (FactorVersion.objects.filter(factor_id=factor_id, status=FactorStatus.PUBLISHED)
            .select_related("gwp_set").prefetch_related(
                Prefetch("gas_amounts", queryset=GasAmount.objects.select_related("gas"))).first())


def published_by_factor(factor_ids) -> dict[int, FactorVersion]:
    """The published version of each factor that has one."""
    return {v.factor_id: v for v in FactorVersion.objects.filter(factor_id__in=list(factor_ids),
                                                                 status=FactorStatus.PUBLISHED)}


def version_diff(version: FactorVersion) -> VersionDiff:
    """Field by field and gas by gas, the version against its factor's published version."""
    published = published_version_of(version.factor_id)
    if published is not None and published.pk == version.pk:
        published = None  # a published version is not a proposal against itself
    fields = [
        FieldDiff(name=name, label=str(capfirst(FactorVersion._meta.get_field(name).verbose_name)),
                  published=_shown(published, name), proposed=_shown(version, name))
        for name in DIFF_FIELDS
    ]
    return VersionDiff(published=published, fields=fields, gases=_gas_diff(published, version))


def _gas_diff(published: FactorVersion | None, version: FactorVersion) -> list[GasDiff]:
    old = {row.gas.code: row for row in published.gas_amounts.all()} if published else {}
    new = {row.gas.code: row for row in version.gas_amounts.all()}
    return [
        GasDiff(gas=(new.get(code) or old[code]).gas,
                published=old[code].amount.normalize() if code in old else None,
                proposed=new[code].amount.normalize() if code in new else None)
        for code in sorted(old.keys() | new.keys())
    ]


def _shown(version: FactorVersion | None, name: str) -> str:
    """A field's value as a reader compares it: choice labels, names, local formats."""
    if version is None:
        return "—"
    field = FactorVersion._meta.get_field(name)
    value = getattr(version, name)
    if value is None or value == "" or value == {}:
        return "—"
    if field.flatchoices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return str(_("是") if value else _("否"))
    if isinstance(value, Decimal):
        return str(localize(value.normalize()))
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(localize(value))


def derivation_parts(derivation) -> dict:
    """The derivation JSON split into what a page shows: parameters, per-gas formulas, the rest.

    Any stored shape is shown, not only the schema's (factordb/derivation.py): a version saved
    before the schema existed may hold a number, a list or a string anywhere."""
    if not isinstance(derivation, dict):
        return {"parameters": [], "gases": [], "other": {"derivation": derivation} if derivation else {}}
    parameters, gases = derivation.get("parameters") or {}, derivation.get("gases") or {}
    return {
        "parameters": [{**(entry if isinstance(entry, dict) else {"value": entry}), "name": name}
                       for name, entry in _items(parameters)],
        "gases": [{"gas": gas, **_formula(entry)} for gas, entry in _items(gases)],
        "other": {key: value for key, value in derivation.items() if key not in ("parameters", "gases")},
    }


def _items(mapping) -> list[tuple]:
    return list(mapping.items()) if isinstance(mapping, dict) else [("", mapping)]


def _formula(entry) -> dict:
    if not isinstance(entry, dict):
        return {"formula": str(entry), "result": ""}
    names = entry.get("parameters", [])
    factors = [*(names if isinstance(names, list) else [names]), entry.get("constant", "1"),
               entry.get("unit_conversion", "1")]
    return {"formula": " × ".join(str(factor) for factor in factors), "result": entry.get("result", "")}


# --- A factor's whole story -----------------------------------------------------------


@dataclass(frozen=True)
class StoryEntry:
    at: datetime
    version: FactorVersion
    kind: str  # "event" | "assigned" | "decision" | "conflict_cleared"
    actor: object
    what: str
    comment: str


def _event_label(event: WorkflowEvent) -> str:
    if event.from_status == event.to_status:  # a recorded step that moves nothing (workflow.record)
        return {"schedule": _("已安排发布"), "correct": _("已更正")}.get(event.action, event.action)
    return f"{FactorStatus(event.from_status).label} → {FactorStatus(event.to_status).label}"


def factor_story(factor) -> list[StoryEntry]:
    """Every step of every version of a factor, and every review decision, oldest first."""
    versions = {v.pk: v for v in FactorVersion.objects.filter(factor=factor).select_related("factor")}
    events = WorkflowEvent.objects.filter(version__factor=factor).select_related("actor")
    assignments = ReviewAssignment.objects.filter(version__factor=factor).select_related(
        "reviewer", "assigned_by")
    entries = [
        StoryEntry(at=e.at, version=versions[e.version_id], kind="event", actor=e.actor,
                   what=_event_label(e), comment=e.comment)
        for e in events
    ]
    for a in assignments:
        version = versions[a.version_id]
        entries.append(StoryEntry(
            at=a.assigned_at, version=version, kind="assigned", actor=a.assigned_by,
            what=_("指派评审专家 %(user)s（第 %(round)d 轮）")
            % {"user": a.reviewer, "round": a.review_round},
            comment=""))
        if a.decided_at:
            entries.append(StoryEntry(at=a.decided_at, version=version, kind="decision", actor=a.reviewer,
                                      what=a.get_decision_display(), comment=a.comment))
    entries += _clearances(factor, versions)
    return sorted(entries, key=lambda entry: (entry.at, entry.version.version))


def _clearances(factor, versions: dict[int, FactorVersion]) -> list[StoryEntry]:
    # Told next to the version the conflict was declared on: the clearance ends that declaration.
    cleared = (ConflictOfInterest.objects.filter(factor=factor, cleared_at__isnull=False)
               .select_related("reviewer", "cleared_by", "declared_in"))
    return [
        StoryEntry(at=c.cleared_at, version=versions[c.declared_in.version_id], kind="conflict_cleared",
                   actor=c.cleared_by, what=_("解除 %(user)s 的利益冲突声明") % {"user": c.reviewer},
                   comment=c.clearance_reason)
        for c in cleared
    ]
