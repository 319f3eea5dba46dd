"""What the change set tests build and do."""

from factordb.models import ChangeSet, VersionSource
from factordb.services import change_set_review as road
from tests.factories import DraftVersionFactory, SourceFactory


def draft_by(author, **kwargs):
    version = DraftVersionFactory(author=author, **kwargs)
    VersionSource.objects.create(version=version, source=SourceFactory())
    return version


def decide(change_set: ChangeSet, reviewer, verdict: str, comment: str = "", *, version=None, **kwargs):
    """A reviewer's decision on the set as it is now (its current round), or on one row of it."""
    change_set.refresh_from_db()
    said = {"actor": reviewer, "verdict": verdict, "comment": comment,
            "review_round": change_set.review_round, **kwargs}
    if version is not None:
        return road.change_set_decide_row(change_set=change_set, version=version, **said)
    return road.change_set_decide(change_set=change_set, **said)


def approve(change_set: ChangeSet, reviewer):
    return decide(change_set, reviewer, "approved", declares_no_conflict=True)
