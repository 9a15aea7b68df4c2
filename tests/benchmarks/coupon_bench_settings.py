"""Benchmark settings (see bench_settings) with the naive counter redemption mounted."""

from tests.benchmarks.bench_settings import *  # noqa: F403

ROOT_URLCONF = "tests.benchmarks.coupon_bench_urls"
