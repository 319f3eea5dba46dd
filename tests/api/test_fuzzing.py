"""Schemathesis generates requests from our own OpenAPI schema for every operation.

Whatever it sends, the API never answers with a 5xx, and every answer conforms to the
schema (status code, content type, body). It runs in-process through the WSGI app, on a
database holding the real seed, in both CI runs.
"""

import json

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from factordb.services.seed import seed_load

# The schema is generated, not fetched: fetching would need the database at import time.
_document = json.loads(OpenApiJsonRenderer().render(SchemaGenerator().get_schema(request=None, public=True)))
schema = schemathesis.openapi.from_dict(_document)
schema.app = get_wsgi_application()

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield seed_load()
        transaction.set_rollback(True)


@pytest.fixture
def _unthrottled(settings):
    # Thousands of generated requests would spend any real quota; quotas have their own tests.
    settings.API_ANON_RATE = "1000000/min"
    settings.API_KEY_FAILURE_LIMIT = 1000000


@pytest.fixture
def _connection_kept_across_requests():
    # The WSGI handler closes "old" connections around each request; inside the test's
    # transaction that would close it for good. Django's own test client does the same.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.mark.fuzz
@pytest.mark.usefixtures("seeded", "db", "_connection_kept_across_requests", "_unthrottled")
@schema.parametrize()
@settings(max_examples=200, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                 HealthCheck.function_scoped_fixture])
def test_no_operation_answers_5xx_or_off_schema(case):
    case.call_and_validate(checks=CHECKS)
