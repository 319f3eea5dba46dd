"""An approver corrects a public factor's names or a publicly cited source's citation on the
record: with a reason, in the corrected row's history and as a `correct` event of every
public version that shows the text. Nobody else can, and a refusal changes nothing."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.roles import ForbiddenAction, Role
from factordb.constants import FactorStatus as S
from factordb.models import Factor, FactorVersion, Source, VersionSource, WorkflowEvent
from factordb.selectors import factor_story
from factordb.services.corrections import factor_correct_names, source_correct_citation
from tests.factordb.public_record import cited_source, snapshot
from tests.factordb.workflow.helpers import latest_history
from tests.factories import STATE_FACTORIES, DraftVersionFactory
from tests.roles import user_with_roles, with_roles

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(db) -> FactorVersion:
    return STATE_FACTORIES[S.PUBLISHED]()


def corrections_of(version: FactorVersion) -> list[tuple]:
    return list(WorkflowEvent.objects.filter(version=version, action="correct")
                .values_list("from_status", "to_status", "actor__username", "comment"))


# --- A factor's names -------------------------------------------------------------------


def test_an_approver_corrects_a_published_factors_names(published, approver):
    factor_correct_names(factor=published.factor, name_zh="全国电网平均排放因子",
                         name_en="National grid average", actor=approver, reason="名称漏写“全国”")

    factor = Factor.objects.get(pk=published.factor_id)
    assert (factor.name_zh, factor.name_en) == ("全国电网平均排放因子", "National grid average")
    record = latest_history(factor)
    assert (record.history_change_reason, record.history_user) == ("名称漏写“全国”", approver)
    assert corrections_of(published) == [(S.PUBLISHED, S.PUBLISHED, "approver", "名称漏写“全国”")]
    assert FactorVersion.objects.get(pk=published.pk).status == S.PUBLISHED


def test_every_public_version_of_the_factor_records_the_correction(approver):
    old = STATE_FACTORIES[S.SUPERSEDED]()
    current = STATE_FACTORIES[S.PUBLISHED](factor=old.factor, version=old.version + 1)
    draft = DraftVersionFactory(factor=old.factor, version=old.version + 2)

    factor_correct_names(factor=old.factor, name_zh="新名称", name_en="New name", actor=approver,
                         reason="typo")

    assert [len(corrections_of(v)) for v in (old, current, draft)] == [1, 1, 0]


def test_the_factors_story_shows_the_correction_with_its_reason(published, approver):
    factor_correct_names(factor=published.factor, name_zh="新名称", name_en="New name", actor=approver,
                         reason="英文名称有误")

    entry = factor_story(published.factor)[-1]
    assert (entry.kind, entry.actor, entry.comment) == ("event", approver, "英文名称有误")
    assert entry.what == "已更正"


@pytest.mark.parametrize("role", ["editor", "reviewer", "outsider", "staff"])
def test_only_an_approver_corrects_names(role, request, published):
    before = snapshot()
    with pytest.raises(ForbiddenAction):
        factor_correct_names(factor=published.factor, name_zh="新名称", name_en="New name",
                             actor=request.getfixturevalue(role), reason="typo")
    assert snapshot() == before


def test_an_editor_who_is_also_an_approver_corrects(published, editor):
    with_roles(editor, Role.APPROVER)

    factor_correct_names(factor=published.factor, name_zh="新名称", name_en="New name", actor=editor,
                         reason="typo")

    assert Factor.objects.get(pk=published.factor_id).name_zh == "新名称"
    assert corrections_of(published) == [(S.PUBLISHED, S.PUBLISHED, "editor", "typo")]


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_a_correction_needs_a_reason(reason, published, approver):
    before = snapshot()
    with pytest.raises(ValidationError) as caught:
        factor_correct_names(factor=published.factor, name_zh="新名称", name_en="New name", actor=approver,
                             reason=reason)
    assert "reason" in caught.value.message_dict
    assert snapshot() == before


@pytest.mark.parametrize(("name_zh", "name_en", "field"), [
    ("", "New name", "name_zh"), ("新名称", "x" * 301, "name_en"),
])
def test_a_corrected_name_must_be_valid(name_zh, name_en, field, published, approver):
    before = snapshot()
    with pytest.raises(ValidationError) as caught:
        factor_correct_names(factor=published.factor, name_zh=name_zh, name_en=name_en, actor=approver,
                             reason="typo")
    assert field in caught.value.message_dict
    assert snapshot() == before


def test_a_correction_that_changes_nothing_is_refused(published, approver):
    factor = published.factor
    before = snapshot()
    with pytest.raises(ValidationError):
        factor_correct_names(factor=factor, name_zh=factor.name_zh, name_en=factor.name_en, actor=approver,
                             reason="typo")
    assert snapshot() == before


def test_a_failure_half_way_leaves_nothing_behind(published, approver, monkeypatch):
    before = snapshot()

    def broken(*args, **kwargs):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(WorkflowEvent, "save", broken)
    with pytest.raises(RuntimeError):
        factor_correct_names(factor=published.factor, name_zh="新名称", name_en="New name", actor=approver,
                             reason="typo")
    monkeypatch.undo()
    assert snapshot() == before


# --- A source's citation ----------------------------------------------------------------


def test_an_approver_corrects_the_citation_of_a_cited_source(published, approver):
    source = cited_source(published)

    source_correct_citation(source=source, actor=approver, reason="标题以原文为准",
                            title="关于发布2022年电力二氧化碳排放因子的公告", url="https://www.mee.gov.cn/x.shtml")

    source.refresh_from_db()
    assert (source.title, source.url) == ("关于发布2022年电力二氧化碳排放因子的公告", "https://www.mee.gov.cn/x.shtml")
    record = latest_history(source)
    assert (record.history_change_reason, record.history_user) == ("标题以原文为准", approver)
    assert corrections_of(published) == [(S.PUBLISHED, S.PUBLISHED, "approver", "标题以原文为准")]


def citing(source: Source, status: S) -> FactorVersion:
    """A version of its own factor that cites `source`, moved to `status` (frozen from then on)."""
    version = DraftVersionFactory()
    VersionSource.objects.create(version=version, source=source)
    if status != S.DRAFT:
        version.status, version.published_at = status, timezone.now()
        version.save()
    return version


def test_every_public_version_citing_the_source_records_the_correction(approver):
    first = STATE_FACTORIES[S.PUBLISHED]()
    source = cited_source(first)
    withdrawn, superseded, draft = (citing(source, status) for status in (S.WITHDRAWN, S.SUPERSEDED, S.DRAFT))
    uncited = STATE_FACTORIES[S.PUBLISHED]()

    source_correct_citation(source=source, actor=approver, reason="typo", year=2023)

    assert [len(corrections_of(v)) for v in (first, withdrawn, superseded, draft, uncited)] == [1, 1, 1, 0, 0]


@pytest.mark.parametrize("role", ["editor", "reviewer", "outsider", "staff"])
def test_only_an_approver_corrects_a_citation(role, request, published):
    before = snapshot()
    with pytest.raises(ForbiddenAction):
        source_correct_citation(source=cited_source(published), actor=request.getfixturevalue(role),
                                reason="typo", title="Retitled")
    assert snapshot() == before


@pytest.mark.parametrize(("fields", "field"), [
    ({"title": "Retitled"}, "reason"),
    ({"url": "not a url"}, "url"),
    ({"year": None}, "year"),
    ({"author": "me"}, "author"),
    ({}, None),
])
def test_a_citation_correction_is_refused_unless_valid(fields, field, published, approver):
    source = cited_source(published)
    before = snapshot()
    with pytest.raises(ValidationError) as caught:
        source_correct_citation(source=source, actor=approver, reason="" if field == "reason" else "typo",
                                **fields)
    if field is not None:
        assert field in caught.value.message_dict
    assert snapshot() == before


def test_a_correction_of_a_source_the_public_never_saw_writes_no_public_event(approver):
    draft = STATE_FACTORIES[S.DRAFT]()
    source = cited_source(draft)

    source_correct_citation(source=source, actor=approver, reason="typo", title="Retitled")

    assert Source.objects.get(pk=source.pk).title == "Retitled"
    assert not WorkflowEvent.objects.filter(action="correct").exists()


def test_an_approver_without_staff_rights_still_acts_through_the_service(published):
    approver = user_with_roles("approver_only", Role.APPROVER)
    factor_correct_names(factor=published.factor, name_zh="新名称", name_en="New name", actor=approver,
                         reason="typo")
    assert Factor.objects.get(pk=published.factor_id).name_zh == "新名称"
