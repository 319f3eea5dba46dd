"""Deleting in the admin states why, as saving does.

Both ways to delete ask for the reason on their confirmation page: the object's delete view
and the changelist's "delete selected" action. The reason lands on every history row the
deletion writes, those of the rows it cascades to included.
"""

import copy
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache

from django import forms
from django.contrib.admin import actions as admin_actions
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.template import engines
from django.template.backends.django import Template
from django.utils.translation import gettext_lazy as _
from simple_history.signals import pre_create_historical_record

from .reasons import CHANGE_REASON_FIELD, change_reason_field

# Set on the request once the confirmation carried a valid reason; delete_model reads it.
_DELETION_REASON = "_factordb_deletion_reason"
DELETION_REASON_REQUIRED = _("请填写变更原因：每次删除都会记入审计历史。")

# Django's own confirmation pages with the reason inside their form; the rest of their markup
# and wording is Django's, so Django's catalogues still translate it.
_REASON = '<fieldset class="module aligned">{{ reason_form.as_div }}</fieldset>'
_DELETE_CONFIRMATION = """{% extends "admin/delete_confirmation.html" %}{% load i18n %}
{% block delete_confirm %}
<p>{% blocktranslate with escaped_object=object %}Are you sure you want to delete the {{ object_name }} "{{ escaped_object }}"? All of the following related items will be deleted:{% endblocktranslate %}</p>
{% include "admin/includes/object_delete_summary.html" %}
<h2>{% translate "Objects" %}</h2>
<ul id="deleted-objects">{{ deleted_objects|unordered_list }}</ul>
<form method="post">{% csrf_token %}
REASON
<div>
<input type="hidden" name="post" value="yes">
{% if is_popup %}<input type="hidden" name="{{ is_popup_var }}" value="1">{% endif %}
{% if to_field %}<input type="hidden" name="{{ to_field_var }}" value="{{ to_field }}">{% endif %}
<input type="submit" value="{% translate 'Yes, I’m sure' %}">
<a href="#" class="button cancel-link">{% translate "No, take me back" %}</a>
</div>
</form>
{% endblock %}
""".replace("REASON", _REASON)  # noqa: E501
_DELETE_SELECTED_CONFIRMATION = """{% extends "admin/delete_selected_confirmation.html" %}
{% load i18n l10n %}
{% block content %}
{% if perms_lacking %}
<p>{% blocktranslate %}Deleting the selected {{ objects_name }} would result in deleting related objects, but your account doesn't have permission to delete the following types of objects:{% endblocktranslate %}</p>
<ul>{{ perms_lacking|unordered_list }}</ul>
{% elif protected %}
<p>{% blocktranslate %}Deleting the selected {{ objects_name }} would require deleting the following protected related objects:{% endblocktranslate %}</p>
<ul>{{ protected|unordered_list }}</ul>
{% else %}
<p>{% blocktranslate %}Are you sure you want to delete the selected {{ objects_name }}? All of the following objects and their related items will be deleted:{% endblocktranslate %}</p>
{% include "admin/includes/object_delete_summary.html" %}
<h2>{% translate "Objects" %}</h2>
{% for deletable_object in deletable_objects %}<ul>{{ deletable_object|unordered_list }}</ul>{% endfor %}
<form method="post">{% csrf_token %}
REASON
<div>
{% for obj in queryset %}<input type="hidden" name="{{ action_checkbox_name }}" value="{{ obj.pk|unlocalize }}">{% endfor %}
<input type="hidden" name="action" value="delete_selected">
<input type="hidden" name="post" value="yes">
<input type="submit" value="{% translate 'Yes, I’m sure' %}">
<a href="#" class="button cancel-link">{% translate "No, take me back" %}</a>
</div>
</form>
{% endif %}
{% endblock %}
""".replace("REASON", _REASON)  # noqa: E501


@cache
def _template(source: str) -> Template:
    # Compiled on first use: the template engine is not ready while the admin modules import.
    return engines["django"].from_string(source)


def reason_form(data: QueryDict | None) -> forms.Form:
    form_class = type("DeletionReasonForm", (forms.Form,), {
        CHANGE_REASON_FIELD: change_reason_field(DELETION_REASON_REQUIRED),
    })
    return form_class(data)


@contextmanager
def reason_on_deletions(reason: str) -> Iterator[None]:
    """Writes `reason` into the history row of every deletion this thread makes meanwhile.

    A deletion cascades to rows the admin never holds (a draft's gas amounts), and the
    library records their deletion from instances it loads itself: only its signal reaches
    those rows. The thread check keeps another request's deletions out.
    """
    thread = threading.get_ident()

    def stamp(sender, history_instance, **kwargs) -> None:
        if history_instance.history_type == "-" and threading.get_ident() == thread:
            history_instance.history_change_reason = reason

    pre_create_historical_record.connect(stamp, weak=False)
    try:
        yield
    finally:
        pre_create_historical_record.disconnect(stamp)


def _unconfirmed(request: HttpRequest, post: QueryDict) -> HttpRequest:
    """The request as if the confirmation had not been sent: Django's views delete on it."""
    shown = copy.copy(request)
    shown.POST = post
    return shown


def _deletion_reason(request: HttpRequest) -> str:
    reason = getattr(request, _DELETION_REASON, None)
    if not reason:
        # Reachable only by code that deletes around the confirmation pages below.
        raise RuntimeError("An admin deletion without a change reason.")
    return reason


def delete_selected(modeladmin, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
    """Django's "delete selected" action, whose confirmation asks the reason."""
    confirming = bool(request.POST.get("post"))
    form = reason_form(request.POST if confirming else None)
    if confirming and form.is_valid():
        setattr(request, _DELETION_REASON, form.cleaned_data[CHANGE_REASON_FIELD])
    elif confirming:
        post = request.POST.copy()
        del post["post"]
        request = _unconfirmed(request, post)
    response = admin_actions.delete_selected(modeladmin, request, queryset)
    if response is not None:
        response.context_data["reason_form"] = form
    return response


class DeletionReasonMixin:
    """For ModelAdmins: no deletion without a reason, which the history keeps."""

    @property
    def delete_confirmation_template(self) -> Template:
        return _template(_DELETE_CONFIRMATION)

    @property
    def delete_selected_confirmation_template(self) -> Template:
        return _template(_DELETE_SELECTED_CONFIRMATION)

    def get_actions(self, request: HttpRequest) -> dict:
        actions = super().get_actions(request)
        if "delete_selected" in actions:
            _django_action, name, description = actions["delete_selected"]
            actions["delete_selected"] = (delete_selected, name, description)
        return actions

    def delete_view(self, request: HttpRequest, object_id: str, extra_context=None) -> HttpResponse:
        # Django deletes on any non-empty POST to this view: that POST is the confirmation.
        form = reason_form(request.POST or None)
        context = {**(extra_context or {}), "reason_form": form}
        if form.is_bound and not form.is_valid():
            return super().delete_view(_unconfirmed(request, QueryDict()), object_id, context)
        if form.is_bound:
            setattr(request, _DELETION_REASON, form.cleaned_data[CHANGE_REASON_FIELD])
        return super().delete_view(request, object_id, context)

    def delete_model(self, request: HttpRequest, obj: Model) -> None:
        reason = _deletion_reason(request)
        obj._change_reason = reason
        with reason_on_deletions(reason):
            super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        with reason_on_deletions(_deletion_reason(request)):
            super().delete_queryset(request, queryset)
