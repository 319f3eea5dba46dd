"""A published version is the public record: the ORM refuses to change or delete it."""

from decimal import Decimal

import pytest
from django.utils import timezone

from factordb.constants import FactorStatus
from factordb.models import FactorVersion, GasAmount, PublishedVersionError, VersionSource
from factordb.models.reviewed import CorrectionRequired
from factordb.services.corrections import factor_correct_names
from tests.factories import DraftVersionFactory, PublishedVersionFactory, SourceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def published():
    return PublishedVersionFactory(co2e_total=Decimal("0.5366"))


def test_saving_a_changed_value_is_refused(published):
    published.co2e_total = Decimal("0.6")
    with pytest.raises(PublishedVersionError, match="co2e_total"):
        published.save()
    assert FactorVersion.objects.get(pk=published.pk).co2e_total == Decimal("0.5366")


def test_a_bulk_update_is_refused(published):
    with pytest.raises(PublishedVersionError):
        FactorVersion.objects.filter(pk=published.pk).update(co2e_total=Decimal("0.6"))
    assert FactorVersion.objects.get(pk=published.pk).co2e_total == Decimal("0.5366")


def test_deleting_is_refused(published):
    with pytest.raises(PublishedVersionError):
        published.delete()
    with pytest.raises(PublishedVersionError):
        FactorVersion.objects.filter(pk=published.pk).delete()
    assert FactorVersion.objects.filter(pk=published.pk).exists()


def test_its_gas_breakdown_cannot_be_changed_added_to_or_deleted(published):
    row = published.gas_amounts.get()
    row.amount = Decimal("9")
    with pytest.raises(PublishedVersionError):
        row.save()
    with pytest.raises(PublishedVersionError):
        row.delete()
    with pytest.raises(PublishedVersionError):
        GasAmount.objects.create(version=published, gas=row.gas, amount=1)
    assert published.gas_amounts.get().amount == Decimal("0.5366")


def test_its_sources_cannot_be_changed(published):
    with pytest.raises(PublishedVersionError):
        VersionSource.objects.create(version=published, source=SourceFactory())


def test_it_may_only_move_on_to_superseded_or_withdrawn(published):
    published.status = FactorStatus.SUPERSEDED
    published.superseded_at = timezone.now()
    published.save()

    published.refresh_from_db()
    assert published.status == FactorStatus.SUPERSEDED


def test_it_cannot_go_back_to_draft(published):
    published.status = FactorStatus.DRAFT
    with pytest.raises(PublishedVersionError):
        published.save()


def test_a_superseded_version_stays_frozen(published):
    published.status = FactorStatus.SUPERSEDED
    published.superseded_at = timezone.now()
    published.save()
    published.notes_en = "rewritten"
    with pytest.raises(PublishedVersionError):
        published.save()


def test_a_draft_can_still_be_edited():
    draft = DraftVersionFactory()
    draft.co2e_total = Decimal("0.7")
    draft.save()
    assert FactorVersion.objects.get(pk=draft.pk).co2e_total == Decimal("0.7")


def test_every_change_leaves_a_history_record():
    draft = DraftVersionFactory()
    draft.co2e_total = Decimal("0.7")
    draft._change_reason = "corrected from the official PDF"
    draft.save()
    latest = draft.history.first()
    assert latest.history_change_reason == "corrected from the official PDF"
    assert draft.history.count() == 2


def test_the_identity_of_a_published_factor_cannot_change(published):
    factor = published.factor
    factor.year = factor.year + 1
    with pytest.raises(PublishedVersionError, match="year"):
        factor.save()
    factor.refresh_from_db()
    assert factor.year == published.factor.year


def test_a_published_factor_is_renamed_only_by_a_recorded_correction(published, approver):
    # Its names were reviewed with it (tests/factordb/models/test_reviewed_text_is_corrected_only.py).
    factor = published.factor
    factor.name_en = "National grid average emission factor"
    with pytest.raises(CorrectionRequired, match="name_en"):
        factor.save()

    factor_correct_names(factor=factor, name_zh=factor.name_zh, name_en=factor.name_en, actor=approver,
                         reason="the full name")
    factor.refresh_from_db()
    assert factor.name_en == "National grid average emission factor"


def test_the_identity_of_a_factor_with_only_drafts_may_be_corrected():
    factor = DraftVersionFactory().factor
    factor.year = 2023
    factor.save()
    factor.refresh_from_db()
    assert factor.year == 2023
