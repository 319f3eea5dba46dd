"""Approvers cut releases from the admin in two steps: the form shows the preview of what the
cut would add, change and remove, with values; confirming it seals exactly that, or is
refused, sealing nothing, when the published set moved after the preview."""

import re
from decimal import Decimal

import pytest

from accounts.roles import Role
from factordb.admin import releases as release_admin
from factordb.constants import FactorStatus
from factordb.models import Release
from factordb.services.releases import release_cut, release_diff, release_preview
from tests.factories import PublishedVersionFactory
from tests.roles import with_roles

pytestmark = pytest.mark.django_db

URL = "/admin/factordb/release/cut/"
CONFIRM = "/admin/factordb/release/cut/confirm/"
CSV = "/admin/factordb/release/cut/preview.csv"
FORM = {"name": "2025.2", "notes_zh": "第二版", "notes_en": "second"}


@pytest.fixture
def approving_staff(staff):
    return with_roles(staff, Role.APPROVER)


@pytest.fixture
def moved_on(approver):
    """2025.1 pins kept and dropped; since then dropped was withdrawn and added published."""
    kept = PublishedVersionFactory(factor__name_zh="保留的因子")
    dropped = PublishedVersionFactory(factor__name_zh="撤回的因子", co2e_total=Decimal("0.7000"))
    first = release_cut(name="2025.1", actor=approver)
    dropped.status = FactorStatus.WITHDRAWN
    dropped.save()
    added = PublishedVersionFactory(factor__name_zh="新增的因子", co2e_total=Decimal("1.25"))
    return {"first": first, "kept": kept, "dropped": dropped, "added": added}


def confirm_data(response) -> dict:
    """The confirmation form's fields, as the preview page carries them."""
    return {name: field.value() for name, field in response.context["confirm_form"].fields.items()
            for field in [response.context["confirm_form"][name]]}


def test_the_form_says_what_the_cut_would_pin_and_what_comes_next(client, approving_staff, moved_on):
    client.force_login(approving_staff)

    response = client.get(URL)

    assert response.status_code == 200
    assert response.context["latest"] == moved_on["first"]
    assert response.context["published_count"] == 2
    assert "确认之后才会发行" in response.content.decode()


def test_the_form_posted_shows_the_preview_with_values_and_seals_nothing(client, approving_staff, moved_on):
    client.force_login(approving_staff)

    response = client.post(URL, FORM)

    assert response.status_code == 200
    html = response.content.decode()
    added = html[html.index('id="release-preview-added"'):html.index('id="release-preview-withdrawn"')]
    assert "新增的因子" in added
    assert moved_on["added"].factor.public_id in added
    assert "1.25" in added
    withdrawn = html[html.index('id="release-preview-withdrawn"'):]
    assert "撤回的因子" in withdrawn
    assert "0.7" in withdrawn
    assert "保留的因子" not in html  # unchanged
    assert response.context["preview"].fingerprint in html
    assert list(Release.objects.values_list("name", flat=True)) == ["2025.1"]


def test_confirming_the_preview_seals_what_it_showed(client, approving_staff, moved_on):
    client.force_login(approving_staff)
    preview_page = client.post(URL, FORM)
    shown = preview_page.context["preview"]

    response = client.post(CONFIRM, confirm_data(preview_page))

    assert response.status_code == 302
    second = Release.objects.get(name="2025.2")
    assert second.is_sealed
    assert (second.notes_zh, second.notes_en) == ("第二版", "second")
    assert release_diff(old=moved_on["first"], new=second) == shown


def test_a_publication_between_preview_and_confirm_refuses_the_cut_and_shows_the_new_preview(
        client, approving_staff, moved_on):
    client.force_login(approving_staff)
    preview_page = client.post(URL, FORM)
    late = PublishedVersionFactory(factor__name_zh="预览之后发布的因子")

    response = client.post(CONFIRM, confirm_data(preview_page))

    assert response.status_code == 409
    assert list(Release.objects.values_list("name", flat=True)) == ["2025.1"]
    html = response.content.decode()
    assert "预览之后已发布的因子或上一发行版有了变化" in html
    assert late.factor.public_id in html  # the new preview, to be confirmed again
    assert confirm_data(response)["previewed"] == release_preview().fingerprint
    assert client.post(CONFIRM, confirm_data(response)).status_code == 302
    assert Release.objects.filter(name="2025.2").exists()


def test_a_forged_fingerprint_is_refused_and_seals_nothing(client, approving_staff, moved_on):
    client.force_login(approving_staff)

    response = client.post(CONFIRM, {**FORM, "previewed": "0" * 64})

    assert response.status_code == 409
    assert Release.objects.count() == 1


@pytest.mark.parametrize("previewed", ["", "xyz", "A" * 64, "0" * 65])
def test_a_malformed_or_missing_fingerprint_is_a_clear_error(client, approving_staff, moved_on, previewed):
    client.force_login(approving_staff)

    response = client.post(CONFIRM, {**FORM, "previewed": previewed})

    assert response.status_code == 400
    assert "预览" in " ".join(response.context["form"].non_field_errors())
    assert Release.objects.count() == 1


def test_a_confirmation_without_a_name_names_the_field_and_seals_nothing(client, approving_staff, moved_on):
    client.force_login(approving_staff)
    data = confirm_data(client.post(URL, FORM))

    response = client.post(CONFIRM, {**data, "name": ""})

    assert response.status_code == 400
    assert response.context["form"].errors["name"]
    assert Release.objects.count() == 1


def test_a_release_cut_elsewhere_after_the_preview_refuses_the_confirmation(
        client, approving_staff, moved_on, approver):
    client.force_login(approving_staff)
    data = confirm_data(client.post(URL, {**FORM, "name": "2025.3"}))
    release_cut(name="2025.3", actor=approver)

    response = client.post(CONFIRM, data)

    # The other cut is now the latest release: the preview compared with another one.
    assert response.status_code == 409
    assert Release.objects.count() == 2


@pytest.mark.parametrize("name", ["first", "2025.1"])  # malformed, taken
def test_a_bad_name_forged_into_the_confirmation_names_the_field(client, approving_staff, moved_on, name):
    client.force_login(approving_staff)
    data = confirm_data(client.post(URL, FORM))

    response = client.post(CONFIRM, {**data, "name": name})

    assert response.status_code == 400
    assert response.context["form"].errors["name"]
    assert Release.objects.count() == 1


@pytest.mark.parametrize("name", ["first", "2025.1", ""])  # malformed, taken, missing
def test_a_bad_name_re_renders_the_form_and_shows_no_preview(client, approving_staff, moved_on, name):
    client.force_login(approving_staff)

    response = client.post(URL, {**FORM, "name": name})

    assert response.status_code == 400
    assert response.context["form"].errors["name"]
    assert "preview" not in response.context
    assert Release.objects.count() == 1


@pytest.mark.parametrize("posted", [{}, {"name": "2025.2"}])
def test_an_empty_or_partial_form_names_each_missing_field(client, approving_staff, moved_on, posted):
    client.force_login(approving_staff)

    response = client.post(URL, posted)

    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"name", "notes_zh", "notes_en"} - set(posted)
    assert "preview" not in response.context


def test_nothing_published_is_said_before_any_preview(client, approving_staff):
    client.force_login(approving_staff)

    response = client.post(URL, FORM)

    assert response.status_code == 400
    assert "没有已发布的因子" in " ".join(response.context["form"].errors["name"])


def test_an_empty_preview_says_so_and_may_still_be_confirmed(client, approving_staff, approver):
    PublishedVersionFactory.create_batch(2)
    release_cut(name="2025.1", actor=approver)
    client.force_login(approving_staff)

    preview_page = client.post(URL, FORM)

    assert 'id="release-preview-empty"' in preview_page.content.decode()
    assert client.post(CONFIRM, confirm_data(preview_page)).status_code == 302
    assert Release.objects.count() == 2


def test_a_long_preview_shows_the_first_rows_and_the_csv_has_them_all(client, approving_staff, monkeypatch):
    monkeypatch.setattr(release_admin, "SHOWN_PER_SECTION", 2)
    published = PublishedVersionFactory.create_batch(5)
    client.force_login(approving_staff)

    html = client.post(URL, FORM).content.decode()
    csv = client.get(CSV)

    added = html[html.index('id="release-preview-added"'):]
    assert sum(v.factor.public_id in added for v in published) == 2
    assert "只列出前 2 个" in added
    assert csv.status_code == 200
    assert csv["X-Preview-Fingerprint"] == release_preview().fingerprint
    assert sorted(re.findall(r"^added,(\w+),", csv.content.decode(), re.M)) == sorted(
        v.factor.public_id for v in published)


@pytest.mark.parametrize("roles", [(), (Role.EDITOR,), (Role.REVIEWER,), (Role.EDITOR, Role.REVIEWER)])
def test_staff_without_the_approver_role_may_neither_preview_nor_confirm(client, staff, moved_on, roles):
    client.force_login(with_roles(staff, *roles))
    previewed = release_preview().fingerprint

    assert client.get(URL).status_code == 403
    assert client.post(URL, FORM).status_code == 403
    assert client.get(CSV).status_code == 403
    assert client.post(CONFIRM, {**FORM, "previewed": previewed}).status_code == 403
    assert Release.objects.count() == 1


def test_a_superuser_holds_no_approver_role_and_may_not_cut(client, moved_on, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("root", "root@example.org", "pw"))

    assert client.post(CONFIRM, {**FORM, "previewed": release_preview().fingerprint}).status_code == 403
    assert Release.objects.count() == 1


def test_the_confirmation_answers_posts_only(client, approving_staff, moved_on):
    client.force_login(approving_staff)
    assert client.get(CONFIRM).status_code == 405


def test_a_cut_release_is_read_only_in_admin(client, approving_staff, moved_on):
    client.force_login(approving_staff)

    response = client.post(f"/admin/factordb/release/{moved_on['first'].pk}/change/",
                           {"notes_en": "rewritten", "change_reason": "try"})

    assert response.status_code == 403
    assert Release.objects.get().notes_en == ""
