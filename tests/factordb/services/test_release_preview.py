"""Before a cut, the approver sees what it would add, change and remove, with values; the cut
seals exactly that, or refuses when the published set moved after the preview."""

import csv
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from accounts.roles import ForbiddenAction
from factordb.constants import FactorStatus
from factordb.models import Release
from factordb.services import review
from factordb.services.release_contents import release_diff_csv
from factordb.services.releases import StalePreview, release_cut, release_diff, release_draft, release_preview
from tests.factories import ApprovedVersionFactory, DraftVersionFactory, PublishedVersionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def first_release(approver):
    """2025.1 pins kept, dropped (0.7) and revised (v1, 0.5366)."""
    kept = PublishedVersionFactory(factor__name_zh="保留的因子")
    dropped = PublishedVersionFactory(factor__name_zh="撤回的因子", co2e_total=Decimal("0.7000"))
    revised = PublishedVersionFactory(factor__name_zh="修订的因子", co2e_total=Decimal("0.5366"), version=1)
    release = release_cut(name="2025.1", actor=approver)
    return {"release": release, "kept": kept, "dropped": dropped, "revised": revised}


@pytest.fixture
def moved_on(first_release, approver, editor):
    """Since 2025.1: one factor withdrawn, one revised to v2 (0.5703), one added (1.25)."""
    dropped = first_release["dropped"]
    dropped.status = FactorStatus.WITHDRAWN
    dropped.save()
    newer = ApprovedVersionFactory(factor=first_release["revised"].factor, version=2,
                                   co2e_total=Decimal("0.5703"), author=editor)
    review.factor_version_publish(version=newer, actor=approver)
    added = PublishedVersionFactory(factor__name_zh="新增的因子", co2e_total=Decimal("1.25"))
    DraftVersionFactory()  # a draft is in no release
    return {**first_release, "newer": newer, "added": added}


def test_the_preview_lists_what_a_cut_would_add_change_and_remove_with_values(moved_on):
    preview = release_preview()

    assert preview.compared_with == moved_on["release"]
    [added] = preview.added
    assert (added.public_id, added.name_zh, added.version, added.co2e_total) == (
        moved_on["added"].factor.public_id, "新增的因子", moved_on["added"].version, "1.25")
    [changed] = preview.changed
    assert changed.public_id == moved_on["revised"].factor.public_id
    assert (changed.before.version, changed.before.co2e_total) == (1, "0.5366")
    assert (changed.after.version, changed.after.co2e_total) == (2, "0.5703")
    assert changed.after.unit_symbol == changed.before.unit_symbol == moved_on["newer"].factor.unit.symbol
    assert [(g.before, g.after) for g in changed.gas_changes] == [("0.5366", "0.5703")]
    [withdrawn] = preview.withdrawn
    assert (withdrawn.public_id, withdrawn.name_zh, withdrawn.co2e_total) == (
        moved_on["dropped"].factor.public_id, "撤回的因子", "0.7")
    assert preview.unchanged == 1  # kept


def test_what_is_sealed_is_what_the_preview_showed(moved_on, approver):
    preview = release_preview()

    second = release_cut(name="2025.2", actor=approver, previewed=preview.fingerprint)

    sealed = release_diff(old=moved_on["release"], new=second)
    assert sealed == preview
    assert sealed.fingerprint == preview.fingerprint
    pinned = {v.factor.public_id: v.version for v in second.versions.select_related("factor")}
    assert pinned == {moved_on["kept"].factor.public_id: moved_on["kept"].version,
                      moved_on["revised"].factor.public_id: 2,
                      moved_on["added"].factor.public_id: moved_on["added"].version}


def test_the_first_preview_adds_everything_published_and_is_what_the_first_cut_seals(approver):
    published = PublishedVersionFactory.create_batch(3)

    preview = release_preview()
    first = release_cut(name="2025.1", actor=approver, previewed=preview.fingerprint)

    assert preview.compared_with is None
    assert sorted(f.public_id for f in preview.added) == sorted(v.factor.public_id for v in published)
    assert preview.changed == preview.withdrawn == []
    assert release_diff(old=None, new=first) == preview


def test_a_publication_after_the_preview_refuses_the_cut_and_seals_nothing(moved_on, approver):
    preview = release_preview()
    PublishedVersionFactory()  # someone published meanwhile

    with pytest.raises(StalePreview, match="预览之后"):
        release_cut(name="2025.2", actor=approver, previewed=preview.fingerprint)

    assert list(Release.objects.values_list("name", flat=True)) == ["2025.1"]
    assert release_preview().fingerprint != preview.fingerprint  # a new preview shows the new set


def test_a_withdrawal_after_the_preview_refuses_the_cut(moved_on, approver):
    preview = release_preview()
    kept = moved_on["kept"]
    kept.status = FactorStatus.WITHDRAWN
    kept.save()

    with pytest.raises(StalePreview):
        release_cut(name="2025.2", actor=approver, previewed=preview.fingerprint)
    assert Release.objects.count() == 1


def test_a_release_cut_by_someone_else_after_the_preview_refuses_the_cut(moved_on, approver):
    preview = release_preview()
    release_cut(name="2025.2", actor=approver)  # the same published set, but now compared with 2025.2

    with pytest.raises(StalePreview):
        release_cut(name="2025.3", actor=approver, previewed=preview.fingerprint)
    assert Release.objects.count() == 2


@pytest.mark.parametrize("forged", ["0" * 64, "not a fingerprint", ""])
def test_a_forged_fingerprint_is_refused_and_seals_nothing(moved_on, approver, forged):
    with pytest.raises(StalePreview):
        release_cut(name="2025.2", actor=approver, previewed=forged)
    assert Release.objects.count() == 1


def test_an_empty_preview_is_allowed_and_says_so(first_release, approver):
    # Nothing changed since 2025.1: a new edition of the same set (a yearly citation, say)
    # may still be cut; the preview says it adds, changes and removes nothing.
    preview = release_preview()

    assert preview.is_empty
    assert preview.unchanged == 3
    second = release_cut(name="2025.2", actor=approver, previewed=preview.fingerprint)
    assert set(second.versions.all()) == set(first_release["release"].versions.all())
    assert release_diff(old=first_release["release"], new=second).is_empty


def test_only_an_approver_may_check_a_release_to_cut(moved_on, editor, reviewer):
    for actor in (editor, reviewer):
        with pytest.raises(ForbiddenAction):
            release_draft(name="2025.2", actor=actor)
        with pytest.raises(ForbiddenAction):
            release_cut(name="2025.2", actor=actor, previewed=release_preview().fingerprint)
    assert Release.objects.count() == 1


@pytest.mark.parametrize("name", ["", "2025", "2025.1"])  # missing, malformed, taken
def test_a_bad_name_is_refused_before_the_preview(first_release, approver, name):
    with pytest.raises(ValidationError) as excinfo:
        release_draft(name=name, actor=approver)
    assert "name" in excinfo.value.message_dict


def test_the_csv_of_a_preview_has_every_row_with_both_versions_and_values(moved_on):
    lines = release_diff_csv(release_preview()).splitlines()

    assert lines[0].startswith("change,public_id,name_zh,name_en,")
    revised = moved_on["revised"].factor.public_id
    [changed] = [line for line in lines if revised in line]
    assert changed.startswith(f"changed,{revised},修订的因子,")
    assert ",1,0.5366,2,0.5703," in changed
    assert "0.5366 -> 0.5703" in changed
    assert len(lines) == 1 + 3


def test_the_preview_costs_a_fixed_number_of_queries(moved_on, django_assert_max_num_queries):
    # Only the versions that differ are read, each kind in one query, however many there are.
    with django_assert_max_num_queries(10) as few:
        release_preview()
    PublishedVersionFactory.create_batch(5)
    with django_assert_max_num_queries(len(few.captured_queries)):
        release_preview()


def test_a_name_a_spreadsheet_would_run_is_written_as_text_in_the_csv(approver):
    PublishedVersionFactory(factor__name_en='=HYPERLINK("http://x.example","click")')

    [_, row] = csv.reader(io.StringIO(release_diff_csv(release_preview())))

    assert row[3] == "'=HYPERLINK(\"http://x.example\",\"click\")"
    assert not any(cell.startswith("=") for cell in row)
