"""One publication at a time: the lock every change of the published set takes first.

Publishing (with the supersession it implies), withdrawing, scheduled publication and
cutting a release all call `hold_publication_lock()` before they lock or read any version
row. So:
- a release cut sees the published set of one instant: no publication is half done while
  it reads, and none can slip in until it commits;
- public workflow events get their `seq` (`next_event_seq()`) while the lock is held, so
  `seq` grows in commit order and the change feed can page by it without ever skipping
  an event that commits late (docs/adr/0014).

Lock order, everywhere: the publication lock, then version rows, each locked alone
(`select_for_update(of=("self",))`, no joins, no ordering). A step that locks a version
first and only then writes a public event would invert that order; `retry_on_conflict`
retries the deadlock that can then occur, a bounded number of times.
"""

import functools
import logging
import time
from collections.abc import Callable
from typing import TypeVar

from django.db import OperationalError, connection
from django.db.models import F, Max

from factordb.models import PublicationLock, WorkflowEvent

logger = logging.getLogger(__name__)

# SQLSTATEs of a transaction the database aborted so that another could go on.
CONFLICT_STATES = {"40P01", "40001"}  # deadlock_detected, serialization_failure
MAX_ATTEMPTS = 5

T = TypeVar("T")


def hold_publication_lock() -> None:
    """Hold the publication lock until the current transaction ends (taking it again in the
    same transaction changes nothing)."""
    if not connection.in_atomic_block:
        raise RuntimeError("the publication lock is held by a transaction; call it inside one")
    if not PublicationLock.objects.filter(pk=1).update(holds=F("holds") + 1):
        # A flushed test database has lost the row the migration wrote.
        PublicationLock.objects.get_or_create(pk=1)
        PublicationLock.objects.filter(pk=1).update(holds=F("holds") + 1)


def next_event_seq() -> int:
    """The change feed's number for a public event written in this transaction."""
    hold_publication_lock()
    last = WorkflowEvent.objects.aggregate(last=Max("seq"))["last"]
    return (last or 0) + 1


def last_event_seq() -> int:
    return WorkflowEvent.objects.aggregate(last=Max("seq"))["last"] or 0


def _is_conflict(error: OperationalError) -> bool:
    return getattr(error.__cause__, "sqlstate", None) in CONFLICT_STATES


def retry_on_conflict(step: Callable[..., T]) -> Callable[..., T]:
    """Run a transactional step again when the database aborted it for a deadlock or a
    serialisation failure. Only an outermost transaction can be retried: inside a caller's
    transaction the error goes to that caller."""

    @functools.wraps(step)
    def run(*args, **kwargs) -> T:
        for attempt in range(1, MAX_ATTEMPTS + 1):
            try:
                return step(*args, **kwargs)
            except OperationalError as error:
                if attempt == MAX_ATTEMPTS or connection.in_atomic_block or not _is_conflict(error):
                    raise
                logger.warning("%s: %s, attempt %d of %d", step.__name__, error, attempt, MAX_ATTEMPTS)
                time.sleep(0.05 * attempt)
        raise AssertionError("unreachable")

    return run

