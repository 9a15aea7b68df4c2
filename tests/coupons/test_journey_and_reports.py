"""The issue's 'done when': a campaign with an in-store and an online coupon, published, both
claimed, one redeemed at the counter and one at a paid checkout; the report shows both, by store.
Plus the back office: store code batches (PDF, CSV), report CSV, publish blocked by the rules."""

import csv
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from coupons import selectors, services
from coupons.models import Campaign, Coupon, Redemption
from orders import services as order_services
from orders.models import Channel, Fulfilment
from tests import factories
from tests.coupons.factories import DefinitionFactory
from tests.orders.factories import notify, pending_payment

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def _world():
    merchant = factories.MerchantFactory()
    store = factories.StoreFactory(merchant=merchant, name="West Lake shop")
    staff = factories.MembershipFactory(merchant=merchant, role="staff", stores=[store])
    campaign = services.create_campaign(
        merchant=merchant, title="Spring tea week", description="New teas to taste."
    )
    in_store = DefinitionFactory(
        merchant=merchant, campaign=campaign, channel="in_store", name="¥10 off in store"
    )
    online = DefinitionFactory(
        merchant=merchant,
        campaign=campaign,
        channel="online",
        name="20% off online",
        kind="percent_off",
        percent_off_bp=2000,
        amount_fen=0,
        min_spend_fen=0,
        cap_fen=3000,
        restore_on_refund=False,
    )
    return merchant, store, staff, campaign, in_store, online


def test_campaign_end_to_end_report_by_store():
    merchant, store, staff, campaign, in_store, online = _world()
    result = services.publish_campaign(campaign=campaign, actor=None)
    assert result.published
    customer = factories.CustomerFactory(merchant=merchant)
    counter_coupon = services.claim_coupon(definition=in_store, customer=customer)
    online_coupon = services.claim_coupon(definition=online, customer=customer)

    services.redeem_at_counter(
        merchant=merchant, code=counter_coupon.code, store=store, staff=staff, bill_fen=8800
    )

    listing = factories.ListingFactory(merchant=merchant, price_fen=12345)
    order = order_services.create_order(
        merchant=merchant,
        customer=customer,
        channel=Channel.ONLINE,
        fulfilment=Fulfilment.PICKUP,
        store=store,
        lines=[{"listing_id": listing.pk, "quantity": 1}],
        contact_name="王",
        contact_mobile="13812345678",
        coupons=[online_coupon.code],
    )
    assert order.discount_fen == 2469  # 12345 × 20 % = 2469.0 fen
    online_coupon.refresh_from_db()
    assert online_coupon.status == "held"
    assert notify(pending_payment(order))[0] == 200
    online_coupon.refresh_from_db()
    assert online_coupon.status == "redeemed"

    from attribution.services import record_scan

    record_scan(entry_point=campaign.entry_point, shopper_uid=customer.shopper_uid, user_agent="test")
    now = timezone.now()
    data = selectors.report(
        merchant=merchant,
        campaign=campaign,
        start=now - timezone.timedelta(days=1),
        end=now + timezone.timedelta(days=1),
    )
    assert (data.views, data.claims, data.redeemed_in_store, data.redeemed_online) == (1, 2, 1, 1)
    assert data.discount_fen == 1000 + 2469
    assert (data.orders, data.revenue_fen) == (1, 12345 - 2469)
    [row] = data.by_store
    assert (row["store"], row["in_store"], row["online"], row["orders"]) == ("West Lake shop", 1, 1, 1)
    assert sum(d["claims"] for d in data.daily) == 2


def test_cancelled_order_releases_its_coupon():
    merchant, store, staff, campaign, in_store, online = _world()
    services.publish_campaign(campaign=campaign, actor=None)
    customer = factories.CustomerFactory(merchant=merchant)
    coupon = services.claim_coupon(definition=online, customer=customer)
    listing = factories.ListingFactory(merchant=merchant, price_fen=5000)
    order = order_services.create_order(
        merchant=merchant,
        customer=customer,
        channel=Channel.ONLINE,
        lines=[{"listing_id": listing.pk, "quantity": 1}],
        contact_name="王",
        contact_mobile="13812345678",
        delivery_address="上海",
        coupons=[coupon],
    )
    coupon.refresh_from_db()
    assert coupon.status == "held"
    order_services.cancel_order(order=order)
    coupon.refresh_from_db()
    assert coupon.status == "available"


@pytest.fixture
def owner(client):
    merchant, store, staff, campaign, in_store, online = _world()
    client.force_login(factories.member(merchant, role="owner"))
    return client, merchant, store, campaign, in_store


def test_backoffice_store_codes_pdf_and_csv(owner):
    client, merchant, store, campaign, in_store = owner
    response = client.post(
        reverse("backoffice:coupons_coupondefinition_changelist"),
        {
            "action": "generate_store_codes",
            "_selected_action": [in_store.pk],
            "apply": "1",
            "store": store.pk,
            "quantity": 7,
        },
    )
    assert response.status_code == 302
    batch = store.coupon_code_batches.get()
    assert batch.coupons.count() == 7 and set(batch.coupons.values_list("store", flat=True)) == {store.pk}
    pdf = client.get(reverse("backoffice:coupons_storecodebatch_file", args=[batch.pk, "pdf"]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    rows = list(
        csv.reader(
            io.StringIO(
                client.get(
                    reverse("backoffice:coupons_storecodebatch_file", args=[batch.pk, "csv"])
                ).content.decode("utf-8-sig")
            )
        )
    )
    assert len(rows) == 8 and {r[0] for r in rows[1:]} == set(batch.coupons.values_list("code", flat=True))
    too_many = client.post(
        reverse("backoffice:coupons_coupondefinition_changelist"),
        {
            "action": "generate_store_codes",
            "_selected_action": [in_store.pk],
            "apply": "1",
            "store": store.pk,
            "quantity": 0,
        },
    )
    assert too_many.status_code == 200 and Coupon.objects.count() == 7


def test_backoffice_report_page_and_csv(owner):
    client, merchant, store, campaign, in_store = owner
    services.publish_campaign(campaign=campaign, actor=None)
    coupon = services.claim_coupon(definition=in_store, customer=factories.CustomerFactory(merchant=merchant))
    services.redeem_at_counter(merchant=merchant, code=coupon.code, store=store, staff=None)
    page = client.get(reverse("backoffice:coupons_campaign_report", args=[campaign.pk]))
    assert (
        page.status_code == 200
        and "<svg" in page.content.decode()
        and "West Lake shop" in page.content.decode()
    )
    export = client.get(reverse("backoffice:coupons_campaign_report", args=[campaign.pk]), {"format": "csv"})
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert rows[1][0] == "total" and rows[1][3] == "1" and rows[1][5] == "1"
    assert any(r[0] == "store" and r[1] == "West Lake shop" for r in rows)
    assert client.get(reverse("backoffice:coupons_campaign_report_all")).status_code == 200
    other = services.create_campaign(merchant=factories.MerchantFactory(), title="Not yours")
    assert client.get(reverse("backoffice:coupons_campaign_report", args=[other.pk])).status_code == 404


def test_backoffice_create_and_publish_campaign(owner):
    client, merchant, store, campaign, in_store = owner
    response = client.post(
        reverse("backoffice:coupons_campaign_add"),
        {
            "title": "Autumn menu",
            "description": "Taste the autumn menu.",
            "share_text": "",
            "landing_text": "",
            "starts_at_0": "2026-01-01",
            "starts_at_1": "00:00:00",
            "ends_at_0": "",
            "ends_at_1": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    created = Campaign.objects.get(title="Autumn menu")
    assert created.entry_point and created.status == "draft"
    client.post(
        reverse("backoffice:coupons_campaign_changelist"),
        {"action": "publish_selected", "_selected_action": [created.pk]},
    )
    created.refresh_from_db()
    assert created.status == "published"
    assert list(created.status_changes.values_list("to_status", flat=True)) == ["published", "draft"]


def test_backoffice_publish_blocked_by_sharing_rules(owner):
    client, merchant, store, campaign, in_store = owner
    campaign.mechanics = ["reward_requires_share"]
    campaign.share_text = "转发朋友圈集赞满38个领取优惠券"
    campaign.save()
    client.post(
        reverse("backoffice:coupons_campaign_changelist"),
        {"action": "publish_selected", "_selected_action": [campaign.pk]},
    )
    campaign.refresh_from_db()
    assert campaign.status == "draft"
    assert campaign.sharing_decisions.filter(verdict="block").exists()
    assert not Redemption.objects.exists()


def test_backoffice_definition_bad_values_get_a_message_not_a_500(owner):
    client, merchant, store, campaign, in_store = owner
    data = {
        "campaign": campaign.pk,
        "name": "Bad 8折",
        "kind": "percent_off",
        "channel": "both",
        "is_active": "on",
        "amount_fen": 0,
        "min_spend_fen": 0,
        "percent_off_bp": 0,
        "cap_fen": "",
        "validity": "after_claim",
        "valid_from_0": "",
        "valid_from_1": "",
        "valid_until_0": "",
        "valid_until_1": "",
        "valid_days": 30,
        "total_quantity": "",
        "per_customer_limit": 1,
        "restore_on_refund": "on",
    }
    response = client.post(reverse("backoffice:coupons_coupondefinition_add"), data)
    assert response.status_code == 200 and "basis points" in response.content.decode()
    data["percent_off_bp"] = 2000
    response = client.post(reverse("backoffice:coupons_coupondefinition_add"), data)
    assert response.status_code == 302
    assert merchant.coupon_definitions.filter(name="Bad 8折", percent_off_bp=2000).exists()
