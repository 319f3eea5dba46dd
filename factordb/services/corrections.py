"""Corrections of what the public reads of a published record, outside the review road.

A public factor's names and the citation of a source a public version cites were reviewed
with it, and the models refuse any other change of them (factordb.models.reviewed;
docs/adr/0012-reviewed-text-changes-only-by-recorded-correction.md). A typo in a name or a
moved address is still corrected without a new review round, but only by an approver, with
a reason, on the record:
- the corrected row's history carries the reason and the approver;
- every public version that shows the text gets a `correct` step in the workflow log, which
  the change feed serves (so a mirror fetches the factor again) and the cache generation
  moves with.
Like every step that writes a public event, a correction takes the publication lock first
(factordb/services/publication.py), so its events are numbered in commit order.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from accounts.roles import Role, require_role
from factordb import workflow
from factordb.constants import FROZEN_STATUSES
from factordb.models import Factor, FactorVersion, Source
from factordb.models.reviewed import ReviewedTextMixin
from factordb.services.publication import hold_publication_lock, retry_on_conflict


@retry_on_conflict
@transaction.atomic
def factor_correct_names(*, factor: Factor, name_zh: str, name_en: str, actor, reason: str) -> Factor:
    """Correct a factor's names; each of its public versions records the correction."""
    reason = _authorised(actor, reason)
    hold_publication_lock()
    factor = Factor.objects.select_for_update().get(pk=factor.pk)
    _save_corrected(factor, {"name_zh": name_zh, "name_en": name_en}, actor=actor, reason=reason)
    _announce(FactorVersion.objects.filter(factor=factor), actor=actor, reason=reason)
    return factor


@retry_on_conflict
@transaction.atomic
def source_correct_citation(*, source: Source, actor, reason: str, **fields) -> Source:
    """Correct fields of a source's citation; each public version citing it records the correction."""
    reason = _authorised(actor, reason)
    hold_publication_lock()
    unknown = sorted(set(fields) - set(Source.REVIEWED_FIELDS))
    if unknown:
        raise ValidationError({name: _("此字段不能在此更正。") for name in unknown})
    source = Source.objects.select_for_update().get(pk=source.pk)
    _save_corrected(source, fields, actor=actor, reason=reason)
    _announce(FactorVersion.objects.filter(version_sources__source=source), actor=actor, reason=reason)
    return source


def _authorised(actor, reason: str) -> str:
    require_role(actor, Role.APPROVER)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("更正必须说明原因。")})
    return reason


def _save_corrected(record: ReviewedTextMixin, values: dict, *, actor, reason: str) -> None:
    for name, value in values.items():
        setattr(record, name, value)
    if not record.reviewed_changes():
        # A correction on the record that corrects nothing would only be noise in the feed.
        raise ValidationError(_("更正未改变任何内容。"))
    record._recorded_correction = True
    record.full_clean()
    record._change_reason = reason
    record._history_user = actor
    record.save()


def _announce(versions: QuerySet[FactorVersion], *, actor, reason: str) -> None:
    """A `correct` step for each public version among `versions`: what the public reads of it changed."""
    public = list(versions.filter(status__in=FROZEN_STATUSES).values_list("pk", flat=True))
    # Under the publication lock: the version rows alone, as every other step locks them.
    for version in FactorVersion.objects.select_for_update(of=("self",)).filter(pk__in=public):
        workflow.record(version, "correct", actor=actor, comment=reason)
