"""The public data's generation: renewed by what the public can read, not by work in progress."""

from decimal import Decimal

import pytest
from django.core.cache import cache

from factordb.generation import GENERATION_KEY
from factordb.services import review
from factordb.services.editing import factor_version_start_revision, factor_version_update_draft
from factordb.services.releases import release_cut
from tests.factories import (
    ApprovedVersionFactory,
    PublishedVersionFactory,
    SourcedDraftVersionFactory,
    UnitFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def generation():
    """Reads the generation now; `generation.renewed()` says whether it changed since."""

    class Watch:
        def __init__(self) -> None:
            self.start = cache.get(GENERATION_KEY)

        def renewed(self) -> bool:
            return cache.get(GENERATION_KEY) != self.start

    cache.set(GENERATION_KEY, "before", timeout=None)
    return Watch()


def test_editing_a_draft_keeps_the_generation(editor, generation):
    published = PublishedVersionFactory(co2e_total=Decimal("0.5366"))
    generation.start = cache.get(GENERATION_KEY)

    draft = factor_version_start_revision(factor=published.factor, actor=editor)
    factor_version_update_draft(version=draft, actor=editor, revision=draft.revision,
                                changes={"co2e_total": Decimal("0.5412")},
                                gas_amounts={"CO2": Decimal("0.5412")})

    assert not generation.renewed()


def test_submitting_and_assigning_a_review_keep_the_generation(editor, approver, reviewer, generation):
    draft = SourcedDraftVersionFactory(author=editor)
    generation.start = cache.get(GENERATION_KEY)

    review.factor_version_submit(version=draft, actor=editor)
    review.review_assign(version=draft, reviewer=reviewer, actor=approver)

    assert not generation.renewed()


def test_publishing_renews_the_generation(editor, approver, generation):
    approved = ApprovedVersionFactory(author=editor)
    generation.start = cache.get(GENERATION_KEY)

    review.factor_version_publish(version=approved, actor=approver)

    assert generation.renewed()


def test_withdrawing_renews_the_generation(approver, generation):
    published = PublishedVersionFactory()
    generation.start = cache.get(GENERATION_KEY)

    review.factor_version_withdraw(version=published, actor=approver, reason="source retracted")

    assert generation.renewed()


def test_cutting_a_release_renews_the_generation(approver, generation):
    PublishedVersionFactory()
    generation.start = cache.get(GENERATION_KEY)

    release_cut(name="2026.2", actor=approver)

    assert generation.renewed()


def test_editing_reference_data_renews_the_generation(generation):
    unit = UnitFactory(code="GJ", symbol="GJ", pint_expression="GJ", dimension="energy")
    generation.start = cache.get(GENERATION_KEY)
    unit.name_en = "gigajoule"
    unit._change_reason = "test"
    unit.save()

    assert generation.renewed()

