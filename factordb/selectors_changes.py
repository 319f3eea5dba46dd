"""The public change feed: the workflow events the public sees, each dated by when it took effect.

A publication took effect at its version's `published_at`, a supersession or withdrawal at
its `superseded_at`: the times the factor's published history (versions/) and the release
files show. The event recording the step keeps its own time (`at`): when this platform wrote
it down, which for official statistics loaded from the seed is the load, not the authority's
publication, and for a live step a few microseconds after the version's time. Events are
append-only and say truthfully when they were written; the feed reads the version's time
instead of rewriting them (docs/adr/0029). A correction changes no version time: it took
effect when it was recorded.
"""

from datetime import datetime

from django.db.models import Case, DateTimeField, Exists, F, OuterRef, QuerySet, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from factordb.constants import FactorStatus
from factordb.models import FactorVersion, WorkflowEvent
from factordb.workflow import PUBLIC_ACTIONS

PUBLISHING = ("publish", "publish_official")
ENDING = ("supersede", "withdraw")


def public_changes(*, after: int | None = None, since: datetime | None = None) -> QuerySet[WorkflowEvent]:
    """Public events with `effective_at`, after the feed position `after` and/or taking
    effect at or after `since`."""
    changes = (WorkflowEvent.objects.filter(action__in=PUBLIC_ACTIONS, seq__isnull=False)
               .annotate(effective_at=Coalesce(
                   Case(When(action__in=PUBLISHING, then=F("version__published_at")),
                        When(action__in=ENDING, then=F("version__superseded_at")),
                        output_field=DateTimeField()),
                   F("at"))))
    if after is not None:
        changes = changes.filter(seq__gt=after)
    if since is not None:
        changes = changes.filter(effective_at__gte=since)
    return changes.select_related("version__factor")


def with_withdrawals_since(versions: QuerySet[FactorVersion], moment: datetime, *,
                           as_of: datetime | None = None) -> QuerySet[FactorVersion]:
    """`versions` (those in force now, or at `as_of`) and, for each factor with none of them,
    its version withdrawn at or after `moment` (and by `as_of`): so that a list of what changed
    since `moment` names a withdrawn factor too, marked withdrawn, rather than leaving it out.
    One row per factor: a factor withdrawn twice since then shows its latest withdrawal."""
    until = as_of or timezone.now()
    later = FactorVersion.objects.filter(
        factor=OuterRef("factor"), status=FactorStatus.WITHDRAWN,
        superseded_at__gt=OuterRef("superseded_at"), superseded_at__lte=until)
    withdrawn = (FactorVersion.objects
                 .filter(status=FactorStatus.WITHDRAWN, superseded_at__gte=moment, superseded_at__lte=until)
                 .exclude(factor__in=versions.values("factor"))
                 .exclude(Exists(later)))
    return versions | FactorVersion.objects.filter(pk__in=withdrawn.values("pk"))
