"""Forms of the review road's steps (factordb.steps), on the workspace, the dashboard and the
admin's version page.

They parse input only. The rules (a comment is required, the author may not review, a
publication date must lie ahead) live in the services, which answer with a
ValidationError that factordb.http puts back onto these forms' fields.
"""

from django import forms
from django.utils.translation import gettext_lazy as _


class ApproveForm(forms.Form):
    declares_no_conflict = forms.BooleanField(
        label=_("本人声明与此版本无利益冲突"), required=False,
    )
    comment = forms.CharField(label=_("意见（可选）"), required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))


class CommentForm(forms.Form):
    """Request changes, reject, or declare a conflict: each needs a comment (the service says so)."""

    comment = forms.CharField(label=_("意见（必填）"), required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))


class AssignForm(forms.Form):
    """Pick a reviewer. The list offers reviewers other than the author; the service decides."""

    reviewer = forms.ModelChoiceField(label=_("评审专家"), queryset=None)

    def __init__(self, *args, version, reviewers, **kwargs) -> None:
        from django.contrib.auth import get_user_model

        super().__init__(*args, **kwargs)
        field = self.fields["reviewer"]
        # Any active user parses, so that a refused choice gets the service's own reason.
        field.queryset = get_user_model().objects.filter(is_active=True)
        field.choices = [("", "---------"), *(
            (user.pk, user.get_full_name() or user.username)
            for user in reviewers if user.pk != version.author_id
        )]


class NoteForm(forms.Form):
    """Submit, revise, start a revision: an optional note for the record."""

    comment = forms.CharField(label=_("说明（可选）"), required=False, max_length=1000)


class PublishForm(forms.Form):
    comment = forms.CharField(label=_("说明（可选）"), required=False, max_length=1000)


class ScheduleForm(forms.Form):
    at = forms.DateTimeField(
        label=_("计划发布时间"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("撤回原因（必填）"), required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))


class ClearConflictForm(forms.Form):
    reason = forms.CharField(label=_("解除理由（必填）"), required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))
