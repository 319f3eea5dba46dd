import pytest
from django.core.management import call_command


def test_the_openapi_schema_validates_without_warnings(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
    assert "/api/v1/resolve/" in (tmp_path / "schema.yaml").read_text()


@pytest.mark.django_db
def test_the_schema_and_docs_are_served(client):
    assert client.get("/api/v1/schema/").status_code == 200
    assert client.get("/api/v1/docs/").status_code == 200
