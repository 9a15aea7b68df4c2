"""The scan landing /s/<token>: valid, revoked, rotated, malformed, foreign and suspended codes."""

import pytest
from django.urls import reverse

from attribution.models import ScanEvent
from shops import entry_points, services
from shops.models import Customer, Membership
from shops.shoppers import COOKIE_NAME
from shops.storefront import current_store
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def brand():
    merchant = factories.MerchantFactory(slug="chayu")
    store = factories.StoreFactory(merchant=merchant, name="静安寺店")
    return merchant, store


def _scan(client, token):
    return client.get(f"/s/{token}")


def test_scan_url_is_site_url_slash_s_token(brand, settings):
    merchant, store = brand
    code = entry_points.create_entry_point(merchant=merchant, kind="store", store=store)
    assert entry_points.scan_url(code) == f"{settings.SITE_URL}/s/{code.token}"


def test_valid_store_code_records_scan_sets_cookies_and_opens_the_storefront(client, brand):
    merchant, store = brand
    code = entry_points.create_entry_point(merchant=merchant, kind="store", store=store)
    response = _scan(client, code.token)
    assert response.status_code == 302
    assert response["Location"] == reverse("storefront", kwargs={"merchant_slug": "chayu"})
    assert COOKIE_NAME in response.cookies
    scan = ScanEvent.objects.get()
    assert (scan.entry_point, scan.store, scan.merchant) == (code, store, merchant)
    # The storefront now shows the store as context.
    page = client.get(response["Location"])
    assert page.status_code == 200 and page.context["store"] == store
    assert "静安寺店" in page.content.decode()
    # A second scan by the same shopper is the same customer.
    _scan(client, code.token)
    assert ScanEvent.objects.count() == 2 and Customer.objects.count() == 1


def test_staff_code_remembers_store_and_staff(client, brand):
    merchant, store = brand
    staff = Membership.objects.get(user=factories.member(merchant, "staff", stores=[store]))
    code = entry_points.staff_entry_point(membership=staff)
    response = _scan(client, code.token)
    assert response.status_code == 302
    assert ScanEvent.objects.get().staff == staff
    request = client.get(response["Location"]).wsgi_request
    assert current_store(request, merchant) == store


def test_pay_and_campaign_codes_fall_back_to_the_storefront_until_their_pages_exist(client, brand):
    merchant, store = brand
    pay = entry_points.create_entry_point(merchant=merchant, kind="pay", store=store)
    campaign = entry_points.create_entry_point(merchant=merchant, kind="campaign")
    for code, name in ((pay, "f2f-pay"), (campaign, "campaign-landing")):
        try:
            expected = reverse(name, args=[code.token])
        except Exception:
            expected = reverse("storefront", kwargs={"merchant_slug": "chayu"})
        assert _scan(client, code.token)["Location"] == expected


@pytest.mark.parametrize("token", ["nope", "x" * 200, "a%20b' or 1=1--", "ÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿ", "A" * 32])
def test_unknown_or_malformed_codes_are_a_friendly_404(client, brand, token):
    response = client.get(f"/s/{token}")
    assert response.status_code == 404
    assert "storefront/invalid_code.html" in [t.name for t in response.templates]
    assert not ScanEvent.objects.exists() and not Customer.objects.exists()


def test_revoked_code_is_404_with_a_link_to_the_brand(client, brand):
    merchant, store = brand
    code = entry_points.create_entry_point(merchant=merchant, kind="store", store=store)
    entry_points.revoke_entry_point(entry_point=code)
    response = _scan(client, code.token)
    assert response.status_code == 404
    assert reverse("storefront", kwargs={"merchant_slug": "chayu"}) in response.content.decode()
    assert not ScanEvent.objects.exists()


def test_rotated_code_old_is_dead_new_works(client, brand):
    merchant, store = brand
    old = entry_points.create_entry_point(merchant=merchant, kind="store", store=store)
    new = entry_points.rotate_entry_point(entry_point=old)
    assert _scan(client, old.token).status_code == 404
    assert _scan(client, new.token).status_code == 302
    assert list(ScanEvent.objects.values_list("entry_point", flat=True)) == [new.pk]


def test_foreign_merchant_code_opens_its_own_brand_only(client, brand):
    merchant, store = brand
    other = factories.MerchantFactory(slug="beiling")
    other_code = factories.EntryPointFactory(merchant=other)
    response = _scan(client, other_code.token)
    assert response["Location"] == reverse("storefront", kwargs={"merchant_slug": "beiling"})
    scan = ScanEvent.objects.get()
    assert scan.merchant == other and scan.customer.merchant == other
    # The other brand's store is not the context of this brand's storefront.
    page = client.get(reverse("storefront", kwargs={"merchant_slug": "chayu"}))
    assert page.context["store"] is None


def test_tampered_store_cookie_is_ignored(client, brand):
    merchant, store = brand
    other_store = factories.StoreFactory()
    client.cookies[f"mp_store_{merchant.pk}"] = f"{other_store.pk}:"
    page = client.get(reverse("storefront", kwargs={"merchant_slug": "chayu"}))
    assert page.status_code == 200 and page.context["store"] is None


@pytest.mark.parametrize("status", ["suspended", "pending"])
def test_codes_of_a_brand_that_is_not_live_say_shop_not_available(client, brand, status):
    merchant, store = brand
    code = entry_points.create_entry_point(merchant=merchant, kind="store", store=store)
    if status == "suspended":
        services.suspend_merchant(merchant=merchant, reason="test")
    else:
        type(merchant).objects.filter(pk=merchant.pk).update(status="pending")
    response = _scan(client, code.token)
    assert response.status_code == 404
    assert "storefront/unavailable.html" in [t.name for t in response.templates]
    assert not ScanEvent.objects.exists()
    assert client.get(reverse("storefront", kwargs={"merchant_slug": "chayu"})).status_code == 404


def test_a_failing_scan_record_still_lets_the_shopper_in(client, brand, monkeypatch, caplog):
    merchant, store = brand
    code = entry_points.create_entry_point(merchant=merchant, kind="store", store=store)

    def broken(**kwargs):
        raise RuntimeError("attribution is down")

    monkeypatch.setattr("shops.views_storefront.record_scan", broken)
    response = _scan(client, code.token)
    assert response.status_code == 302
    assert response["Location"] == reverse("storefront", kwargs={"merchant_slug": "chayu"})
    assert "recording the scan" in caplog.text
