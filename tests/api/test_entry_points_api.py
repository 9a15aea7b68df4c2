"""QR entry points through the API: create, rotate (new token, old revoked), poster files."""

import pytest

from tests.factories import StoreFactory

pytestmark = pytest.mark.django_db


def test_create_rotate_and_download_poster(api, merchant):
    store = StoreFactory(merchant=merchant)
    response = api.post(
        "/api/v1/entry-points/", {"kind": "store", "store": store.pk, "label": "Door"}, format="json"
    )
    assert response.status_code == 201, response.content
    code = response.json()
    assert code["scan_url"].endswith(f"/s/{code['token']}")

    response = api.get(f"/api/v1/entry-points/{code['id']}/poster/", {"file_format": "png"})
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response.content.startswith(b"\x89PNG")
    pdf = api.get(f"/api/v1/entry-points/{code['id']}/poster/", HTTP_ACCEPT="application/pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    bad = api.get(f"/api/v1/entry-points/{code['id']}/poster/", {"file_format": "gif"})
    assert bad.status_code == 400 and "file_format" in bad.json()["error"]["fields"]

    rotated = api.post(f"/api/v1/entry-points/{code['id']}/rotate/")
    assert rotated.status_code == 201
    new = rotated.json()
    assert new["token"] != code["token"] and new["is_active"]
    old = api.get(f"/api/v1/entry-points/{code['id']}/").json()
    assert old["is_active"] is False and old["replaced_by"] == new["id"]
    # A revoked code has no poster.
    assert api.get(f"/api/v1/entry-points/{code['id']}/poster/").status_code == 404
