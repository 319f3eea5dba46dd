"""One publication at a time: a release pins exactly what was published at the instant of its cut.

PostgreSQL only: SQLite serialises whole-database writes, so the race cannot happen there.
"""

import threading
from collections import Counter

import pytest
from django.db import connection, transaction
from django.utils import timezone

from factordb.models import FactorVersion, Release, ReleaseEntry, WorkflowEvent
from factordb.services import review
from factordb.services.publication import retry_on_conflict
from factordb.services.releases import release_cut
from tests.factories import ApprovedVersionFactory, SourcedPublishedVersionFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="row locks need PostgreSQL; SQLite serialises whole-database writes"),
]

ROUNDS = 50


def run_at_once(*steps) -> list[BaseException]:
    """Run the steps in threads released together; the errors they raised."""
    barrier = threading.Barrier(len(steps))
    errors: list[BaseException] = []

    def run(step) -> None:
        try:
            barrier.wait(timeout=30)
            step()
        except BaseException as error:  # every error is a finding
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(step,)) for step in steps]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


def published_when(feed_seq: int) -> set[int]:
    """The versions published once the public events numbered up to `feed_seq` had happened
    (versions made published by a factory, with no event, count as published from the start)."""
    seqs: dict[int, dict[str, int]] = {}
    for version_id, action, seq in WorkflowEvent.objects.filter(seq__lte=feed_seq).values_list(
            "version_id", "action", "seq"):
        seqs.setdefault(version_id, {})[action] = seq
    published = set()
    publications = WorkflowEvent.objects.filter(action__in=("publish", "publish_official"))
    published_by_a_factory = set(
        FactorVersion.objects.exclude(published_at=None).exclude(pk__in=publications.values("version_id"))
        .values_list("pk", flat=True))
    for version in FactorVersion.objects.exclude(published_at=None):
        steps = seqs.get(version.pk, {})
        started = "publish" in steps or "publish_official" in steps or version.pk in published_by_a_factory
        ended = "supersede" in steps or "withdraw" in steps
        if started and not ended:
            published.add(version.pk)
    return published


def test_a_cut_under_concurrent_publications_and_withdrawals_pins_one_instant(approver, editor):
    """Each round: a republication, a scheduled republication, a withdrawal and a cut at once."""
    for n in range(1, ROUNDS + 1):
        republished = SourcedPublishedVersionFactory()
        withdrawn = SourcedPublishedVersionFactory()
        newer = ApprovedVersionFactory(factor=republished.factor, version=republished.version + 1,
                                       author=editor)
        scheduled = SourcedPublishedVersionFactory()
        ApprovedVersionFactory(factor=scheduled.factor, version=scheduled.version + 1, author=editor,
                               scheduled_publication_at=timezone.now(), scheduled_by=approver)
        errors = run_at_once(
            lambda newer=newer: review.factor_version_publish(version=newer, actor=approver),
            review.publish_due_versions,
            lambda withdrawn=withdrawn: review.factor_version_withdraw(
                version=withdrawn, actor=approver, reason="a wrong value"),
            lambda n=n: release_cut(name=f"2025.{n}", actor=approver),
        )
        assert errors == [], f"round {n}"
        assert FactorVersion.objects.published().get(factor=scheduled.factor).version == scheduled.version + 1

        release = Release.objects.get(name=f"2025.{n}")
        pinned = list(ReleaseEntry.objects.filter(release=release).values_list("version_id", flat=True))
        factors = Counter(FactorVersion.objects.filter(pk__in=pinned).values_list("factor_id", flat=True))
        assert factors[republished.factor_id] == 1, f"round {n}: the republished factor, exactly once"
        assert factors[scheduled.factor_id] == 1, f"round {n}: the factor published on schedule, exactly once"
        assert max(factors.values()) == 1, f"round {n}"
        assert set(pinned) == published_when(release.content.feed_seq), f"round {n}"


def test_a_deadlocked_step_is_retried_until_it_goes_through(approver):
    """Two steps locking two versions in opposite orders: PostgreSQL aborts one, which runs again."""
    first, second = SourcedPublishedVersionFactory.create_batch(2)
    both_hold_one = threading.Barrier(2)
    attempts = Counter()

    def lock_in_order(name: str, order: list[int]) -> None:
        @retry_on_conflict
        @transaction.atomic
        def step() -> None:
            attempts[name] += 1
            FactorVersion.objects.select_for_update(of=("self",)).get(pk=order[0])
            if attempts[name] == 1:
                both_hold_one.wait(timeout=10)
            FactorVersion.objects.select_for_update(of=("self",)).get(pk=order[1])
        step()

    errors = run_at_once(lambda: lock_in_order("a", [first.pk, second.pk]),
                         lambda: lock_in_order("b", [second.pk, first.pk]))

    assert errors == []
    assert sorted(attempts.values()) == [1, 2]
