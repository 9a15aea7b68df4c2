"""Rebate runs: concurrent accruals and closes (PostgreSQL), a real Celery worker, resumption."""

import threading
import uuid
from datetime import datetime, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.db import connection

from attribution import settlement
from attribution.models import RebateLedgerLine, RebatePolicy, RebateRun, RebateStatement
from attribution.services import touch
from attribution.settlement import accrue, close_period, run_accrual, run_close
from tests import factories
from tests.attribution.factories import paid_order, refund, staff_member

SH = ZoneInfo("Asia/Shanghai")
SEPT = datetime(2026, 9, 1, tzinfo=SH)
OCT = datetime(2026, 10, 1, tzinfo=SH)
NOW = datetime(2026, 10, 5, tzinfo=SH)


def _world(orders=20):
    merchant = factories.MerchantFactory()
    store = factories.StoreFactory(merchant=merchant)
    alice = staff_member(merchant, store)
    RebatePolicy.objects.create(merchant=merchant, store_rate_bp=300, staff_rate_bp=100)
    customer = factories.CustomerFactory(merchant=merchant)
    touch(merchant=merchant, customer=customer, store=store, staff=alice, source="scan", occurred_at=SEPT)
    made = [
        paid_order(merchant, customer, lines=[(None, 1000 + i, 1)], paid_at=SEPT + timedelta(hours=i + 1))
        for i in range(orders)
    ]
    refund(made[0], 500, SEPT + timedelta(days=2))
    return merchant, made


def _in_threads(target, count=2):
    errors = []
    barrier = threading.Barrier(count)

    def work():
        try:
            barrier.wait()
            target()
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_accruals_at_once_write_each_line_once():
    merchant, orders = _world()
    _in_threads(lambda: accrue(merchant=merchant, now=NOW), count=3)
    assert RebateLedgerLine.objects.filter(kind="accrual").count() == 2 * len(orders)
    assert RebateLedgerLine.objects.filter(kind="clawback").count() == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_database_refuses_a_duplicate_line_even_without_the_not_exists_guard():
    """The uniqueness is in the database: the INSERT itself (guard removed) skips existing lines."""
    merchant, orders = _world(orders=3)
    accrue(merchant=merchant, now=NOW)
    policy = settlement.policy_for(merchant)
    sql, params = settlement._accrue_sql(policy, NOW)
    guarded = "AND NOT EXISTS (SELECT 1 FROM"
    assert guarded in sql
    unguarded = sql.replace(guarded, "AND EXISTS (SELECT 1 FROM")  # only orders that HAVE a line
    with connection.cursor() as cursor:
        cursor.execute(unguarded, params)
        assert cursor.rowcount == 0
    assert RebateLedgerLine.objects.filter(beneficiary="store", kind="accrual").count() == 3


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_closes_at_once_make_one_set_of_statements():
    merchant, _orders = _world()
    accrue(merchant=merchant, now=NOW)
    _in_threads(lambda: close_period(merchant=merchant, period_start=SEPT, now=NOW), count=3)
    assert RebateStatement.objects.filter(status="final").count() == 2


@pytest.mark.django_db
def test_a_close_killed_midway_leaves_nothing_and_the_rerun_gives_the_same_result():
    merchant, _orders = _world()
    accrue(merchant=merchant, now=NOW)
    killed = mock.patch.object(settlement, "_announce_final", side_effect=RuntimeError("worker killed"))
    with killed, pytest.raises(RuntimeError):
        run_close(merchant=merchant, period_start=SEPT, now=NOW)
    assert not RebateStatement.objects.exists()
    assert RebatePolicy.objects.get(merchant=merchant).closed_until is None
    failed = RebateRun.objects.get(kind="close")
    assert failed.status == "failed" and "worker killed" in failed.error
    run = run_close(merchant=merchant, period_start=SEPT, now=NOW)
    assert run.status == "done" and run.steps_done == run.steps_total
    first = list(RebateStatement.objects.order_by("id").values("beneficiary", "store", "staff", "total_fen"))
    run_close(merchant=merchant, period_start=SEPT, now=NOW)
    assert (
        list(RebateStatement.objects.order_by("id").values("beneficiary", "store", "staff", "total_fen"))
        == first
    )
    assert len(first) == 2


@pytest.mark.django_db
def test_an_accrual_run_records_its_progress_and_drafts():
    merchant, orders = _world(orders=4)
    run = run_accrual(merchant=merchant, now=SEPT + timedelta(days=3))
    run.refresh_from_db()
    assert (run.status, run.steps_done, run.steps_total) == ("done", 3, 3)
    assert run.lines_created == 2 * 4 + 2 and run.statements_written == 2
    assert RebateStatement.objects.filter(status="draft").count() == 2


# --- a real worker ----------------------------------------------------------------------------------


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_accrues_and_closes_through_redis(real_broker):
    from celery.contrib.testing.worker import start_worker

    from attribution.tasks import accrue_rebates
    from config.celery import app
    from tests.shops.test_celery import BoundedWorkController

    merchant, orders = _world(orders=5)
    with start_worker(
        app,
        pool="solo",
        perform_ping_check=False,
        shutdown_timeout=10,
        WorkController=BoundedWorkController,
        queues=[real_broker],
    ):
        result = accrue_rebates.delay(merchant.pk)
        assert result.get(timeout=30) == 2 * 5 + 2
        # Twice is harmless.
        assert accrue_rebates.delay(merchant.pk).get(timeout=30) == 0
    assert RebateLedgerLine.objects.filter(merchant=merchant).count() == 12
    assert RebateRun.objects.filter(merchant=merchant, status="done").count() == 2


@pytest.fixture
def real_broker():
    """The test profile runs tasks eagerly; this test talks to a worker through Redis."""
    from config.celery import app

    keys = (
        "task_always_eager",
        "broker_url",
        "result_backend",
        "task_default_queue",
        "worker_hijack_root_logger",
    )
    saved = {key: app.conf[key] for key in keys}
    queue = f"midpage-test-{uuid.uuid4().hex[:8]}"
    app.conf.update(
        task_always_eager=False,
        broker_url=settings.REDIS_URL,
        result_backend=settings.REDIS_URL,
        task_default_queue=queue,
        worker_hijack_root_logger=False,
    )
    try:
        yield queue
    finally:
        app.conf.update(saved)
