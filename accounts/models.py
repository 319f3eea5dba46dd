from django.contrib.auth.models import AbstractUser, Group
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history import register
from simple_history.models import HistoricalRecords


class HistoricalRecordsOfLinkChanges(HistoricalRecords):
    """Records a many-to-many change only when links were actually added or removed.

    Django signals adding a link that already exists, with nothing in ``pk_set``; the seed makes
    sure its account holds the approver role on every run, and each run would leave a record.
    """

    def m2m_changed(self, instance, action, attr, pk_set, reverse, **kwargs) -> None:
        if action in ("post_add", "post_remove") and not pk_set:
            return
        super().m2m_changed(instance, action, attr, pk_set, reverse, **kwargs)


class User(AbstractUser):
    """A person working on the platform: ministry staff, outside experts, administrators.

    A project-owned user model from day one, so roles and API keys can grow here without
    the migration pain of swapping Django's default later.
    """

    # A reviewer's name is personal data: the public review record names only those who agreed.
    named_in_public_review_record = models.BooleanField(
        _("同意在公开评审记录中署名"), default=False,
        help_text=_("勾选后，此人作为评审专家的姓名会出现在其评审过的因子的公开页面上。"),
    )

    # Granting or taking away a role is a change to the user: its history shows the groups held.
    history = HistoricalRecordsOfLinkChanges(
        excluded_fields=["password", "last_login"], m2m_fields=["groups"],
    )


# Roles are auth's groups. Their history lives in this app, since auth's migrations are not
# ours; what a role may do is its permissions, so those are recorded with each change.
register(Group, app="accounts", records_class=HistoricalRecordsOfLinkChanges, m2m_fields=["permissions"])


class ApiKeyTier(models.TextChoices):
    STANDARD = "standard", _("标准")
    PARTNER = "partner", _("合作伙伴")


class ApiKey(models.Model):
    """A calculator's key to the read API. Only a hash of the secret is kept.

    Keys are 32 random bytes, so a fast SHA-256 suffices (no password-style stretching is
    needed against guessing) and keeps authentication cheap on every request.
    """

    name = models.CharField(_("名称（计算软件）"), max_length=200)
    organisation = models.CharField(_("机构"), max_length=200)
    contact_email = models.EmailField(_("联系邮箱"))
    tier = models.CharField(_("配额等级"), max_length=20, choices=ApiKeyTier.choices,
                            default=ApiKeyTier.STANDARD)
    prefix = models.CharField(_("前缀"), max_length=12, unique=True, editable=False)
    secret_hash = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(_("签发时间"), auto_now_add=True)
    created_by = models.ForeignKey("accounts.User", verbose_name=_("签发人"), on_delete=models.PROTECT,
                                   related_name="+")
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True, editable=False)
    revoked_by = models.ForeignKey("accounts.User", verbose_name=_("吊销人"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+", editable=False)
    revoke_reason = models.TextField(_("吊销原因"), blank=True, editable=False)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True, editable=False)
    history = HistoricalRecords(excluded_fields=["secret_hash", "last_used_at"])

    class Meta:
        verbose_name = _("API 密钥")
        verbose_name_plural = _("API 密钥")
        ordering = ["-created_at"]
        # Revoking cuts a calculator off: its own right, apart from issuing (add_apikey).
        permissions = [("revoke_apikey", _("可以吊销 API 密钥"))]

    def __str__(self) -> str:
        return f"{self.prefix}… {self.name}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
