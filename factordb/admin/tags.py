"""A factor's tags in the admin: ticked from the tags factors already carry, or typed in new.

`Factor.tags` is a JSON list; typed as raw JSON it invites `["电力", "电力 "]` and worse. The
form offers every tag in use as a checkbox, takes new ones separated by commas, and stores
the sorted list without duplicates; a tag that cannot be one is refused, naming it.
"""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from factordb.models import Factor

MAX_TAG_LENGTH = 50
NEW_TAGS_FIELD = "new_tags"
# Commas and list marks, ASCII or full-width, and line breaks separate typed-in tags.
SEPARATORS = re.compile(r"[,，、;；\n\r]+")


def tags_in_use() -> list[str]:
    """Every tag some factor carries, sorted."""
    used: set[str] = set()
    for tags in Factor.objects.exclude(tags=[]).values_list("tags", flat=True).iterator():
        used.update(str(tag) for tag in tags or [] if str(tag).strip())
    return sorted(used)


def _tag(text: str) -> str:
    tag = " ".join(text.split())
    if len(tag) > MAX_TAG_LENGTH:
        raise ValidationError(_("标签“%(tag)s”过长：最多 %(max)d 个字符。"),
                              code="tag_too_long", params={"tag": tag, "max": MAX_TAG_LENGTH})
    if any(not ch.isprintable() for ch in tag):
        raise ValidationError(_("标签“%(tag)s”含有不可见字符。"), code="tag_unprintable", params={"tag": tag})
    return tag


class FactorTagsForm(forms.ModelForm):
    """For FactorAdmin: `tags` as checkboxes, `new_tags` as text; both end up in `tags`."""

    tags = forms.MultipleChoiceField(label=_("标签"), required=False, widget=forms.CheckboxSelectMultiple,
                                     help_text=_("勾选已有标签。"))
    new_tags = forms.CharField(
        label=_("新标签"), required=False, max_length=1000,
        help_text=_("输入新标签，以逗号或顿号分隔，例如：电力，全国。保存后按字母顺序存储，重复的只留一个。"))

    class Meta:
        model = Factor
        fields = "__all__"  # noqa: DJ007  (the admin chooses the fields; this form adds the tag widget)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if "tags" not in self.fields:  # read-only here: nothing to tick or type
            self.fields.pop(NEW_TAGS_FIELD, None)
            return
        current = [str(tag) for tag in self.instance.tags or []] if self.instance.pk else []
        self.fields["tags"].choices = [(tag, tag) for tag in sorted({*tags_in_use(), *current})]
        self.initial["tags"] = current
        if not self.fields["tags"].choices:
            self.fields["tags"].help_text = _("尚无因子带标签：请在“新标签”中输入。")

    def clean_new_tags(self) -> list[str]:
        texts = [part for part in SEPARATORS.split(self.cleaned_data.get(NEW_TAGS_FIELD, "")) if part.strip()]
        errors, tags = [], []
        for text in texts:
            try:
                tags.append(_tag(text))
            except ValidationError as exc:
                errors.append(exc)
        if errors:
            raise ValidationError(errors)
        return tags

    def clean(self) -> dict:
        cleaned = super().clean()
        if "tags" in self.fields and "tags" in cleaned:
            cleaned["tags"] = sorted({*cleaned["tags"], *cleaned.get(NEW_TAGS_FIELD, [])})
        return cleaned
