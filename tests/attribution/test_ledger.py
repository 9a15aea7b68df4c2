"""Rebate ledger and statements: accrual, proportional clawback, closing, carry-over."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from attribution.models import (
    AttributionPolicy,
    RebateCategoryRate,
    RebateLedgerLine,
    RebatePolicy,
    RebateStatement,
)
from attribution.services import touch
from attribution.settlement import accrue, close_period, mark_statement_paid, refresh_drafts
from tests import factories
from tests.attribution.factories import paid_order, refund, staff_member

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
SEPT = datetime(2026, 9, 1, tzinfo=SH)
OCT = datetime(2026, 10, 1, tzinfo=SH)
NOV = datetime(2026, 11, 1, tzinfo=SH)
NOW = datetime(2026, 11, 20, tzinfo=SH)


@pytest.fixture
def world():
    merchant = factories.MerchantFactory()
    store = factories.StoreFactory(merchant=merchant)
    alice = staff_member(merchant, store)
    policy = RebatePolicy.objects.create(
        merchant=merchant, store_rate_bp=300, staff_rate_bp=100, clawback_days=30
    )
    tea = factories.CategoryFactory(merchant=merchant, name="Tea")
    RebateCategoryRate.objects.create(policy=policy, category=tea, store_rate_bp=500, staff_rate_bp=200)
    plain = factories.ListingFactory(merchant=merchant)
    special = factories.ListingFactory(
        merchant=merchant, variant=factories.VariantFactory(merchant=merchant, product__category=tea)
    )
    gift = factories.ListingFactory(merchant=merchant)
    policy.excluded_products.add(gift.variant.product)
    customer = factories.CustomerFactory(merchant=merchant)
    AttributionPolicy.objects.create(merchant=merchant, protection_days=365)
    touch(merchant=merchant, customer=customer, store=store, staff=alice, source="scan", occurred_at=SEPT)
    return {
        "merchant": merchant,
        "store": store,
        "alice": alice,
        "policy": policy,
        "plain": plain,
        "special": special,
        "gift": gift,
        "customer": customer,
    }


def _order(world, day, lines=None, **kwargs):
    lines = lines or [(world["plain"], 10000, 1)]
    return paid_order(
        world["merchant"], world["customer"], lines=lines, paid_at=SEPT + timedelta(days=day), **kwargs
    )


def _lines(order, kind="accrual"):
    return {
        line.beneficiary: line
        for line in RebateLedgerLine.objects.filter(order=order, kind=kind).order_by("id")
    }


def test_accrual_uses_the_base_after_discount_without_shipping_and_category_rates(world):
    order = _order(
        world,
        2,
        lines=[(world["plain"], 10000, 2), (world["special"], 5000, 1), (world["gift"], 3000, 1)],
        discount_fen=1800,
        shipping_fen=1000,
    )
    assert accrue(merchant=world["merchant"], now=NOW) == 2
    # Discount 1800 over 20000/5000/3000 by largest remainder: 1286/321/193.
    # Bases 18714 (3%, 1%), 4679 (tea: 5%, 2%), 0 (excluded).
    lines = _lines(order)
    assert lines["store"].base_fen == 18714 + 4679
    assert lines["store"].amount_fen == 795  # 7953700 / 10000 = 795.37
    assert lines["staff"].amount_fen == 281  # 2807200 / 10000 = 280.72
    assert lines["staff"].staff == world["alice"] and lines["store"].staff is None
    assert lines["store"].rate_bp is None  # mixed rates
    assert lines["store"].attribution == order.attribution


def test_accrual_rounds_half_up(world):
    order = _order(world, 2, lines=[(world["plain"], 50, 1)])  # 50 × 3% = 1.5 fen
    accrue(merchant=world["merchant"], now=NOW)
    assert _lines(order)["store"].amount_fen == 2
    assert _lines(order)["staff"].amount_fen == 1  # 0.5 → 1


def test_accruing_twice_writes_nothing_new(world):
    _order(world, 2)
    _order(world, 3)
    assert accrue(merchant=world["merchant"], now=NOW) == 4
    assert accrue(merchant=world["merchant"], now=NOW) == 0
    assert RebateLedgerLine.objects.count() == 4


def test_partial_refunds_claw_back_proportionally_and_a_full_refund_takes_back_everything(world):
    order = _order(world, 2, lines=[(world["plain"], 9999, 1)], shipping_fen=1)  # total 10000
    accrue(merchant=world["merchant"], now=NOW)
    accrual = _lines(order)["store"].amount_fen
    assert accrual == 300  # 9999 × 3% = 299.97
    refund(order, 3333, SEPT + timedelta(days=3))
    accrue(merchant=world["merchant"], now=NOW)
    first = RebateLedgerLine.objects.get(order=order, kind="clawback", beneficiary="store")
    assert first.amount_fen == -100  # 300 × 3333 / 10000 = 99.99
    refund(order, 6667, SEPT + timedelta(days=4))
    accrue(merchant=world["merchant"], now=NOW)
    clawed = sum(
        RebateLedgerLine.objects.filter(order=order, kind="clawback", beneficiary="store").values_list(
            "amount_fen", flat=True
        )
    )
    assert clawed == -accrual
    staff = RebateLedgerLine.objects.filter(order=order, beneficiary="staff").values_list(
        "amount_fen", flat=True
    )
    assert sum(staff) == 0


def test_refunds_after_the_clawback_window_keep_the_rebate(world):
    order = _order(world, 2)
    refund(order, order.total_fen, SEPT + timedelta(days=2 + 31))
    accrue(merchant=world["merchant"], now=NOW)
    assert not RebateLedgerLine.objects.filter(kind="clawback").exists()


def test_unbound_and_own_sales_earn_nothing(world):
    paid_order(
        world["merchant"],
        factories.CustomerFactory(merchant=world["merchant"]),
        lines=[(None, 1000, 1)],
        paid_at=SEPT,
    )
    _order(world, 2, channel="face_to_face", store=world["store"])
    assert accrue(merchant=world["merchant"], now=NOW) == 0


def test_close_builds_final_statements_and_closing_twice_changes_nothing(world):
    _order(world, 2)  # store 300, staff 100
    _order(world, 40)  # October
    accrue(merchant=world["merchant"], now=NOW)
    statements = close_period(merchant=world["merchant"], period_start=SEPT, now=NOW)
    by = {s.beneficiary: s for s in statements}
    assert (by["store"].total_fen, by["staff"].total_fen) == (300, 100)
    assert by["store"].status == "final" and by["store"].line_count == 1
    assert by["staff"].staff == world["alice"]
    assert [line.amount_fen for line in by["store"].lines()] == [300]
    snapshot = list(RebateStatement.objects.order_by("id").values())
    again = close_period(merchant=world["merchant"], period_start=SEPT, now=NOW)
    assert {s.pk for s in again} == {s.pk for s in statements}
    assert list(RebateStatement.objects.order_by("id").values()) == snapshot
    statement = by["store"]
    statement.total_fen = 1
    with pytest.raises(ValidationError):
        statement.save()


def test_a_refund_after_the_close_claws_back_in_the_next_period(world):
    order = _order(world, 20)
    accrue(merchant=world["merchant"], now=NOW)
    september = {
        s.beneficiary: s for s in close_period(merchant=world["merchant"], period_start=SEPT, now=NOW)
    }
    refund(order, order.total_fen, SEPT + timedelta(days=25))  # a September refund, after the close
    accrue(merchant=world["merchant"], now=NOW)
    for statement in september.values():
        statement.refresh_from_db()
    assert september["store"].total_fen == 300 and september["store"].line_count == 1
    october = {s.beneficiary: s for s in close_period(merchant=world["merchant"], period_start=OCT, now=NOW)}
    assert october["store"].lines_total_fen == -300
    assert october["store"].lines().get().refund.order == order


def test_minimum_payout_carries_over(world):
    RebatePolicy.objects.filter(pk=world["policy"].pk).update(minimum_payout_fen=500)
    _order(world, 2)  # store 300 in September
    _order(world, 35)  # store 300 in October
    accrue(merchant=world["merchant"], now=NOW)
    sept = {s.beneficiary: s for s in close_period(merchant=world["merchant"], period_start=SEPT, now=NOW)}
    assert (sept["store"].payable_fen, sept["store"].carried_out_fen) == (0, 300)
    octo = {s.beneficiary: s for s in close_period(merchant=world["merchant"], period_start=OCT, now=NOW)}
    assert (octo["store"].carried_in_fen, octo["store"].total_fen, octo["store"].payable_fen) == (
        300,
        600,
        600,
    )
    assert octo["store"].carried_out_fen == 0
    assert octo["staff"].payable_fen == 0 and octo["staff"].carried_out_fen == 200


def test_a_period_that_has_not_ended_cannot_be_closed(world):
    with pytest.raises(ValidationError):
        close_period(merchant=world["merchant"], period_start=NOV, now=NOW)


def test_drafts_preview_the_open_period_and_statements_can_be_paid(world):
    _order(world, 2)
    accrue(merchant=world["merchant"], now=SEPT + timedelta(days=5))
    assert refresh_drafts(merchant=world["merchant"], now=SEPT + timedelta(days=5)) == 2
    draft = RebateStatement.objects.get(beneficiary="store")
    assert draft.status == "draft" and draft.total_fen == 300
    with pytest.raises(ValidationError):
        mark_statement_paid(statement=draft)
    final = {s.beneficiary: s for s in close_period(merchant=world["merchant"], period_start=SEPT, now=NOW)}
    assert RebateStatement.objects.filter(status="draft").count() == 0
    paid = mark_statement_paid(statement=final["store"])
    assert paid.status == "paid" and paid.paid_at
