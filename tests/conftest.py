from contextlib import contextmanager

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.utils import translation

from accounts.roles import Role
from factordb.generation import data_changed
from factordb.services.seed import seed_load
from tests.factories import StaffUserFactory
from tests.roles import user_with_roles
from tests.seed_rows import load_rows
from tests.two_factor import force_login_with_second_factor

pytest_plugins = ["tests.celery_fixtures"]

# A second database alias, the test database's mirror, as a read replica is the primary's: the
# router's tests (tests/test_read_replicas.py) name it in DATABASE_REPLICAS. Set before any
# connection is opened; no other test reads through it.
django_settings.DATABASES.setdefault(
    "replica", {**django_settings.DATABASES["default"], "TEST": {"MIRROR": "default"}})
# PBKDF2's deliberate slowness protects real passwords; test users need none of it, those that
# module-scoped fixtures make included.
django_settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


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
def _force_login_passes_the_second_factor(monkeypatch):
    # Staff pages wait for the second factor (docs/adr/0038); a test that signs a user in with
    # force_login means a user who has passed it, with a real confirmed device. The tests of
    # the flow itself (tests/accounts/test_two_factor_*.py) sign in through the forms.
    monkeypatch.setattr(Client, "force_login", force_login_with_second_factor)


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


class SeedRows:
    """The real seed as `loadseed` writes it, kept as files (`dumpdata`) by the first test of a
    run that asks for it, so that every later one gets the same rows back instead of going
    through the services again: by tests/seed_rows.py, which leaves what `loaddata` would in a
    fraction of its time (tests/test_seed_rows.py compares them).

    The versions and releases come last: a published version refuses new gas amounts and
    sources, a sealed release new content (PostgreSQL's guards), so their rows may only arrive
    after their parts (foreign keys are checked at the end of the load)."""

    KEYS = {"use_natural_foreign_keys": True, "use_natural_primary_keys": True}

    def __init__(self, folder) -> None:
        self.parts = [folder / f"{name}.json" for name in ("rows", "versions", "releases")]

    def load(self) -> None:
        if self.parts[0].exists():
            load_rows(self.parts)
            return
        # A transactional test empties every table after it, the role groups of the migrations too.
        for role in Role:
            Group.objects.get_or_create(name=role.value)
        seed_load()
        call_command("dumpdata", "auth.group", "accounts", "factordb",
                     exclude=["factordb.factorversion", "factordb.release"], output=str(self.parts[0]),
                     **self.KEYS)
        call_command("dumpdata", "factordb.factorversion", output=str(self.parts[1]), **self.KEYS)
        call_command("dumpdata", "factordb.release", output=str(self.parts[2]), **self.KEYS)


@pytest.fixture(scope="session")
def seed_rows(tmp_path_factory) -> SeedRows:
    return SeedRows(tmp_path_factory.mktemp("seed"))


@contextmanager
def _seed_rolled_back(seed_rows: SeedRows, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        seed_rows.load()
        yield
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def seeded(seed_rows, django_db_setup, django_db_blocker):
    """The real seed for every test of a module, loaded once and rolled back after it (each
    test still runs in a savepoint of its own)."""
    with _seed_rolled_back(seed_rows, django_db_blocker):
        yield


@pytest.fixture(scope="class")
def seeded_class(seed_rows, django_db_setup, django_db_blocker):
    """As `seeded`, for the tests of one class: the module's other tests start empty."""
    with _seed_rolled_back(seed_rows, django_db_blocker):
        yield
