"""Customer data export: a zip of CSV + JSON, built by a task with progress, behind an
expiring signed link, holding nothing of any other merchant."""

import csv
import io
import json
import zipfile

import pytest
from django.core import signing

from shops import exports
from shops.models_api import DataExport
from tests.factories import CustomerFactory, MerchantFactory, StoreFactory
from tests.tenant_makers import MAKERS

pytestmark = pytest.mark.django_db


def _world():
    a, b = MerchantFactory(), MerchantFactory()
    for merchant, tag in ((a, "A"), (b, "B")):
        for i in range(3):
            CustomerFactory(merchant=merchant, name=f"Shopper-{tag}-{i}", mobile=f"139{i:08d}")
        store = StoreFactory(merchant=merchant)
        for label, make in MAKERS.items():
            if label not in ("shops.merchant", "shops.store"):
                make(merchant, store)
    return a, b


def test_export_contains_all_and_only_own_customer_data(django_capture_on_commit_callbacks, client):
    a, b = _world()
    with django_capture_on_commit_callbacks(execute=True):
        export = exports.request_export(merchant=a)
    export.refresh_from_db()
    assert export.status == DataExport.Status.DONE
    assert export.progress == 100
    with export.file.open("rb") as fh:
        zf = zipfile.ZipFile(io.BytesIO(fh.read()))
    names = set(zf.namelist())
    assert {"shops_customer.csv", "data.json"} <= names
    document = json.loads(zf.read("data.json"))
    assert document["merchant"] == a.slug
    blob = zf.read("data.json").decode() + "".join(
        zf.read(n).decode("utf-8-sig") for n in names if n.endswith(".csv")
    )
    assert "Shopper-A-0" in blob
    assert "Shopper-B" not in blob  # nothing of merchant B, in any table
    customers = list(csv.DictReader(io.StringIO(zf.read("shops_customer.csv").decode("utf-8-sig"))))
    assert {row["merchant_id"] for row in customers} == {str(a.pk)}
    assert len(customers) == a.customers.count()
    assert "shopper_uid" not in customers[0]
    # Every table's merchant column (where it has one) is merchant A's.
    for table, rows in document["tables"].items():
        for row in rows:
            if "merchant_id" in row:
                assert row["merchant_id"] == a.pk, table
    assert export.row_counts["shops_customer"] == len(customers)


def test_download_link_works_then_expires(django_capture_on_commit_callbacks, client, monkeypatch):
    a, _b = _world()
    with django_capture_on_commit_callbacks(execute=True):
        export = exports.request_export(merchant=a)
    export.refresh_from_db()
    url = exports.download_url(export)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert client.get(url[:-3] + "xx/").status_code == 404
    monkeypatch.setattr(exports, "LINK_MAX_AGE", -1)
    assert client.get(url).status_code == 404


def test_build_is_safe_to_run_twice(django_capture_on_commit_callbacks):
    a, _b = _world()
    with django_capture_on_commit_callbacks(execute=True):
        export = exports.request_export(merchant=a)
    export.refresh_from_db()
    name = export.file.name
    exports.build_export(export_id=export.pk)
    export.refresh_from_db()
    assert export.file.name == name


def test_forged_token_is_refused():
    assert exports.export_for_token(signing.dumps({"export": 1}, salt="other")) is None


def test_export_through_the_api(django_capture_on_commit_callbacks, client):
    from tests.api.conftest import key_client
    from tests.api.factories import api_key

    a, _b = _world()
    _key, raw = api_key(a, scopes={"customers": "read"})
    api = key_client(raw)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post("/api/v1/exports/")
    assert response.status_code == 202
    export_id = response.json()["id"]
    body = api.get(f"/api/v1/exports/{export_id}/").json()
    assert body["status"] == "done" and body["progress"] == 100
    download = client.get(body["download_url"].replace("http://testserver", ""))
    assert download.status_code == 200
    _key, no_customers = api_key(a, scopes={"stores": "write"})
    assert key_client(no_customers).post("/api/v1/exports/").status_code == 403


def test_export_includes_orders_coupons_and_bindings_of_this_merchant_only(
    django_capture_on_commit_callbacks,
):
    from tests.orders.factories import paid_order

    a, b = _world()
    mine = paid_order(a, customer=CustomerFactory(merchant=a))
    theirs = paid_order(b, customer=CustomerFactory(merchant=b))
    with django_capture_on_commit_callbacks(execute=True):
        export = exports.request_export(merchant=a)
    export.refresh_from_db()
    with export.file.open("rb") as fh:
        document = json.loads(zipfile.ZipFile(io.BytesIO(fh.read())).read("data.json"))
    tables = document["tables"]
    assert {"orders_order", "orders_orderline", "attribution_binding", "coupons_coupon"} <= set(tables)
    order_ids = {row["id"] for row in tables["orders_order"]}
    assert mine.pk in order_ids and theirs.pk not in order_ids
    line_orders = {row["order_id"] for row in tables["orders_orderline"]}
    assert line_orders <= order_ids
    assert all("token" not in row for row in tables["orders_order"])
