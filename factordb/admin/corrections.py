"""The "correct" page of a published factor and of a publicly cited source, for approvers.

What the public reads of them (factordb.models.reviewed) changes only through the
correction services; this page collects the new values and the reason and calls them. A
refusal is answered as the workflow steps' pages answer (factordb.http: 400 with the form
kept, 403, 409), and changes nothing.
"""

from django import forms
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import models
from django.forms.models import fields_for_model, model_to_dict
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role, has_role
from factordb.http import perform
from factordb.models.reviewed import ReviewedTextMixin


def _form_field(field: models.Field) -> forms.Field | None:
    # Official publications are served over https; a bare "www.mee.gov.cn/…" means that.
    if isinstance(field, models.URLField):
        return field.formfield(assume_scheme="https")
    return field.formfield()


class CorrectionForm(forms.Form):
    """New values of a record's reviewed fields, and why (the service requires the reason)."""

    def __init__(self, data=None, *, record: ReviewedTextMixin) -> None:
        super().__init__(data, initial=model_to_dict(record, fields=record.REVIEWED_FIELDS))
        self.fields.update(fields_for_model(type(record), fields=record.REVIEWED_FIELDS,
                                            formfield_callback=_form_field))
        self.fields["reason"] = forms.CharField(
            label=_("更正原因（必填）"), required=False, max_length=1000,
            widget=forms.Textarea(attrs={"rows": 3}),
            help_text=_("将与更正一起公开：记入历史，并出现在公开的变更列表（changes/）中。"))


class CorrectionAdminMixin:
    """For a ModelAdmin of a ReviewedTextMixin model: the page, and the link on the change page."""

    correction_template = "admin/factordb/correction.html"

    def correct(self, record: ReviewedTextMixin, data: dict, actor) -> None:
        """Call the model's correction service with the form's cleaned data."""
        raise NotImplementedError

    def get_urls(self) -> list[URLPattern]:
        opts = self.model._meta
        view = path("<path:object_id>/correct/", self.admin_site.admin_view(self.correction_view),
                    name=f"{opts.app_label}_{opts.model_name}_correct")
        return [view, *super().get_urls()]

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "",
                    extra_context=None) -> HttpResponse:
        record = self.get_object(request, unquote(object_id))
        offered = (record is not None and has_role(request.user, Role.APPROVER)
                   and record.is_public_record)
        context = {"correction_url": self._url("correct", record) if offered else None}
        return super().change_view(request, object_id, form_url, {**context, **(extra_context or {})})

    def correction_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        record = self.get_object(request, unquote(object_id))
        if record is None:
            raise Http404
        if not self.has_view_permission(request, record):
            raise PermissionDenied
        if request.method != "POST":
            # Other roles are not shown the page; a POST meets the service's own rule.
            if not has_role(request.user, Role.APPROVER):
                raise PermissionDenied
            return self._correction_page(request, record, CorrectionForm(record=record), status=200)
        form = CorrectionForm(request.POST, record=record)
        refused = perform(request, form, lambda data: self.correct(record, data, request.user),
                          success=_("已更正，并已记入历史与公开的变更列表。"))
        if refused is None:
            return HttpResponseRedirect(self._url("change", record))
        return self._correction_page(request, record, form, status=refused)

    def _correction_page(self, request: HttpRequest, record, form: forms.Form, *,
                         status: int) -> HttpResponse:
        context = {
            **self.admin_site.each_context(request), "opts": self.model._meta, "original": record,
            "title": _("更正：%(record)s") % {"record": record}, "form": form,
            "change_url": self._url("change", record),
        }
        return TemplateResponse(request, self.correction_template, context, status=status)

    def _url(self, view: str, record) -> str:
        opts = self.model._meta
        return reverse(f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_{view}", args=[record.pk])
