"""Race safety on PostgreSQL with threads: limits and single redemption hold under concurrency."""

from __future__ import annotations

import contextlib
import threading
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace

import pytest
from django.db import connection

from coupons import services
from coupons.models import Coupon, Redemption
from tests.coupons.factories import CouponFactory, DefinitionFactory
from tests.factories import CustomerFactory, MembershipFactory, StoreFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _race(n_workers: int, attempts: list, action):
    """Run `action(arg)` for each arg in `attempts`, released together; returns (ok, refused)."""
    barrier = threading.Barrier(min(n_workers, len(attempts)))
    results = []
    lock = threading.Lock()

    def run(arg):
        try:
            with contextlib.suppress(threading.BrokenBarrierError):
                barrier.wait(timeout=10)
            try:
                action(arg)
                outcome = "ok"
            except services.CouponError:
                outcome = "refused"
            with lock:
                results.append(outcome)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=n_workers) as pool:
        list(pool.map(run, attempts))
    return results.count("ok"), results.count("refused")


def test_200_concurrent_claims_on_total_50_issue_exactly_50():
    definition = DefinitionFactory(total_quantity=50, per_customer_limit=1)
    customers = [CustomerFactory(merchant=definition.merchant) for _ in range(200)]
    ok, refused = _race(20, customers, lambda c: services.claim_coupon(definition=definition, customer=c))
    definition.refresh_from_db()
    assert ok == 50 and refused == 150
    assert Coupon.objects.filter(definition=definition).count() == 50
    assert definition.issued_count == 50


def test_50_concurrent_claims_by_one_customer_with_limit_2_issue_exactly_2():
    definition = DefinitionFactory(total_quantity=None, per_customer_limit=2)
    customer = CustomerFactory(merchant=definition.merchant)
    ok, refused = _race(
        20, list(range(50)), lambda _i: services.claim_coupon(definition=definition, customer=customer)
    )
    definition.refresh_from_db()
    assert ok == 2 and refused == 48
    assert Coupon.objects.filter(definition=definition, customer=customer).count() == 2
    assert definition.issued_count == 2


def test_one_code_at_two_counters_and_checkout_is_redeemed_once():
    definition = DefinitionFactory(channel="both", min_spend_fen=1000, amount_fen=500)
    merchant = definition.merchant
    customer = CustomerFactory(merchant=merchant)
    coupon = CouponFactory(definition=definition, customer=customer)
    stores = [StoreFactory(merchant=merchant), StoreFactory(merchant=merchant)]
    staff = [MembershipFactory(merchant=merchant, role="staff", stores=[s]) for s in stores]

    def attempt(i):
        kind = i % 3
        if kind < 2:
            services.redeem_at_counter(
                merchant=merchant, code=coupon.code, store=stores[kind], staff=staff[kind]
            )
        else:
            order = SimpleNamespace(
                pk=1000 + i,
                merchant=merchant,
                merchant_id=merchant.pk,
                customer=customer,
                store=None,
                subtotal_fen=5000,
                total_fen=4500,
                refunded_fen=0,
            )
            services.apply_coupons_to_order(order=order, coupons=[coupon.code])
            services.mark_order_coupons_redeemed(order=order)

    ok, refused = _race(20, list(range(20)), attempt)
    assert ok == 1 and refused == 19
    assert Redemption.objects.filter(coupon=coupon, undone_at__isnull=True).count() == 1
    coupon.refresh_from_db()
    assert coupon.status == "redeemed"
