"""A published factor's names and the citation of a source a public version cites were
reviewed: no plain save, bulk update or admin form changes them (only a recorded correction,
factordb.services.corrections). What the public has never seen stays freely editable."""

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from factordb.constants import FactorStatus as S
from factordb.models import Factor, Source
from tests.factordb.public_record import cited_source, snapshot
from tests.factories import STATE_FACTORIES, SourceFactory

pytestmark = pytest.mark.django_db
PUBLIC = [S.PUBLISHED, S.SUPERSEDED, S.WITHDRAWN]
# Not public, and not in front of reviewers: a draft, one sent back, one rejected.
WORK_IN_PROGRESS = [S.DRAFT, S.CHANGES_REQUESTED, S.REJECTED]


@pytest.mark.parametrize("status", PUBLIC)
@pytest.mark.parametrize("field", ["name_zh", "name_en"])
def test_a_public_factors_name_is_refused_on_save(status, field):
    factor = STATE_FACTORIES[status]().factor
    before = snapshot()
    setattr(factor, field, "改过的名称")

    with pytest.raises(ValidationError) as caught:
        factor.save()

    assert field in str(caught.value)
    assert snapshot() == before


def test_a_public_factors_name_is_a_field_error_in_full_clean():
    factor = STATE_FACTORIES[S.PUBLISHED]().factor
    factor.name_en = "Renamed"

    with pytest.raises(ValidationError) as caught:
        factor.full_clean()

    assert list(caught.value.message_dict) == ["name_en"]


def test_a_bulk_update_of_a_public_factors_name_is_refused():
    factor = STATE_FACTORIES[S.PUBLISHED]().factor
    before = snapshot()

    with pytest.raises(ValidationError):
        Factor.objects.filter(pk=factor.pk).update(name_zh="改过的名称")
    factor.name_zh = "改过的名称"
    # bulk_update's own atomic block has no savepoint: give the refusal one to roll back to.
    with pytest.raises(ValidationError), transaction.atomic():
        Factor.objects.bulk_update([factor], ["name_zh"])

    assert snapshot() == before


@pytest.mark.parametrize("status", WORK_IN_PROGRESS)
def test_a_factor_the_public_never_saw_keeps_editable_names(status):
    factor = STATE_FACTORIES[status]().factor
    factor.name_zh, factor.name_en = "新名称", "New name"
    factor.full_clean()
    factor.save()
    Factor.objects.filter(pk=factor.pk).update(name_en="Newer name")

    factor.refresh_from_db()
    assert (factor.name_zh, factor.name_en) == ("新名称", "Newer name")


def test_a_public_factors_other_fields_still_save():
    factor = STATE_FACTORIES[S.PUBLISHED]().factor
    factor.tags = ["grid"]
    factor.save()
    assert Factor.objects.get(pk=factor.pk).tags == ["grid"]


@pytest.mark.parametrize("status", PUBLIC)
@pytest.mark.parametrize(("field", "value"), [
    ("title", "Retitled"), ("publisher", "Someone else"), ("year", 1999), ("url", "https://example.org/"),
    ("document_id", "No. 9"), ("licence", "CC0"), ("verification_note", "re-checked"),
])
def test_the_citation_of_a_publicly_cited_source_is_refused_on_save(status, field, value):
    source = cited_source(STATE_FACTORIES[status]())
    before = snapshot()
    setattr(source, field, value)

    with pytest.raises(ValidationError) as caught:
        source.save()

    assert field in str(caught.value)
    assert snapshot() == before


def test_the_citation_of_a_publicly_cited_source_is_a_field_error_in_full_clean():
    source = cited_source(STATE_FACTORIES[S.PUBLISHED]())
    source.title = "Retitled"

    with pytest.raises(ValidationError) as caught:
        source.full_clean()

    assert list(caught.value.message_dict) == ["title"]


def test_a_bulk_update_of_a_publicly_cited_source_is_refused():
    source = cited_source(STATE_FACTORIES[S.WITHDRAWN]())
    before = snapshot()

    with pytest.raises(ValidationError):
        Source.objects.filter(pk=source.pk).update(title="Retitled")

    assert snapshot() == before


@pytest.mark.parametrize("status", WORK_IN_PROGRESS)
def test_a_source_only_work_in_progress_cites_stays_editable(status):
    source = cited_source(STATE_FACTORIES[status]())
    source.title = "Retitled"
    source.save()
    assert Source.objects.get(pk=source.pk).title == "Retitled"


def test_a_source_nothing_cites_stays_editable():
    source = SourceFactory()
    Source.objects.filter(pk=source.pk).update(title="Retitled")
    assert Source.objects.get(pk=source.pk).title == "Retitled"


@pytest.mark.parametrize("status", [S.SUBMITTED, S.IN_REVIEW, S.APPROVED])
def test_names_and_citations_wait_while_a_version_shows_them_under_review(status, editor):
    """What the reviewers are reviewing cannot change under them (nor after their approval)."""
    version = STATE_FACTORIES[status]()
    if not version.version_sources.exists():
        version.version_sources.create(source=SourceFactory(), locator="表 1")
    factor, source = version.factor, cited_source(version)
    before = (Factor.objects.filter(pk=factor.pk).values().get(),
              Source.objects.filter(pk=source.pk).values().get())
    factor.name_en, source.title = "Renamed in review", "Retitled in review"
    with pytest.raises(ValidationError, match="正在评审"):
        factor.save()
    with pytest.raises(ValidationError, match="正在评审"):
        source.save()
    with pytest.raises(ValidationError):
        Factor.objects.filter(pk=factor.pk).update(name_en="Bulk renamed")
    assert (Factor.objects.filter(pk=factor.pk).values().get(),
            Source.objects.filter(pk=source.pk).values().get()) == before
