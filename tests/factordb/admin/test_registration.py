"""Every model in the admin is audited: it keeps history and its forms ask why; history models never are.

The tests go over the admin's own registry, so a new admin without history or reason fails here.
The one exception is a record the admin only shows (SHOWN_ONLY): its services write it, and
it is itself the record of who did what and when; its admin saves nothing, which is tested.
"""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from simple_history.admin import SimpleHistoryAdmin

from accounts.models import ApiKey, User
from factordb.admin.history import CHANGE_REASON_FIELD, AuditedAdminMixin, registered_historical_models
from factordb.models import (
    Category,
    Dataset,
    Factor,
    FactorImport,
    FactorVersion,
    Gas,
    GwpSet,
    Region,
    Release,
    Source,
    Unit,
    WebhookDelivery,
    WebhookEndpoint,
)
from tests.factordb.admin.helpers import admin_url
from tests.factordb.admin.rows import ROW_MAKERS, registered_models

REGISTERED = registered_models()
# An import is written by its services (upload, preview, confirm: who, when, what the preview
# said) and the drafts it wrote keep their own history; the admin never saves one.
# So are webhook endpoints (registered through the API with a key) and their delivery log;
# staff manage them with steps of their own (disable, enable, replay), not forms.
SHOWN_ONLY = {FactorImport, WebhookEndpoint, WebhookDelivery}
AUDITED = [model for model in REGISTERED if model not in SHOWN_ONLY]


def label(model) -> str:
    return model._meta.label


def keeps_history(model) -> bool:
    return hasattr(model._meta, "simple_history_manager_attribute")


def test_the_registry_holds_the_models_staff_change():
    # Guards the tests below: an empty registry would pass them all.
    assert {Category, Region, Unit, Gas, GwpSet, Source, Dataset, Factor, FactorVersion, Release, User,
            ApiKey, Group} <= set(AUDITED)


@pytest.mark.parametrize("model", sorted(SHOWN_ONLY, key=label), ids=label)
def test_an_admin_that_only_shows_saves_nothing(rf, staff, model):
    request = rf.get("/")
    request.user = staff  # a superuser: were any write allowed, it would be allowed here
    model_admin = admin.site._registry[model]
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
    assert not model_admin.get_actions(request)


@pytest.mark.parametrize("model", AUDITED, ids=label)
def test_every_admin_is_the_audited_admin(model):
    model_admin = admin.site._registry[model]
    assert isinstance(model_admin, AuditedAdminMixin)
    assert isinstance(model_admin, SimpleHistoryAdmin)


@pytest.mark.parametrize("model", AUDITED, ids=label)
def test_every_admin_model_and_its_inlines_keep_history(model):
    inline_models = [inline.model for inline in admin.site._registry[model].inlines]
    assert [m._meta.label for m in [model, *inline_models] if not keeps_history(m)] == []


def test_it_registers_no_historical_model():
    assert registered_historical_models(admin.site) == []


def test_every_admin_model_has_a_row_maker_for_these_tests():
    assert [label(m) for m in REGISTERED if m not in ROW_MAKERS] == []


@pytest.mark.django_db
@pytest.mark.parametrize("model", AUDITED, ids=label)
def test_every_form_that_saves_asks_for_a_reason(admin_client, model):
    obj = ROW_MAKERS[model](1)
    for view, target in (("add", model), ("change", obj)):
        response = admin_client.get(admin_url(target, view))
        if response.status_code == 403:  # this admin never saves through that form
            continue
        assert response.status_code == 200
        form = response.context["adminform"].form
        assert (CHANGE_REASON_FIELD in form.fields) == bool(form.fields), (view, list(form.fields))


def test_it_shows_inlines_for_gwp_values_and_version_parts():
    inline_models = {
        model: {inline.model.__name__ for inline in admin.site._registry[model].inlines}
        for model in (GwpSet, FactorVersion)
    }
    assert inline_models == {GwpSet: {"GwpValue"}, FactorVersion: {"GasAmount", "VersionSource"}}


@pytest.mark.django_db
@pytest.mark.parametrize("model", REGISTERED, ids=label)
@pytest.mark.parametrize("view", ["changelist", "change", "history"])
def test_its_pages_render(admin_client, model, view):
    obj = ROW_MAKERS[model](1)
    response = admin_client.get(admin_url(model if view == "changelist" else obj, view))
    assert response.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("model", AUDITED, ids=label)
def test_two_history_records_compare(admin_client, model):
    obj = ROW_MAKERS[model](1)
    obj._change_reason = "再次保存"
    obj.save()
    records = obj.history.order_by("history_id")
    response = admin_client.get(admin_url(obj, "history_compare"),
                                {"old": records.first().history_id, "new": records.last().history_id})
    assert response.status_code == 200


@pytest.mark.django_db
def test_a_release_shows_its_pinned_versions_read_only_and_cannot_be_added(admin_client, published):
    release = Release.objects.create(
        name="2025.1", published_at=published.published_at, created_by=published.author,
    )
    release.versions.add(published)

    for view in ("changelist", "change", "history"):
        assert admin_client.get(admin_url(release, view)).status_code == 200
    form = admin_client.get(admin_url(release, "change")).context["adminform"].form
    assert set(form.fields) == set()  # a release is immutable: everything is read-only
    assert admin_client.get(admin_url(Release, "add")).status_code == 403
