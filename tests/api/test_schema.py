import json
import re

import pytest
from django.core.management import call_command
from drf_spectacular.generators import SchemaGenerator


def test_the_openapi_schema_validates_without_warnings(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
    assert "/api/v1/resolve/" in (tmp_path / "schema.yaml").read_text()


@pytest.mark.django_db
def test_the_schema_and_docs_are_served(client):
    assert client.get("/api/v1/schema/").status_code == 200
    assert client.get("/api/v1/docs/").status_code == 200


def schema() -> dict:
    return SchemaGenerator(api_version="v1").get_schema(request=None, public=True)


def test_request_shapes_are_named_as_a_client_would_name_them():
    names = set(schema()["components"]["schemas"])
    assert {"ResolveRequest", "ResolveKey", "CalculateRequest", "ResolveResponse", "ErrorBody"} <= names
    assert not [name for name in names if name.endswith("RequestRequest")]


def test_enumerations_are_named_by_what_they_classify_not_by_a_field():
    names = set(schema()["components"]["schemas"])
    assert {"VersionStatus", "RegionKind", "GasOrigin", "Dimension", "ReleaseDiffChange"} <= names
    # BlankEnum is drf-spectacular's "may also be empty", shared by every such field.
    assert [name for name in names if name.endswith("Enum")] == ["BlankEnum"]


def test_every_reference_names_a_component_that_exists():
    document = schema()
    refs = set(re.findall(r'"#/components/schemas/([^"]+)"', json.dumps(document)))
    assert refs
    assert refs <= set(document["components"]["schemas"])


def test_operations_are_named_as_functions_a_client_can_have():
    operations = {operation["operationId"] for path in schema()["paths"].values()
                  for operation in path.values() if isinstance(operation, dict)}
    assert {"resolve", "calculate", "releases_download_json_retrieve"} <= operations
    assert all(name.isidentifier() and not name.endswith("_create") for name in operations)
