"""The sandbox gateway: a cashier page that simulates WeChat Pay, and notifications signed and
encrypted exactly as WeChat Pay API v3 sends them (see `orders.payments.v3`).

Its platform RSA key pair is generated once and kept in a `GatewayKey` row; its APIv3 key is
derived from SECRET_KEY. Notifications are delivered by a Celery task after commit, straight
to the same handler the notify URL calls (`notifications.handle_notification`), so a sandbox
payment goes through signature, timestamp window, decryption and amount checks like a real one.
For tests and demos it can deliver a notification twice, late (countdown) or with changes.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import uuid

from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from orders.payments import v3

KEY_NAME = "sandbox-platform"
SANDBOX_MCHID = "1900000001"
SANDBOX_APPID = "wxmidpagesandbox"


def _platform_private_key():
    from orders.models import GatewayKey

    row = GatewayKey.objects.filter(name=KEY_NAME).first()
    if row is None:
        pem = v3.private_key_pem(rsa.generate_private_key(public_exponent=65537, key_size=2048))
        try:
            with transaction.atomic():
                row = GatewayKey.objects.create(name=KEY_NAME, private_key_pem=pem)
        except IntegrityError:
            row = GatewayKey.objects.get(name=KEY_NAME)
    return v3.load_private_key(row.private_key_pem)


_CACHED = None


def platform_key():
    """(private key, serial) of the sandbox platform, loaded once per process."""
    global _CACHED
    if _CACHED is None:
        key = _platform_private_key()
        # The serial only names the key, as a certificate serial does; SHA-1 is fine for that.
        serial = hashlib.sha1(v3.public_key_pem(key.public_key()).encode()).hexdigest().upper()  # noqa: S324
        _CACHED = (key, serial)
    return _CACHED


def apiv3_key() -> bytes:
    return hashlib.sha256(f"midpage.sandbox.apiv3:{settings.SECRET_KEY}".encode()).digest()


class SandboxGateway:
    name = "sandbox"

    def start_payment(self, payment, *, request=None) -> str:
        return reverse("sandbox-cashier", args=[payment.out_trade_no])

    def query_payment(self, payment) -> dict | None:
        """The sandbox keeps no ledger of its own: its notifications are the only news."""
        return None

    def request_refund(self, refund) -> None:
        """The sandbox accepts every refund and notifies REFUND.SUCCESS shortly after."""
        message = build_refund_notification(refund)
        deliver(merchant_id=refund.order.merchant_id, message=message)

    def notification_keys(self, merchant) -> tuple[dict, bytes]:
        key, serial = platform_key()
        return {serial: key.public_key()}, apiv3_key()


def _envelope(*, event_type: str, summary: str, original_type: str, resource: dict) -> str:
    now = timezone.localtime()
    return json.dumps(
        {
            "id": str(uuid.uuid4()),
            "create_time": now.isoformat(timespec="seconds"),
            "resource_type": "encrypt-resource",
            "event_type": event_type,
            "summary": summary,
            "resource": {
                "original_type": original_type,
                **v3.encrypt_resource(
                    apiv3_key(), json.dumps(resource, ensure_ascii=False), associated_data=original_type
                ),
            },
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )


def _sign(body: str, timestamp=None) -> v3.SignedMessage:
    key, serial = platform_key()
    return v3.sign_notification(private_key=key, serial=serial, body=body, timestamp=timestamp)


def build_payment_notification(
    payment,
    *,
    amount_fen: int | None = None,
    transaction_id: str | None = None,
    trade_state="SUCCESS",
    timestamp=None,
    success_time=None,
) -> v3.SignedMessage:
    """A TRANSACTION.SUCCESS notification for `payment` as WeChat Pay would send it. Tests pass
    another amount, transaction id, state or timestamp to simulate the odd cases."""
    total = payment.amount_fen if amount_fen is None else amount_fen
    resource = {
        "mchid": SANDBOX_MCHID,
        "appid": SANDBOX_APPID,
        "out_trade_no": payment.out_trade_no,
        "transaction_id": transaction_id or f"4200{secrets.token_hex(12)}",
        "trade_type": "JSAPI",
        "trade_state": trade_state,
        "trade_state_desc": "支付成功" if trade_state == "SUCCESS" else trade_state,
        "bank_type": "OTHERS",
        "success_time": timezone.localtime(success_time).isoformat(timespec="seconds"),
        "payer": {"openid": "sandbox-openid"},
        "amount": {"total": total, "payer_total": total, "currency": "CNY", "payer_currency": "CNY"},
    }
    body = _envelope(
        event_type="TRANSACTION.SUCCESS", summary="支付成功", original_type="transaction", resource=resource
    )
    return _sign(body, timestamp)


def build_refund_notification(
    refund, *, status="SUCCESS", amount_fen=None, timestamp=None, success_time=None
) -> v3.SignedMessage:
    payment = refund.payment
    resource = {
        "mchid": SANDBOX_MCHID,
        "out_trade_no": payment.out_trade_no,
        "transaction_id": payment.transaction_id,
        "out_refund_no": refund.out_refund_no,
        "refund_id": refund.refund_id or f"5030{secrets.token_hex(12)}",
        "refund_status": status,
        "success_time": timezone.localtime(success_time).isoformat(timespec="seconds"),
        "amount": {
            "total": payment.amount_fen,
            "refund": refund.amount_fen if amount_fen is None else amount_fen,
            "payer_total": payment.amount_fen,
            "payer_refund": refund.amount_fen if amount_fen is None else amount_fen,
        },
    }
    event = "REFUND.SUCCESS" if status == "SUCCESS" else "REFUND.ABNORMAL"
    body = _envelope(event_type=event, summary="退款成功", original_type="refund", resource=resource)
    return _sign(body, timestamp)


def deliver(*, merchant_id: int, message: v3.SignedMessage, times: int = 1, countdown: int = 0) -> None:
    """Send `message` to the merchant's notify handler after commit, `times` times (a gateway
    retries; so do we in tests), optionally `countdown` seconds late."""
    from orders.tasks import deliver_notification

    def send():
        for _ in range(times):
            deliver_notification.apply_async(
                kwargs={
                    "gateway": "sandbox",
                    "merchant_id": merchant_id,
                    "headers": message.headers,
                    "body": message.body,
                },
                countdown=countdown or None,
            )

    transaction.on_commit(send)


def confirm(payment, *, times: int = 1, countdown: int = 0) -> None:
    """The shopper confirmed on the cashier page: the sandbox 'charges' and notifies."""
    deliver(
        merchant_id=payment.order.merchant_id,
        message=build_payment_notification(payment),
        times=times,
        countdown=countdown,
    )
