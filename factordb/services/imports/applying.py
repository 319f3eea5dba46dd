"""A clean plan to drafts: new factors, their first drafts, and new drafts of existing ones.

Written in bulk (one INSERT per batch of rows, history included, through simple-history's
bulk_create_with_history) inside the caller's transaction, so an import is all or nothing.
Each history row names the confirming editor: who wrote a version's content may not review
it, whether it was typed in the admin or imported.
"""

from collections.abc import Callable

from django.db.models import Max
from simple_history.utils import bulk_create_with_history

from factordb.constants import FactorStatus
from factordb.models import (
    Factor,
    FactorImport,
    FactorVersion,
    GasAmount,
    ImportedVersion,
    RowAction,
    Source,
    VersionSource,
)
from factordb.models.reference import Gas

from .planning import Plan, RowPlan

BATCH = 2000
Progress = Callable[[str, int, int], None]


def apply_plan(plan: Plan, *, factor_import: FactorImport, actor, progress: Progress | None = None) -> int:
    """Write the plan's creations and revisions as drafts; the number of drafts written."""
    assert plan.is_clean, "only a plan without issues is written"
    reason = f"import #{factor_import.pk}: {factor_import.file_name}"[:100]
    written = [row for row in plan.rows if row.action in (RowAction.CREATE, RowAction.REVISE)]
    _create_factors([row for row in written if row.action == RowAction.CREATE], actor, reason)
    versions = _create_versions(written, actor, reason, progress)
    _create_parts(written, versions, actor, reason)
    ImportedVersion.objects.bulk_create(
        [ImportedVersion(factor_import=factor_import, version=version, row=row.number, action=row.action)
         for row, version in zip(written, versions, strict=True)], batch_size=BATCH)
    return len(versions)


def _create_factors(rows: list[RowPlan], actor, reason: str) -> None:
    factors = [Factor(**row.identity) for row in rows]
    bulk_create_with_history(factors, Factor, batch_size=BATCH, default_user=actor,
                             default_change_reason=reason)
    for row, factor in zip(rows, factors, strict=True):
        row.factor_id, row.public_id = factor.pk, factor.public_id


def _create_versions(
    rows: list[RowPlan], actor, reason: str, progress: Progress | None,
) -> list[FactorVersion]:
    ids = [row.factor_id for row in rows]
    numbers, carried = {}, {}
    for start in range(0, len(ids), BATCH):
        chunk = ids[start:start + BATCH]
        numbers.update(FactorVersion.objects.filter(factor_id__in=chunk).values("factor_id")
                       .annotate(n=Max("version")).values_list("factor_id", "n"))
        # What the template does not carry (the derivation) a revision takes from the published version.
        carried.update(FactorVersion.objects.filter(factor_id__in=chunk, status=FactorStatus.PUBLISHED)
                       .values_list("factor_id", "derivation"))
    versions = [
        FactorVersion(factor_id=row.factor_id, version=numbers.get(row.factor_id, 0) + 1,
                      status=FactorStatus.DRAFT, author=actor, derivation=carried.get(row.factor_id, {}),
                      **row.content)
        for row in rows
    ]
    for start in range(0, len(versions), BATCH):
        bulk_create_with_history(versions[start:start + BATCH], FactorVersion, default_user=actor,
                                 default_change_reason=reason)
        if progress:
            progress("writing", min(start + BATCH, len(versions)), len(versions))
    return versions


def _create_parts(rows: list[RowPlan], versions: list[FactorVersion], actor, reason: str) -> None:
    gases = dict(Gas.objects.values_list("code", "pk"))
    sources = dict(Source.objects.values_list("code", "pk"))
    amounts, citations = [], []
    for row, version in zip(rows, versions, strict=True):
        amounts.extend(GasAmount(version=version, gas_id=gases[code], amount=amount,
                                 is_removal=version.is_removal)
                       for code, amount in row.gas_amounts.items())
        citations.extend(VersionSource(version=version, source_id=sources[code], locator=locator)
                         for code, locator in row.citations)
    bulk_create_with_history(amounts, GasAmount, batch_size=BATCH, default_user=actor,
                             default_change_reason=reason)
    bulk_create_with_history(citations, VersionSource, batch_size=BATCH, default_user=actor,
                             default_change_reason=reason)
