"""Scan → storefront throughput against a bare Django view, same gunicorn, same PostgreSQL.

Prints requests per second of the bare view (one indexed query) and of the shopper's path
(`/s/<token>` → 302 → storefront page, two requests), and their ratio.
"""

import os

import pytest
from django.conf import settings

from shops import catalog, entry_points
from shops.models import ChannelListing, Product, Variant
from tests import factories
from tests.benchmarks.http_load import Session, gunicorn_server, run

SECONDS = float(os.environ.get("BENCH_SECONDS", "6"))
THREADS = int(os.environ.get("BENCH_THREADS", "4"))


@pytest.fixture
def server(tmp_path):
    with gunicorn_server(tmp_path, "tests.benchmarks.bench_settings") as port:
        yield port


@pytest.mark.skipif(
    not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"), reason="benchmark runs on PostgreSQL"
)
@pytest.mark.django_db(transaction=True)
def test_scan_to_storefront_throughput(server):
    merchant = factories.MerchantFactory(slug="bench", name="茶语 Bench")
    store = factories.StoreFactory(merchant=merchant, name="静安寺店", opening_hours="10:00–22:00")
    products = Product.objects.bulk_create(
        [Product(merchant=merchant, title=f"Tea {i:04d}") for i in range(500)]
    )
    variants = Variant.objects.bulk_create(
        [Variant(merchant=merchant, product=p, sku=f"T-{p.pk}-{k}") for p in products for k in range(2)]
    )
    ChannelListing.objects.bulk_create(
        [
            ChannelListing(merchant=merchant, variant=v, store=None, price_fen=1000 + v.pk % 500)
            for v in variants
        ]
    )
    for variant in variants[:12]:
        catalog.set_listing(merchant=merchant, variant=variant, store=store, price_fen=900, is_exclusive=True)
    code = entry_points.create_entry_point(merchant=merchant, kind="store", store=store)
    port = server

    def bare(session: Session) -> int:
        status, _headers = session.get("/bench/bare/")
        assert status == 200
        return 1

    def scan_then_storefront(session: Session) -> int:
        status, headers = session.get(f"/s/{code.token}")
        assert status == 302, status
        status, _headers = session.get(headers["location"])
        assert status == 200, status
        return 2

    # Warm up both paths (imports, template loading, connections) before measuring.
    run("127.0.0.1", port, bare, threads=2, seconds=1)
    run("127.0.0.1", port, scan_then_storefront, threads=2, seconds=1)
    bare_rps, bare_n, bare_err = run("127.0.0.1", port, bare, threads=THREADS, seconds=SECONDS)
    path_sps, path_n, path_err = run(
        "127.0.0.1", port, scan_then_storefront, threads=THREADS, seconds=SECONDS
    )
    path_rps = path_sps * 2

    # Where the time goes: each half alone (a shopper who already scanned, re-scanning/browsing).
    storefront_path = f"/shop/{merchant.slug}/"

    def scan_only(session: Session) -> int:
        assert session.get(f"/s/{code.token}")[0] == 302
        return 1

    def storefront_only(session: Session) -> int:
        if not session.cookies:
            session.get(f"/s/{code.token}")
        assert session.get(storefront_path)[0] == 200
        return 1

    scan_rps, _n, scan_err = run("127.0.0.1", port, scan_only, threads=THREADS, seconds=SECONDS / 2)
    page_rps, _n, page_err = run("127.0.0.1", port, storefront_only, threads=THREADS, seconds=SECONDS / 2)
    print(
        f"\n[bench] bare view (1 indexed query):      {bare_rps:8.1f} req/s  ({bare_n} requests, {bare_err} errors)"
        f"\n[bench] /s/<token> → storefront:          {path_rps:8.1f} req/s  "
        f"= {path_sps:.1f} scan+page sequences/s ({path_n} sequences, {path_err} errors)"
        f"\n[bench] ratio per request (goal ≥ 0.5):   {path_rps / bare_rps:8.2f}"
        f"\n[bench] ratio per scan+page sequence:     {path_sps / bare_rps:8.2f}"
        f"\n[bench]   of which /s/<token> alone:       {scan_rps:8.1f} req/s ({scan_rps / bare_rps:.2f} of bare)"
        f"\n[bench]   of which storefront alone:        {page_rps:8.1f} req/s ({page_rps / bare_rps:.2f} of bare)"
        f"\n[bench] server: gunicorn 2 sync workers, PostgreSQL, {THREADS} client threads, {SECONDS:.0f} s each"
    )
    assert bare_err == 0 and path_err == 0 and scan_err == 0 and page_err == 0
    assert path_n > 0 and bare_n > 0
