"""Celery tasks of the open API: thin wrappers over shops.webhooks and shops.exports, safe to run twice."""

from celery import shared_task


@shared_task(name="shops.deliver_webhook", ignore_result=True)
def deliver_webhook(delivery_id: int) -> None:
    from shops.webhooks import attempt_delivery

    attempt_delivery(delivery_id=delivery_id)


@shared_task(name="shops.retry_due_webhooks", ignore_result=True)
def retry_due_webhooks() -> None:
    """Periodic sweep: attempts every delivery whose backoff has elapsed (backs up lost countdowns)."""
    from shops.webhooks import attempt_delivery, due_delivery_ids

    for delivery_id in due_delivery_ids():
        attempt_delivery(delivery_id=delivery_id)


@shared_task(name="shops.build_export", ignore_result=True)
def build_export(export_id: int) -> None:
    from shops.exports import build_export as build

    build(export_id=export_id)
