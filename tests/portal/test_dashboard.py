"""The dashboard: every member's home, brand-wide for owners and managers, personal for staff."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db


def test_portal_home_lands_members_on_their_dashboard(client, brand):
    client.force_login(brand.owner)
    response = client.get(reverse("portal-home"))
    assert response.status_code == 302 and response["Location"] == reverse("portal-dashboard")


def test_visitors_and_people_without_a_live_brand_are_sent_through_the_portal_home(client, db):
    assert client.get(reverse("portal-dashboard"))["Location"] == reverse("portal-home")
    pending = factories.MerchantFactory(status="pending")
    client.force_login(factories.member(pending, "owner"))
    for name in ("portal-dashboard", "counter", "portal-print"):
        assert client.get(reverse(name))["Location"] == reverse("portal-home")


def test_owner_sees_brand_wide_scans_by_store(client, brand):
    brand.scans(brand.staff_code(brand.staff), 3)
    brand.scans(brand.staff_code(brand.staff2), 1)
    client.force_login(brand.owner)
    response = client.get(reverse("portal-dashboard"))
    assert response.status_code == 200
    charts = {c["id"]: c for c in response.context["charts"]}
    assert charts["scans-store"]["rows"] == [("静安寺店", 3), ("徐家汇店", 1)]
    html = response.content.decode()
    assert "<svg" in html and "静安寺店" in html
    assert reverse("counter") in html and reverse("portal-print") in html


def test_store_filter_narrows_and_a_foreign_or_bad_store_is_ignored(client, brand):
    brand.scans(brand.staff_code(brand.staff), 2)
    brand.scans(brand.staff_code(brand.staff2), 1)
    client.force_login(brand.owner)
    only = client.get(reverse("portal-dashboard"), {"store": brand.xuhui.pk, "period": "7d"})
    charts = {c["id"]: c for c in only.context["charts"]}
    assert charts["scans-store"]["rows"] == [("徐家汇店", 1)]
    foreign = factories.StoreFactory()
    for params in ({"store": foreign.pk}, {"store": "x'; drop"}, {"period": "forever"}):
        response = client.get(reverse("portal-dashboard"), params)
        assert response.status_code == 200
        assert response.context["filters"].store_id is None
        assert response.context["filters"].period in {"7d", "30d"}


def test_other_brands_scans_never_show(client, brand):
    other = factories.MerchantFactory()
    other_store = factories.StoreFactory(merchant=other, name="别家店")
    brand.scans(factories.EntryPointFactory(merchant=other, store=other_store), 5)
    client.force_login(brand.owner)
    html = client.get(reverse("portal-dashboard")).content.decode()
    assert "别家店" not in html


def test_staff_see_their_own_code_and_numbers_not_the_brand(client, brand):
    code = brand.staff_code(brand.staff)
    brand.scans(code, 2)
    brand.scans(brand.staff_code(brand.staff2), 4)
    client.force_login(brand.staff)
    response = client.get(reverse("portal-dashboard"))
    assert response.status_code == 200
    assert response.context["is_staff_view"] is True
    assert response.context["code"] == code
    assert response.context["mine"]["customers_reached"] == 2
    html = response.content.decode()
    assert code.token in html  # the QR code encodes the scan URL; it is also printed as a link
    assert "scans-store" not in html  # no brand-wide charts


def test_staff_without_a_store_get_a_page_not_an_error(client, brand):
    loner = factories.member(brand.merchant, "staff")
    client.force_login(loner)
    response = client.get(reverse("portal-dashboard"))
    assert response.status_code == 200 and response.context["code"] is None


def _queries(client, **params) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("portal-dashboard"), params).status_code == 200
    return len(ctx.captured_queries)


def test_query_count_does_not_grow_with_data_and_a_reload_is_served_from_cache(client, brand, settings):
    # A private cache: the shared Redis is flushed by other test runs on this machine.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    client.force_login(brand.owner)
    few = _queries(client, period="7d")
    brand.scans(brand.staff_code(brand.staff), 30)
    brand.scans(brand.staff_code(brand.staff2), 30)
    for _ in range(8):
        factories.StoreFactory(merchant=brand.merchant)
    from django.core.cache import cache

    cache.clear()
    many = _queries(client, period="30d")
    assert many == few
    cached = _queries(client, period="30d")
    assert cached < many  # the charts' queries are cached for a minute


def test_dashboard_links_every_back_office_list_that_exists(client, brand):
    from shops.views_portal import portal_links

    links = portal_links()
    # Every app has landed its back office: no link may silently vanish through a wrong name.
    assert all(links.values()), [name for name, url in links.items() if not url]
    client.force_login(brand.owner)
    html = client.get(reverse("portal-dashboard")).content.decode()
    for name in ("orders", "statements", "bindings", "coupons", "customers"):
        assert links[name] in html
