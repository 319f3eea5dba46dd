"""Conflicts declared before conflicts were recorded per factor are recorded by the migration."""

from importlib import import_module
from pathlib import Path

import pytest
from django.apps import apps

from factordb.models import ConflictOfInterest, ReviewAssignment, ReviewDecision
from factordb.services import review
from tests.factories import InReviewVersionFactory

pytestmark = pytest.mark.django_db

# Found by name: the migration's number may change when branches merge.
MIGRATION = import_module("factordb.migrations." + next(
    Path(apps.get_app_config("factordb").path, "migrations").glob("*_conflict_of_interest.py")).stem)


def recused(version, reviewer) -> ReviewAssignment:
    return ReviewAssignment.objects.create(
        version=version, review_round=version.review_round, reviewer=reviewer, assigned_by=reviewer,
        decision=ReviewDecision.RECUSED, conflict_of_interest=True, comment="co-author")


def test_each_reviewer_gets_one_open_conflict_per_factor_from_their_first_declaration(reviewers):
    version = InReviewVersionFactory()
    later = InReviewVersionFactory(factor=version.factor)
    first = recused(version, reviewers[0])
    recused(later, reviewers[0])
    recused(later, reviewers[1])
    MIGRATION.record_conflicts_already_declared(apps, None)
    assert sorted(ConflictOfInterest.objects.values_list("reviewer", "declared_in", "cleared_at")) == sorted([
        (reviewers[0].pk, first.pk, None),
        (reviewers[1].pk, ReviewAssignment.objects.get(version=later, reviewer=reviewers[1]).pk, None)])
    assert review.independence.conflicted_reviewers([version.factor_id])[version.factor_id] == {
        reviewers[0].pk, reviewers[1].pk}
