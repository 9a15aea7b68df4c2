"""Counter redemptions per second through HTTP under concurrency: the real path (conditional
UPDATE available → redeemed + partial unique constraint) against a naive read-then-write view,
same gunicorn, same PostgreSQL, same template. Every code is tried twice at about the same time
(two counters scanning the same code), so the naive path's race shows up as double redemptions.

Prints attempts/s and redemptions/s of both, their ratio, and how many double redemptions the
naive check let through (stopped only by the database constraint)."""

from __future__ import annotations

import os
import threading
import time

import pytest
from django.conf import settings
from django.test import Client

from coupons.models import Coupon, Redemption
from tests import factories
from tests.benchmarks.http_load import Session, gunicorn_server
from tests.coupons.factories import CouponFactory, DefinitionFactory

SECONDS = float(os.environ.get("BENCH_SECONDS", "6"))
THREADS = int(os.environ.get("BENCH_THREADS", "4"))
CODES = int(os.environ.get("BENCH_CODES", "3000"))


@pytest.fixture
def server(tmp_path):
    with gunicorn_server(tmp_path, "tests.benchmarks.coupon_bench_settings") as port:
        yield port


class StaffSession(Session):
    """A signed-in staff member's browser: session cookie, CSRF cookie, plain HTTP/1.1."""

    def __init__(self, port: int, sessionid: str):
        super().__init__("127.0.0.1", port)
        self.cookies["sessionid"] = sessionid
        self.request("GET", "/counter/redeem/")  # sets the CSRF cookie


def _hammer(port: int, sessionids: list[str], path: str, codes: list[str], store_id: int) -> dict:
    """THREADS threads take codes from one queue in which every code appears twice in a row,
    so two counters try the same code at about the same time. Runs for SECONDS."""
    queue = [c for code in codes for c in (code, code)]
    lock = threading.Lock()
    position = [0]
    stats = {"attempts": 0, "ok": 0, "refused": 0, "double": 0, "errors": 0}
    stop = time.monotonic() + SECONDS

    def worker(i: int) -> None:
        session = StaffSession(port, sessionids[i % len(sessionids)])
        while time.monotonic() < stop:
            with lock:
                if position[0] >= len(queue):
                    return
                code = queue[position[0]]
                position[0] += 1
            try:
                status, headers = session.request("POST", path, f"code={code}&store={store_id}")
            except OSError:
                status, headers = 0, {}
            with lock:
                stats["attempts"] += 1
                if status == 200:
                    stats["ok"] += 1
                elif status == 409 and headers.get("x-double"):
                    stats["double"] += 1
                elif status == 400:
                    stats["refused"] += 1
                else:
                    stats["errors"] += 1

    start = time.monotonic()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    stats["seconds"] = time.monotonic() - start
    return stats


@pytest.mark.skipif(
    not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"), reason="benchmark runs on PostgreSQL"
)
@pytest.mark.django_db(transaction=True)
def test_counter_redemption_throughput(server):
    merchant = factories.MerchantFactory(slug="bench-coupons")
    store = factories.StoreFactory(merchant=merchant)
    definition = DefinitionFactory(merchant=merchant, channel="in_store", min_spend_fen=1000, amount_fen=500)
    real_codes = [CouponFactory(definition=definition).code for _ in range(CODES)]
    naive_codes = [CouponFactory(definition=definition).code for _ in range(CODES)]
    sessionids = []
    for _ in range(2):  # two counters (staff members) in the same store
        user = factories.member(merchant, role="staff", stores=[store])
        client = Client()
        client.force_login(user)
        sessionids.append(client.cookies["sessionid"].value)
    port = server

    # Warm up (imports, templates, connections) on a few codes of their own.
    warm = [CouponFactory(definition=definition).code for _ in range(20)]
    _hammer(port, sessionids, "/counter/redeem/", warm[:10], store.pk)
    _hammer(port, sessionids, "/bench/naive-redeem/", warm[10:], store.pk)

    real = _hammer(port, sessionids, "/counter/redeem/", real_codes, store.pk)
    naive = _hammer(port, sessionids, "/bench/naive-redeem/", naive_codes, store.pk)
    real_rps, naive_rps = real["attempts"] / real["seconds"], naive["attempts"] / naive["seconds"]
    redeemed_real = Coupon.objects.filter(code__in=real_codes, status="redeemed").count()
    real_redemptions = Redemption.objects.filter(coupon__code__in=real_codes, undone_at__isnull=True).count()
    print(
        f"\n[bench] counter redeem (conditional UPDATE): {real_rps:7.1f} attempts/s, "
        f"{real['ok'] / real['seconds']:6.1f} redemptions/s  ({real['attempts']} attempts: {real['ok']} redeemed, "
        f"{real['refused']} refused as already used, {real['errors']} errors)"
        f"\n[bench] naive read-then-write:              {naive_rps:7.1f} attempts/s, "
        f"{naive['ok'] / naive['seconds']:6.1f} redemptions/s  ({naive['attempts']} attempts: {naive['ok']} redeemed, "
        f"{naive['refused']} refused, {naive['double']} DOUBLE redemptions passed the Python check, "
        f"{naive['errors']} errors)"
        f"\n[bench] ratio real/naive attempts per second: {real_rps / naive_rps:5.2f}"
        f"\n[bench] server: gunicorn 2 sync workers, PostgreSQL, {THREADS} client threads, each code tried "
        f"twice at once, {SECONDS:.0f} s each"
    )
    assert real["errors"] == 0 and naive["errors"] == 0
    assert real["ok"] > 0 and naive["ok"] > 0
    # The real path never redeems a code twice: every "redeemed" answer is one coupon, one row.
    assert real["ok"] == redeemed_real == real_redemptions
    assert real["ok"] + real["refused"] == real["attempts"]
