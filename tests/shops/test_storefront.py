"""The shopper storefront: online listings, the store's exclusive section, detail, search, pages."""

import re

import pytest
from django.urls import NoReverseMatch, reverse

from shops import catalog, entry_points
from shops.models import ChannelListing, Product, Variant
from shops.storefront import PAGE_SIZE
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop():
    """Chayu: oolong online ¥129 and in store ¥99; a jasmine tea only in the Jing'an store;
    a green tea online but unavailable; a tea listed only in another store."""
    merchant = factories.MerchantFactory(slug="chayu", name="茶语")
    store = factories.StoreFactory(
        merchant=merchant,
        name="静安寺店",
        opening_hours="10:00–22:00",
        latitude="31.2236",
        longitude="121.4458",
    )
    other_store = factories.StoreFactory(merchant=merchant, name="徐家汇店")
    tea = factories.CategoryFactory(merchant=merchant, name="乌龙")
    oolong = factories.ProductFactory(merchant=merchant, title="Oolong", category=tea)
    small = factories.VariantFactory(
        merchant=merchant, product=oolong, sku="OOL-S", attributes={"size": "100g"}
    )
    large = factories.VariantFactory(
        merchant=merchant, product=oolong, sku="OOL-L", attributes={"size": "250g"}
    )
    catalog.set_listing(merchant=merchant, variant=small, store=None, price_fen=12900)
    catalog.set_listing(merchant=merchant, variant=large, store=None, price_fen=25900)
    catalog.set_listing(merchant=merchant, variant=small, store=store, price_fen=9900)
    jasmine = factories.VariantFactory(merchant=merchant, product__title="Jasmine Pearl", sku="JAS-1")
    catalog.set_listing(merchant=merchant, variant=jasmine, store=store, price_fen=6600, is_exclusive=True)
    green = factories.VariantFactory(merchant=merchant, product__title="Longjing", sku="LJ-1")
    catalog.set_listing(merchant=merchant, variant=green, store=None, price_fen=5000, is_available=False)
    elsewhere = factories.VariantFactory(merchant=merchant, product__title="Pu'er", sku="PU-1")
    catalog.set_listing(
        merchant=merchant, variant=elsewhere, store=other_store, price_fen=7000, is_exclusive=True
    )
    code = entry_points.create_entry_point(merchant=merchant, kind="store", store=store)
    return {"merchant": merchant, "store": store, "oolong": oolong, "code": code, "jasmine": jasmine}


def _home(client, **params):
    return client.get(reverse("storefront", kwargs={"merchant_slug": "chayu"}), params)


def test_without_a_scan_only_online_listings_show(client, shop):
    page = _home(client)
    html = page.content.decode()
    assert page.status_code == 200
    assert [p.title for p in page.context["page"].object_list] == ["Oolong"]
    assert page.context["page"].object_list[0].min_price_fen == 12900
    assert "¥129.00" in html
    assert "Jasmine" not in html and "Longjing" not in html and "Pu'er" not in html
    assert 'id="exclusive-title"' not in html


def test_after_a_scan_the_store_header_and_its_exclusive_section_show(client, shop):
    client.get(f"/s/{shop['code'].token}")
    page = _home(client)
    html = page.content.decode()
    assert page.context["store"] == shop["store"]
    assert [listing.variant.sku for listing in page.context["exclusives"]] == ["JAS-1"]
    assert 'id="exclusive-title"' in html
    assert "静安寺店" in html and "10:00–22:00" in html
    assert "uri.amap.com/marker?position=121.4458" in html
    assert "¥66.00" in html
    # Exclusive styles of another store never show; online stays as it was.
    assert "Pu'er" not in html
    assert [p.title for p in page.context["page"].object_list] == ["Oolong"]


def test_product_page_shows_each_variant_with_its_channel_price(client, shop):
    url = reverse("storefront-product", kwargs={"merchant_slug": "chayu", "product_id": shop["oolong"].pk})
    page = client.get(url)
    rows = {row["variant"].sku: row for row in page.context["rows"]}
    assert rows["OOL-S"]["online"].price_fen == 12900 and rows["OOL-S"]["store"] is None
    client.get(f"/s/{shop['code'].token}")
    page = client.get(url)
    rows = {row["variant"].sku: row for row in page.context["rows"]}
    assert rows["OOL-S"]["store"].price_fen == 9900
    assert rows["OOL-L"]["store"] is None and rows["OOL-L"]["online"].price_fen == 25900
    html = page.content.decode()
    assert "¥99.00" in html and "¥259.00" in html


def test_add_to_cart_button_only_when_the_cart_exists(client, shop):
    url = reverse("storefront-product", kwargs={"merchant_slug": "chayu", "product_id": shop["oolong"].pk})
    html = client.get(url).content.decode()
    try:
        cart_url = reverse("cart-add")
    except NoReverseMatch:
        assert 'name="listing"' not in html
    else:
        assert f'action="{cart_url}"' in html and 'name="listing"' in html


def test_exclusive_product_detail_says_visit_the_store(client, shop):
    client.get(f"/s/{shop['code'].token}")
    url = reverse(
        "storefront-product", kwargs={"merchant_slug": "chayu", "product_id": shop["jasmine"].product_id}
    )
    page = client.get(url)
    (row,) = page.context["rows"]
    assert row["online"] is None and row["store"].price_fen == 6600
    assert 'name="listing"' not in page.content.decode()


def test_foreign_or_unknown_product_is_a_friendly_404(client, shop):
    foreign = factories.ProductFactory()
    url = reverse("storefront-product", kwargs={"merchant_slug": "chayu", "product_id": foreign.pk})
    assert client.get(url).status_code == 404
    unknown = client.get(reverse("storefront", kwargs={"merchant_slug": "nope"}))
    assert unknown.status_code == 404
    assert "storefront/unavailable.html" in [t.name for t in unknown.templates]


def test_search_and_category_filter(client, shop):
    merchant = shop["merchant"]
    black = factories.CategoryFactory(merchant=merchant, name="红茶")
    keemun = factories.VariantFactory(
        merchant=merchant, product__title="Keemun", product__category=black, sku="KEE-1"
    )
    catalog.set_listing(merchant=merchant, variant=keemun, store=None, price_fen=8800)
    titles = lambda page: re.findall(r'<span class="title">([^<]+)</span>', page.content.decode())  # noqa: E731
    assert titles(_home(client)) == ["Keemun", "Oolong"]
    assert titles(_home(client, q="oolo")) == ["Oolong"]
    assert titles(_home(client, q="kee-1")) == ["Keemun"]
    assert titles(_home(client, category=black.pk)) == ["Keemun"]
    assert titles(_home(client, category="junk")) == ["Keemun", "Oolong"]
    assert titles(_home(client, q="nothing-like-this")) == []


def test_pagination(client, shop):
    merchant = shop["merchant"]
    for i in range(PAGE_SIZE + 5):
        variant = factories.VariantFactory(merchant=merchant, product__title=f"Tea {i:03d}")
        catalog.set_listing(merchant=merchant, variant=variant, store=None, price_fen=100 + i)
    first = _home(client)
    assert len(first.context["page"].object_list) == PAGE_SIZE
    last = _home(client, page=2)
    assert len(last.context["page"].object_list) == 6  # 25 teas + Oolong
    assert _home(client, page="x").status_code == 200
    assert _home(client, page=999).context["page"].number == 2


def _bulk_catalog(merchant, store, n):
    products = Product.objects.bulk_create(
        [Product(merchant=merchant, title=f"Bulk {i:05d}") for i in range(n // 2)]
    )
    variants = Variant.objects.bulk_create(
        [Variant(merchant=merchant, product=p, sku=f"B-{p.pk}-{k}") for p in products for k in range(2)]
    )
    ChannelListing.objects.bulk_create(
        [ChannelListing(merchant=merchant, variant=v, store=None, price_fen=1000) for v in variants]
        + [
            ChannelListing(merchant=merchant, variant=v, store=store, price_fen=900, is_exclusive=True)
            for v in variants
        ]
    )


@pytest.mark.parametrize("n", [10, 1000])
def test_storefront_query_count_does_not_grow_with_the_catalog(
    client, shop, n, django_assert_max_num_queries, settings
):
    # A private cache: other test runs sharing the local Redis may flush it mid-test.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    _bulk_catalog(shop["merchant"], shop["store"], n)
    client.get(f"/s/{shop['code'].token}")
    with django_assert_max_num_queries(10):
        page = _home(client)
    assert page.status_code == 200 and 'id="exclusive-title"' in page.content.decode()
    with django_assert_max_num_queries(3):  # warm: merchant and store, fragments from the cache
        assert _home(client).status_code == 200
    product = Product.objects.filter(merchant=shop["merchant"], title__startswith="Bulk").first()
    with django_assert_max_num_queries(10):
        client.get(reverse("storefront-product", kwargs={"merchant_slug": "chayu", "product_id": product.pk}))
    # The scan's own work (scan event, customer, binding rules) belongs to attribution; what is
    # checked here is that the catalog's size adds nothing to it.
    with django_assert_max_num_queries(20):
        assert client.get(f"/s/{shop['code'].token}").status_code == 302


def test_catalog_changes_show_at_once_despite_the_fragment_cache(client, shop):
    client.get(f"/s/{shop['code'].token}")
    assert "¥129.00" in _home(client).content.decode()
    small = Variant.objects.get(sku="OOL-S")
    catalog.set_listing(merchant=shop["merchant"], variant=small, store=None, price_fen=11100)
    html = _home(client).content.decode()
    assert "¥111.00" in html and "¥129.00" not in html
    catalog.set_listing(
        merchant=shop["merchant"],
        variant=shop["jasmine"],
        store=shop["store"],
        price_fen=6600,
        is_available=False,
    )
    assert 'id="exclusive-title"' not in _home(client).content.decode()


def test_back_office_product_edit_invalidates_the_storefront(client, shop):
    assert "Oolong" in _home(client).content.decode()
    client.force_login(factories.member(shop["merchant"], "manager"))
    product = shop["oolong"]
    response = client.post(
        reverse("backoffice:shops_product_change", args=[product.pk]),
        {
            "title": "Oolong Supreme",
            "description": "",
            "category": product.category_id,
            "is_active": "on",
            "variants-TOTAL_FORMS": "2",
            "variants-INITIAL_FORMS": "2",
            **{
                f"variants-{i}-{k}": v
                for i, variant in enumerate(product.variants.order_by("sku"))
                for k, v in {
                    "id": variant.pk,
                    "product": product.pk,
                    "sku": variant.sku,
                    "attributes": "{}",
                }.items()
            },
        },
    )
    assert response.status_code == 302, response.content
    client.logout()
    assert "Oolong Supreme" in _home(client).content.decode()


def test_header_links_the_cart_when_the_cart_exists(client, shop):
    html = _home(client).content.decode()
    try:
        cart_url = reverse("cart", kwargs={"merchant_slug": "chayu"})
    except NoReverseMatch:
        return
    assert f'href="{cart_url}"' in html


def test_header_links_the_shops_coupons_and_my_coupons(client, shop):
    html = _home(client).content.decode()
    assert f'href="{reverse("coupon-center", kwargs={"merchant_slug": "chayu"})}"' in html
    assert f'href="{reverse("my-coupons")}"' in html
