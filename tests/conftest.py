import pytest
from django.conf import settings as django_settings
from django.utils import translation

from accounts.roles import Role
from factordb.generation import data_changed
from tests.factories import StaffUserFactory
from tests.roles import user_with_roles

pytest_plugins = ["tests.celery_fixtures"]


@pytest.fixture
def editor(db):
    return user_with_roles("editor", Role.EDITOR)


@pytest.fixture
def other_editor(db):
    return user_with_roles("editor2", Role.EDITOR)


@pytest.fixture
def reviewers(db):
    return [user_with_roles(f"reviewer{n}", Role.REVIEWER) for n in (1, 2, 3)]


@pytest.fixture
def reviewer(reviewers):
    return reviewers[0]


@pytest.fixture
def approver(db):
    return user_with_roles("approver", Role.APPROVER)


@pytest.fixture
def outsider(db):
    return user_with_roles("outsider")


@pytest.fixture
def staff(db):
    return StaffUserFactory(username="staff")


@pytest.fixture
def admin_client(client, staff):
    client.force_login(staff)
    return client


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # PBKDF2's deliberate slowness protects real passwords; test users need none of it.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _default_language_after_each_test():
    # A request to an /en/ page leaves English active in the thread; the next test must
    # start from the default, as a new request would.
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


@pytest.fixture
def english():
    """English active, for tests that read a service's messages in English (Chinese is the
    default language; tests/api/test_language_of_errors.py checks both)."""
    with translation.override("en"):
        yield


@pytest.fixture
def shared_cache(settings, tmp_path):
    """A cache every process shares, which answers and pages are kept in: Redis when REDIS_URL
    is set, else a file cache, which the processes of one machine share."""
    if not settings.REDIS_URL:
        settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                                       "LOCATION": str(tmp_path / "cache")}}


@pytest.fixture(autouse=True)
def _no_warm_up(settings):
    # Answers are worked out again after a publication only where a test asks for it
    # (tests/api/test_answer_warmup.py): elsewhere it would add queries and tasks to what
    # a test counts, and a worker of another database could keep answers of its own.
    settings.API_WARM_ANSWERS = 0


@pytest.fixture(autouse=True)
def _fresh_data_generation():
    # Each test's data is rolled back, which no signal sees: answers cached by the previous
    # test must not be served to this one.
    data_changed()
