"""Catalog CSV: all-or-nothing import with line-numbered errors, merchant-scoped export."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from shops.importexport import export_catalog, import_catalog
from shops.models import Category, ChannelListing, Product, Variant
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """Error messages are asserted in English (the UI default is Simplified Chinese)."""
    with translation.override("en"):
        yield


HEADER = "product,category,description,sku,attributes,channel,price,available,exclusive\n"


@pytest.fixture
def brand():
    merchant = factories.MerchantFactory()
    factories.StoreFactory(merchant=merchant, code="jingan")
    return merchant


def _csv(*rows: str) -> bytes:
    return (HEADER + "\n".join(rows) + "\n").encode()


GOOD = [
    "Oolong,乌龙,Roasted,OOL-S,size=100g,online,129.00,1,0",
    "Oolong,乌龙,,OOL-S,size=100g,jingan,99,1,0",
    "Oolong,乌龙,,OOL-L,size=250g,online,259.5,0,0",
    "Jasmine Pearl,,,JAS-1,,jingan,66,1,1",
    "Longjing,,,LJ-1,,,,,",
]


def _nothing_written():
    return not (Product.objects.exists() or Variant.objects.exists() or ChannelListing.objects.exists())


def test_good_file_imports_products_variants_and_channel_prices(brand):
    result = import_catalog(merchant=brand, data=_csv(*GOOD))
    assert result.ok, result.errors
    assert (result.products, result.variants, result.listings) == (3, 4, 4)
    small = Variant.objects.get(merchant=brand, sku="OOL-S")
    assert small.attributes == {"size": "100g"} and small.product.category.name == "乌龙"
    assert small.product.description == "Roasted"
    prices = dict(small.listings.values_list("store__code", "price_fen"))
    assert prices == {None: 12900, "jingan": 9900}
    large = ChannelListing.objects.get(variant__sku="OOL-L")
    assert (large.price_fen, large.is_available) == (25950, False)
    assert ChannelListing.objects.get(variant__sku="JAS-1").is_exclusive
    assert not ChannelListing.objects.filter(variant__sku="LJ-1").exists()
    # Importing the same file again updates, creates nothing new.
    again = import_catalog(merchant=brand, data=_csv(*GOOD))
    assert again.ok and (again.products, again.variants) == (0, 0)
    assert Product.objects.count() == 3 and ChannelListing.objects.count() == 4


@pytest.mark.parametrize(
    ("bad_row", "message"),
    [
        ("Keemun,,,KEE-1,,online,12.345,1,0", "not a price"),
        ("Keemun,,,KEE-1,,online,abc,1,0", "not a price"),
        ("Keemun,,,KEE-1,,online,-3,1,0", "not a price"),
        ("Keemun,,,KEE-1,,nowhere,10,1,0", "Unknown store code"),
        ("Keemun,,,OOL-S,,,,,", "already used"),
        ("Oolong,,,OOL-S,size=100g,online,10,1,0", "Duplicate SKU"),
        ("Keemun,,,KEE-1,,online,10,maybe,0", "available and exclusive"),
        ("Keemun,,,KEE-1,size,online,10,1,0", "Attributes"),
        (",,,KEE-1,,online,10,1,0", "product title is missing"),
        ("Keemun,,,,,online,10,1,0", "SKU is missing"),
    ],
)
def test_one_bad_row_imports_nothing_and_names_its_line(brand, bad_row, message):
    result = import_catalog(merchant=brand, data=_csv(*GOOD[:3], bad_row, *GOOD[3:]))
    assert not result.ok
    assert [line for line, _msg in result.errors] == [5]  # header is line 1, bad row is the 4th row
    assert message in result.errors[0][1]
    assert _nothing_written() and not Category.objects.exists()


def test_foreign_store_code_is_unknown(brand):
    factories.StoreFactory(code="sanlitun")  # another brand's store
    result = import_catalog(merchant=brand, data=_csv("Keemun,,,KEE-1,,sanlitun,10,1,0"))
    assert result.errors == [(2, 'Unknown store code "sanlitun".')]
    assert _nothing_written()


def test_sku_of_another_product_in_the_database_is_refused(brand):
    factories.VariantFactory(merchant=brand, sku="TAKEN", product__title="Existing")
    factories.VariantFactory(sku="OTHER-BRAND")  # other brands' SKUs do not matter
    result = import_catalog(
        merchant=brand, data=_csv("New,,,TAKEN,,online,10,1,0", "New,,,OTHER-BRAND,,online,10,1,0")
    )
    assert [line for line, _m in result.errors] == [2]
    assert not ChannelListing.objects.filter(merchant=brand).exists()


def test_bad_header_encoding_and_extra_cells(brand):
    assert import_catalog(merchant=brand, data=b"name,price\nx,1\n").errors[0][0] == 1
    assert import_catalog(merchant=brand, data=HEADER.replace("sku", "skew").encode()).errors[0][0] == 1
    assert not import_catalog(merchant=brand, data=b"\xff\xfe\x00garbage\x81").ok
    result = import_catalog(merchant=brand, data=_csv("A,,,A-1,,online,1,1,0,surprise"))
    assert result.errors[0][0] == 2
    assert _nothing_written()


def test_gb18030_file_from_chinese_excel(brand):
    data = _csv("乌龙茶,乌龙,,OOL-9,规格=100克,online,10,1,0").decode().encode("gb18030")
    result = import_catalog(merchant=brand, data=data)
    assert result.ok, result.errors
    assert Variant.objects.get(sku="OOL-9").attributes == {"规格": "100克"}


def test_export_round_trips_and_is_scoped(brand):
    import_catalog(merchant=brand, data=_csv(*GOOD))
    factories.ListingFactory(variant__product__title="Not mine")
    exported = export_catalog(merchant=brand)
    assert "Not mine" not in exported
    assert exported.startswith("\ufeff" + HEADER.strip())
    assert "Oolong,乌龙,Roasted,OOL-S,size=100g,online,129.00,1,0" in exported
    assert "Longjing,,,LJ-1,,,,," in exported
    other = factories.MerchantFactory()
    factories.StoreFactory(merchant=other, code="jingan")
    result = import_catalog(merchant=other, data=exported.encode("utf-8"))
    assert result.ok, result.errors
    assert ChannelListing.objects.filter(merchant=other).count() == 4


def test_back_office_import_reports_errors_and_export_downloads(client, brand):
    client.force_login(factories.member(brand, "manager"))
    url = reverse("backoffice:shops_catalog_import")
    bad = SimpleUploadedFile("c.csv", _csv(*GOOD, "Keemun,,,KEE-1,,nowhere,10,1,0"))
    response = client.post(url, {"file": bad})
    assert response.status_code == 400
    assert 'id="import-errors"' in response.content.decode() and _nothing_written()
    response = client.post(url, {"file": SimpleUploadedFile("c.csv", _csv(*GOOD))})
    assert response.status_code == 302 and Product.objects.count() == 3
    export = client.get(reverse("backoffice:shops_catalog_export"))
    assert export.status_code == 200 and "OOL-S" in export.content.decode("utf-8-sig")
    changelist = client.get(reverse("backoffice:shops_product_changelist")).content.decode()
    assert url in changelist and reverse("backoffice:shops_catalog_export") in changelist


def test_staff_cannot_import(client, brand):
    client.force_login(factories.member(brand, "staff", stores=list(brand.stores.all())))
    response = client.post(
        reverse("backoffice:shops_catalog_import"), {"file": SimpleUploadedFile("c.csv", _csv(*GOOD))}
    )
    assert response.status_code == 403 and _nothing_written()
