"""Payment notifications: verified, decrypted, applied once; tampered, replayed, duplicated and
mismatched ones change nothing."""

import json
import logging
import time

import pytest
from django.urls import reverse

from orders.models import OrderStatus, OrderTransition, Payment, PaymentNotification
from orders.payments import sandbox
from tests.orders.factories import notify, online_order, pending_payment

pytestmark = pytest.mark.django_db


def _post(client, payment, message):
    url = reverse("payment-notify", args=["sandbox", payment.order.merchant.slug])
    headers = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in message.headers.items()}
    return client.post(url, data=message.body, content_type="application/json", **headers)


def test_a_signed_notification_posted_to_the_notify_url_marks_the_order_paid(client):
    order = online_order()
    payment = pending_payment(order)
    response = _post(client, payment, sandbox.build_payment_notification(payment, transaction_id="4200TX1"))
    assert response.status_code == 200
    assert response.json()["code"] == "SUCCESS"
    order.refresh_from_db()
    payment.refresh_from_db()
    assert order.status == OrderStatus.PAID and order.paid_at is not None
    assert payment.status == Payment.Status.SUCCEEDED and payment.transaction_id == "4200TX1"
    assert OrderTransition.objects.filter(order=order, to_status="paid").count() == 1
    note = PaymentNotification.objects.get()
    assert note.result == "applied" and note.resource["out_trade_no"] == payment.out_trade_no
    assert "Wechatpay-Signature" in note.headers


def test_tampered_body_is_refused_with_401_and_logged_nothing_changed(client, caplog):
    order = online_order()
    payment = pending_payment(order)
    message = sandbox.build_payment_notification(payment)
    envelope = json.loads(message.body)
    envelope["summary"] = "tampered"
    tampered = sandbox.v3.SignedMessage(message.headers, json.dumps(envelope))
    with caplog.at_level(logging.WARNING, logger="midpage.payments"):
        response = _post(client, payment, tampered)
    assert response.status_code == 401
    assert "bad signature" in caplog.text
    order.refresh_from_db()
    assert order.status == OrderStatus.AWAITING_PAYMENT
    assert not PaymentNotification.objects.exists()


def test_a_notification_signed_by_another_key_is_refused(client):
    from cryptography.hazmat.primitives.asymmetric import rsa

    order = online_order()
    payment = pending_payment(order)
    genuine = sandbox.build_payment_notification(payment)
    _key, serial = sandbox.platform_key()
    forger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    forged = sandbox.v3.sign_notification(private_key=forger, serial=serial, body=genuine.body)
    assert _post(client, payment, forged).status_code == 401
    order.refresh_from_db()
    assert order.status == OrderStatus.AWAITING_PAYMENT


def test_replayed_notification_older_than_five_minutes_is_refused():
    order = online_order()
    payment = pending_payment(order)
    status, answer = notify(payment, timestamp=time.time() - 301)
    assert status == 401 and "replay" in answer["message"]
    order.refresh_from_db()
    assert order.status == OrderStatus.AWAITING_PAYMENT
    # Within the window a late notification is still fine.
    assert notify(payment, timestamp=time.time() - 240)[0] == 200


def test_duplicate_notifications_answer_success_without_a_second_effect():
    order = online_order()
    payment = pending_payment(order)
    message = sandbox.build_payment_notification(payment)
    from orders.payments.notifications import handle_notification

    answers = [
        handle_notification(
            gateway_name="sandbox", merchant=order.merchant, headers=message.headers, body=message.body
        )
        for _ in range(3)
    ]
    assert [a[0] for a in answers] == [200, 200, 200]
    assert OrderTransition.objects.filter(order=order, to_status="paid").count() == 1
    assert list(PaymentNotification.objects.order_by("pk").values_list("result", flat=True)) == [
        "applied",
        "duplicate",
        "duplicate",
    ]


def test_amount_mismatch_is_refused_flagged_and_the_order_stays_unpaid():
    order = online_order(prices=(1000,))
    payment = pending_payment(order)
    status, answer = notify(payment, amount_fen=1)
    assert status == 400
    order.refresh_from_db()
    payment.refresh_from_db()
    assert order.status == OrderStatus.AWAITING_PAYMENT and payment.status == Payment.Status.PENDING
    note = PaymentNotification.objects.get()
    assert note.result == "amount_mismatch" and note.flagged


def test_notification_for_another_merchants_trade_is_refused():
    order = online_order()
    other = online_order()
    payment = pending_payment(order)
    message = sandbox.build_payment_notification(payment)
    from orders.payments.notifications import handle_notification

    status, _answer = handle_notification(
        gateway_name="sandbox", merchant=other.merchant, headers=message.headers, body=message.body
    )
    assert status == 400
    order.refresh_from_db()
    assert order.status == OrderStatus.AWAITING_PAYMENT
    assert PaymentNotification.objects.get().flagged


def test_payment_arriving_after_the_order_was_cancelled_is_kept_and_flagged():
    from orders.services import cancel_order

    order = online_order()
    payment = pending_payment(order)
    message = sandbox.build_payment_notification(payment)  # signed before the cancel: arrives late
    cancel_order(order=order)
    from orders.payments.notifications import handle_notification

    status, _ = handle_notification(
        gateway_name="sandbox", merchant=order.merchant, headers=message.headers, body=message.body
    )
    assert status == 200  # the gateway must stop retrying; ops refund the money
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    note = PaymentNotification.objects.get()
    assert note.result == "paid_after_cancel" and note.flagged


def test_sandbox_delivers_twice_out_of_order_and_the_outcome_is_the_same(django_capture_on_commit_callbacks):
    first, second = online_order(), online_order()
    p1, p2 = pending_payment(first), pending_payment(second)
    with django_capture_on_commit_callbacks(execute=True):
        sandbox.confirm(p2, times=2)
        sandbox.confirm(p1, times=2)
    for order in (first, second):
        order.refresh_from_db()
        assert order.status == OrderStatus.PAID
        assert OrderTransition.objects.filter(order=order, to_status="paid").count() == 1
    assert PaymentNotification.objects.filter(result="duplicate").count() == 2


def test_unknown_serial_and_missing_headers_are_refused(client):
    order = online_order()
    payment = pending_payment(order)
    message = sandbox.build_payment_notification(payment)
    headers = dict(message.headers, **{"Wechatpay-Serial": "NOPE"})
    assert _post(client, payment, sandbox.v3.SignedMessage(headers, message.body)).status_code == 401
    url = reverse("payment-notify", args=["sandbox", order.merchant.slug])
    assert client.post(url, data=message.body, content_type="application/json").status_code == 401
    assert (
        client.post(
            reverse("payment-notify", args=["nogateway", order.merchant.slug]),
            data="{}",
            content_type="application/json",
        ).status_code
        == 404
    )


def test_a_transaction_id_already_used_by_another_payment_is_refused_not_a_500():
    first = online_order(prices=(100,))
    second = online_order(prices=(100,))
    assert notify(pending_payment(first), transaction_id="4200SAME")[0] == 200
    status, answer = notify(pending_payment(second), transaction_id="4200SAME")
    assert status == 400 and answer["code"] == "FAIL"
    second.refresh_from_db()
    assert second.status == OrderStatus.AWAITING_PAYMENT
