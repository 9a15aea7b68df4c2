"""Binding rules: first and last touch, protection period, renewal, expiry."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from attribution.models import AttributionPolicy, Binding, BindingEvent
from attribution.services import binding_in_force, record_scan, touch
from tests import factories
from tests.attribution.factories import staff_member

pytestmark = pytest.mark.django_db

T0 = timezone.now().replace(microsecond=0) - timedelta(days=200)


@pytest.fixture
def shop():
    merchant = factories.MerchantFactory()
    a, b = factories.StoreFactory(merchant=merchant), factories.StoreFactory(merchant=merchant)
    return {
        "merchant": merchant,
        "a": a,
        "b": b,
        "alice": staff_member(merchant, a),
        "bob": staff_member(merchant, b),
        "customer": factories.CustomerFactory(merchant=merchant),
    }


def _policy(merchant, **fields):
    AttributionPolicy.objects.update_or_create(merchant=merchant, defaults=fields)


def _touch(shop, store, staff=None, days=0, source="scan"):
    return touch(
        merchant=shop["merchant"],
        customer=shop["customer"],
        store=shop[store],
        staff=shop[staff] if staff else None,
        source=source,
        occurred_at=T0 + timedelta(days=days),
    )


def _binding(shop):
    return Binding.objects.get(customer=shop["customer"], status="active")


def test_first_touch_keeps_the_customer_while_protected(shop):
    first = _touch(shop, "a", "alice")
    assert first.kind == "created"
    kept = _touch(shop, "b", "bob", days=10)
    assert kept.kind == "kept"
    binding = _binding(shop)
    assert (binding.store, binding.staff) == (shop["a"], shop["alice"])
    assert kept.touch_store == shop["b"] and kept.store == shop["a"]
    assert "until" in kept.reason or "直到" in kept.reason or kept.reason


def test_last_touch_moves_the_customer(shop):
    _policy(shop["merchant"], model="last_touch")
    _touch(shop, "a", "alice")
    moved = _touch(shop, "b", "bob", days=3, source="payment")
    assert moved.kind == "moved"
    assert (moved.from_store, moved.from_staff) == (shop["a"], shop["alice"])
    binding = _binding(shop)
    assert (binding.store, binding.staff, binding.source) == (shop["b"], shop["bob"], "payment")
    assert binding.protected_until == T0 + timedelta(days=3 + 30)


def test_touch_at_the_same_shop_renews_protection(shop):
    _policy(shop["merchant"], protection_days=10)
    _touch(shop, "a", "alice")
    renewed = _touch(shop, "a", days=8, source="redemption")  # the store's code, no staff named
    assert renewed.kind == "renewed"
    binding = _binding(shop)
    assert binding.staff == shop["alice"]  # a store touch keeps the staff member
    assert binding.protected_until == T0 + timedelta(days=18)
    # Day 15: still protected thanks to the renewal, so first touch keeps it.
    assert _touch(shop, "b", days=15).kind == "kept"


def test_release_at_expiry_ends_the_binding_and_the_next_touch_binds_anew(shop):
    _policy(shop["merchant"], protection_days=10, on_expiry="release")
    _touch(shop, "a", "alice")
    assert binding_in_force(merchant=shop["merchant"], customer=shop["customer"], at=T0 + timedelta(days=9))
    assert (
        binding_in_force(merchant=shop["merchant"], customer=shop["customer"], at=T0 + timedelta(days=11))
        is None
    )
    event = _touch(shop, "b", "bob", days=12)
    assert event.kind == "created"
    kinds = list(
        BindingEvent.objects.filter(customer=shop["customer"]).order_by("id").values_list("kind", flat=True)
    )
    assert kinds == ["created", "expired", "created"]
    assert Binding.objects.filter(customer=shop["customer"]).count() == 2
    assert _binding(shop).store == shop["b"]


def test_keep_at_expiry_keeps_the_shop_until_another_touch(shop):
    _policy(shop["merchant"], protection_days=10, on_expiry="keep")
    _touch(shop, "a", "alice")
    in_force = binding_in_force(
        merchant=shop["merchant"], customer=shop["customer"], at=T0 + timedelta(days=40)
    )
    assert in_force is not None and in_force.store == shop["a"]
    moved = _touch(shop, "b", days=40)
    assert moved.kind == "moved"
    assert "ended" in moved.reason or moved.reason


def test_one_active_binding_per_customer_is_enforced_by_the_database(shop):
    _touch(shop, "a")
    with pytest.raises(IntegrityError), transaction.atomic():
        Binding.objects.create(
            merchant=shop["merchant"],
            customer=shop["customer"],
            store=shop["b"],
            source="scan",
            bound_at=T0,
            protected_until=T0,
        )


def test_events_are_append_only(shop):
    event = _touch(shop, "a")
    event.reason = "rewritten"
    with pytest.raises(ValidationError):
        event.save()
    with pytest.raises(ValidationError):
        event.delete()


def test_bad_touches_change_nothing(shop):
    other = factories.StoreFactory()
    with pytest.raises(ValidationError):
        touch(merchant=shop["merchant"], customer=shop["customer"], store=other, source="scan")
    with pytest.raises(ValidationError):
        touch(merchant=shop["merchant"], customer=shop["customer"], store=shop["a"], source="telepathy")
    assert not Binding.objects.exists() and not BindingEvent.objects.exists()


def test_staff_code_of_someone_who_left_binds_to_the_store(shop):
    shop["alice"].is_active = False
    shop["alice"].save()
    event = _touch(shop, "a", "alice")
    assert (event.store, event.staff) == (shop["a"], None)


def test_scanning_a_staff_code_binds_the_customer(shop):
    code = factories.EntryPointFactory(
        merchant=shop["merchant"], kind="staff", store=shop["a"], staff=shop["alice"]
    )
    import uuid

    uid = uuid.uuid4()
    scan = record_scan(entry_point=code, shopper_uid=uid)
    binding = Binding.objects.get(customer=scan.customer)
    assert (binding.store, binding.staff, binding.source) == (shop["a"], shop["alice"], "scan")
    assert binding.events.get().reference == f"scan:{scan.pk}"
    # A campaign code records the scan but does not bind.
    campaign = factories.EntryPointFactory(merchant=shop["merchant"], kind="campaign", store=None)
    record_scan(entry_point=campaign, shopper_uid=uuid.uuid4())
    assert Binding.objects.count() == 1
