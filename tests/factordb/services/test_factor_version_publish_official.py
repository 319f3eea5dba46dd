"""Official statistics copied verbatim skip review (docs/adr/0005); only an approver or an
admin may take that road."""

import datetime as dt

import pytest

from accounts.roles import ForbiddenAction, Role
from factordb.constants import FactorStatus
from factordb.models import FactorVersion, WorkflowEvent
from factordb.services.factors import factor_version_publish_official
from tests.factories import SourcedDraftVersionFactory, SourcedPublishedVersionFactory
from tests.roles import user_with_roles, with_roles

pytestmark = pytest.mark.django_db

PUBLISHED_AT = dt.datetime(2024, 12, 23, tzinfo=dt.UTC)


@pytest.fixture
def platform_admin(db):
    return user_with_roles("platform-admin", Role.ADMIN)


def publish(version, actor=None):
    return factor_version_publish_official(version=version, published_at=PUBLISHED_AT, actor=actor)


def state_of(*versions) -> list:
    return [FactorVersion.objects.values_list("status", "published_at", "superseded_at").get(pk=v.pk)
            for v in versions]


@pytest.mark.parametrize("role", ["approver", "platform_admin"])
def test_an_approver_or_admin_publishes_and_supersedes_the_previous(role, request, editor):
    actor = request.getfixturevalue(role)
    previous = SourcedPublishedVersionFactory()
    version = SourcedDraftVersionFactory(factor=previous.factor, author=editor)
    publish(version, actor)
    assert state_of(version, previous) == [
        (FactorStatus.PUBLISHED, PUBLISHED_AT, None),
        (FactorStatus.SUPERSEDED, previous.published_at, PUBLISHED_AT)]
    assert WorkflowEvent.objects.get(version=version, action="publish_official").actor == actor


@pytest.mark.parametrize("role", ["editor", "reviewer", "outsider"])
def test_anyone_else_is_refused_and_nothing_changes(role, request, other_editor):
    previous = SourcedPublishedVersionFactory()
    version = SourcedDraftVersionFactory(factor=previous.factor, author=other_editor)
    before = state_of(version, previous)
    with pytest.raises(ForbiddenAction):
        publish(version, request.getfixturevalue(role))
    assert state_of(version, previous) == before
    assert not WorkflowEvent.objects.exists()


def test_without_an_actor_the_author_acts_and_needs_the_role_too(editor):
    version = SourcedDraftVersionFactory(author=editor)
    with pytest.raises(ForbiddenAction):
        publish(version)
    assert state_of(version) == [(FactorStatus.DRAFT, None, None)]

    with_roles(editor, Role.APPROVER)  # as the seed's own account is
    publish(version)
    assert state_of(version) == [(FactorStatus.PUBLISHED, PUBLISHED_AT, None)]
