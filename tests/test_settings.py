"""Settings read from the environment: each case starts a fresh process with an explicit env,
so neither the test run's own settings nor a developer's .env can leak in."""

import json
import os
import re
import secrets
import subprocess
import sys

import pytest
from django.conf import settings

MANAGE = str(settings.BASE_DIR / "manage.py")
# env("NAME", …) and env.<type>("NAME", …): every way settings.py reads a variable.
ENV_READ = re.compile(r"""\benv(?:\.\w+)?\(\s*["']([A-Za-z_][A-Za-z0-9_]*)["']""")
PRINT_SETTINGS = (
    "import django, json; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({'DEBUG': s.DEBUG, 'cache': s.CACHES['default']['BACKEND'], "
    "'engine': s.DATABASES['default']['ENGINE'], 'eager': s.CELERY_TASK_ALWAYS_EAGER, "
    "'broker': s.CELERY_BROKER_URL, 'hosts': s.ALLOWED_HOSTS}))"
)


# What production cannot run without: with DEBUG off none of them has a default.
REQUIRED_IN_PRODUCTION = ["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL"]


def bare_env(**variables: str) -> dict[str, str]:
    """Nothing set but what Python and Django need to start: no DEBUG, no .env."""
    return {"PATH": os.environ["PATH"], "ENV_FILE": "", "DJANGO_SETTINGS_MODULE": "factordb.settings",
            **variables}


def clean_env(tmp_path, **variables: str) -> dict[str, str]:
    """Development mode, as `make run` and `make test` start it, on a database of its own."""
    return bare_env(**{"DEBUG": "1", "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", **variables})


def production_env(tmp_path, **variables: str) -> dict[str, str]:
    return bare_env(**{
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50)[:50],
        "ALLOWED_HOSTS": "factors.example.gov.cn",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        # Never connected to: `check` builds the cache and broker settings only.
        "REDIS_URL": "redis://127.0.0.1:6379/15",
        **variables,
    })


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def settings_seen_with(env: dict[str, str]) -> dict:
    result = run(["-c", PRINT_SETTINGS], env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_it_passes_the_deploy_checklist_in_production_mode(tmp_path):
    result = run([MANAGE, "check", "--deploy", "--fail-level", "WARNING"], production_env(tmp_path))

    assert result.returncode == 0, result.stdout + result.stderr
    # Not even a note, and nothing silenced (SILENCED_SYSTEM_CHECKS): django-csp's checks included.
    assert "System check identified no issues (0 silenced)." in result.stdout


@pytest.mark.parametrize("name", REQUIRED_IN_PRODUCTION)
def test_it_refuses_to_start_in_production_without_a_required_setting(tmp_path, name):
    env = production_env(tmp_path)
    del env[name]

    result = run([MANAGE, "check"], env)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert name in result.stderr
    assert [other for other in REQUIRED_IN_PRODUCTION if other != name and other in result.stderr] == []


@pytest.mark.parametrize("name", REQUIRED_IN_PRODUCTION)
def test_an_empty_required_setting_counts_as_missing(tmp_path, name):
    result = run([MANAGE, "check"], production_env(tmp_path, **{name: " "}))

    assert result.returncode != 0
    assert name in result.stderr


def test_debug_is_off_unless_set(tmp_path):
    env = production_env(tmp_path)
    del env["DEBUG"]

    assert settings_seen_with(env)["DEBUG"] is False


def test_with_nothing_set_it_starts_in_production_and_names_everything_missing():
    result = run([MANAGE, "check"], bare_env())

    assert result.returncode != 0
    assert [name for name in REQUIRED_IN_PRODUCTION if name not in result.stderr] == []
    assert "DEBUG=1" in result.stderr  # and says how to start in development instead


def test_development_mode_needs_no_server(tmp_path):
    seen = settings_seen_with(clean_env(tmp_path))

    assert seen["DEBUG"] is True
    assert seen["engine"] == "django.db.backends.sqlite3"
    assert seen["cache"].endswith("LocMemCache")
    assert seen["eager"] is True


def test_redis_url_turns_on_the_shared_cache_and_a_real_broker(tmp_path):
    seen = settings_seen_with(clean_env(tmp_path, REDIS_URL="redis://127.0.0.1:6379/7"))

    # django-redis, not Django's own RedisCache: one client kept per process, and a quota's
    # count in one atomic round trip (docs/adr/0028).
    assert seen["cache"] == "django_redis.cache.RedisCache"
    assert seen["broker"] == "redis://127.0.0.1:6379/7"
    assert seen["eager"] is False


def test_it_reads_a_dotenv_file_without_overriding_the_environment(tmp_path):
    dotenv = tmp_path / ".env"
    dotenv.write_text(
        "DEBUG=0\nSECRET_KEY=from-the-file-" + "x" * 40 + "\nALLOWED_HOSTS=from-file.example\n"
        f"DATABASE_URL=sqlite:///{tmp_path / 'db.sqlite3'}\nREDIS_URL=redis://127.0.0.1:6379/15\n"
    )
    env = bare_env(ENV_FILE=str(dotenv), ALLOWED_HOSTS="from-env.example")

    seen = settings_seen_with(env)

    assert seen["DEBUG"] is False
    assert seen["hosts"] == ["from-env.example"]


def variables_read_by_settings() -> set[str]:
    return set(ENV_READ.findall((settings.BASE_DIR / "factordb" / "settings.py").read_text(encoding="utf-8")))


def test_it_reads_variables_from_the_environment():
    # Guards the check below: a pattern that matched nothing would pass it vacuously.
    assert {"DEBUG", "SECRET_KEY", "DATABASE_URL", "REDIS_URL"} <= variables_read_by_settings()


def test_every_variable_settings_reads_is_documented_in_the_readme():
    readme = (settings.BASE_DIR / "README.md").read_text(encoding="utf-8")

    undocumented = sorted(name for name in variables_read_by_settings() if f"`{name}`" not in readme)

    assert undocumented == []
