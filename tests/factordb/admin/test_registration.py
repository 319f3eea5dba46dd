"""Every model staff can change is in the admin, audited; history models never are."""

import pytest
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from accounts.models import User
from factordb.admin.history import AuditedAdminMixin, registered_historical_models
from factordb.models import (
    Category,
    Dataset,
    Factor,
    FactorVersion,
    Gas,
    GwpSet,
    Region,
    Release,
    Source,
    Unit,
)
from tests.factordb.admin.helpers import admin_url
from tests.factories import (
    CategoryFactory,
    DatasetFactory,
    DraftVersionFactory,
    GasFactory,
    GwpSetFactory,
    RegionFactory,
    SourceFactory,
    StaffUserFactory,
    UnitFactory,
)

AUDITED_MODELS = [Category, Region, Unit, Gas, GwpSet, Source, Dataset, Factor, FactorVersion, Release, User]


@pytest.mark.parametrize("model", AUDITED_MODELS, ids=lambda m: m.__name__)
def test_it_registers_the_model_with_the_audited_admin(model):
    model_admin = admin.site._registry[model]
    assert isinstance(model_admin, AuditedAdminMixin)
    assert isinstance(model_admin, SimpleHistoryAdmin)


def test_it_registers_no_historical_model():
    assert registered_historical_models(admin.site) == []


def test_it_shows_inlines_for_gwp_values_and_version_parts():
    inline_models = {
        model: {inline.model.__name__ for inline in admin.site._registry[model].inlines}
        for model in (GwpSet, FactorVersion)
    }
    assert inline_models == {GwpSet: {"GwpValue"}, FactorVersion: {"GasAmount", "VersionSource"}}


OBJECT_FACTORIES = {
    "category": CategoryFactory,
    "region": RegionFactory,
    "unit": UnitFactory,
    "gas": GasFactory,
    "gwpset": GwpSetFactory,
    "source": SourceFactory,
    "dataset": DatasetFactory,
    "factor": lambda: DraftVersionFactory().factor,
    "factorversion": DraftVersionFactory,
    "user": StaffUserFactory,
}


@pytest.mark.django_db
@pytest.mark.parametrize("name", OBJECT_FACTORIES)
@pytest.mark.parametrize("view", ["changelist", "add", "change", "history"])
def test_its_pages_render(admin_client, name, view):
    obj = OBJECT_FACTORIES[name]()
    response = admin_client.get(admin_url(obj, view))
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
