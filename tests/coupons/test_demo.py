"""Coupons demo: a published campaign with in-store and online coupons, claims and redemptions
in both channels, store codes; running the seed twice changes nothing."""

import pytest

from coupons.models import Campaign, Coupon, Redemption, StoreCodeBatch
from shops import demo

pytestmark = pytest.mark.django_db


def _snapshot():
    return (
        sorted(Campaign.objects.values_list("pk", "status")),
        sorted(Coupon.objects.values_list("pk", "status")),
        sorted(Redemption.objects.values_list("pk", "channel", "undone_at")),
        StoreCodeBatch.objects.count(),
    )


def test_coupons_demo_is_complete_and_idempotent(monkeypatch):
    monkeypatch.setattr(demo, "DEMO_APPS", ["orders", "coupons"])
    demo.seed()
    first = _snapshot()
    campaign = Campaign.objects.get(merchant__slug="chayu", title__startswith="春日到店礼")
    assert campaign.status == "published" and campaign.entry_point_id
    redemptions = Redemption.objects.filter(coupon__definition__campaign=campaign, undone_at__isnull=True)
    assert redemptions.filter(channel="counter").exists()
    assert redemptions.filter(channel="checkout").exists()
    assert StoreCodeBatch.objects.filter(merchant__slug="chayu").exists()
    # The sharing demo: one blocked at publish, one in review, one published.
    assert Campaign.objects.filter(merchant__slug="chayu", status="in_review").exists()
    demo.seed()
    assert _snapshot() == first
