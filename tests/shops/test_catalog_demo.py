"""The demo catalog: channel prices, exclusives and codes for every store and staff member; twice = once."""

import pytest

from shops import demo
from shops.models import ChannelListing, EntryPoint, Membership, Store

pytestmark = pytest.mark.django_db


def _snapshot():
    return (
        sorted(ChannelListing.objects.values_list("pk", "price_fen", "updated_at")),
        sorted(EntryPoint.objects.values_list("pk", "token")),
    )


def test_demo_catalog_is_complete_and_idempotent(monkeypatch):
    monkeypatch.setattr(demo, "DEMO_APPS", [])
    demo.seed()
    first = _snapshot()
    demo.seed()
    assert _snapshot() == first
    # Da Hong Pao is cheaper in Jing'an than online; Jing'an has a store-only style.
    dhp = ChannelListing.objects.filter(variant__sku="DHP-100", variant__merchant__slug="chayu")
    prices = dict(dhp.values_list("store__code", "price_fen"))
    assert prices[None] == 12800 and prices["jingan"] == 9800
    assert ChannelListing.objects.filter(store__code="jingan", is_exclusive=True).exists()
    assert ChannelListing.objects.filter(store__isnull=True, is_exclusive=True).count() == 2
    for store in Store.objects.filter(merchant__slug__in=["chayu", "beiling"]):
        kinds = set(EntryPoint.objects.filter(store=store, is_active=True).values_list("kind", flat=True))
        assert {"store", "pay"} <= kinds
    for membership in Membership.objects.filter(stores__isnull=False).distinct():
        assert EntryPoint.objects.filter(staff=membership, kind="staff", is_active=True).count() == 1
