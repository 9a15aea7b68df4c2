"""The issue's "done when": a manager sets up a store and a catalog in the back office, prints the
store and a staff poster, and the code on the poster opens the storefront with both sections."""

import io
import shutil
import subprocess

import pytest
import zxingcpp
from django.urls import reverse
from PIL import Image

from shops.models import EntryPoint, Membership, Product, Store, Variant
from tests import factories

pytestmark = pytest.mark.django_db


def _decode_pdf(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "poster.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "100", "-png", str(path), str(tmp_path / "p")], check=True)
    (page,) = sorted(tmp_path.glob("p-*.png"))
    (result,) = zxingcpp.read_barcodes(Image.open(page))
    return result.text


def _decode_png(png: bytes) -> str:
    (result,) = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    return result.text


def test_manager_sets_up_prints_and_a_phone_lands_on_the_storefront(client, settings, tmp_path):
    merchant = factories.MerchantFactory(slug="beiling", name="北岭服饰")
    manager = factories.member(merchant, "manager")
    client.force_login(manager)
    bo = lambda name, *args: reverse(f"backoffice:shops_{name}", args=args)  # noqa: E731

    # A store.
    response = client.post(
        bo("store_add"),
        {
            "name": "三里屯店",
            "code": "sanlitun",
            "status": "open",
            "address": "北京市朝阳区三里屯路19号",
            "latitude": "39.9336",
            "longitude": "116.4548",
            "opening_hours": "10:00–22:00",
            "phone": "010-64160001",
        },
    )
    assert response.status_code == 302, response.content
    store = Store.objects.get(merchant=merchant, code="sanlitun")
    Membership.objects.get(user=manager).stores.add(store)
    staff = Membership.objects.get(user=factories.member(merchant, "staff", stores=[store]))

    # A product with two variants, listed online at one price and in the store at another.
    response = client.post(
        bo("product_add"),
        {
            "title": "Basic tee",
            "description": "",
            "is_active": "on",
            "variants-TOTAL_FORMS": "3",
            "variants-INITIAL_FORMS": "0",
            "variants-0-sku": "TEE-S",
            "variants-0-attributes": '{"size": "S"}',
            "variants-1-sku": "TEE-M",
            "variants-1-attributes": '{"size": "M"}',
            "variants-2-sku": "TEE-LTD",
            "variants-2-attributes": '{"size": "Sanlitun limited"}',
        },
    )
    assert response.status_code == 302, response.content
    tee_s, tee_m, limited = (Variant.objects.get(sku=s) for s in ("TEE-S", "TEE-M", "TEE-LTD"))
    changelist = bo("variant_changelist")
    client.post(
        changelist,
        {
            "action": "list_online_at_price",
            "_selected_action": [tee_s.pk, tee_m.pk],
            "apply": "1",
            "price": "129",
        },
    )
    client.post(
        changelist,
        {
            "action": "copy_online_to_stores",
            "_selected_action": [tee_s.pk, tee_m.pk],
            "apply": "1",
            "stores": [store.pk],
        },
    )
    for variant in (tee_s, tee_m):
        listing = variant.listings.get(store=store)
        response = client.post(
            bo("channellisting_change", listing.pk),
            {"variant": variant.pk, "store": store.pk, "price": "99", "is_available": "on"},
        )
        assert response.status_code == 302, response.content
    response = client.post(
        bo("channellisting_add"),
        {
            "variant": limited.pk,
            "store": store.pk,
            "price": "199",
            "is_available": "on",
            "is_exclusive": "on",
        },
    )
    assert response.status_code == 302, response.content

    # Store and staff codes, and their posters.
    for data in (
        {"kind": "store", "store": store.pk},
        {"kind": "staff", "store": store.pk, "staff": staff.pk},
    ):
        assert client.post(bo("entrypoint_add"), data).status_code == 302
    store_code = EntryPoint.objects.get(kind="store")
    staff_code = EntryPoint.objects.get(kind="staff")
    if shutil.which("pdftoppm"):
        store_poster = client.get(bo("entrypoint_poster", store_code.pk, "a4.pdf"))
        url = _decode_pdf(store_poster.content, tmp_path)
    else:
        url = _decode_png(client.get(bo("entrypoint_poster", store_code.pk, "png")).content)
    staff_url = _decode_png(client.get(bo("entrypoint_poster", staff_code.pk, "png")).content)
    assert url == f"{settings.SITE_URL}/s/{store_code.token}"
    assert staff_url == f"{settings.SITE_URL}/s/{staff_code.token}"

    # A phone (a fresh client, no login) opens the poster's URL.
    phone = type(client)()
    landing = phone.get(url.removeprefix(settings.SITE_URL), follow=True)
    html = landing.content.decode()
    assert landing.status_code == 200 and landing.redirect_chain[0][1] == 302
    assert "三里屯店" in html and "10:00–22:00" in html
    assert "Basic tee" in html and "¥129.00" in html  # online
    assert 'id="exclusive-title"' in html and "¥199.00" in html  # only in this store
    product = Product.objects.get(title="Basic tee")
    detail = phone.get(
        reverse("storefront-product", kwargs={"merchant_slug": "beiling", "product_id": product.pk})
    )
    assert "¥99.00" in detail.content.decode()  # in-store price of the context store
