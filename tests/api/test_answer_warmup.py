"""After a publication, the answers most asked for are worked out again in the background, so
calculators find them kept instead of all waiting on the cold path at once."""

import threading
import time

import pytest
from celery.signals import before_task_publish, task_postrun
from django.conf import settings as django_settings
from django.core.cache import cache
from django.db import transaction

from api.answer_warmup import QUEUED_KEY, ROSTER_KEY, Question, most_asked, warm_answers
from factordb.generation import data_changed, public_data_committed
from factordb.services import review
from tests.factories import ApprovedVersionFactory, PublishedVersionFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shared_cache")]


@pytest.fixture
def warming(settings):
    settings.API_WARM_ANSWERS = 10
    settings.API_ASKED_SAMPLE = 1  # every request noted: the tests say which are asked
    # The roster and its counters live under the test's own namespace (tests/api/conftest.py).
    return settings


@pytest.fixture
def published():
    return PublishedVersionFactory()


def _publish_another(approver, editor):
    other = PublishedVersionFactory()
    newer = ApprovedVersionFactory(factor=other.factor, version=other.version + 1, author=editor)
    return review.factor_version_publish(version=newer, actor=approver)


def _detail(version) -> str:
    return f"/api/v1/factors/{version.factor.public_id}/"


@pytest.mark.usefixtures("warming", "eager_celery")
def test_an_answer_asked_before_a_publication_is_kept_again_after_it(
        api, published, approver, editor, django_capture_on_commit_callbacks, django_assert_num_queries):
    before = api.get(_detail(published))

    with django_capture_on_commit_callbacks(execute=True):
        _publish_another(approver, editor)
    with django_assert_num_queries(0):
        after = api.get(_detail(published))

    assert after.status_code == 200
    assert after.content == before.content


@pytest.mark.usefixtures("warming", "eager_celery")
def test_a_kept_answer_is_the_one_a_client_would_have_worked_out(
        api, published, approver, editor, django_capture_on_commit_callbacks):
    list_url = f"/api/v1/factors/?category={published.factor.category.code}&page_size=1"
    api.get(list_url)

    with django_capture_on_commit_callbacks(execute=True):
        _publish_another(approver, editor)
    kept = api.get(list_url)
    worked_out = api.get(list_url, HTTP_CACHE_CONTROL="no-cache")

    assert kept.content == worked_out.content  # the next page's link on this host included
    for name in ("Content-Type", "ETag", "Allow", "Content-Language"):
        assert kept[name] == worked_out[name], name


@pytest.mark.usefixtures("warming", "eager_celery")
def test_an_answer_is_kept_again_in_the_language_it_was_asked_in(
        api, published, approver, editor, django_capture_on_commit_callbacks, django_assert_num_queries,
        django_assert_max_num_queries):
    api.get(_detail(published), HTTP_ACCEPT_LANGUAGE="en")

    with django_capture_on_commit_callbacks(execute=True):
        _publish_another(approver, editor)
    with django_assert_num_queries(0):
        english = api.get(_detail(published), HTTP_ACCEPT_LANGUAGE="en")
    with django_assert_max_num_queries(20) as chinese:
        api.get(_detail(published), HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert english["Content-Language"] == "en"
    assert len(chinese.captured_queries) > 0  # never asked in Chinese: worked out on request


@pytest.mark.usefixtures("warming", "eager_celery")
def test_the_warm_up_counts_against_no_client_quota(api, published, approver, editor, settings,
                                                    django_capture_on_commit_callbacks):
    settings.API_ANON_RATE = "3/min"
    api.get(_detail(published))
    api.get("/api/v1/units/")

    with django_capture_on_commit_callbacks(execute=True):
        _publish_another(approver, editor)

    assert api.get(_detail(published)).status_code == 200  # the third of three


@pytest.mark.usefixtures("warming")
def test_the_warm_up_does_not_count_itself_as_asked(api, published, settings):
    api.get(_detail(published))
    asked = most_asked(10)

    data_changed()  # what a publication does
    assert warm_answers() == 1

    assert most_asked(10) == asked
    assert len(cache.get(settings.THROTTLE_NAMESPACE + ROSTER_KEY)) == 1


@pytest.mark.usefixtures("warming")
def test_what_is_not_a_cached_read_of_the_api_is_never_worked_out(api, published, settings):
    forged = [Question("zh-hans", "http", "testserver", path) for path in (
        "/admin/", "/api/v1/webhooks/", "/api/v1/resolve/", "/api/v1/nowhere/", "/zh/factors/",
        "/api/v1/factors/%ZZ/", "relative/path")]
    forged.append(Question("zh-hans", "http", "evil.example", _detail(published)))
    roster = {f"{settings.THROTTLE_NAMESPACE}forged:{number}": tuple(question)
              for number, question in enumerate(forged)}
    cache.set_many(dict.fromkeys(roster, 5))
    cache.set(settings.THROTTLE_NAMESPACE + ROSTER_KEY, roster, timeout=None)
    assert len(most_asked(20)) == len(forged)

    assert warm_answers() == 0


@pytest.mark.usefixtures("warming")
def test_the_roster_keeps_the_most_asked_when_it_grows_past_its_bound(api, published, settings):
    settings.API_WARM_ANSWERS = 2  # a roster of at most 8 questions
    popular = _detail(published)
    for _ in range(3):
        api.get(popular)
    for year in range(2000, 2008):
        api.get("/api/v1/factors/", {"year": year})

    roster = cache.get(settings.THROTTLE_NAMESPACE + ROSTER_KEY)

    assert len(roster) <= 8
    assert most_asked(1)[0].path == popular


@pytest.mark.usefixtures("warming")
def test_one_in_the_sample_is_noted(api, published, settings):
    settings.API_ASKED_SAMPLE = 1_000_000_000
    for _ in range(5):
        api.get(_detail(published))

    assert most_asked(10) == []


def test_nothing_is_noted_with_the_warm_up_off(api, published, settings):
    settings.API_WARM_ANSWERS = 0
    api.get(_detail(published))

    assert cache.get(settings.THROTTLE_NAMESPACE + ROSTER_KEY) is None


# --- On a real worker (PostgreSQL and Redis) --------------------------------------------------

@pytest.fixture
def finished_warm_ups():
    """An event set when a warm-up task has run in the worker (a thread of this process)."""
    done = threading.Event()

    def on_postrun(sender=None, **kwargs):
        if sender is not None and sender.name == "api.warm_answers":
            done.set()

    task_postrun.connect(on_postrun, weak=False)
    yield done
    task_postrun.disconnect(on_postrun)


@pytest.fixture
def queued_warm_ups():
    queued: list[str] = []

    def on_publish(sender=None, **kwargs):
        if sender == "api.warm_answers":
            queued.append(sender)

    before_task_publish.connect(on_publish, weak=False)
    yield queued
    before_task_publish.disconnect(on_publish)


def warm_ups_settled(finished: threading.Event, seconds: float = 30) -> bool:
    """True once no warm-up is queued (its key is deleted when one starts) and none has
    finished for two seconds (one takes milliseconds)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if finished.wait(timeout=2):
            finished.clear()
        elif cache.get(django_settings.THROTTLE_NAMESPACE + QUEUED_KEY) is None:
            return True
    return False


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("warming")
def test_a_worker_keeps_the_answers_again_once_for_a_transaction_of_many_writes(
        api, redis_celery_worker, approver, editor, finished_warm_ups, queued_warm_ups,
        django_assert_num_queries):
    published = PublishedVersionFactory()
    before = api.get(_detail(published))
    others = [PublishedVersionFactory() for _ in range(2)]
    newer = [ApprovedVersionFactory(factor=other.factor, version=other.version + 1, author=editor)
             for other in others]
    # The writes above queued warm-ups of their own (a second one if the first started before
    # the last write): let them all run, so that none is waiting or running.
    assert finished_warm_ups.wait(timeout=30), "no warm-up ran on the worker"
    assert warm_ups_settled(finished_warm_ups), "the warm-ups of the setup did not settle"
    queued_warm_ups.clear()

    with transaction.atomic():  # two publications, a dozen public writes, one commit
        for version in newer:
            review.factor_version_publish(version=version, actor=approver)

    assert finished_warm_ups.wait(timeout=30), "no warm-up ran on the worker"
    with django_assert_num_queries(0):
        after = api.get(_detail(published))
    assert after.content == before.content
    assert len(queued_warm_ups) == 1


def test_what_fails_after_the_commit_never_fails_the_publication(
        approver, editor, django_capture_on_commit_callbacks, caplog):
    def broker_down(**kwargs):
        raise ConnectionError("the broker is unreachable")

    public_data_committed.connect(broker_down, weak=False)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            published = _publish_another(approver, editor)
    finally:
        public_data_committed.disconnect(broker_down)

    assert published.status == "published"
    assert "the broker is unreachable" in caplog.text
