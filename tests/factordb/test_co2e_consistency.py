"""A version's stated CO2e total agrees with its own gas breakdown, wherever content is written."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone, translation

from factordb import consistency, gwp
from factordb.constants import FactorStatus
from factordb.models import FactorVersion, Gas, GasAmount, GwpSet, GwpValue, VersionSource
from factordb.services.editing import factor_version_start_revision, factor_version_update_draft
from factordb.services.factors import factor_version_create_draft
from factordb.services.review import factor_version_submit
from tests.factories import (
    DraftVersionFactory,
    FactorFactory,
    GasFactory,
    GwpSetFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db

QUALITY = {"dq_reliability": 2, "dq_completeness": 2, "dq_temporal": 1,
           "dq_geographical": 1, "dq_technological": 2}
D = Decimal


@pytest.fixture
def ar5():
    gwp_set = GwpSetFactory(code="AR5")
    GwpValue.objects.create(gwp_set=gwp_set, gas=GasFactory(code="CH4_FOSSIL", formula="CH4"), value=28)
    GasFactory(code="CO2_BIO", formula="CO2", origin="biogenic", counts_in_co2e=False)
    return gwp_set


def draft(author, gwp_set, total, amounts, factor=None):
    return factor_version_create_draft(
        factor=factor or FactorFactory(), author=author, gwp_set=gwp_set, co2e_total=total,
        gas_amounts=amounts, **QUALITY)


def stored_rows() -> list:
    """Every row a refused write could have touched, to compare before and after."""
    return [
        list(FactorVersion.objects.order_by("pk").values()),
        list(GasAmount.objects.order_by("pk").values()),
        FactorVersion.history.count(), GasAmount.history.count(),
    ]


def refusal(excinfo) -> str:
    return " ".join(excinfo.value.message_dict["co2e_total"])


def unnamed(excinfo, *parts: str) -> list[str]:
    """The parts the refusal's message fails to show."""
    return [part for part in parts if part not in refusal(excinfo)]


# --- The rule itself ------------------------------------------------------------------------


@pytest.mark.parametrize(("stated", "allowed"), [
    ("0.5366", "0.0001"),
    ("0.5370", "0.0001"),  # a trailing zero as written counts: the editor claims four places
    ("0.537", "0.001"),
    ("0.53700000", "0.001"),  # storage's padding to 8 places is not a claim of precision
    ("0.53660000", "0.0001"),
    ("0.12345678", "0.00000001"),
    ("740.00000000", "1"),  # never coarser than units
    ("735", "1"),
    ("0.1234567891", "0.00000001"),  # never finer than what is stored
])
def test_the_tolerance_is_one_unit_in_the_last_place_written(stated, allowed):
    assert consistency.tolerance(D(stated)) == D(allowed)


def test_the_plain_rule_on_raw_values():
    values = {"CO2": D(1), "CH4_FOSSIL": D(28), "CO2_BIO": D(0)}
    assert consistency.co2e_disagreement(D("0.5366"), {"CO2": D("0.5366")}, values) is None
    assert consistency.co2e_disagreement(D("0.5366"), {}, values) is None
    found = consistency.co2e_disagreement(D("0.5370"), {"CO2": D("0.5366")}, values)
    assert (found.stated, found.computed, found.tolerance) == (D("0.5370"), D("0.5366"), D("0.0001"))
    with pytest.raises(gwp.GwpError, match="N2O"):
        consistency.co2e_disagreement(D("1"), {"N2O": D("0.01")}, values)


# --- Creating a draft -----------------------------------------------------------------------


def test_the_issues_example_is_refused_with_both_numbers_and_nothing_is_written(editor, ar5):
    before = stored_rows()
    with pytest.raises(ValidationError) as excinfo:
        draft(editor, ar5, D("0.5370"), {"CO2": D("0.5366")})
    assert unnamed(excinfo, "0.5370", "0.5366", "AR5") == []
    assert stored_rows() == before


def test_the_refusal_reads_in_english_too(editor, ar5):
    with translation.override("en"), pytest.raises(ValidationError) as excinfo:
        draft(editor, ar5, D("0.5370"), {"CO2": D("0.5366")})
    assert refusal(excinfo).startswith("The stated CO2e total 0.5370 disagrees with 0.5366")


def test_exact_agreement_is_accepted(editor, ar5):
    version = draft(editor, ar5, D("2.0826"), {"CO2": D("2.0546"), "CH4_FOSSIL": D("0.001")})
    assert version.co2e_total == D("2.0826")


@pytest.mark.parametrize("co2", ["0.53664", "0.53655", "0.5367", "0.5365"])
def test_rounding_within_one_unit_of_the_last_place_is_accepted(editor, ar5, co2):
    assert draft(editor, ar5, D("0.5366"), {"CO2": D(co2)}).pk


@pytest.mark.parametrize("co2", ["0.53670001", "0.53649999", "0.5368"])
def test_just_outside_one_unit_is_refused(editor, ar5, co2):
    with pytest.raises(ValidationError) as excinfo:
        draft(editor, ar5, D("0.5366"), {"CO2": D(co2)})
    assert D(co2).normalize().to_eng_string() in refusal(excinfo)


def test_a_trailing_zero_written_narrows_the_tolerance(editor, ar5):
    assert draft(editor, ar5, D("0.537"), {"CO2": D("0.5366")}).pk
    with pytest.raises(ValidationError):
        draft(editor, ar5, D("0.5370"), {"CO2": D("0.5366")})


def test_biogenic_co2_is_not_counted_in_the_total(editor, ar5):
    assert draft(editor, ar5, D("0.5366"), {"CO2": D("0.5366"), "CO2_BIO": D("0.3")}).pk
    with pytest.raises(ValidationError) as excinfo:
        draft(editor, ar5, D("0.8366"), {"CO2": D("0.5366"), "CO2_BIO": D("0.3")})
    assert unnamed(excinfo, "0.8366", "0.5366") == []


def test_a_gas_without_a_gwp_in_the_set_cannot_be_checked_and_is_refused_by_name(editor, ar5):
    GasFactory(code="N2O", formula="N2O")
    before = stored_rows()
    with pytest.raises(ValidationError) as excinfo:
        draft(editor, ar5, D("0.5366"), {"CO2": D("0.5366"), "N2O": D("0.0001")})
    assert unnamed(excinfo, "N2O", "AR5") == []
    assert stored_rows() == before


def test_a_version_without_a_breakdown_has_nothing_to_disagree_with(editor, ar5):
    version = draft(editor, ar5, D("735"), {})
    assert version.co2e_total == D("735")
    assert not version.gas_amounts.exists()


def test_a_removal_is_checked_like_any_other_total():
    values = {"CO2": D(1)}
    assert consistency.co2e_disagreement(D("-1.5"), {"CO2": D("-1.52")}, values) is None
    assert consistency.co2e_disagreement(D("-1.5"), {"CO2": D("-1.62")}, values) is not None


# --- Editing a draft --------------------------------------------------------------------------


def test_editing_the_total_alone_is_checked_against_the_stored_breakdown(editor, ar5):
    version = draft(editor, ar5, D("0.5366"), {"CO2": D("0.5366")})
    before = stored_rows()
    with pytest.raises(ValidationError) as excinfo:
        factor_version_update_draft(version=version, actor=editor, revision=version.revision,
                                    changes={"co2e_total": D("0.5370")})
    assert unnamed(excinfo, "0.5370", "0.5366") == []
    assert stored_rows() == before


def test_editing_the_breakdown_alone_is_checked_against_the_stored_total(editor, ar5):
    version = draft(editor, ar5, D("0.5366"), {"CO2": D("0.5366")})
    before = stored_rows()
    with pytest.raises(ValidationError) as excinfo:
        factor_version_update_draft(version=version, actor=editor, revision=version.revision,
                                    changes={}, gas_amounts={"CO2": D("0.6")})
    assert unnamed(excinfo, "0.5366", "0.6") == []
    assert stored_rows() == before


def test_changing_the_gwp_set_under_a_breakdown_is_checked(editor, ar5):
    ar6 = GwpSetFactory(code="AR6", name="IPCC AR6")
    GwpValue.objects.create(gwp_set=ar6, gas=Gas.objects.get(code="CH4_FOSSIL"), value=D("29.8"))
    version = draft(editor, ar5, D("0.5646"), {"CO2": D("0.5366"), "CH4_FOSSIL": D("0.001")})
    with pytest.raises(ValidationError) as excinfo:
        factor_version_update_draft(version=version, actor=editor, revision=version.revision,
                                    changes={"gwp_set": ar6})
    assert unnamed(excinfo, "AR6", "0.5664") == []
    assert FactorVersion.objects.get(pk=version.pk).gwp_set == ar5


def test_a_consistent_edit_of_both_and_an_unrelated_edit_of_a_rounded_draft_are_accepted(editor, ar5):
    version = draft(editor, ar5, D("0.537"), {"CO2": D("0.5366")})
    # Stored as 0.53700000: read back as 0.537, the places it was written with at most.
    factor_version_update_draft(version=version, actor=editor, revision=version.revision,
                                changes={"notes_en": "wording"})
    version.refresh_from_db()
    factor_version_update_draft(version=version, actor=editor, revision=version.revision,
                                changes={"co2e_total": D("0.5412")}, gas_amounts={"CO2": D("0.5412")})
    assert FactorVersion.objects.get(pk=version.pk).co2e_total == D("0.5412")


# --- Submission: the last guard -------------------------------------------------------------


def sourced(version):
    VersionSource.objects.create(version=version, source=SourceFactory())
    return version


def test_submission_is_refused_when_the_parts_were_changed_afterwards(editor, ar5):
    version = sourced(draft(editor, ar5, D("0.5366"), {"CO2": D("0.5366")}))
    row = version.gas_amounts.get()
    row.amount = D("0.6")  # a part saved on its own, outside the editing service
    row.save()
    with pytest.raises(ValidationError) as excinfo:
        factor_version_submit(version=version, actor=editor)
    assert unnamed(excinfo, "0.5366", "0.6") == []
    stored = FactorVersion.objects.get(pk=version.pk)
    assert (stored.status, stored.review_round) == (FactorStatus.DRAFT, 0)


def test_a_rounded_total_accepted_on_entry_is_accepted_at_submission(editor, ar5):
    version = sourced(draft(editor, ar5, D("0.537"), {"CO2": D("0.53664")}))
    assert factor_version_submit(version=version, actor=editor).status == FactorStatus.SUBMITTED


# --- A revision of a version published before the rule ------------------------------------------


def test_a_revision_copies_a_disagreeing_published_version_but_cannot_submit_it_unchanged(editor, ar5):
    # As stored before the rule: the rows changed while a draft, then published (PostgreSQL's
    # guards refuse any change to a published version's rows).
    published = DraftVersionFactory(gwp_set=ar5, co2e_total=D("0.5366"))
    GasAmount.objects.filter(version=published).update(amount=D("0.6"))
    published.status, published.published_at = FactorStatus.PUBLISHED, timezone.now()
    published.save()
    revision = sourced(factor_version_start_revision(factor=published.factor, actor=editor))
    with pytest.raises(ValidationError):
        factor_version_submit(version=revision, actor=editor)
    revision.refresh_from_db()
    factor_version_update_draft(version=revision, actor=editor, revision=revision.revision,
                                changes={"co2e_total": D("0.6")})
    assert factor_version_submit(version=revision, actor=editor).status == FactorStatus.SUBMITTED


# --- The real seed --------------------------------------------------------------------------


def test_every_seeded_version_with_a_breakdown_agrees_with_it():
    call_command("loadseed")
    versions = (FactorVersion.objects.filter(gas_amounts__isnull=False).distinct()
                .select_related("gwp_set").prefetch_related("gas_amounts__gas"))
    assert versions.count() > 100
    values = {gwp_set.pk: gwp.gwp_values(gwp_set) for gwp_set in GwpSet.objects.all()}
    disagreeing = [
        (version.factor.public_id, found)
        for version in versions
        if (found := consistency.co2e_disagreement(
            version.co2e_total, {row.gas.code: row.amount for row in version.gas_amounts.all()},
            values[version.gwp_set_id])) is not None
    ]
    assert disagreeing == []
