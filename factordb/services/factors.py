"""Writes of factors and their versions. Every entry point (admin, seed, import, API) calls these."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from accounts.roles import ForbiddenAction, Role, has_role
from factordb import consistency, gwp, workflow
from factordb.constants import FactorStatus
from factordb.models import (
    Factor,
    FactorVersion,
    Gas,
    GasAmount,
    GwpSet,
    Source,
    VersionSource,
    WebhookEvent,
)
from factordb.services import webhooks
from factordb.services.publication import hold_publication_lock, retry_on_conflict
from factordb.services.review import supersede_current

CO2E_PRECISION = consistency.CO2E_PRECISION


@dataclass(frozen=True)
class SourceCitation:
    source: Source
    locator: str = ""


def factor_create(*, public_id: str | None = None, **identity) -> Factor:
    """A new factor identity, validated (unique identity, unit of the category's dimension)."""
    factor = Factor(**identity)
    if public_id:
        factor.public_id = public_id
    factor.full_clean()
    factor.save()
    return factor


def _next_version_number(factor: Factor) -> int:
    current = FactorVersion.objects.filter(factor=factor).aggregate(n=Max("version"))["n"]
    return (current or 0) + 1


def validated_gas_amounts(version: FactorVersion, amounts: Mapping[str, Decimal]) -> list[GasAmount]:
    """Unsaved breakdown rows, each validated; errors are keyed 'gas_amounts.<gas code>'."""
    gases = {gas.code: gas for gas in Gas.objects.filter(code__in=amounts)}
    unknown = sorted(set(amounts) - set(gases))
    if unknown:
        raise ValidationError({"gas_amounts": f"unknown gas {', '.join(unknown)}"})
    rows, errors = [], {}
    for code, amount in amounts.items():
        # A removal's rows carry its sign, so the row's own constraint accepts their negative amounts.
        row = GasAmount(version=version, gas=gases[code], amount=Decimal(amount),
                        is_removal=version.is_removal)
        try:
            row.full_clean(exclude=["version"])
        except ValidationError as exc:
            errors[f"gas_amounts.{code}"] = exc.messages
        rows.append(row)
    if errors:
        raise ValidationError(errors)
    return rows


@transaction.atomic
def factor_version_create_draft(
    *,
    factor: Factor,
    author,
    gwp_set: GwpSet,
    gas_amounts: Mapping[str, Decimal],
    citations: Iterable[SourceCitation] = (),
    co2e_total: Decimal | None = None,
    check_co2e: bool = True,
    **content,
) -> FactorVersion:
    """A new draft version of a factor with its gas breakdown and sources.

    When the source states no total, it is computed from the breakdown under `gwp_set`; a
    stated total must agree with the breakdown (factordb.consistency). `check_co2e=False` is
    only for a revision copying a published version as it is: the draft is where a
    disagreement published before the rule existed gets corrected, and submission checks again.
    Nothing is written unless every part is valid.
    """
    version = FactorVersion(factor=factor, gwp_set=gwp_set, co2e_total=co2e_total, **content)
    rows = validated_gas_amounts(version, gas_amounts)
    if co2e_total is None:
        try:
            total = gwp.co2e_from_breakdown(gas_amounts, gwp.gwp_values(gwp_set))
            version.co2e_total = total.quantize(CO2E_PRECISION)
        except gwp.GwpError as exc:
            raise ValidationError({"gas_amounts": f"{gwp_set.code}: {exc}"}) from exc
    elif check_co2e:
        consistency.check_co2e_total(co2e_total=co2e_total, gas_amounts=gas_amounts, gwp_set=gwp_set)
    factor_version_add_draft(version=version, author=author)
    # The parts' history names their author too: who wrote a version's content may not review it.
    for row in rows:
        row.version = version
        row._history_user = author
        row.save()
    for citation in citations:
        cited = VersionSource(version=version, source=citation.source, locator=citation.locator)
        cited._history_user = author
        cited.save()
    return version


@transaction.atomic
def factor_version_add_draft(*, version: FactorVersion, author, reason: str = "") -> FactorVersion:
    """Save an unsaved version (from the admin's form, or the service above) as the next draft.

    Who wrote it, its number and its place on the review road are set here, whatever the
    caller put there: an editor who could choose them could name someone else as author
    (and then review their own work) or schedule a publication no approver decided.
    """
    version.author = author
    version.version = _next_version_number(version.factor)
    version.status = FactorStatus.DRAFT
    version.review_round = 0
    version.published_at = version.superseded_at = None
    version.scheduled_publication_at = version.scheduled_by = None
    version.full_clean()
    if reason:
        version._change_reason = reason
    version._history_user = author
    version.save()
    return version


@retry_on_conflict
@transaction.atomic
def factor_version_publish_official(
    *, version: FactorVersion, published_at: datetime, actor=None,
) -> FactorVersion:
    """Publish a version copied verbatim from an authority's own publication.

    Official statistics (MEE/NBS grid factors, guideline defaults) are published by their
    authority, not by this platform's reviewers, so they enter as published at the time
    the authority published them. The factor's previously published version is superseded
    in the same transaction. This road bypasses review, so only those who may publish or
    run the platform take it (docs/adr/0005); without `actor`, the author (the seed's own
    account, an approver) is the one who acts.
    """
    actor = actor or version.author
    if not (has_role(actor, Role.APPROVER) or has_role(actor, Role.ADMIN)):
        raise ForbiddenAction(_("只有审批人或管理员可以不经评审发布官方统计数据。"))
    hold_publication_lock()  # lock order: factordb/services/publication.py
    version = FactorVersion.objects.select_for_update(of=("self",)).get(pk=version.pk)
    workflow.guard(version, "publish_official")
    supersede_current(version, actor=actor, at=published_at, comment=f"superseded by v{version.version}")
    version.published_at = published_at
    workflow.transition(version, "publish_official", actor=actor,
                        comment="published from the authority's official publication")
    webhooks.webhooks_record_factor_event([version], WebhookEvent.FACTOR_PUBLISHED)
    return version
