"""Change sets: what goes through review as one unit, and the discussion around it.

A change set is one version, a hand-picked group of drafts, or the drafts of one import,
with a title and the editor's reason for the change. Its rows are versions; each row keeps
its own state on the review road (the version's status), and the set moves them together.
A row that a reviewer decides on alone leaves the set for a set of its own (`left_to`), so
a row's membership is never rewritten: it ends, with when, why and where it went.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from factordb.constants import FactorStatus

from .factor import FactorVersion
from .imports import FactorImport


class ChangeSetKind(models.TextChoices):
    VERSION = "version", _("单个版本")
    GROUP = "group", _("一组草稿")
    IMPORT = "import", _("一次导入")


class ChangeSet(models.Model):
    title = models.CharField(_("标题"), max_length=200)
    description = models.TextField(_("变更说明"), help_text=_("为什么要做这些修改：依据、来源、影响。"))
    kind = models.CharField(_("类型"), max_length=20, choices=ChangeSetKind.choices)
    factor_import = models.OneToOneField(
        FactorImport,
        verbose_name=_("导入"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="change_set",
    )
    # A set of one row split off another when a reviewer decided on that row alone.
    split_from = models.ForeignKey(
        "self",
        verbose_name=_("拆分自"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="splits",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("作者"), on_delete=models.PROTECT, related_name="change_sets"
    )
    # The state of every row still in the set: the services move them together.
    status = models.CharField(
        _("状态"), max_length=20, choices=FactorStatus.choices, default=FactorStatus.DRAFT
    )
    review_round = models.PositiveSmallIntegerField(_("评审轮次"), default=0)
    # An approved set is published at once, or all of it at the time an approver set.
    scheduled_publication_at = models.DateTimeField(_("计划发布时间"), null=True, blank=True)
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("计划发布人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("变更集")
        verbose_name_plural = _("变更集")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(description=""),
                name="change_set_has_description",
                violation_error_message=_("变更集须说明修改的理由。"),
            ),
            models.CheckConstraint(
                condition=~models.Q(title=""),
                name="change_set_has_title",
                violation_error_message=_("变更集须有标题。"),
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.title}"

    def current_versions(self) -> models.QuerySet:
        """The versions now in the set, in a stable order."""
        return FactorVersion.objects.filter(
            change_set_rows__change_set=self, change_set_rows__left_at__isnull=True
        ).order_by("factor__public_id", "pk")


class ChangeSetRow(models.Model):
    change_set = models.ForeignKey(
        ChangeSet, verbose_name=_("变更集"), on_delete=models.PROTECT, related_name="rows"
    )
    version = models.ForeignKey(
        FactorVersion, verbose_name=_("版本"), on_delete=models.PROTECT, related_name="change_set_rows"
    )
    added_at = models.DateTimeField(_("加入时间"), auto_now_add=True)
    left_at = models.DateTimeField(_("离开时间"), null=True, blank=True)
    left_reason = models.TextField(_("离开原因"), blank=True)
    left_to = models.ForeignKey(
        ChangeSet, verbose_name=_("转入"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("变更集条目")
        verbose_name_plural = _("变更集条目")
        ordering = ["change_set", "pk"]
        constraints = [
            # A version is reviewed in one set at a time.
            models.UniqueConstraint(
                fields=["version"],
                condition=models.Q(left_at__isnull=True),
                name="change_set_row_one_open_set",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.change_set}: {self.version}"


class Verdict(models.TextChoices):
    APPROVED = "approved", _("同意")
    CHANGES_REQUESTED = "changes_requested", _("要求修改")
    REJECTED = "rejected", _("驳回")


class ReviewComment(models.Model):
    """A comment in a change set's discussion; a reviewer's decision is one with a verdict.

    A comment without `thread` opens a thread; replies point at it. A comment may be anchored
    to a row (a version of the set) and one of its fields. Comments are never edited: only a
    thread's resolution (on its opening comment) changes, and history keeps each change.
    """

    change_set = models.ForeignKey(
        ChangeSet, verbose_name=_("变更集"), on_delete=models.PROTECT, related_name="comments"
    )
    thread = models.ForeignKey(
        "self",
        verbose_name=_("所属讨论"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replies",
    )
    review_round = models.PositiveSmallIntegerField(_("评审轮次"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("作者"), on_delete=models.PROTECT, related_name="+"
    )
    body = models.TextField(_("内容"), blank=True)
    version = models.ForeignKey(
        FactorVersion,
        verbose_name=_("针对的版本"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="review_comments",
    )
    field = models.CharField(_("针对的字段"), max_length=60, blank=True)
    verdict = models.CharField(_("结论"), max_length=20, choices=Verdict.choices, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("解决时间"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("解决人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("评审讨论")
        verbose_name_plural = _("评审讨论")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(body="") | ~models.Q(verdict=""), name="review_comment_says_something"
            ),
            models.CheckConstraint(
                condition=models.Q(field="") | models.Q(version__isnull=False),
                name="review_comment_field_needs_row",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.change_set} #{self.pk}"

    @property
    def is_resolved(self) -> bool:
        return self.resolved_at is not None
