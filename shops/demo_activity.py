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

import random
import uuid
from datetime import timedelta
from unittest import mock

from django.utils import timezone

from shops.models import EntryPoint, Merchant

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
    """After every app has seeded: accrue the rebates of the paid orders (safe to run twice)."""
    try:
        from attribution import settlement
    except ImportError:  # pragma: no cover
        return
    for merchant in merchants.values():
        if hasattr(settlement, "accrue"):
            settlement.accrue(merchant=merchant)
