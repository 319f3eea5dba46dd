"""`make prod-local`: the production processes start against the local PostgreSQL and Redis,
answer, and all stop on Ctrl-C."""

import json
import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(settings.BASE_DIR)
STARTUP_SECONDS = 240

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql" or not settings.REDIS_URL,
                                reason="prod-local runs against PostgreSQL and Redis")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def own_database():
    """A database of its own (prod-local makes it), dropped afterwards."""
    test_db = connection.settings_dict
    name = f"{test_db['NAME']}_prod_local"
    admin = f"postgresql://{test_db['USER']}@{test_db['HOST']}:{test_db['PORT']}/postgres"
    yield f"postgres://{test_db['USER']}@{test_db['HOST']}:{test_db['PORT']}/{name}"
    with psycopg.connect(admin, autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def redis_index_of_its_own() -> str:
    # Not the test run's index: its worker must not take this run's tasks, nor prod-local's the run's.
    url = urlsplit(settings.REDIS_URL)
    index = (int(url.path.lstrip("/") or 0) + 8) % 16
    return urlunsplit(url._replace(path=f"/{index}"))


def group_has_ended(group: int, seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.2)
    return False


def get(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=5) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as refused:
        return refused.code, {}


def test_it_serves_with_debug_off_and_stops_every_process_on_ctrl_c(own_database, tmp_path):
    port = free_port()
    env = {**os.environ, "DATABASE_URL": own_database, "REDIS_URL": redis_index_of_its_own(),
           "PORT": str(port), "LOAD_SEED": "0", "SECRET_KEY": "prod-local-test-" + "k" * 50}
    env.pop("DEBUG", None)
    log = (tmp_path / "prod-local.log").open("w+")
    run = subprocess.Popen([str(ROOT / "docker" / "prod-local")], cwd=ROOT, env=env, stdout=log,
                           stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while "is serving on" not in (tmp_path / "prod-local.log").read_text():
            assert run.poll() is None, (tmp_path / "prod-local.log").read_text()[-3000:]
            assert time.monotonic() < deadline, "prod-local did not start in time"
            time.sleep(0.5)

        assert f"http://127.0.0.1:{port}/" in (tmp_path / "prod-local.log").read_text()
        assert get(f"http://127.0.0.1:{port}/readyz") == (200, {
            "status": "ready", "down": [], "checks": {"database": "ok", "cache": "ok", "broker": "ok"}})
        status, root = get(f"http://127.0.0.1:{port}/api/v1/")
        assert status == 200
        assert "factors" in root
        # DEBUG off: an unknown page is the site's own 404, not Django's debug page.
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/no-such-page/", timeout=5)
        assert b"URLconf" not in missing.value.read()

        os.killpg(run.pid, signal.SIGINT)  # what Ctrl-C sends to the terminal's process group
        assert run.wait(timeout=60) == 0
        assert group_has_ended(run.pid), "a process of prod-local outlived Ctrl-C"
    finally:
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)
        log.close()
