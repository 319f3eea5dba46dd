"""Forms of the change set pages. They parse input only; the services hold the rules."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from factordb.models import ChangeSet, ReviewComment, Verdict
from factordb.selectors import DIFF_FIELDS


def _versions_of(change_set: ChangeSet):
    return change_set.current_versions()


class CommentForm(forms.Form):
    """A new thread, on the set or on one row and one of its fields, or a reply."""

    body = forms.CharField(label=_("内容"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    version = forms.IntegerField(label=_("针对的版本"), required=False, widget=forms.HiddenInput)
    field = forms.CharField(label=_("针对的字段"), required=False, max_length=60)
    thread = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, change_set: ChangeSet, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        from factordb.models import FactorVersion

        self.fields["version"].widget = forms.Select(
            choices=[
                ("", _("整个变更集")),
                *(
                    (v.pk, f"{v.factor.public_id} v{v.version}")
                    for v in _versions_of(change_set).select_related("factor")[:500]
                ),
            ]
        )
        self.fields["field"].widget = forms.Select(
            choices=[
                ("", _("（不针对字段）")),
                *((name, FactorVersion._meta.get_field(name).verbose_name) for name in DIFF_FIELDS),
            ]
        )
        self.change_set = change_set

    def clean(self) -> dict:
        data = super().clean()
        from factordb.models import FactorVersion

        # Ids only parse here; whether the row is in the set and the thread in the discussion is
        # the service's rule, which answers with the field it concerns.
        data["version"] = (
            FactorVersion.objects.filter(pk=data.get("version")).first() if data.get("version") else None
        )
        if data.get("version") is None and self.data.get(self.add_prefix("version")):
            self.add_error("version", _("该版本不在此变更集中。"))
        data["thread"] = (
            ReviewComment.objects.filter(pk=data.get("thread")).first() if data.get("thread") else None
        )
        if data.get("thread") is None and self.data.get(self.add_prefix("thread")):
            self.add_error("thread", _("只能回复本变更集中的讨论。"))
        return data


class ThreadForm(forms.Form):
    thread = forms.IntegerField(widget=forms.HiddenInput)

    def clean_thread(self):
        thread = ReviewComment.objects.filter(pk=self.cleaned_data["thread"]).first()
        if thread is None:
            raise forms.ValidationError(_("没有这项讨论。"))
        return thread


class DecisionForm(forms.Form):
    """A reviewer's decision on the whole set, or on one row (which then leaves the set)."""

    verdict = forms.ChoiceField(label=_("结论"), choices=Verdict.choices)
    comment = forms.CharField(
        label=_("意见（要求修改、驳回时必填）"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    declares_no_conflict = forms.BooleanField(label=_("本人声明与此变更集无利益冲突"), required=False)
    review_round = forms.IntegerField(widget=forms.HiddenInput)
    version = forms.IntegerField(label=_("只针对此版本"), required=False, widget=forms.HiddenInput)


class ConflictForm(forms.Form):
    comment = forms.CharField(
        label=_("利益冲突说明（必填）"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    review_round = forms.IntegerField(widget=forms.HiddenInput)


class ReviewerForm(forms.Form):
    """Pick a reviewer. Any active user parses, so a refused choice gets the service's reason."""

    reviewer = forms.ModelChoiceField(label=_("评审专家"), queryset=None)
    reason = forms.CharField(label=_("理由"), required=False, max_length=1000)

    def __init__(self, *args, reviewers=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["reviewer"]
        field.queryset = get_user_model().objects.filter(is_active=True)
        field.choices = [("", "---------"), *((u.pk, u.get_full_name() or u.username) for u in reviewers)]


class NoteForm(forms.Form):
    comment = forms.CharField(label=_("说明（可选）"), required=False, max_length=1000)


class PublishForm(forms.Form):
    """Publication or scheduling, bound to the summary the approver saw (its fingerprint)."""

    fingerprint = forms.CharField(widget=forms.HiddenInput, max_length=64)
    confirm = forms.BooleanField(label=_("我已核对以上摘要，确认发布整个变更集"), required=False)
    comment = forms.CharField(label=_("说明（可选）"), required=False, max_length=1000)
    at = forms.DateTimeField(
        label=_("计划发布时间（留空则立即发布）"),
        required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )

    def clean_confirm(self) -> bool:
        if not self.cleaned_data.get("confirm"):
            raise forms.ValidationError(_("请先核对摘要并勾选确认。"))
        return True
