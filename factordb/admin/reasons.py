"""The change reason staff type in the admin, which becomes the history's ``history_change_reason``."""

from django import forms
from django.utils.translation import gettext_lazy as _

CHANGE_REASON_FIELD = "change_reason"
SAVE_REASON_REQUIRED = _("请填写变更原因：每次保存都会记入审计历史。")


def change_reason_field(required_message: str = SAVE_REASON_REQUIRED) -> forms.CharField:
    return forms.CharField(
        label=_("变更原因"),
        required=True,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 80}),
        help_text=_("必填：说明本次修改的原因与依据，将记入审计历史。"),
        error_messages={"required": required_message},
    )
