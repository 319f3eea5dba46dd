"""Webhooks: calculators' endpoints, and the outbox of what is to be (or was) sent to them.

An endpoint belongs to an API key and says which published factors it follows (categories
and regions with everything below them, datasets; nothing chosen: all). A delivery is one
event for one endpoint, written in the transaction of the publication, withdrawal or
release it tells of (docs/adr/0027), and sent by Celery after commit.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .reference import Category, Dataset, Region


class WebhookEndpoint(models.Model):
    api_key = models.ForeignKey("accounts.ApiKey", verbose_name=_("API 密钥"), on_delete=models.PROTECT,
                                related_name="webhook_endpoints")
    url = models.URLField(_("接收地址"), max_length=2000)
    # Kept as it is: the server signs with it. Shown to the key holder once, at registration.
    secret = models.CharField(max_length=64, editable=False)
    categories = models.ManyToManyField(Category, verbose_name=_("类别"), blank=True, related_name="+")
    regions = models.ManyToManyField(Region, verbose_name=_("地区"), blank=True, related_name="+")
    datasets = models.ManyToManyField(Dataset, verbose_name=_("数据集"), blank=True, related_name="+")
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    removed_at = models.DateTimeField(_("删除时间"), null=True, blank=True)
    disabled_at = models.DateTimeField(_("停用时间"), null=True, blank=True)
    disabled_reason = models.TextField(_("停用原因"), blank=True)
    consecutive_failures = models.PositiveIntegerField(_("连续失败次数"), default=0)
    failing_since = models.DateTimeField(_("连续失败起始时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("Webhook 端点")
        verbose_name_plural = _("Webhook 端点")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.url

    @property
    def is_active(self) -> bool:
        return self.removed_at is None and self.disabled_at is None


class WebhookEvent(models.TextChoices):
    FACTOR_PUBLISHED = "factor.published", _("因子发布")
    FACTOR_WITHDRAWN = "factor.withdrawn", _("因子撤回")
    RELEASE_PUBLISHED = "release.published", _("发行版发布")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("待发送")
    DELIVERED = "delivered", _("已送达")
    FAILED = "failed", _("失败")


class WebhookDelivery(models.Model):
    # The receiver's idempotency key: the same on every attempt and replay of this delivery.
    uuid = models.UUIDField(_("投递编号"), default=uuid.uuid4, unique=True, editable=False)
    endpoint = models.ForeignKey(WebhookEndpoint, verbose_name=_("端点"), on_delete=models.PROTECT,
                                 related_name="deliveries")
    event_id = models.UUIDField(_("事件编号"))
    event_type = models.CharField(_("事件"), max_length=40, choices=WebhookEvent.choices)
    payload = models.JSONField(_("内容"))
    status = models.CharField(_("状态"), max_length=20, choices=DeliveryStatus.choices,
                              default=DeliveryStatus.PENDING)
    attempts = models.PositiveIntegerField(_("尝试次数"), default=0)
    next_attempt_at = models.DateTimeField(_("下次尝试时间"))
    # Set while a worker sends it: the sweep leaves it alone until then (a worker that died
    # mid-send lets it go when this passes).
    leased_until = models.DateTimeField(_("发送占用至"), null=True, blank=True)
    last_attempt_at = models.DateTimeField(_("最近尝试时间"), null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(_("最近响应状态码"), null=True, blank=True)
    last_error = models.TextField(_("最近错误"), blank=True)
    delivered_at = models.DateTimeField(_("送达时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)
    replayed_at = models.DateTimeField(_("重发时间"), null=True, blank=True)
    replayed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("重发人"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("Webhook 投递")
        verbose_name_plural = _("Webhook 投递")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="webhook_delivery_due")]

    def __str__(self) -> str:
        return f"{self.get_event_type_display()} → {self.endpoint_id} ({self.uuid})"
