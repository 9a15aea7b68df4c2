"""Recording what happened to a merchant's data and telling its webhook endpoints.

Other apps call `emit(merchant=..., type="order.paid", data={...})` inside the transaction of
the service that made the change. The Event row and one WebhookDelivery per subscribed
endpoint are written in that transaction; delivery is dispatched only after it commits, so a
rolled-back change is never announced.
"""

from __future__ import annotations

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from shops.models import Merchant
from shops.models_api import EVENT_TYPE_NAMES, Event, WebhookDelivery, WebhookEndpoint


def _jsonable(data: dict) -> dict:
    """Dates, decimals and UUIDs as the JSON strings the webhook body will carry."""
    import json

    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def emit(*, merchant: Merchant, type: str, data: dict) -> Event:  # noqa: A002 - the contract's name
    """Record event `type` for `merchant` and queue it for every active endpoint subscribed to it.

    Guarantees: the event and its deliveries exist if and only if the caller's transaction
    commits; each delivery is first attempted after commit (by Celery); an unknown type is a
    programming error (ValueError), not a silent drop.
    """
    if type not in EVENT_TYPE_NAMES:
        raise ValueError(f"unknown event type {type!r}; add it to shops.models_api.EVENT_TYPES")
    with transaction.atomic():
        now = timezone.now()
        event = Event.objects.create(merchant=merchant, type=type, data=_jsonable(data))
        endpoints = [
            endpoint
            for endpoint in WebhookEndpoint.objects.filter(merchant=merchant, is_active=True)
            if endpoint.wants(type)
        ]
        deliveries = WebhookDelivery.objects.bulk_create(
            [
                WebhookDelivery(merchant=merchant, endpoint=endpoint, event=event, next_attempt_at=now)
                for endpoint in endpoints
            ]
        )
        ids = [delivery.pk for delivery in deliveries]
        if ids:
            transaction.on_commit(lambda: _dispatch(ids))
    return event


def _dispatch(delivery_ids: list[int]) -> None:
    from shops.api_tasks import deliver_webhook

    for delivery_id in delivery_ids:
        deliver_webhook.delay(delivery_id)
