"""On SQLite (the embedded default), two reviewers approving at the same instant both
succeed, or one is told of a conflict (409): never "database is locked" (a 500).

SQLite allows one writer at a time. A transaction that starts as a reader and then writes
cannot wait for the writer ahead of it (SQLite refuses at once to avoid a deadlock), so the
settings begin every transaction as a writer ("transaction_mode": "IMMEDIATE") and let it
wait for the lock ("timeout"). The test database of pytest-django is an in-memory database
shared between connections, where SQLite's locks do not wait at all, so the race runs in a
separate process on a real file, configured by the same settings.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

SCRIPT = Path(__file__).with_name("sqlite_concurrent_approvals.py")

pytestmark = pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite settings only")


def test_sqlite_transactions_wait_for_the_write_lock():
    options = settings.DATABASES["default"]["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE"
    assert options["timeout"] >= 5


def test_two_simultaneous_approvals_both_complete_or_one_conflicts(tmp_path):
    env = {**os.environ, "ENV_FILE": "", "DJANGO_SETTINGS_MODULE": "factordb.settings",
           "DATABASE_URL": f"sqlite:///{tmp_path / 'race.sqlite3'}", "PYTHONPATH": str(settings.BASE_DIR)}
    env.pop("REDIS_URL", None)
    done = subprocess.run([sys.executable, str(SCRIPT), "10"], env=env, cwd=settings.BASE_DIR,
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    outcomes = json.loads(done.stdout.strip().splitlines()[-1])
    assert len(outcomes) == 20
    assert set(outcomes) <= {"approved", "conflict"}, outcomes
    assert "approved" in outcomes
