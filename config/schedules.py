"""Every periodic job Midpage runs, in one list.

`python manage.py setup_schedules` (run by `make run` after migrate, and by deploys) writes
these into django-celery-beat's PeriodicTask table, where ops see and change them under
/ops/ (Periodic tasks). A missing row is created; an existing row keeps the schedule and the
on/off switch ops gave it (code only updates the task path, arguments and description), unless
the command runs with `--reset`.

Add an entry for a new job here (name is the stable key: never rename one casually):

    Schedule(
        name="Cancel unpaid orders",
        task="orders.cancel_unpaid",
        every=timedelta(minutes=30),
        description="Cancels orders left unpaid for 30 minutes and releases their coupons.",
    ),
    Schedule(name="Accrue rebates", task="attribution.accrue", crontab={"minute": "15", "hour": "*"}),
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta


@dataclass(frozen=True)
class Schedule:
    name: str  # unique; the PeriodicTask's name in /ops/
    task: str  # the Celery task name, e.g. "orders.cancel_unpaid"
    every: timedelta | None = None  # an interval...
    crontab: dict[str, str] | None = (
        None  # ...or cron fields: minute, hour, day_of_week, day_of_month, month_of_year
    )
    kwargs: dict = field(default_factory=dict)
    description: str = ""
    enabled: bool = True  # only for a row created for the first time

    def __post_init__(self):
        if (self.every is None) == (self.crontab is None):
            raise ValueError(f"schedule {self.name!r}: give exactly one of `every` or `crontab`")


SCHEDULES: list[Schedule] = [
    Schedule(
        name="Health check: a worker answers",
        task="midpage.ping",
        every=timedelta(minutes=10),
        kwargs={"value": "beat"},
        description="Proves beat and a worker are running; its last run time shows in /ops/.",
    ),
    Schedule(
        name="Webhooks: retry due deliveries",
        task="shops.retry_due_webhooks",
        every=timedelta(minutes=1),
        description="Sends every webhook delivery whose backoff has elapsed (backs up the per-delivery "
        "countdowns; deliveries give up 24 hours after their event).",
    ),
    Schedule(
        name="Orders: cancel unpaid orders",
        task="orders.cancel_unpaid",
        every=timedelta(minutes=1),
        description="Cancels orders left awaiting payment for 30 minutes (each order re-checked under its lock).",
    ),
    Schedule(
        name="Rebates: accrue the ledger",
        task="attribution.accrue",
        crontab={"minute": "*/15"},
        description="Writes rebate lines for newly paid attributed orders and clawbacks for refunds, then "
        "refreshes the open period's draft statements (set-based, safe to run twice).",
    ),
    Schedule(
        name="Rebates: close ended periods",
        task="attribution.close_periods",
        crontab={"minute": "30", "hour": "0"},
        description="Makes the final statements of each merchant's previous settlement period; a period "
        "already closed is left as it is.",
    ),
    Schedule(
        name="Bindings: expiry and staff who left",
        task="attribution.sweep_bindings",
        crontab={"minute": "10", "hour": "*"},
        description="Ends bindings whose protection period is over (policy 'release') and passes customers "
        "of deactivated staff to their store, each with a binding event.",
    ),
]
