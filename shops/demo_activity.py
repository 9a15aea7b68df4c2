"""Demo history for the dashboards: shoppers scanning store and staff codes over the last 90
days, replayed through the real scan service (`attribution.services.record_scan`, which also
binds the customer under the brand's policy) with the clock set back to each scan's moment.

Runs before the other apps' demo data, so the orders the orders demo pays later find the
bindings that were in force when they were paid, and the dashboards show online sales of bound
customers, new bindings per store and scans. After every app has seeded, `finish` runs the
rebate accrual so the rebate figures are filled too.

Idempotent: demo scans carry the user agent below; a brand that has them is left alone.
"""

from __future__ import annotations

import logging
import random
import uuid
from datetime import timedelta
from unittest import mock

from django.utils import timezone

from shops.models import EntryPoint, Merchant

logger = logging.getLogger(__name__)

USER_AGENT = "midpage-demo"
DAYS = 90
# The same shopper identities the orders demo buys with (orders.demo._customer), plus a few more.
SHOPPERS = 24


def _shopper_uid(merchant: Merchant, n: int) -> uuid.UUID:
    return uuid.uuid5(uuid.NAMESPACE_URL, f"midpage-demo-shopper/{merchant.slug}/{n}")


def _at(moment):
    """Run the code inside with `timezone.now()` returning `moment` (replaying history)."""
    return mock.patch("django.utils.timezone.now", return_value=moment)


def seed(merchants: dict[str, Merchant]) -> None:
    """Each shopper adopts one store or staff code and scans it every one to three weeks,
    starting somewhere in the first weeks of the 90 days; a few also scan a second shop."""
    try:
        from attribution.models import ScanEvent
        from attribution.services import record_scan
    except ImportError:  # pragma: no cover - attribution app not installed
        return
    now = timezone.now()
    for slug, merchant in merchants.items():
        if ScanEvent.objects.filter(merchant=merchant, user_agent=USER_AGENT).exists():
            continue
        codes = list(
            EntryPoint.objects.filter(
                merchant=merchant, is_active=True, kind__in=[EntryPoint.Kind.STORE, EntryPoint.Kind.STAFF]
            ).order_by("pk")
        )
        if not codes:
            continue
        rng = random.Random(f"scans/{slug}")
        scans = []
        for n in range(SHOPPERS):
            home = rng.choice(codes)
            at = now - timedelta(days=DAYS - rng.uniform(0, 40), minutes=rng.randint(0, 600))
            while at < now - timedelta(hours=1):
                code = home if rng.random() < 0.85 else rng.choice(codes)
                scans.append((at, code, _shopper_uid(merchant, n)))
                at += timedelta(days=rng.uniform(7, 21), minutes=rng.randint(-300, 300))
        for at, code, uid in sorted(scans, key=lambda scan: scan[0]):
            with _at(at):
                record_scan(entry_point=code, shopper_uid=uid, user_agent=USER_AGENT)


def finish(merchants: dict[str, Merchant]) -> None:
    """After every app has seeded: accrue the rebates of the paid orders, close the months that
    have ended (final statements), mark all but the latest month's as paid (so the brand sees
    paid, final and draft statements), and build this month's drafts. Safe to run twice."""
    try:
        from attribution import settlement
        from attribution.models import RebateStatement
    except ImportError:  # pragma: no cover
        return
    now = timezone.now()
    for merchant in merchants.values():
        try:
            _settle(settlement, RebateStatement, merchant, now)
        except Exception:  # the demo must not stop `make run`; the rebate app's tests cover it
            logger.exception("demo: rebate settlement for %s failed", merchant.slug)


def _settle(settlement, RebateStatement, merchant: Merchant, now) -> None:
    settlement.accrue(merchant=merchant, now=now)
    policy = settlement.policy_for(merchant)
    periods = []
    period = settlement.period_containing(kind=policy.period, at=now - timedelta(days=DAYS + 10))
    while period.end <= now:
        periods.append(period)
        period = settlement.period_containing(kind=policy.period, at=period.end)
    for period in periods:
        settlement.close_period(merchant=merchant, period_start=period.start, now=now)
    owner = merchant.memberships.filter(role="owner").select_related("user").first()
    if periods:
        unpaid = RebateStatement.objects.filter(merchant=merchant, status="final").exclude(
            period_start=periods[-1].start
        )
        for statement in unpaid:
            settlement.mark_statement_paid(statement=statement, actor=owner.user if owner else None)
    if not RebateStatement.objects.filter(merchant=merchant, status="draft").exists():
        settlement.refresh_drafts(merchant=merchant, now=now)
