"""Review records: assignments of expert reviewers, and the append-only workflow log."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from factordb.constants import FactorStatus
from factordb.workflow import PUBLIC_ACTIONS

from .factor import Factor, FactorVersion


class ReviewDecision(models.TextChoices):
    PENDING = "pending", _("待评审")
    APPROVED = "approved", _("同意")
    CHANGES_REQUESTED = "changes_requested", _("要求修改")
    REJECTED = "rejected", _("驳回")
    RECUSED = "recused", _("回避（利益冲突）")
    CLOSED = "closed", _("已关闭（评审轮次结束）")


class ReviewAssignment(models.Model):
    """An expert asked to review one version in one review round."""

    version = models.ForeignKey(FactorVersion, on_delete=models.PROTECT, related_name="assignments")
    review_round = models.PositiveSmallIntegerField(_("评审轮次"))
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("评审专家"), on_delete=models.PROTECT,
        related_name="review_assignments",
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("指派人"), on_delete=models.PROTECT, related_name="+",
    )
    assigned_at = models.DateTimeField(_("指派时间"), auto_now_add=True)
    decision = models.CharField(
        _("结论"), max_length=20, choices=ReviewDecision.choices, default=ReviewDecision.PENDING,
    )
    # None: not yet declared; False: declared no conflict; True: declared a conflict (recused).
    conflict_of_interest = models.BooleanField(_("存在利益冲突"), null=True)
    comment = models.TextField(_("评审意见"), blank=True)
    # Set when the version was assigned as a row of a change set: the set and its round.
    change_set = models.ForeignKey("factordb.ChangeSet", verbose_name=_("变更集"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="assignments")
    change_set_round = models.PositiveSmallIntegerField(_("变更集评审轮次"), null=True, blank=True)
    decided_at = models.DateTimeField(_("评审时间"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("评审指派")
        verbose_name_plural = _("评审指派")
        ordering = ["-assigned_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "review_round", "reviewer"], name="review_assignment_once_per_round",
                violation_error_message=_("该专家已被指派评审此版本。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.version} — {self.reviewer} ({self.get_decision_display()})"

    @property
    def is_open(self) -> bool:
        return (self.decision == ReviewDecision.PENDING
                and self.version.status == FactorStatus.IN_REVIEW
                and self.review_round == self.version.review_round)


class ConflictOfInterest(models.Model):
    """A reviewer's declared conflict of interest in a factor (docs/adr/0015).

    It holds for the factor, not for the round it was declared in: until an approver clears it,
    with a reason, the reviewer is assigned to no version of the factor and their approval of
    any of them counts for nothing. A cleared conflict stays on record; a new declaration opens
    a new one.
    """

    factor = models.ForeignKey(Factor, verbose_name=_("因子"), on_delete=models.PROTECT,
                               related_name="conflicts_of_interest")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("评审专家"), on_delete=models.PROTECT,
        related_name="conflicts_of_interest",
    )
    declared_in = models.ForeignKey(ReviewAssignment, verbose_name=_("声明于"), on_delete=models.PROTECT,
                                    related_name="+")
    declared_at = models.DateTimeField(_("声明时间"))
    cleared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("解除人"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    cleared_at = models.DateTimeField(_("解除时间"), null=True, blank=True)
    clearance_reason = models.TextField(_("解除理由"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("利益冲突声明")
        verbose_name_plural = _("利益冲突声明")
        ordering = ["declared_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["factor", "reviewer"], condition=models.Q(cleared_at__isnull=True),
                name="conflict_of_interest_one_open",
            ),
            # Cleared means cleared by someone, at a time, for a reason; or none of the three.
            models.CheckConstraint(
                condition=(models.Q(cleared_at__isnull=True, cleared_by__isnull=True, clearance_reason="")
                           | (models.Q(cleared_at__isnull=False, cleared_by__isnull=False)
                              & ~models.Q(clearance_reason=""))),
                name="conflict_of_interest_cleared_with_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} — {self.factor.public_id}"

    @property
    def is_cleared(self) -> bool:
        return self.cleared_at is not None


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("workflow events are append-only")

    def delete(self):
        raise TypeError("workflow events are append-only")


class WorkflowEvent(models.Model):
    """One step of a version along the review road: who, when, from, to, why. Never edited."""

    version = models.ForeignKey(FactorVersion, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(_("操作"), max_length=30)
    from_status = models.CharField(_("原状态"), max_length=20, choices=FactorStatus.choices)
    to_status = models.CharField(_("新状态"), max_length=20, choices=FactorStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), on_delete=models.PROTECT, related_name="+",
    )
    at = models.DateTimeField(_("时间"))
    comment = models.TextField(_("说明"), blank=True)
    # The change feed's cursor: public events only, numbered under the publication lock, so
    # the order of `seq` is the order in which the events became visible (commit order).
    seq = models.PositiveBigIntegerField(_("变更序号"), null=True, blank=True, unique=True, editable=False)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("流程记录")
        verbose_name_plural = _("流程记录")
        ordering = ["at", "pk"]
        indexes = [
            # The change feed reads the public steps since a time among ~10^6 events.
            models.Index(fields=["at"], condition=models.Q(action__in=PUBLIC_ACTIONS),
                         name="workflow_event_public_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}: {self.from_status} → {self.to_status}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise TypeError("workflow events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("workflow events are append-only")
