"""The notify endpoint's logic: verify, decrypt, record, apply once.

`handle_notification` is what both the HTTP view (`orders.views.payment_notify`) and the
sandbox's delivery task call, so tests can drive it either way.
"""

from __future__ import annotations

import logging

from django.db import IntegrityError

from orders import services
from orders.models import PaymentNotification
from orders.payments import get_gateway, v3
from orders.payments.base import GatewayError

logger = logging.getLogger("midpage.payments")
OK = {
    PaymentNotification.Result.APPLIED,
    PaymentNotification.Result.DUPLICATE,
    PaymentNotification.Result.IGNORED,
    PaymentNotification.Result.PAID_AFTER_CANCEL,
}


def handle_notification(
    *, gateway_name: str, merchant, headers, body: str, now: float | None = None
) -> tuple[int, dict]:
    """Return (HTTP status, JSON answer) for a gateway notification to `merchant`.

    401 and nothing recorded or changed for a bad signature, unknown key or a timestamp more
    than 5 minutes away (replay); 400 for a refused one (unknown trade, amount mismatch: kept
    and flagged for ops); 200 for applied and duplicate notifications (WeChat stops retrying)."""
    try:
        gateway = get_gateway(gateway_name)
        public_keys, apiv3_key = gateway.notification_keys(merchant)
    except (LookupError, GatewayError):
        return 404, {"code": "FAIL", "message": "unknown gateway"}
    try:
        envelope, resource = v3.open_notification(
            headers=headers, body=body, public_keys=public_keys, apiv3_key=apiv3_key, now=now
        )
    except v3.NotificationRejected as rejected:
        logger.warning(
            "rejected %s notification for merchant %s: %s",
            gateway_name,
            merchant.pk,
            rejected.reason,
            extra={"headers": {k: v for k, v in dict(headers).items() if k.lower().startswith("wechatpay")}},
        )
        return rejected.status, {"code": "FAIL", "message": rejected.reason}
    event_type = str(envelope.get("event_type", ""))
    kwargs = {
        "merchant": merchant,
        "gateway": gateway_name,
        "envelope": envelope,
        "resource": resource,
        "headers": {k: v for k, v in dict(headers).items() if k.lower().startswith("wechatpay")},
        "body": body,
    }
    try:
        if event_type.startswith("TRANSACTION."):
            result = services.apply_payment_notification(**kwargs)
        elif event_type.startswith("REFUND."):
            result = services.apply_refund_notification(**kwargs)
        else:
            return 400, {"code": "FAIL", "message": "unknown event type"}
    except IntegrityError:
        # A gateway transaction or refund id already recorded on another payment: never apply
        # it twice; ops look at the log (the gateway retries, so the evidence comes back).
        logger.error("conflicting %s notification for merchant %s: %s", gateway_name, merchant.pk, body[:500])
        return 400, {"code": "FAIL", "message": "conflict"}
    if result in OK:
        return 200, {"code": "SUCCESS", "message": "成功"}
    return 400, {"code": "FAIL", "message": result}
