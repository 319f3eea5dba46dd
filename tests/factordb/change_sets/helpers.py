"""What the change set tests build and do."""

from factordb.models import ChangeSet, VersionSource
from factordb.services import change_set_review as road
from tests.factories import DraftVersionFactory, SourceFactory


def draft_by(author, **kwargs):
    version = DraftVersionFactory(author=author, **kwargs)
    VersionSource.objects.create(version=version, source=SourceFactory())
    return version


def approve(change_set: ChangeSet, reviewer):
    change_set.refresh_from_db()
    return road.change_set_decide(
        change_set=change_set,
        actor=reviewer,
        verdict="approved",
        review_round=change_set.review_round,
        declares_no_conflict=True,
    )


def decide(change_set: ChangeSet, reviewer, verdict: str, comment: str = "", **kwargs):
    change_set.refresh_from_db()
    return road.change_set_decide(
        change_set=change_set,
        actor=reviewer,
        verdict=verdict,
        comment=comment,
        review_round=change_set.review_round,
        **kwargs,
    )
