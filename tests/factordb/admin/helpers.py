"""Build the POST a browser would send from an admin change form, from the page's context."""

from django.forms import BaseForm
from django.urls import reverse


def _form_values(form: BaseForm) -> dict[str, str]:
    data = {}
    for name in form.fields:
        # BoundField.value() is already prepared for display; preparing it again would send a
        # JSON field's text as a JSON string ("{}" → "\"{}\"").
        value = form[name].value()
        key = form.add_prefix(name)
        if isinstance(value, bool):
            if value:
                data[key] = "on"
        elif isinstance(value, list | tuple):
            data[key] = [str(v) for v in value]
        else:
            data[key] = "" if value is None else str(value)
    return data


def change_form_data(response, **changes) -> dict[str, str]:
    """Every field of the admin form and its inlines as currently shown, then `changes` applied."""
    data = _form_values(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        data.update(_form_values(formset.management_form))
        for form in formset.forms:
            data.update(_form_values(form))
    data.update(changes)
    return data


def admin_url(obj_or_model, view: str, *args) -> str:
    """The admin URL of a model's view; object views default to the object's own pk."""
    opts = obj_or_model._meta
    if view in ("change", "history", "delete", "history_compare") and not args:
        args = (obj_or_model.pk,)
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)
