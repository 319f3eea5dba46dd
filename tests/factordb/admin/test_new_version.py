"""A factor's admin page starts a new draft version: for editors, through the revision
service, refused as the workflow steps are refused, and never a second version in progress."""

import pytest

from accounts.roles import Role
from factordb.constants import FactorStatus
from factordb.models import FactorVersion
from tests.factordb.admin.helpers import admin_url
from tests.factories import (
    DraftVersionFactory,
    SourcedPublishedVersionFactory,
    UserFactory,
    WithdrawnVersionFactory,
)
from tests.roles import with_roles

pytestmark = pytest.mark.django_db


def sign_in(client, *roles: Role, superuser: bool = False):
    user = with_roles(UserFactory(is_staff=True, is_superuser=superuser), *roles)
    client.force_login(user)
    return user


def new_version_url(factor) -> str:
    return admin_url(factor, "new_version", factor.pk)


def versions_of(factor) -> list[tuple[int, str]]:
    rows = FactorVersion.objects.filter(factor=factor).order_by("version")
    return list(rows.values_list("version", "status"))


def test_an_editor_is_offered_the_button_on_a_published_factor(client):
    sign_in(client, Role.EDITOR)
    factor = SourcedPublishedVersionFactory().factor

    content = client.get(admin_url(factor, "change")).content.decode()

    assert f'action="{new_version_url(factor)}"' in content
    assert "新建版本" in content


@pytest.mark.parametrize("roles", [(Role.APPROVER,), (Role.ADMIN,), ()],
                         ids=["approver", "admin", "superuser"])
def test_other_roles_are_not_offered_it(client, roles):
    sign_in(client, *roles, superuser=not roles)
    factor = SourcedPublishedVersionFactory().factor

    content = client.get(admin_url(factor, "change")).content.decode()

    assert new_version_url(factor) not in content


def test_it_starts_a_draft_copying_the_published_one_and_opens_it(client):
    editor = sign_in(client, Role.EDITOR)
    published = SourcedPublishedVersionFactory()
    factor = published.factor

    response = client.post(new_version_url(factor))

    draft = FactorVersion.objects.get(factor=factor, status=FactorStatus.DRAFT)
    assert response.status_code == 302
    assert response["Location"] == admin_url(draft, "change")
    assert (draft.version, draft.author) == (published.version + 1, editor)
    assert draft.co2e_total == published.co2e_total
    published.refresh_from_db()
    assert published.status == FactorStatus.PUBLISHED


def test_a_factor_with_a_version_in_progress_says_so_and_links_to_it(client):
    sign_in(client, Role.EDITOR)
    factor = SourcedPublishedVersionFactory().factor
    draft = DraftVersionFactory(factor=factor, version=2)

    content = client.get(admin_url(factor, "change")).content.decode()

    assert new_version_url(factor) not in content
    assert 'id="version-in-progress"' in content
    assert f'href="{admin_url(draft, "change")}"' in content


def test_a_second_new_version_is_refused_with_a_link_to_the_first(client):
    """Two tabs: the button was offered in both, and the second press finds a draft."""
    sign_in(client, Role.EDITOR)
    factor = SourcedPublishedVersionFactory().factor
    client.post(new_version_url(factor))
    before = versions_of(factor)
    draft = FactorVersion.objects.get(factor=factor, status=FactorStatus.DRAFT)

    response = client.post(new_version_url(factor))

    assert response.status_code == 409
    content = response.content.decode()
    assert "此操作未执行" in content
    assert "已有进行中的版本" in content
    assert f'href="{admin_url(draft, "change")}"' in content
    assert versions_of(factor) == before


@pytest.mark.parametrize("roles", [(Role.APPROVER,), (Role.REVIEWER, Role.APPROVER), ()],
                         ids=["approver", "reviewer+approver", "superuser"])
def test_a_user_who_is_no_editor_is_refused_and_nothing_changes(client, roles):
    sign_in(client, *roles, superuser=not roles)
    factor = SourcedPublishedVersionFactory().factor
    before = versions_of(factor)

    response = client.post(new_version_url(factor))

    assert response.status_code == 403
    assert "数据编辑" in response.content.decode()  # the role the step needs, named
    assert versions_of(factor) == before


def test_a_withdrawn_factor_has_nothing_to_revise(client):
    sign_in(client, Role.EDITOR)
    factor = WithdrawnVersionFactory().factor

    response = client.post(new_version_url(factor))

    assert response.status_code == 409
    assert "没有已发布的版本" in response.content.decode()


def test_get_is_not_a_way_to_start_one(client):
    sign_in(client, Role.EDITOR)
    factor = SourcedPublishedVersionFactory().factor

    assert client.get(new_version_url(factor)).status_code == 405
    assert client.post(admin_url(factor, "new_version", 999999)).status_code == 404
    assert len(versions_of(factor)) == 1
