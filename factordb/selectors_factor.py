"""Reads of one factor's public page: the version shown, its published history, its review
record and the releases that pin it.

Only what the API serves is read (factordb.services.resolution.visible_versions and the
frozen statuses of the API's history), each part in a fixed number of queries whatever the
number of gases, sources or versions.
"""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db.models import Prefetch, QuerySet

from factordb import gwp
from factordb.constants import FROZEN_STATUSES
from factordb.models import (
    FactorVersion,
    Gas,
    GasAmount,
    GwpSet,
    Release,
    VersionSource,
    WorkflowEvent,
)
from factordb.reference_data import reference
from factordb.selectors import DIFF_FIELDS
from factordb.services.independence import independent_approvals
from factordb.services.resolution import visible_versions


def _with_parts(versions: QuerySet[FactorVersion]) -> QuerySet[FactorVersion]:
    return versions.prefetch_related(
        Prefetch("gas_amounts", queryset=GasAmount.objects.select_related("gas").order_by("gas__code")),
        Prefetch("version_sources", queryset=VersionSource.objects.select_related("source").order_by("pk")),
    )


def version_shown(public_id: str, *, as_of: datetime | None = None,
                  release: str | None = None) -> FactorVersion | None:
    """The factor's version in force now (neither given), at `as_of`, or pinned by `release`,
    with its breakdown and sources; None when the public sees none."""
    return _with_parts(visible_versions(as_of=as_of, release=release)
                       .filter(factor__public_id=public_id)).first()


def releases_pinning(version: FactorVersion) -> list[Release]:
    """The sealed releases that pin this version, newest first."""
    return list(Release.objects.sealed().filter(versions=version).newest_first())


# --- The gas breakdown under a GWP set ----------------------------------------------------


@dataclass(frozen=True)
class GasRow:
    gas: Gas
    amount: Decimal
    gwp: Decimal | None
    co2e: Decimal | None
    counts_in_co2e: bool


@dataclass(frozen=True)
class Breakdown:
    gwp_set: GwpSet
    rows: list[GasRow]
    total: Decimal | None  # None: the set has no GWP for a gas of the breakdown
    missing: list[str] = field(default_factory=list)


def breakdown_under(version: FactorVersion, gwp_set: GwpSet) -> Breakdown:
    """The version's (prefetched) gases with their CO2e under `gwp_set`, and the total the
    breakdown gives there (factordb.gwp's rule: a gas without a GWP is never counted as 0)."""
    values = reference().gwp_values[gwp_set.pk]
    amounts = list(version.gas_amounts.all())
    rows = [GasRow(gas=row.gas, amount=row.amount, gwp=values.get(row.gas.code),
                   co2e=row.amount * values[row.gas.code] if row.gas.code in values else None,
                   counts_in_co2e=row.gas.counts_in_co2e)
            for row in amounts]
    try:
        total = gwp.co2e_from_breakdown({row.gas.code: row.amount for row in amounts}, values)
    except gwp.GwpError:
        total = None
    missing = sorted(row.gas.code for row in amounts if row.gas.code not in values)
    return Breakdown(gwp_set=gwp_set, rows=rows, total=total, missing=missing)


# --- The published history ----------------------------------------------------------------


@dataclass(frozen=True)
class HistoryEntry:
    version: FactorVersion
    previous: FactorVersion | None
    changed: list[str]  # names of the fields (DIFF_FIELDS, and "gas_amounts") that differ
    reasons: list[str]  # why: the editor's reason and the comments on its road to publication
    official: bool  # published from the authority's own publication, without review
    withdrawal_reason: str = ""


# Steps whose comment says why a version was made and published; supersede/withdraw are told apart.
_WHY_ACTIONS = ("submit", "publish", "correct")


def published_history(factor_id: int) -> list[HistoryEntry]:
    """The factor's versions that have been public (published, superseded, withdrawn), newest
    first, each with what changed against the one published before it and why."""
    versions = list(FactorVersion.objects.filter(factor_id=factor_id, status__in=FROZEN_STATUSES)
                    .select_related("gwp_set").prefetch_related(
                        Prefetch("gas_amounts", queryset=GasAmount.objects.select_related("gas")))
                    .order_by("version"))
    ids = [v.pk for v in versions]
    events: dict[int, list[WorkflowEvent]] = {pk: [] for pk in ids}
    for event in WorkflowEvent.objects.filter(version_id__in=ids).order_by("at", "pk"):
        events[event.version_id].append(event)
    # The reason an editor gave when the version was created (factor_version_add_draft).
    created_because = dict(FactorVersion.history.filter(id__in=ids, history_type="+")
                           .exclude(history_change_reason__isnull=True).exclude(history_change_reason="")
                           .values_list("id", "history_change_reason"))
    entries, previous = [], None
    for version in versions:
        own = events[version.pk]
        reasons = [created_because[version.pk]] if version.pk in created_because else []
        reasons += [e.comment for e in own if e.action in _WHY_ACTIONS and e.comment.strip()]
        withdrawn = [e.comment for e in own if e.action == "withdraw"]
        entries.append(HistoryEntry(
            version=version, previous=previous, changed=changed_fields(previous, version),
            reasons=list(dict.fromkeys(reasons)),
            official=any(e.action == "publish_official" for e in own),
            withdrawal_reason=withdrawn[-1] if withdrawn else "",
        ))
        previous = version
    return entries[::-1]


def changed_fields(previous: FactorVersion | None, version: FactorVersion) -> list[str]:
    """The content fields in which `version` differs from `previous` (none for the first)."""
    if previous is None:
        return []
    names = [name for name in DIFF_FIELDS
             if getattr(previous, FactorVersion._meta.get_field(name).attname)
             != getattr(version, FactorVersion._meta.get_field(name).attname)]
    if _gases(previous) != _gases(version):
        names.append("gas_amounts")
    return names


def _gases(version: FactorVersion) -> dict[str, Decimal]:
    return {row.gas.code: row.amount.normalize() for row in version.gas_amounts.all()}


# --- The review record --------------------------------------------------------------------


@dataclass(frozen=True)
class Approval:
    decided_at: datetime | None
    reviewer_name: str  # "" unless the reviewer agreed to be named in the public record


@dataclass(frozen=True)
class ReviewRecord:
    official: bool  # official statistics: published by their authority, not reviewed here
    approvals: int  # the independent approvals that counted (factordb.services.independence)
    approved: list[Approval]


def review_record(version: FactorVersion, *, official: bool) -> ReviewRecord:
    """How many independent approvals the version had in its deciding round, and when; a
    reviewer's name only when they agreed to be named. `official`: published by its
    authority without review (the history's entry for the version says)."""
    if official:
        return ReviewRecord(official=True, approvals=0, approved=[])
    approvals = independent_approvals([version])[version.pk]
    approved = [
        Approval(decided_at=a.decided_at,
                 reviewer_name=(a.reviewer.get_full_name() or a.reviewer.get_username())
                 if a.reviewer.named_in_public_review_record else "")
        for a in approvals
    ]
    return ReviewRecord(official=False, approvals=len(approvals), approved=approved)
