"""Property test: random policies, touches, orders, partial and full refunds and period closes;
every final statement must equal an independent, straightforward computation written here.

The oracle replays the binding rules, the money rules and the settlement rules from their
written descriptions (attribution.models / attribution.settlement docstrings), in plain Python
with Fractions, without calling the code under test."""

from collections import defaultdict
from datetime import datetime, timedelta
from fractions import Fraction
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from attribution.models import AttributionPolicy, RebateCategoryRate, RebatePolicy, RebateStatement
from attribution.services import touch
from attribution.settlement import accrue, close_period
from shops.money import allocate
from tests import factories
from tests.attribution.factories import paid_order, refund, staff_member

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
START = datetime(2026, 9, 1, tzinfo=SH)
MONTHS = [datetime(2026, m, 1, tzinfo=SH) for m in (9, 10, 11, 12)]


def half_up(value: Fraction) -> int:
    """Round a non-negative fraction half up."""
    return int(value + Fraction(1, 2))  # floor(x + 1/2) for x >= 0


# --- strategies ---------------------------------------------------------------------------------

policies = st.fixed_dictionaries(
    {
        "model": st.sampled_from(["first_touch", "last_touch"]),
        "protection_days": st.integers(5, 60),
        "on_expiry": st.sampled_from(["release", "keep"]),
        "store_rate_bp": st.integers(0, 2000),
        "staff_rate_bp": st.integers(0, 1000),
        "tea_rates": st.none() | st.tuples(st.integers(0, 3000), st.integers(0, 1500)),
        "exclude_gift": st.booleans(),
        "clawback_days": st.integers(1, 60),
        "minimum_payout_fen": st.sampled_from([0, 0, 100, 500, 3000]),
    }
)
touches = st.lists(
    st.tuples(
        st.integers(0, 2),
        st.integers(0, 90),
        st.integers(0, 1),
        st.booleans(),
        st.sampled_from(["scan", "payment", "redemption", "store_code"]),
    ),
    min_size=1,
    max_size=6,
)  # (customer, day, store, with staff, source)
lines = st.lists(
    st.tuples(st.integers(0, 2), st.integers(1, 20000), st.integers(1, 3)), min_size=1, max_size=3
)
orders = st.lists(
    st.tuples(
        st.integers(0, 2),  # customer
        st.integers(0, 95),  # day paid
        lines,
        st.floats(0, 1),  # discount share of the subtotal
        st.integers(0, 1000),  # shipping
        st.lists(
            st.tuples(st.floats(0.01, 1), st.integers(0, 70)), max_size=2
        ),  # refunds: share of what is left, days later
    ),
    min_size=1,
    max_size=8,
)
closes = st.lists(st.integers(0, 20), min_size=0, max_size=3)  # days after each month's end


# --- the oracle -----------------------------------------------------------------------------------


def binding_at(policy, customer_touches, when):
    """(store, staff) of the binding in force at `when`, replaying the touches before it."""
    state = None  # [store, staff, protected_until]
    days = timedelta(days=policy["protection_days"])
    for at, store, staff in sorted(customer_touches):
        if at >= when:
            break
        if state and state[2] < at and policy["on_expiry"] == "release":
            state = None
        if state is None:
            state = [store, staff, at + days]
        elif state[0] == store and (staff is None or staff == state[1]):
            state[2] = max(state[2], at + days)
        elif state[2] >= at and policy["model"] == "first_touch":
            pass
        else:
            state = [store, staff, at + days]
    if state is None or (state[2] < when and policy["on_expiry"] == "release"):
        return None
    return state[0], state[1]


def rates(policy, kind, beneficiary):
    if kind == 2 and policy["exclude_gift"]:
        return None
    if kind == 1 and policy["tea_rates"] is not None:
        return policy["tea_rates"][0 if beneficiary == "store" else 1]
    return policy["store_rate_bp" if beneficiary == "store" else "staff_rate_bp"]


def expected_events(policy, order_specs):
    """Every ledger movement: (occurred_at, beneficiary key, amount)."""
    events = []
    for spec in order_specs:
        if spec["owner"] is None:
            continue
        store, staff = spec["owner"]
        totals = [price * qty for _kind, price, qty in spec["lines"]]
        shares = allocate(spec["discount"], totals)
        for beneficiary in ("store", "staff"):
            if beneficiary == "staff" and staff is None:
                continue
            key = (beneficiary, store, staff if beneficiary == "staff" else None)
            weighted = 0
            for (kind, _price, _qty), total, share in zip(spec["lines"], totals, shares, strict=True):
                rate = rates(policy, kind, beneficiary)
                if rate is not None:
                    weighted += (total - share) * rate
            accrual = half_up(Fraction(weighted, 10000))
            events.append((spec["paid_at"], key, accrual))
            order_total = sum(totals) - spec["discount"] + spec["shipping"]
            refunded = 0
            for at, amount in spec["refunds"]:
                before, refunded = refunded, refunded + amount
                if at > spec["paid_at"] + timedelta(days=policy["clawback_days"]):
                    continue
                claw = half_up(Fraction(accrual * refunded, order_total)) - half_up(
                    Fraction(accrual * before, order_total)
                )
                events.append((at, key, -claw))
    return events


def expected_statements(policy, events, close_times):
    """Replay the runs: at each close (time C, month M) lines that occurred by C are written,
    settling at max(occurred, closed_until); the statement takes lines settling in
    [closed_until, end of M); minimum payout with carry-over per beneficiary."""
    written = {}  # event index → settles_at
    closed_until = None
    carry = defaultdict(int)
    statements = {}
    for close_at, month_start, month_end in close_times:
        for index, (occurred, _key, _amount) in enumerate(events):
            if index not in written and occurred <= close_at:
                written[index] = occurred if closed_until is None else max(occurred, closed_until)
        groups = defaultdict(list)
        for index, settles in written.items():
            if (closed_until is None or settles >= closed_until) and settles < month_end:
                groups[events[index][1]].append(events[index][2])
        for key, amounts in groups.items():
            lines_total = sum(amounts)
            total = lines_total + carry[key]
            payable = total if total >= policy["minimum_payout_fen"] and total > 0 else 0
            statements[(month_start, key)] = (len(amounts), lines_total, carry[key], payable, total - payable)
            carry[key] = total - payable
        closed_until = month_end
    return statements


# --- the property ---------------------------------------------------------------------------------


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(policy=policies, touch_specs=touches, order_data=orders, close_days=closes)
def test_every_statement_matches_an_independent_computation(policy, touch_specs, order_data, close_days):
    merchant = factories.MerchantFactory()
    stores = [factories.StoreFactory(merchant=merchant) for _ in range(2)]
    staff = [staff_member(merchant, store) for store in stores]
    customers = [factories.CustomerFactory(merchant=merchant) for _ in range(3)]
    AttributionPolicy.objects.create(
        merchant=merchant,
        model=policy["model"],
        protection_days=policy["protection_days"],
        on_expiry=policy["on_expiry"],
    )
    rebate_policy = RebatePolicy.objects.create(
        merchant=merchant,
        store_rate_bp=policy["store_rate_bp"],
        staff_rate_bp=policy["staff_rate_bp"],
        clawback_days=policy["clawback_days"],
        minimum_payout_fen=policy["minimum_payout_fen"],
    )
    tea = factories.CategoryFactory(merchant=merchant)
    listings = [
        factories.ListingFactory(merchant=merchant),
        factories.ListingFactory(
            merchant=merchant, variant=factories.VariantFactory(merchant=merchant, product__category=tea)
        ),
        factories.ListingFactory(merchant=merchant),
    ]
    if policy["tea_rates"] is not None:
        RebateCategoryRate.objects.create(
            policy=rebate_policy,
            category=tea,
            store_rate_bp=policy["tea_rates"][0],
            staff_rate_bp=policy["tea_rates"][1],
        )
    if policy["exclude_gift"]:
        rebate_policy.excluded_products.add(listings[2].variant.product)

    # A timeline with distinct instants (seconds apart) so no two things happen at once.
    timeline = []
    tick = iter(range(1, 10_000))
    oracle_touches = defaultdict(list)
    for customer, day, store, with_staff, source in touch_specs:
        at = START + timedelta(days=day, seconds=next(tick))
        who = staff[store].pk if with_staff else None
        oracle_touches[customer].append((at, stores[store].pk, who))
        timeline.append((at, "touch", (customer, store, with_staff, source)))
    specs = []
    for customer, day, line_specs, discount_share, shipping, refund_specs in order_data:
        paid_at = START + timedelta(days=day, seconds=next(tick))
        subtotal = sum(price * qty for _kind, price, qty in line_specs)
        discount = int(subtotal * discount_share)
        total = subtotal - discount + shipping
        spec = {
            "customer": customer,
            "paid_at": paid_at,
            "lines": line_specs,
            "discount": discount,
            "shipping": shipping,
            "refunds": [],
            "owner": None,
        }
        left = total
        for share, later in refund_specs:
            amount = min(left, max(1, int(left * share)))
            if amount <= 0:
                break
            left -= amount
            spec["refunds"].append((paid_at + timedelta(days=later, seconds=next(tick)), amount))
        specs.append(spec)
        timeline.append((paid_at, "order", spec))
        for at, amount in spec["refunds"]:
            timeline.append((at, "refund", (spec, amount)))
    close_times = []
    for month_index, delay in enumerate(close_days):
        close_at = MONTHS[month_index + 1] + timedelta(days=delay, seconds=next(tick))
        if close_times and close_at <= close_times[-1][0]:
            close_at = close_times[-1][0] + timedelta(seconds=1)
        close_times.append((close_at, MONTHS[month_index], MONTHS[month_index + 1]))
        timeline.append((close_at, "close", MONTHS[month_index]))

    # Play the timeline through the real services.
    for at, what, data in sorted(timeline, key=lambda item: item[0]):
        if what == "touch":
            customer, store, with_staff, source = data
            touch(
                merchant=merchant,
                customer=customers[customer],
                store=stores[store],
                staff=staff[store] if with_staff else None,
                source=source,
                occurred_at=at,
            )
        elif what == "order":
            data["order"] = paid_order(
                merchant,
                customers[data["customer"]],
                lines=[(listings[kind], price, qty) for kind, price, qty in data["lines"]],
                paid_at=at,
                discount_fen=data["discount"],
                shipping_fen=data["shipping"],
            )
            data["owner"] = binding_at(policy, oracle_touches[data["customer"]], at)
        elif what == "refund":
            spec, amount = data
            refund(spec["order"], amount, at)
        else:
            accrue(merchant=merchant, now=at)
            close_period(merchant=merchant, period_start=data, now=at)

    # Attribution matches the oracle's replay of the binding rules.
    for spec in specs:
        attribution = spec["order"].attribution
        got = (attribution.store_id, attribution.staff_id) if attribution.earns_rebate else None
        assert got == spec["owner"], (spec["paid_at"], oracle_touches[spec["customer"]])

    expected = expected_statements(policy, expected_events(policy, specs), close_times)
    actual = {
        (s.period_start, (s.beneficiary, s.store_id, s.staff_id)): (
            s.line_count,
            s.lines_total_fen,
            s.carried_in_fen,
            s.payable_fen,
            s.carried_out_fen,
        )
        for s in RebateStatement.objects.filter(merchant=merchant, status="final")
    }
    assert actual == expected

    # Closing again changes nothing.
    before = list(RebateStatement.objects.filter(merchant=merchant).order_by("id").values())
    for close_at, month_start, _end in close_times:
        close_period(merchant=merchant, period_start=month_start, now=close_at + timedelta(days=1))
    assert list(RebateStatement.objects.filter(merchant=merchant).order_by("id").values()) == before
