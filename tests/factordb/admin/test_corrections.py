"""In the admin, an editor cannot change what the public reads of a published factor or a
publicly cited source: the form names the field and saves nothing. An approver corrects it
on the factor's (or source's) "correct" page, with a reason; nobody else may."""

import pytest

from factordb.admin.history import CHANGE_REASON_FIELD
from factordb.constants import FactorStatus as S
from factordb.models import Factor, Source, WorkflowEvent
from tests.factordb.admin.helpers import admin_url, change_form_data
from tests.factordb.public_record import cited_source, snapshot
from tests.factories import STATE_FACTORIES

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_editor(editor):
    editor.is_staff = True
    editor.save()
    return editor


@pytest.fixture
def staff_approver(approver):
    approver.is_staff = True
    approver.save()
    return approver


@pytest.fixture
def published(db):
    return STATE_FACTORIES[S.PUBLISHED]()


def signed_in(client, user):
    client.force_login(user)
    return client


def edit_in_admin(client, obj, **changes):
    page = client.get(admin_url(obj, "change"))
    return client.post(admin_url(obj, "change"),
                       change_form_data(page, **changes, **{CHANGE_REASON_FIELD: "改名"}))


def correction_url(obj) -> str:
    return admin_url(obj, "correct", obj.pk)


# --- Editors: refused with a field error, nothing saved ---------------------------------


@pytest.mark.parametrize("field", ["name_zh", "name_en"])
def test_an_editor_cannot_rename_a_published_factor(client, staff_editor, published, field):
    before = snapshot()

    response = edit_in_admin(signed_in(client, staff_editor), published.factor, **{field: "改过的名称"})

    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == [field]
    assert snapshot() == before


def test_an_editor_cannot_retitle_a_source_a_published_version_cites(client, staff_editor, published):
    before = snapshot()

    response = edit_in_admin(signed_in(client, staff_editor), cited_source(published), title="Retitled")

    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == ["title"]
    assert snapshot() == before


def test_an_editor_still_renames_a_factor_the_public_never_saw(client, staff_editor):
    draft = STATE_FACTORIES[S.DRAFT]()

    response = edit_in_admin(signed_in(client, staff_editor), draft.factor, name_zh="新名称")

    assert response.status_code == 302
    assert Factor.objects.get(pk=draft.factor_id).name_zh == "新名称"


def test_editors_are_not_offered_a_correction(client, staff_editor, published):
    page = signed_in(client, staff_editor).get(admin_url(published.factor, "change"))

    assert correction_url(published.factor) not in page.content.decode()


@pytest.mark.parametrize("method", ["get", "post"])
def test_an_editor_is_refused_the_correction_page(client, staff_editor, published, method):
    before = snapshot()

    response = getattr(signed_in(client, staff_editor), method)(correction_url(published.factor), {
        "name_zh": "新名称", "name_en": "New name", "reason": "typo"})

    assert response.status_code == 403
    assert snapshot() == before


# --- Approvers: a recorded correction ---------------------------------------------------


def test_an_approver_is_offered_the_correction_of_a_published_factor(client, staff_approver, published):
    page = signed_in(client, staff_approver).get(admin_url(published.factor, "change"))
    assert correction_url(published.factor) in page.content.decode()

    form_page = client.get(correction_url(published.factor))

    assert form_page.status_code == 200
    assert form_page.context["form"]["name_zh"].value() == published.factor.name_zh


def test_an_approver_corrects_a_factors_names(client, staff_approver, published):
    response = signed_in(client, staff_approver).post(correction_url(published.factor), {
        "name_zh": "全国电网平均排放因子", "name_en": "National grid average", "reason": "名称漏写“全国”"})

    assert response.status_code == 302
    assert response.url == admin_url(published.factor, "change")
    factor = Factor.objects.get(pk=published.factor_id)
    assert (factor.name_zh, factor.name_en) == ("全国电网平均排放因子", "National grid average")
    event = WorkflowEvent.objects.get(version=published, action="correct")
    assert (event.actor, event.comment) == (staff_approver, "名称漏写“全国”")
    story = client.get(admin_url(factor, "change")).content.decode()
    assert "名称漏写“全国”" in story


def test_a_correction_without_a_reason_is_refused(client, staff_approver, published):
    before = snapshot()

    response = signed_in(client, staff_approver).post(correction_url(published.factor), {
        "name_zh": "新名称", "name_en": "New name", "reason": " "})

    assert response.status_code == 400
    assert "reason" in response.context["form"].errors
    assert snapshot() == before


def test_an_approver_corrects_a_cited_sources_citation(client, staff_approver, published):
    source = cited_source(published)
    page = signed_in(client, staff_approver).get(correction_url(source))
    data = {name: "" if value is None else value for name, value in page.context["form"].initial.items()}

    response = client.post(correction_url(source), {**data, "title": "Retitled", "reason": "以原文为准"})

    assert response.status_code == 302
    assert Source.objects.get(pk=source.pk).title == "Retitled"
    assert WorkflowEvent.objects.get(version=published, action="correct").comment == "以原文为准"


def test_an_invalid_citation_correction_is_refused_on_its_field(client, staff_approver, published):
    source = cited_source(published)
    page = signed_in(client, staff_approver).get(correction_url(source))
    data = {name: "" if value is None else value for name, value in page.context["form"].initial.items()}
    before = snapshot()

    response = client.post(correction_url(source), {**data, "url": "not a url", "reason": "x"})

    assert response.status_code == 400
    assert "url" in response.context["form"].errors
    assert snapshot() == before
