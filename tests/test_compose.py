"""docker/compose.yaml, docker/nginx.conf and docker/Dockerfile: the services production runs,
each watched by a healthcheck, with the proxy in front as the only published port."""

import re
from pathlib import Path

import yaml
from csp.utils import build_policy
from django.conf import settings

from factordb.services.imports import reading

DOCKER = Path(settings.BASE_DIR) / "docker"
COMPOSE = yaml.safe_load((DOCKER / "compose.yaml").read_text())
SERVICES = COMPOSE["services"]
NGINX = (DOCKER / "nginx.conf").read_text()
DOCKERFILE = (DOCKER / "Dockerfile").read_text()


def test_it_runs_the_database_redis_web_worker_beat_and_the_proxy():
    assert set(SERVICES) == {"postgres", "redis", "web", "worker", "beat", "proxy"}


def test_every_service_that_answers_has_a_healthcheck():
    for name in ("postgres", "redis", "web", "worker", "proxy"):
        check = SERVICES[name].get("healthcheck")
        assert check, f"{name} has no healthcheck"
        assert check["test"][0] in ("CMD", "CMD-SHELL"), name
        assert {"interval", "timeout", "retries"} <= set(check), name


def test_web_is_ready_only_when_its_database_redis_and_broker_answer():
    assert "/readyz" in " ".join(SERVICES["web"]["healthcheck"]["test"])
    assert SERVICES["web"]["depends_on"] == {"postgres": {"condition": "service_healthy"},
                                             "redis": {"condition": "service_healthy"}}


def test_only_the_proxy_is_published_and_it_waits_for_a_healthy_web():
    published = {name for name, service in SERVICES.items() if service.get("ports")}
    assert published == {"proxy"}
    assert SERVICES["proxy"]["depends_on"] == {"web": {"condition": "service_healthy"}}
    assert SERVICES["proxy"]["build"]["target"] == "proxy"
    assert re.search(r"^FROM nginx:\S+ AS proxy$", DOCKERFILE, re.MULTILINE)


def test_the_proxy_serves_static_files_and_keeps_only_anonymous_gets():
    assert re.search(r"location /static/ \{\s*alias /srv/static/;", NGINX)
    assert "proxy_cache_methods GET HEAD;" in NGINX
    for credential in ("$cookie_sessionid", "$http_authorization", "$http_x_api_key"):
        assert re.search(rf"proxy_cache_bypass [^;]*\{credential}", NGINX), credential
        assert re.search(rf"proxy_no_cache [^;]*\{credential}", NGINX), credential
    # Nothing overrides the application's Cache-Control: no proxy_cache_valid, no ignored headers.
    assert "proxy_cache_valid" not in NGINX
    assert "proxy_ignore_headers" not in NGINX
    assert "proxy_cache_use_stale" not in NGINX


def test_the_proxy_accepts_an_import_up_to_the_applications_own_limit():
    limit_mb = int(re.search(r"client_max_body_size (\d+)m;", NGINX).group(1))
    assert limit_mb * 1024 * 1024 > reading.MAX_FILE_BYTES


def test_slow_clients_are_waited_for_by_the_proxy_and_dropped_never_by_a_web_worker():
    for directive, most in (("client_header_timeout", 10), ("client_body_timeout", 20), ("send_timeout", 30)):
        seconds = int(re.search(rf"^\s*{directive} (\d+)s;", NGINX, re.MULTILINE).group(1))
        assert seconds <= most, directive
    # The application's location hands gunicorn whole requests and takes whole answers.
    application = NGINX[NGINX.index("location / {"):]
    assert "proxy_request_buffering on;" in application
    assert "proxy_buffering on;" in application
    assert "proxy_request_buffering off" not in NGINX
    assert "proxy_buffering off" not in NGINX


def test_the_image_carries_the_postgresql_client_tools_of_the_servers_major_version():
    # `manage.py backup` and `restore` run pg_dump, pg_restore and psql in the image (web, or a
    # one-off container of it); a dump by another major version may not restore.
    server_major = re.fullmatch(r"postgres:(\d+)(?:[.-]\S*)?", SERVICES["postgres"]["image"]).group(1)
    runtime = DOCKERFILE[DOCKERFILE.rindex("\nFROM "):]
    assert re.search(rf"apt-get install [^&]*\bpostgresql-client-{server_major}\b", runtime)


def _directives(policy: str) -> dict[str, str]:
    return dict(directive.strip().partition(" ")[::2] for directive in policy.split(";") if directive.strip())


def test_the_proxy_serves_static_files_under_the_applications_own_policy():
    static = NGINX[NGINX.index("location /static/ {"):]
    static = static[:static.index("}")]
    sent = re.search(r'add_header Content-Security-Policy "([^"]+)" always;', static)
    # The policy as the application builds it from its settings, so the two cannot drift apart.
    assert sent, "no Content-Security-Policy for static files"
    assert _directives(sent.group(1)) == _directives(build_policy())
    assert "add_header X-Content-Type-Options nosniff always;" in static
