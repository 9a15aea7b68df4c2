"""The OpenAPI document validates, with no generator warnings, and describes auth and errors."""

import pytest
from django.core.management import call_command


def test_schema_validates_without_warnings(tmp_path):
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    text = out.read_text()
    assert "scheme: bearer" in text
    assert "'429':" in text and "Retry-After" in text


@pytest.mark.django_db
def test_schema_and_docs_are_served(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    assert "/api/v1/stores/" in schema["paths"]
    assert client.get("/api/docs/").status_code == 200
