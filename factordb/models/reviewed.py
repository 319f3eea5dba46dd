"""Text the public has read on a reviewed record: from then on only a recorded correction
changes it.

A published factor's names and the citation of a source that a public version cites were
part of what the reviewers approved (docs/adr/0012-reviewed-text-changes-only-by-recorded-correction.md).
Once the public has read them, neither a plain save, an admin form nor a bulk update may
change them: factordb.services.corrections does, as an approver's correction with a reason
that the history and the change feed show. While a version that shows them is under review
(submitted, in review, approved) they are what the reviewers are reviewing, and wait too:
a change then goes back through review (request changes) or is an approver's correction.
Before that they are work in progress.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from factordb.constants import FROZEN_STATUSES, FactorStatus

# Statuses of a version whose names and citations reviewers are looking at, or approved.
UNDER_REVIEW_STATUSES = (FactorStatus.SUBMITTED, FactorStatus.IN_REVIEW, FactorStatus.APPROVED)

UNDER_REVIEW = _("正在评审的版本使用此项：评审期间不可修改；请先要求修改，或由审批人更正并说明原因。")
CORRECTION_REQUIRED = _("公众已读到此项（已发布的版本使用它）：只能由审批人以“更正”修改，并须说明原因。")


class CorrectionRequired(ValidationError):
    """A change of reviewed public text outside a recorded correction."""

    def __init__(self, fields: list[str], message=CORRECTION_REQUIRED) -> None:
        super().__init__(dict.fromkeys(fields, message), code="correction_required")


class ReviewedTextQuerySet(models.QuerySet):
    def update(self, **kwargs) -> int:
        # Bulk updates (bulk_update too) bypass save(): they meet the same guard here.
        touched = [name for name in self.model.REVIEWED_FIELDS if name in kwargs]
        if touched and self.filter(self.model.reviewed_record_q()).exists():
            raise CorrectionRequired(touched)
        return super().update(**kwargs)


class ReviewedTextMixin(models.Model):
    """A model some of whose fields (REVIEWED_FIELDS) the public reads on published versions."""

    REVIEWED_FIELDS: tuple[str, ...] = ()
    # The lookup from this model to the status of a version that makes a row public.
    PUBLIC_VERSION_STATUS = ""

    objects = ReviewedTextQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        self._refuse_uncorrected_changes()
        super().save(*args, **kwargs)

    def clean(self) -> None:
        super().clean()
        self._refuse_uncorrected_changes()

    def _refuse_uncorrected_changes(self) -> None:
        if changed := self.uncorrected_changes():
            raise CorrectionRequired(changed)
        if changed := self.changes_under_review():
            raise CorrectionRequired(changed, UNDER_REVIEW)

    @classmethod
    def public_record_q(cls) -> models.Q:
        return models.Q(**{f"{cls.PUBLIC_VERSION_STATUS}__in": FROZEN_STATUSES})

    @classmethod
    def reviewed_record_q(cls) -> models.Q:
        """Rows a public version, or one under review, shows."""
        return models.Q(**{f"{cls.PUBLIC_VERSION_STATUS}__in": (*FROZEN_STATUSES, *UNDER_REVIEW_STATUSES)})

    @property
    def is_public_record(self) -> bool:
        """Whether a published, superseded or withdrawn version shows this row to the public."""
        return self.pk is not None and type(self).objects.filter(self.public_record_q(), pk=self.pk).exists()

    def reviewed_changes(self) -> list[str]:
        """The reviewed fields whose value here differs from the stored row's."""
        if self.pk is None:
            return []
        stored = type(self).objects.filter(pk=self.pk).order_by().values(*self.REVIEWED_FIELDS).first()
        if stored is None:
            return []
        return [name for name in self.REVIEWED_FIELDS if stored[name] != getattr(self, name)]

    def uncorrected_changes(self) -> list[str]:
        """The reviewed fields this instance changes on a row the public has read, unless the
        change is a recorded correction (set by factordb.services.corrections only)."""
        if getattr(self, "_recorded_correction", False):
            return []
        changed = self.reviewed_changes()
        if changed and self.is_public_record:
            return changed
        return []

    def changes_under_review(self) -> list[str]:
        """The reviewed fields this instance changes while a version under review shows them,
        unless the change is a recorded correction."""
        if getattr(self, "_recorded_correction", False):
            return []
        changed = self.reviewed_changes()
        if changed and type(self).objects.filter(self.reviewed_record_q(), pk=self.pk).exists():
            return changed
        return []
