"""Shopper and counter pages: claim from the campaign page, My coupons, redeem and undo at the counter."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from coupons import services
from coupons.models import Campaign, Coupon, Redemption
from tests import factories
from tests.coupons.factories import CouponFactory, DefinitionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(client, settings):
    """Assert on the English source strings (the default language is zh-hans)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def campaign_world():
    merchant = factories.MerchantFactory()
    campaign = services.create_campaign(
        merchant=merchant, title="Lunch deals", description="Two weeks of lunch offers."
    )
    services.publish_campaign(campaign=campaign, actor=None)
    store = factories.StoreFactory(merchant=merchant)
    in_store = DefinitionFactory(
        merchant=merchant, campaign=campaign, name="Lunch ¥10 off", channel="in_store"
    )
    online = DefinitionFactory(
        merchant=merchant,
        campaign=campaign,
        name="Online 20%",
        kind="percent_off",
        percent_off_bp=2000,
        amount_fen=0,
        min_spend_fen=0,
        channel="online",
        asks_mobile=True,
    )
    campaign.refresh_from_db()
    return {
        "merchant": merchant,
        "campaign": campaign,
        "store": store,
        "in_store": in_store,
        "online": online,
    }


def test_scan_then_claim_then_my_coupons(client, campaign_world):
    campaign = campaign_world["campaign"]
    landing = reverse("campaign-landing", args=[campaign.entry_point.token])
    scan = client.get(reverse("scan", args=[campaign.entry_point.token]))
    assert scan.status_code == 302 and scan["Location"] == landing
    page = client.get(landing)
    assert page.status_code == 200
    assert "Lunch ¥10 off" in page.content.decode() and "Online 20%" in page.content.decode()
    response = client.post(
        reverse("coupon-claim", args=[campaign_world["in_store"].pk]), {"next": landing}, follow=True
    )
    assert response.redirect_chain[-1][0] == landing
    # The online coupon asks for a mobile number once.
    ask = client.post(reverse("coupon-claim", args=[campaign_world["online"].pk]), {"next": landing})
    assert ask.status_code == 200 and b'name="mobile"' in ask.content
    bad = client.post(
        reverse("coupon-claim", args=[campaign_world["online"].pk]), {"next": landing, "mobile": "12"}
    )
    assert bad.status_code == 400
    client.post(
        reverse("coupon-claim", args=[campaign_world["online"].pk]),
        {"next": landing, "mobile": "13912345678"},
    )
    assert Coupon.objects.count() == 2
    assert Coupon.objects.get(definition=campaign_world["online"]).customer.mobile == "13912345678"
    # Claiming again hits the per-customer limit: a friendly message, nothing new.
    again = client.post(
        reverse("coupon-claim", args=[campaign_world["in_store"].pk]), {"next": landing}, follow=True
    )
    assert '<li class="warning">' in again.content.decode()
    assert Coupon.objects.count() == 2
    mine = client.get(reverse("my-coupons"))
    body = mine.content.decode()
    for coupon in Coupon.objects.all():
        assert coupon.code in body
    assert body.count("<svg") == 2  # QR + barcode for the in-store one, nothing to scan for online-only


def test_bad_and_ended_campaign_pages_are_friendly(client, campaign_world):
    assert client.get(reverse("campaign-landing", args=["nope"])).status_code == 404
    services.end_campaign(campaign=campaign_world["campaign"], actor=None)
    response = client.get(reverse("campaign-landing", args=[campaign_world["campaign"].entry_point.token]))
    assert response.status_code == 404 and "ended" in response.content.decode()


def test_draft_campaign_cannot_be_claimed(client):
    definition = DefinitionFactory()
    Campaign.objects.filter(pk=definition.campaign_id).update(status=Campaign.Status.DRAFT)
    client.post(reverse("coupon-claim", args=[definition.pk]))
    assert not Coupon.objects.exists()


def _staff_client(client, merchant, store):
    user = factories.member(merchant, role="staff", stores=[store])
    client.force_login(user)
    return user


def test_counter_lookup_confirm_and_undo(client, campaign_world):
    merchant, store = campaign_world["merchant"], campaign_world["store"]
    coupon = CouponFactory(
        definition=campaign_world["in_store"], customer=factories.CustomerFactory(merchant=merchant)
    )
    _staff_client(client, merchant, store)
    url = reverse("counter-redeem")
    lookup = client.get(url, {"code": coupon.code.lower(), "store": store.pk})
    assert lookup.status_code == 200 and "Redeem now" in lookup.content.decode()
    assert not Redemption.objects.exists()  # looking changes nothing
    done = client.post(url, {"code": coupon.code, "store": store.pk, "bill": "80.00"})
    assert done.status_code == 200 and "Redeemed" in done.content.decode()
    redemption = Redemption.objects.get()
    assert (
        redemption.store == store and redemption.staff.user_id is not None and redemption.discount_fen == 1000
    )
    twice = client.post(url, {"code": coupon.code, "store": store.pk})
    assert twice.status_code == 400 and "Already used" in twice.content.decode()
    undo = client.post(reverse("counter-redeem-undo"), {"redemption": redemption.pk})
    assert undo.status_code == 200
    coupon.refresh_from_db()
    assert coupon.status == "available"


@pytest.mark.parametrize("code", ["", "xyz", "0000-0000-0000-0000-0000"])
def test_counter_bad_codes_show_a_reason(client, campaign_world, code):
    _staff_client(client, campaign_world["merchant"], campaign_world["store"])
    response = client.post(reverse("counter-redeem"), {"code": code, "store": campaign_world["store"].pk})
    assert response.status_code in (200, 400)
    if code:
        assert "Nothing was changed" in response.content.decode()
    assert not Redemption.objects.exists()


def test_counter_refuses_expired_and_foreign_codes(client, campaign_world):
    merchant, store = campaign_world["merchant"], campaign_world["store"]
    expired = CouponFactory(
        definition=campaign_world["in_store"], valid_until=timezone.now() - timedelta(days=1)
    )
    foreign = CouponFactory()
    _staff_client(client, merchant, store)
    for coupon, words in ((expired, "expired"), (foreign, "another merchant")):
        response = client.post(reverse("counter-redeem"), {"code": coupon.code, "store": store.pk})
        assert response.status_code == 400 and words in response.content.decode()
    assert not Redemption.objects.exists()


def test_counter_staff_cannot_use_another_store(client, campaign_world):
    merchant = campaign_world["merchant"]
    mine = factories.StoreFactory(merchant=merchant)
    coupon = CouponFactory(definition=campaign_world["in_store"])
    _staff_client(client, merchant, mine)
    client.post(reverse("counter-redeem"), {"code": coupon.code, "store": campaign_world["store"].pk})
    # The staff member's only store is used instead of a store they do not work in.
    assert not Redemption.objects.filter(store=campaign_world["store"]).exists()
