"""Coupon services: claiming, counter redemption, checkout holds, refunds, publishing."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone

from coupons import services
from coupons.models import (
    Campaign,
    CampaignStatusChange,
    Coupon,
    CouponDefinition,
    Redemption,
    normalise_code,
)
from tests.coupons.factories import CampaignFactory, CouponFactory, DefinitionFactory
from tests.factories import CustomerFactory, MembershipFactory, MerchantFactory, StoreFactory

pytestmark = pytest.mark.django_db


def _order(merchant, customer, subtotal, store=None, pk=1, total=None, refunded=0):
    return SimpleNamespace(
        pk=pk,
        merchant=merchant,
        merchant_id=merchant.pk,
        customer=customer,
        store=store,
        subtotal_fen=subtotal,
        total_fen=subtotal if total is None else total,
        refunded_fen=refunded,
    )


def test_codes_are_long_uppercase_and_typable():
    coupon = CouponFactory()
    raw = coupon.code.replace("-", "")
    assert len(raw) == 20 and raw == raw.upper()
    assert not set(raw) & set("ILOU")
    assert normalise_code(coupon.code.lower().replace("-", " ")) == coupon.code


def test_discount_rounding_and_caps():
    pct = CouponDefinition(
        kind="percent_off", percent_off_bp=1250, cap_fen=500, min_spend_fen=0, amount_fen=0
    )
    assert pct.discount_fen(1234) == 154  # 154.25 → 154
    assert pct.discount_fen(1236) == 155  # 154.5 → 155 (half up)
    assert pct.discount_fen(100000) == 500  # capped
    amount = CouponDefinition(kind="amount_off", amount_fen=1000, min_spend_fen=5000)
    assert amount.discount_fen(4999) == 0
    assert amount.discount_fen(5000) == 1000
    voucher = CouponDefinition(kind="cash_voucher", amount_fen=2000, min_spend_fen=0)
    assert voucher.discount_fen(1500) == 1500  # never more than the subtotal


def test_claim_respects_per_customer_limit_and_total():
    definition = DefinitionFactory(total_quantity=3, per_customer_limit=2)
    alice = CustomerFactory(merchant=definition.merchant)
    bob = CustomerFactory(merchant=definition.merchant)
    services.claim_coupon(definition=definition, customer=alice)
    services.claim_coupon(definition=definition, customer=alice)
    with pytest.raises(services.LimitReached):
        services.claim_coupon(definition=definition, customer=alice)
    services.claim_coupon(definition=definition, customer=bob)
    with pytest.raises(services.SoldOut):
        services.claim_coupon(definition=definition, customer=bob)
    definition.refresh_from_db()
    assert definition.issued_count == 3
    assert Coupon.objects.filter(definition=definition).count() == 3


def test_claim_refused_for_unpublished_campaign_and_foreign_customer():
    definition = DefinitionFactory(campaign=CampaignFactory(status=Campaign.Status.DRAFT))
    with pytest.raises(services.CouponError):
        services.claim_coupon(definition=definition, customer=CustomerFactory(merchant=definition.merchant))
    live = DefinitionFactory()
    with pytest.raises(services.CouponError):
        services.claim_coupon(definition=live, customer=CustomerFactory())
    assert not Coupon.objects.exists()


def test_counter_redemption_and_undo():
    definition = DefinitionFactory(channel="in_store")
    store = StoreFactory(merchant=definition.merchant)
    staff = MembershipFactory(merchant=definition.merchant, role="staff", stores=[store])
    coupon = services.claim_coupon(
        definition=definition, customer=CustomerFactory(merchant=definition.merchant)
    )
    redemption = services.redeem_at_counter(
        merchant=definition.merchant, code=coupon.code.lower(), store=store, staff=staff
    )
    assert (redemption.store, redemption.staff, redemption.channel) == (store, staff, "counter")
    coupon.refresh_from_db()
    assert coupon.status == "redeemed"
    with pytest.raises(services.CouponError, match="Already used"):
        services.redeem_at_counter(merchant=definition.merchant, code=coupon.code, store=store, staff=staff)
    services.undo_counter_redemption(redemption=redemption, staff=staff)
    coupon.refresh_from_db()
    assert coupon.status == "available"
    with pytest.raises(services.CouponError):
        services.undo_counter_redemption(redemption=redemption, staff=staff)


def test_undo_refused_after_ten_minutes():
    definition = DefinitionFactory(channel="in_store")
    store = StoreFactory(merchant=definition.merchant)
    coupon = CouponFactory(definition=definition)
    redemption = services.redeem_at_counter(
        merchant=definition.merchant, code=coupon.code, store=store, staff=None
    )
    Redemption.objects.filter(pk=redemption.pk).update(at=timezone.now() - timedelta(minutes=11))
    redemption.refresh_from_db()
    with pytest.raises(services.CouponError, match="10 minutes"):
        services.undo_counter_redemption(redemption=redemption, staff=None)
    coupon.refresh_from_db()
    assert coupon.status == "redeemed"


@pytest.mark.parametrize(
    "setup, reason",
    [
        ("malformed", "not a coupon code"),
        ("unknown", "No coupon"),
        ("foreign", "another merchant"),
        ("expired", "expired"),
        ("online_only", "only be used online"),
        ("other_store", "not valid at this store"),
    ],
)
def test_counter_refusals_change_nothing(setup, reason):
    merchant = MerchantFactory()
    store = StoreFactory(merchant=merchant)
    definition = DefinitionFactory(merchant=merchant)
    coupon = CouponFactory(definition=definition)
    code = coupon.code
    if setup == "malformed":
        code = "HELLO"
    elif setup == "unknown":
        code = "0000-0000-0000-0000-0000"
    elif setup == "foreign":
        coupon = CouponFactory()
        code = coupon.code
    elif setup == "expired":
        Coupon.objects.filter(pk=coupon.pk).update(valid_until=timezone.now() - timedelta(minutes=1))
    elif setup == "online_only":
        CouponDefinition.objects.filter(pk=definition.pk).update(channel="online")
    elif setup == "other_store":
        definition.stores.add(StoreFactory(merchant=merchant))
    with pytest.raises(services.CouponError, match=reason):
        services.redeem_at_counter(merchant=merchant, code=code, store=store, staff=None)
    assert not Redemption.objects.exists()
    coupon.refresh_from_db()
    assert coupon.status == "available"


def test_checkout_hold_pay_and_refund_restores():
    definition = DefinitionFactory(channel="online", restore_on_refund=True)
    customer = CustomerFactory(merchant=definition.merchant)
    coupon = services.claim_coupon(definition=definition, customer=customer)
    eligible = services.eligible_coupons_for_checkout(customer=customer, store=None, subtotal_fen=6000)
    assert [c.pk for c in eligible] == [coupon.pk] and eligible[0].checkout_discount_fen == 1000
    assert services.eligible_coupons_for_checkout(customer=customer, store=None, subtotal_fen=4000) == []
    order = _order(definition.merchant, customer, 6000, pk=77)
    assert services.apply_coupons_to_order(order=order, coupons=[coupon]) == 1000
    coupon.refresh_from_db()
    assert (coupon.status, coupon.order_pk) == ("held", 77)
    other = _order(definition.merchant, customer, 6000, pk=78)
    with pytest.raises(services.CouponError):
        services.apply_coupons_to_order(order=other, coupons=[coupon.code])
    services.mark_order_coupons_redeemed(order=order)
    services.mark_order_coupons_redeemed(order=order)  # twice: still one redemption
    assert Redemption.objects.filter(coupon=coupon, undone_at__isnull=True).count() == 1
    assert (
        services.on_order_refunded(order=_order(definition.merchant, customer, 6000, pk=77, refunded=3000))
        == 0
    )
    full = _order(definition.merchant, customer, 6000, pk=77, refunded=5000, total=5000)
    assert services.on_order_refunded(order=full, refund=None) == 1
    coupon.refresh_from_db()
    assert coupon.status == "available"


def test_release_and_one_coupon_per_order_unless_stacking():
    merchant = MerchantFactory()
    customer = CustomerFactory(merchant=merchant)
    a = CouponFactory(definition=DefinitionFactory(merchant=merchant), customer=customer)
    b = CouponFactory(definition=DefinitionFactory(merchant=merchant), customer=customer)
    order = _order(merchant, customer, 10000, pk=5)
    with pytest.raises(services.CouponError, match="Only one"):
        services.apply_coupons_to_order(order=order, coupons=[a, b])
    CouponDefinition.objects.update(stacks=True)
    a.refresh_from_db()
    b.refresh_from_db()
    assert services.apply_coupons_to_order(order=order, coupons=[a, b]) == 2000
    assert services.release_order_coupons(order=order) == 2
    assert set(Coupon.objects.values_list("status", flat=True)) == {"available"}


def test_store_code_credits_the_store(monkeypatch):
    definition = DefinitionFactory(channel="online", total_quantity=10)
    store = StoreFactory(merchant=definition.merchant)
    batch = services.issue_store_codes(definition=definition, store=store, quantity=4)
    definition.refresh_from_db()
    assert definition.issued_count == 4 and batch.coupons.count() == 4
    with pytest.raises(services.SoldOut):
        services.issue_store_codes(definition=definition, store=store, quantity=7)
    touches = []
    monkeypatch.setattr(services, "_touch", lambda **kw: touches.append(kw))
    customer = CustomerFactory(merchant=definition.merchant)
    code = batch.coupons.first()
    services.apply_coupons_to_order(order=_order(definition.merchant, customer, 9000), coupons=[code.code])
    assert touches and touches[0]["store"] == store and touches[0]["source"] == "store_code"
    code.refresh_from_db()
    assert code.customer == customer


def test_publish_records_status_changes():
    merchant = MerchantFactory()
    campaign = services.create_campaign(
        merchant=merchant, title="Autumn tasting", description="Come taste our new teas."
    )
    assert campaign.entry_point.kind == "campaign"
    result = services.publish_campaign(campaign=campaign, actor=None)
    campaign.refresh_from_db()
    assert result.published and campaign.status == "published"
    assert list(
        CampaignStatusChange.objects.filter(campaign=campaign).values_list("to_status", flat=True)
    ) == [
        "published",
        "draft",
    ]


def test_claim_and_counter_redemption_emit_events_and_bind_the_customer():
    from attribution.models import Binding
    from shops.models_api import Event

    definition = DefinitionFactory(channel="in_store")
    store = StoreFactory(merchant=definition.merchant)
    staff = MembershipFactory(merchant=definition.merchant, role="staff", stores=[store])
    customer = CustomerFactory(merchant=definition.merchant)
    coupon = services.claim_coupon(definition=definition, customer=customer)
    services.redeem_at_counter(merchant=definition.merchant, code=coupon.code, store=store, staff=staff)
    types = list(Event.objects.filter(merchant=definition.merchant).values_list("type", flat=True))
    assert sorted(types) == ["binding.created", "coupon.claimed", "coupon.redeemed"]
    binding = Binding.objects.get(customer=customer)
    assert (binding.store, binding.staff, binding.source) == (store, staff, "redemption")


def test_editing_a_live_campaign_rechecks_the_sharing_rules():
    merchant = MerchantFactory()
    campaign = services.create_campaign(
        merchant=merchant, title="Summer tea", description="Cold brew is back."
    )
    assert services.publish_campaign(campaign=campaign, actor=None).published
    services.update_campaign(campaign=campaign, actor=None, share_text="转发到朋友圈集满30个赞免费领取")
    campaign.refresh_from_db()
    assert campaign.status != "published"
    assert campaign.status_changes.first().to_status == campaign.status
