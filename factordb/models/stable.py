"""Codes calculators cite, fixed once a public factor uses them.

A calculator's key names a category, a region, a unit and perhaps a dataset by code, and a
sealed release's answers (resolve/ and calculate/ with `release`) look them up by code and
through the region and category trees. Once a published, superseded or withdrawn version's
factor uses a row, what its code means is part of the public record: the code, and the
fields that say what it means (a unit's expression and dimension, a node's place in its tree,
a dataset's rank), refuse to change. Names stay editable; a new meaning is a new row.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from factordb.constants import FROZEN_STATUSES

STABLE_CODE = _("已发布的因子使用此项：其代码及含义不可更改；如需不同含义，请新建一项。")


class StableCodeMixin(models.Model):
    """For reference rows whose STABLE_FIELDS calculators rely on (the reverse name of the
    factors using a row is `factor`)."""

    STABLE_FIELDS: tuple[str, ...] = ("code",)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        self._refuse_unstable_change()
        super().save(*args, **kwargs)

    def clean(self) -> None:
        super().clean()
        self._refuse_unstable_change()

    def _refuse_unstable_change(self) -> None:
        if self.pk is None:
            return
        attnames = [self._meta.get_field(name).attname for name in self.STABLE_FIELDS]
        stored = type(self).objects.filter(pk=self.pk).values(*attnames).first()
        if stored is None:
            return
        changed = [name for name, attname in zip(self.STABLE_FIELDS, attnames, strict=True)
                   if stored[attname] != getattr(self, attname)]
        if changed and self.used_by_public_factor:
            raise ValidationError(dict.fromkeys(changed, STABLE_CODE), code="stable_code")

    @property
    def used_by_public_factor(self) -> bool:
        return type(self).objects.filter(pk=self.pk, factor__versions__status__in=FROZEN_STATUSES).exists()
