"""Approvers cut releases from the admin, through the same release service."""

import pytest

from accounts.roles import Role
from factordb.models import Release
from tests.factories import PublishedVersionFactory
from tests.roles import with_roles

pytestmark = pytest.mark.django_db

URL = "/admin/factordb/release/cut/"


@pytest.fixture
def approving_staff(staff):
    return with_roles(staff, Role.APPROVER)


def test_an_approver_cuts_a_release(client, approving_staff):
    PublishedVersionFactory.create_batch(2)
    client.force_login(approving_staff)

    response = client.post(URL, {"name": "2025.1", "notes_zh": "首发", "notes_en": "first"})

    assert response.status_code == 302
    release = Release.objects.get()
    assert release.versions.count() == 2
    assert release.is_sealed


def test_a_bad_name_re_renders_the_form_and_cuts_nothing(client, approving_staff):
    PublishedVersionFactory()
    client.force_login(approving_staff)

    response = client.post(URL, {"name": "first", "notes_zh": "首发", "notes_en": "first"})

    assert response.status_code == 400
    assert response.context["form"].errors["name"]
    assert not Release.objects.exists()


def test_staff_without_the_approver_role_may_not_cut(client, staff):
    PublishedVersionFactory()
    client.force_login(staff)
    assert client.post(URL, {"name": "2025.1", "notes_zh": "x", "notes_en": "x"}).status_code == 403
    assert not Release.objects.exists()


def test_a_cut_release_is_read_only_in_admin(client, approving_staff):
    PublishedVersionFactory()
    client.force_login(approving_staff)
    client.post(URL, {"name": "2025.1", "notes_zh": "首发", "notes_en": "first"})
    release = Release.objects.get()

    response = client.post(f"/admin/factordb/release/{release.pk}/change/",
                           {"notes_en": "rewritten", "change_reason": "try"})

    assert response.status_code == 403
    assert Release.objects.get().notes_en == "first"
