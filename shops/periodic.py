"""Writing config.schedules.SCHEDULES into django-celery-beat's tables."""

from __future__ import annotations

import json
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

from config.schedules import Schedule

_CRON_FIELDS = ("minute", "hour", "day_of_week", "day_of_month", "month_of_year")


def _interval(schedule: Schedule) -> IntervalSchedule:
    seconds = int(schedule.every.total_seconds())
    # Store the largest whole unit so ops read "every 30 minutes", not "every 1800 seconds".
    units = [
        (IntervalSchedule.DAYS, 86400),
        (IntervalSchedule.HOURS, 3600),
        (IntervalSchedule.MINUTES, 60),
        (IntervalSchedule.SECONDS, 1),
    ]
    for period, size in units:
        if seconds % size == 0:
            interval, _ = IntervalSchedule.objects.get_or_create(every=seconds // size, period=period)
            return interval
    raise ValueError(schedule.name)  # pragma: no cover - seconds % 1 is always 0


def _crontab(schedule: Schedule) -> CrontabSchedule:
    unknown = set(schedule.crontab) - set(_CRON_FIELDS)
    if unknown:
        raise ValueError(f"schedule {schedule.name!r}: unknown crontab fields {sorted(unknown)}")
    fields = {name: str(schedule.crontab.get(name, "*")) for name in _CRON_FIELDS}
    crontab = CrontabSchedule.objects.filter(timezone=settings.CELERY_TIMEZONE, **fields).first()
    return crontab or CrontabSchedule.objects.create(timezone=settings.CELERY_TIMEZONE, **fields)


@transaction.atomic
def sync_periodic_tasks(*, schedules: Iterable[Schedule], reset: bool = False) -> dict[str, list[str]]:
    """Create the PeriodicTask of every schedule that has none (by name) and refresh the
    code-owned parts (task, kwargs, description) of those that exist. The schedule and the
    enabled switch of an existing row are ops' to change and are left alone unless `reset`.
    Running it twice changes nothing. Returns the names created, updated and left unchanged."""
    report: dict[str, list[str]] = {"created": [], "updated": [], "unchanged": []}
    names = [s.name for s in schedules]
    if len(names) != len(set(names)):
        raise ValueError("schedule names must be unique")
    for schedule in schedules:
        when = (
            {"interval": _interval(schedule), "crontab": None}
            if schedule.every is not None
            else {"interval": None, "crontab": _crontab(schedule)}
        )
        wanted = {
            "task": schedule.task,
            "kwargs": json.dumps(schedule.kwargs, sort_keys=True),
            "description": schedule.description,
        }
        task = PeriodicTask.objects.select_for_update().filter(name=schedule.name).first()
        if task is None:
            PeriodicTask.objects.create(name=schedule.name, enabled=schedule.enabled, **wanted, **when)
            report["created"].append(schedule.name)
            continue
        if reset:
            wanted.update(when, enabled=schedule.enabled)
        changed = [key for key, value in wanted.items() if getattr(task, key) != value]
        if changed:
            for key in changed:
                setattr(task, key, wanted[key])
            task.save()  # save() (not update()) so the beat scheduler notices the change
            report["updated"].append(schedule.name)
        else:
            report["unchanged"].append(schedule.name)
    return report
