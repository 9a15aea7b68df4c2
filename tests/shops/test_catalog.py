"""Catalog rules: listings per channel, merchant ownership, bulk actions, store photos."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from PIL import Image

from shops import catalog
from shops.images import normalise_photo
from shops.models import ChannelListing, Store, Variant
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def brand():
    merchant = factories.MerchantFactory()
    store = factories.StoreFactory(merchant=merchant)
    return merchant, store


def test_same_variant_has_its_own_price_per_channel(brand):
    merchant, store = brand
    variant = factories.VariantFactory(merchant=merchant)
    online = catalog.set_listing(merchant=merchant, variant=variant, store=None, price_fen=12900)
    in_store = catalog.set_listing(
        merchant=merchant, variant=variant, store=store, price_fen=9900, is_exclusive=True
    )
    assert online.pk != in_store.pk
    again = catalog.set_listing(
        merchant=merchant, variant=variant, store=None, price_fen=11900, is_available=False
    )
    assert again.pk == online.pk
    assert ChannelListing.objects.filter(variant=variant).count() == 2
    online.refresh_from_db()
    assert (online.price_fen, online.is_available) == (11900, False)


def test_database_refuses_two_online_listings_of_one_variant(brand):
    merchant, _store = brand
    listing = factories.ListingFactory(merchant=merchant)
    with pytest.raises(IntegrityError), transaction.atomic():
        ChannelListing.objects.create(merchant=merchant, variant=listing.variant, store=None, price_fen=1)


def test_listing_of_another_merchants_variant_or_store_is_refused(brand):
    merchant, store = brand
    other = factories.MerchantFactory()
    foreign_variant = factories.VariantFactory(merchant=other)
    foreign_store = factories.StoreFactory(merchant=other)
    mine = factories.VariantFactory(merchant=merchant)
    with pytest.raises(ValidationError):
        catalog.set_listing(merchant=merchant, variant=foreign_variant, store=None, price_fen=100)
    with pytest.raises(ValidationError):
        catalog.set_listing(merchant=merchant, variant=mine, store=foreign_store, price_fen=100)
    with pytest.raises(ValidationError):
        catalog.set_listing(merchant=merchant, variant=mine, store=store, price_fen=-1)
    assert not ChannelListing.objects.exists()


def test_copy_online_listings_keeps_store_prices_unless_overwrite(brand):
    merchant, store = brand
    second = factories.StoreFactory(merchant=merchant)
    a, b, unlisted = (factories.VariantFactory(merchant=merchant) for _ in range(3))
    catalog.set_listing(merchant=merchant, variant=a, store=None, price_fen=1000, is_exclusive=True)
    catalog.set_listing(merchant=merchant, variant=b, store=None, price_fen=2000)
    catalog.set_listing(merchant=merchant, variant=a, store=store, price_fen=800)
    count = catalog.copy_online_listings_to_stores(
        merchant=merchant, variants=[a, b, unlisted], stores=[store, second]
    )
    assert count == 3  # a@second, b@store, b@second; a@store keeps its own price
    assert ChannelListing.objects.get(variant=a, store=store).price_fen == 800
    copied = ChannelListing.objects.get(variant=a, store=second)
    assert (copied.price_fen, copied.is_exclusive) == (1000, False)
    assert not ChannelListing.objects.filter(variant=unlisted).exists()
    catalog.copy_online_listings_to_stores(merchant=merchant, variants=[a], stores=[store], overwrite=True)
    assert ChannelListing.objects.get(variant=a, store=store).price_fen == 1000


def test_copy_to_a_foreign_store_changes_nothing(brand):
    merchant, _store = brand
    variant = factories.ListingFactory(merchant=merchant).variant
    with pytest.raises(ValidationError):
        catalog.copy_online_listings_to_stores(
            merchant=merchant, variants=[variant], stores=[factories.StoreFactory()]
        )
    assert ChannelListing.objects.filter(store__isnull=False).count() == 0


# --- Back office --------------------------------------------------------------------------------


@pytest.fixture
def manager_client(client, brand):
    merchant, store = brand
    client.force_login(factories.member(merchant, "manager", stores=[store]))
    return client


def test_bulk_list_online_shows_a_form_then_applies_the_price(manager_client, brand):
    merchant, _store = brand
    variants = [factories.VariantFactory(merchant=merchant) for _ in range(2)]
    url = reverse("backoffice:shops_variant_changelist")
    data = {"action": "list_online_at_price", "_selected_action": [v.pk for v in variants]}
    page = manager_client.post(url, data)
    assert page.status_code == 200 and b'name="price"' in page.content
    assert not ChannelListing.objects.exists()
    bad = manager_client.post(url, {**data, "apply": "1", "price": "abc"})
    assert bad.status_code == 200 and not ChannelListing.objects.exists()
    done = manager_client.post(url, {**data, "apply": "1", "price": "59.90"})
    assert done.status_code == 302
    assert sorted(ChannelListing.objects.filter(store=None).values_list("price_fen", flat=True)) == [
        5990,
        5990,
    ]


def test_bulk_copy_to_stores_offers_only_own_stores(manager_client, brand):
    merchant, store = brand
    foreign = factories.StoreFactory()
    listing = factories.ListingFactory(merchant=merchant, price_fen=3000)
    url = reverse("backoffice:shops_variant_changelist")
    data = {"action": "copy_online_to_stores", "_selected_action": [listing.variant.pk]}
    page = manager_client.post(url, data)
    assert page.status_code == 200
    assert foreign.name not in page.content.decode()
    refused = manager_client.post(url, {**data, "apply": "1", "stores": [foreign.pk]})
    assert refused.status_code == 200
    assert not ChannelListing.objects.filter(store__isnull=False).exists()
    manager_client.post(url, {**data, "apply": "1", "stores": [store.pk]})
    assert ChannelListing.objects.get(store=store).price_fen == 3000


def test_duplicate_sku_in_back_office_is_a_form_error_not_a_500(manager_client, brand):
    merchant, _store = brand
    factories.VariantFactory(merchant=merchant, sku="TEA-1")
    factories.VariantFactory(sku="TEA-2")  # another brand may use any SKU
    product = factories.ProductFactory(merchant=merchant)
    url = reverse("backoffice:shops_variant_add")
    inline = {"listings-TOTAL_FORMS": "0", "listings-INITIAL_FORMS": "0"}
    data = {"product": product.pk, "sku": "TEA-1", "attributes": "{}", **inline}
    response = manager_client.post(url, data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert Variant.objects.filter(merchant=merchant).count() == 1
    response = manager_client.post(url, {**data, "sku": "TEA-2"})
    assert response.status_code == 302
    assert Variant.objects.get(merchant=merchant, sku="TEA-2").merchant == merchant


def test_listing_admin_saves_price_in_fen(manager_client, brand):
    merchant, store = brand
    variant = factories.VariantFactory(merchant=merchant)
    url = reverse("backoffice:shops_channellisting_add")
    response = manager_client.post(
        url, {"variant": variant.pk, "store": store.pk, "price": "12.34", "is_available": "on"}
    )
    assert response.status_code == 302, response.content
    listing = ChannelListing.objects.get()
    assert (listing.price_fen, listing.store, listing.merchant) == (1234, store, merchant)
    # The same channel twice is a form error.
    again = manager_client.post(url, {"variant": variant.pk, "store": store.pk, "price": "1"})
    assert again.status_code == 200 and ChannelListing.objects.count() == 1


def test_product_with_variant_inline_gets_the_merchant(manager_client, brand):
    merchant, _store = brand
    response = manager_client.post(
        reverse("backoffice:shops_product_add"),
        {
            "title": "Oolong",
            "description": "",
            "is_active": "on",
            "variants-TOTAL_FORMS": "1",
            "variants-INITIAL_FORMS": "0",
            "variants-0-sku": "OOL-1",
            "variants-0-attributes": '{"size": "100g"}',
        },
    )
    assert response.status_code == 302, response.content
    variant = Variant.objects.get(sku="OOL-1")
    assert variant.merchant == merchant and variant.product.merchant == merchant


# --- Store photos -------------------------------------------------------------------------------


def _image_bytes(size=(40, 30), fmt="PNG", exif=False):
    image = Image.new("RGB", size, "red")
    out = io.BytesIO()
    if exif:
        data = Image.Exif()
        data[0x010F] = "SpyCam"  # Make
        image.save(out, fmt, exif=data)
    else:
        image.save(out, fmt)
    return out.getvalue()


def test_photo_is_reencoded_as_jpeg_without_exif():
    upload = SimpleUploadedFile("shop.jpeg", _image_bytes(fmt="JPEG", exif=True), content_type="image/jpeg")
    with Image.open(io.BytesIO(upload.read())) as original:
        assert original.getexif()
    result = normalise_photo(upload)
    assert result.name == "shop.jpg"
    with Image.open(io.BytesIO(result.read())) as image:
        assert image.format == "JPEG" and image.size == (40, 30)
        assert not image.getexif()


@pytest.mark.parametrize(
    "content",
    [b"not an image at all", b"GIF89a" + b"\x00" * 20, b"%PDF-1.4 fake"],
    ids=["text", "truncated-gif", "pdf"],
)
def test_non_images_are_refused(content):
    with pytest.raises(ValidationError):
        normalise_photo(SimpleUploadedFile("x.jpg", content))


def test_too_large_dimensions_and_bytes_are_refused():
    with pytest.raises(ValidationError, match="4000"):
        normalise_photo(SimpleUploadedFile("big.png", _image_bytes(size=(4001, 10))))
    huge = SimpleUploadedFile("huge.jpg", b"\xff" * (5 * 1024 * 1024 + 1))
    with pytest.raises(ValidationError, match="5 MB"):
        normalise_photo(huge)


def test_store_admin_stores_the_reencoded_photo(manager_client, brand, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    merchant, store = brand
    owner_client = manager_client
    data = {
        "name": store.name,
        "code": store.code,
        "status": "open",
        "address": "",
        "opening_hours": "",
        "phone": "",
        "photo": SimpleUploadedFile("p.png", _image_bytes()),
    }
    response = owner_client.post(reverse("backoffice:shops_store_change", args=[store.pk]), data)
    assert response.status_code == 302, response.content
    store.refresh_from_db()
    assert store.photo.name.endswith(".jpg")
    data["photo"] = SimpleUploadedFile("evil.png", b"<script>")
    response = owner_client.post(reverse("backoffice:shops_store_change", args=[store.pk]), data)
    assert response.status_code == 200 and "photo" in response.context["adminform"].form.errors
    assert Store.objects.get(pk=store.pk).photo.name.endswith(".jpg")


def test_product_image_is_checked_and_reencoded(manager_client, brand, settings, tmp_path):
    from shops.models import Product

    settings.MEDIA_ROOT = tmp_path
    url = reverse("backoffice:shops_product_add")
    data = {
        "title": "Oolong",
        "description": "",
        "is_active": "on",
        "variants-TOTAL_FORMS": "0",
        "variants-INITIAL_FORMS": "0",
    }
    bad = manager_client.post(url, {**data, "image": SimpleUploadedFile("x.png", b"<?php echo 1; ?>")})
    assert bad.status_code == 200 and "image" in bad.context["adminform"].form.errors
    good = manager_client.post(url, {**data, "image": SimpleUploadedFile("x.png", _image_bytes())})
    assert good.status_code == 302, good.content
    assert Product.objects.get().image.name.endswith(".jpg")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_listing_of_one_variant_in_one_channel_makes_one_listing():
    import threading

    from django.db import connection

    merchant = factories.MerchantFactory()
    variant = factories.VariantFactory(merchant=merchant)
    barrier, errors = threading.Barrier(4), []

    def worker(price):
        try:
            barrier.wait()
            catalog.set_listing(merchant=merchant, variant=variant, store=None, price_fen=price)
        except Exception as error:  # pragma: no cover - the assertion below reports it
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(1000 + i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    listing = ChannelListing.objects.get(variant=variant, store=None)
    assert listing.price_fen in {1000, 1001, 1002, 1003}


def test_variant_page_edits_listings_in_yuan_through_the_service(manager_client, brand):
    merchant, store = brand
    variant = factories.VariantFactory(merchant=merchant)
    online = catalog.set_listing(merchant=merchant, variant=variant, store=None, price_fen=1000)
    url = reverse("backoffice:shops_variant_change", args=[variant.pk])
    data = {
        "product": variant.product_id,
        "sku": variant.sku,
        "attributes": '{"size": "M"}',
        "listings-TOTAL_FORMS": "2",
        "listings-INITIAL_FORMS": "1",
        "listings-0-id": online.pk,
        "listings-0-variant": variant.pk,
        "listings-0-store": "",
        "listings-0-price": "12.50",
        "listings-0-is_available": "on",
        "listings-1-variant": variant.pk,
        "listings-1-store": store.pk,
        "listings-1-price": "9.90",
        "listings-1-is_available": "on",
        "listings-1-is_exclusive": "on",
    }
    response = manager_client.post(url, data)
    assert response.status_code == 302, response.content
    prices = dict(variant.listings.values_list("store_id", "price_fen"))
    assert prices == {None: 1250, store.pk: 990}
    assert variant.listings.get(store=store).is_exclusive
    # A foreign store is refused and nothing changes.
    foreign = factories.StoreFactory()
    bad = manager_client.post(url, {**data, "listings-1-store": foreign.pk, "listings-1-price": "1"})
    assert bad.status_code == 200
    assert dict(variant.listings.values_list("store_id", "price_fen")) == prices
