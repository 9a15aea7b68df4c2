"""Background jobs: a real worker round-trips a task through Redis; beat schedules are synced."""

import threading
import uuid
from datetime import timedelta

import pytest
from celery.contrib.testing.worker import TestWorkController, start_worker
from celery.result import EagerResult
from django.conf import settings
from django.core.management import call_command
from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

from config.celery import app, ping
from config.schedules import SCHEDULES, Schedule
from shops.periodic import sync_periodic_tasks

STARTUP_TIMEOUT = 20  # seconds; a worker that cannot start fails the test instead of hanging it


class BoundedWorkController(TestWorkController):
    def ensure_started(self):
        if not self._on_started.wait(timeout=STARTUP_TIMEOUT):
            raise TimeoutError(f"Celery worker did not start within {STARTUP_TIMEOUT}s")


@pytest.fixture
def real_broker():
    """Turn off the test profile's eager mode and point the app at settings.REDIS_URL."""
    keys = (
        "task_always_eager",
        "broker_url",
        "result_backend",
        "task_default_queue",
        "worker_hijack_root_logger",
        "broker_transport_options",
    )
    saved = {key: app.conf[key] for key in keys}
    queue = f"midpage-test-{uuid.uuid4().hex[:8]}"  # parallel test runs never share a queue
    app.conf.update(
        task_always_eager=False,
        broker_url=settings.REDIS_URL,
        result_backend=settings.REDIS_URL,
        task_default_queue=queue,
        # Leave pytest's and Django's logging alone.
        worker_hijack_root_logger=False,
        # A broker that stops answering fails fast instead of retrying for minutes.
        broker_transport_options={
            "max_retries": 3,
            "interval_start": 0,
            "interval_step": 0.5,
            "interval_max": 1,
        },
    )
    try:
        yield queue
    finally:
        app.conf.update(saved)


@pytest.mark.redis
def test_real_worker_round_trips_a_task_through_redis(real_broker):
    assert app.conf.broker_url.startswith("redis://")
    with start_worker(
        app,
        pool="solo",
        perform_ping_check=False,
        shutdown_timeout=10,
        WorkController=BoundedWorkController,
        queues=[real_broker],
    ) as worker:
        assert worker.__class__ is BoundedWorkController
        result = ping.delay("hello from the test")
        # Not eager: the task went through Redis and a worker thread ran it.
        assert result.get(timeout=15) == "hello from the test"
        assert not isinstance(result, EagerResult)
        assert result.successful()
        assert threading.active_count() > 1


def test_tasks_run_inline_in_the_test_profile():
    assert app.conf.task_always_eager
    assert ping.delay().get(timeout=1) == "pong"


# --- django-celery-beat schedules ------------------------------------------------------------


@pytest.mark.django_db
def test_setup_schedules_is_idempotent():
    call_command("setup_schedules")
    counts = (PeriodicTask.objects.count(), IntervalSchedule.objects.count(), CrontabSchedule.objects.count())
    snapshot = list(
        PeriodicTask.objects.order_by("name").values("name", "task", "kwargs", "interval_id", "crontab_id")
    )
    call_command("setup_schedules")
    assert (
        PeriodicTask.objects.count(),
        IntervalSchedule.objects.count(),
        CrontabSchedule.objects.count(),
    ) == counts
    assert (
        list(
            PeriodicTask.objects.order_by("name").values(
                "name", "task", "kwargs", "interval_id", "crontab_id"
            )
        )
        == snapshot
    )
    for schedule in SCHEDULES:
        task = PeriodicTask.objects.get(name=schedule.name)
        assert task.task == schedule.task
        assert task.enabled == schedule.enabled
    health = PeriodicTask.objects.get(task="midpage.ping")
    assert health.enabled


@pytest.mark.django_db
def test_ops_edits_survive_a_resync_unless_reset():
    schedules = [
        Schedule(name="Cancel unpaid orders", task="orders.cancel_unpaid", every=timedelta(minutes=30)),
        Schedule(
            name="Nightly", task="midpage.ping", crontab={"minute": "5", "hour": "3"}, kwargs={"value": "n"}
        ),
    ]
    assert sync_periodic_tasks(schedules=schedules)["created"] == ["Cancel unpaid orders", "Nightly"]
    cancel = PeriodicTask.objects.get(name="Cancel unpaid orders")
    assert (cancel.interval.every, cancel.interval.period) == (30, IntervalSchedule.MINUTES)
    nightly = PeriodicTask.objects.get(name="Nightly")
    assert (nightly.crontab.minute, nightly.crontab.hour, str(nightly.crontab.timezone)) == (
        "5",
        "3",
        settings.CELERY_TIMEZONE,
    )
    assert nightly.kwargs == '{"value": "n"}'

    # Ops pause one job and slow the other down in /ops/.
    cancel.enabled = False
    cancel.interval = IntervalSchedule.objects.create(every=2, period=IntervalSchedule.HOURS)
    cancel.save()
    report = sync_periodic_tasks(schedules=schedules)
    assert report["created"] == [] and report["updated"] == []
    cancel.refresh_from_db()
    assert not cancel.enabled
    assert (cancel.interval.every, cancel.interval.period) == (2, IntervalSchedule.HOURS)

    # Code changes the task path: that part is updated in place, the row is not duplicated.
    schedules[0] = Schedule(
        name="Cancel unpaid orders", task="orders.tasks.cancel_unpaid", every=timedelta(minutes=30)
    )
    assert sync_periodic_tasks(schedules=schedules)["updated"] == ["Cancel unpaid orders"]
    cancel.refresh_from_db()
    assert cancel.task == "orders.tasks.cancel_unpaid"
    assert not cancel.enabled

    # --reset puts the code's schedule back.
    sync_periodic_tasks(schedules=schedules, reset=True)
    cancel.refresh_from_db()
    assert cancel.enabled
    assert (cancel.interval.every, cancel.interval.period) == (30, IntervalSchedule.MINUTES)
    assert PeriodicTask.objects.filter(name="Cancel unpaid orders").count() == 1


def test_every_scheduled_task_exists():
    """A typo in config/schedules.py would make beat send a task no worker knows."""
    app.loader.import_default_modules()  # what a worker imports at start-up
    unknown = [s.task for s in SCHEDULES if s.task not in app.tasks]
    assert unknown == []


def test_a_schedule_needs_exactly_one_timing():
    with pytest.raises(ValueError):
        Schedule(name="x", task="midpage.ping")
    with pytest.raises(ValueError):
        Schedule(name="x", task="midpage.ping", every=timedelta(minutes=1), crontab={"minute": "1"})


@pytest.mark.django_db
def test_duplicate_names_are_refused():
    twice = [Schedule(name="Same", task="midpage.ping", every=timedelta(minutes=1))] * 2
    with pytest.raises(ValueError):
        sync_periodic_tasks(schedules=twice)
    assert not PeriodicTask.objects.exists()


@pytest.mark.django_db
def test_ops_see_the_schedules_in_ops_admin(client):
    from tests import factories

    call_command("setup_schedules")
    client.force_login(factories.UserFactory(is_staff=True, is_superuser=True))
    response = client.get("/ops/django_celery_beat/periodictask/")
    assert response.status_code == 200
    assert SCHEDULES[0].name in response.content.decode()
