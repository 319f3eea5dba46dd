"""Editing factors: a published value is never edited in place; a change is a new draft."""

from collections.abc import Mapping
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.roles import Role, require_role
from factordb import consistency, workflow
from factordb.constants import FactorStatus
from factordb.errors import WorkflowError
from factordb.models import Factor, FactorVersion, GasAmount
from factordb.services.factors import (
    SourceCitation,
    factor_version_create_draft,
    validated_gas_amounts,
)

IN_PROGRESS = (FactorStatus.DRAFT, FactorStatus.SUBMITTED, FactorStatus.IN_REVIEW,
               FactorStatus.CHANGES_REQUESTED, FactorStatus.APPROVED)
# The content a new draft takes over from the version it revises.
CONTENT_FIELDS = (
    "co2e_total", "biogenic_co2", "is_removal", "uncertainty_distribution", "uncertainty_low_pct",
    "uncertainty_high_pct", "uncertainty_gsd", "dq_reliability", "dq_completeness", "dq_temporal",
    "dq_geographical", "dq_technological", "quality_note", "derivation", "notes_zh", "notes_en",
    "valid_from", "valid_to",
)


class VersionInProgress(WorkflowError):
    """The factor already has a version on its way to publication."""


@transaction.atomic
def factor_version_start_revision(*, factor: Factor, actor) -> FactorVersion:
    """A new draft copying the factor's published content; the published version stays untouched."""
    require_role(actor, Role.EDITOR)
    factor = Factor.objects.select_for_update().get(pk=factor.pk)
    open_version = factor.versions.filter(status__in=IN_PROGRESS).order_by("-version").first()
    if open_version is not None:
        raise VersionInProgress(_("该因子已有进行中的版本 v%(n)d（%(state)s），请在其上修改。") % {
            "n": open_version.version, "state": open_version.get_status_display()})
    current = factor.versions.filter(status=FactorStatus.PUBLISHED).first()
    if current is None:
        raise VersionInProgress(_("该因子没有已发布的版本可供修订。"))
    return factor_version_create_draft(
        factor=factor, author=actor, gwp_set=current.gwp_set,
        gas_amounts={row.gas.code: row.amount for row in current.gas_amounts.select_related("gas")},
        citations=[SourceCitation(cited.source, cited.locator)
                   for cited in current.version_sources.select_related("source")],
        **{name: getattr(current, name) for name in CONTENT_FIELDS},
        check_co2e=False,
    )


@transaction.atomic
def factor_version_update_draft(
    *, version: FactorVersion, actor, revision: int, changes: Mapping[str, object],
    gas_amounts: Mapping[str, Decimal] | None = None,
) -> FactorVersion:
    """Change a draft's content, refused if someone saved it since `revision` was loaded."""
    require_role(actor, Role.EDITOR)
    version = FactorVersion.objects.select_for_update().get(pk=version.pk)
    if version.status != FactorStatus.DRAFT:
        workflow.guard(version, "submit")  # raises InvalidTransition naming the state
    unknown = sorted(set(changes) - set(CONTENT_FIELDS) - {"gwp_set"})
    if unknown:
        raise ValidationError({name: _("此字段不能在此修改。") for name in unknown})
    for name, value in changes.items():
        setattr(version, name, value)
    version.revision = revision  # the model's compare-and-set refuses a stale revision
    version.full_clean(exclude=["revision"])
    rows = validated_gas_amounts(version, gas_amounts) if gas_amounts is not None else None
    # The total, the breakdown and the GWP set are checked together whichever of them changed.
    breakdown = gas_amounts if gas_amounts is not None else {
        row.gas.code: row.amount for row in version.gas_amounts.select_related("gas")}
    consistency.check_co2e_total(co2e_total=version.co2e_total, gas_amounts=breakdown,
                                 gwp_set=version.gwp_set)
    version._change_reason = "draft edited"
    version._history_user = actor
    version.save()
    if rows is not None:
        # Each row's history names the editor: who changed a version's content may not review it.
        for old in GasAmount.objects.filter(version=version):
            old._change_reason = "breakdown replaced"
            old._history_user = actor
            old.delete()
        for row in rows:
            row.version = version
            row._change_reason = "breakdown replaced"
            row._history_user = actor
            row.save()
    return version

