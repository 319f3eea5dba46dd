"""The publication lock: one row that every change of the published set locks first."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PublicationLock(models.Model):
    """Publishing, superseding, withdrawing and cutting a release lock this row before any
    version row (factordb/services/publication.py), so they run one at a time: a cut sees
    the published set of one instant, and public events are numbered in commit order."""

    # Taking the lock is a write to this row: it blocks on PostgreSQL like SELECT … FOR
    # UPDATE and, on SQLite, takes the database's write lock at once, so the same code
    # serialises publications on both.
    holds = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("发布锁")
        verbose_name_plural = _("发布锁")

    def __str__(self) -> str:
        return str(self._meta.verbose_name)
