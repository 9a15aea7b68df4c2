"""Celery tasks: thin wrappers over services, dispatched after commit, safe to run twice."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="orders.cancel_unpaid")
def cancel_unpaid() -> int:
    from orders.services import cancel_unpaid_orders

    return cancel_unpaid_orders()


@shared_task(name="orders.deliver_notification")
def deliver_notification(*, gateway: str, merchant_id: int, headers: dict, body: str) -> int:
    """The sandbox's notification delivery: hands the signed message to the notify handler."""
    from orders.payments.notifications import handle_notification
    from shops.models import Merchant

    merchant = Merchant.objects.get(pk=merchant_id)
    status, _answer = handle_notification(gateway_name=gateway, merchant=merchant, headers=headers, body=body)
    return status


@shared_task(name="orders.submit_refund")
def submit_refund(refund_id: int) -> None:
    from orders.models import Refund
    from orders.services import submit_refund as submit

    refund = Refund.objects.select_related("payment", "order").filter(pk=refund_id).first()
    if refund is not None:
        submit(refund=refund)
