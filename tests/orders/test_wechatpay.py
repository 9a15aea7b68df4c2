"""The WeChat Pay adapter: request signing, response and notification parsing, with fixtures
(this machine cannot reach WeChat)."""

import base64
import json
import time

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from orders.payments import gateway_for, get_gateway, v3, wechatpay
from orders.payments.base import GatewayError
from orders.payments.notifications import handle_notification
from tests import factories
from tests.orders.factories import online_order, pending_payment

pytestmark = pytest.mark.django_db

MERCHANT_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
PLATFORM_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
APIV3_KEY = "0123456789abcdef0123456789abcdef"


def _account(merchant):
    return wechatpay.store_credentials(
        merchant=merchant,
        appid="wx1234567890",
        mchid="1230000109",
        serial_no="5157F09EFDC096DE15EBE81A47057A7232F1B8E1",
        private_key_pem=v3.private_key_pem(MERCHANT_KEY),
        apiv3_key=APIV3_KEY,
        platform_serial="PLATFORM1",
        platform_public_key=v3.public_key_pem(PLATFORM_KEY.public_key()),
    )


def test_secrets_are_stored_encrypted_and_the_merchant_switches_to_wechat_pay():
    merchant = factories.MerchantFactory()
    assert gateway_for(merchant).name == "sandbox"
    account = _account(merchant)
    assert APIV3_KEY not in account.apiv3_key_encrypted
    assert "PRIVATE KEY" not in account.private_key_encrypted
    assert gateway_for(merchant).name == "wechatpay"
    creds = wechatpay.Credentials.for_account(account)
    assert creds.apiv3_key == APIV3_KEY.encode()


def test_native_order_request_is_signed_as_v3_requires():
    merchant = factories.MerchantFactory()
    creds = wechatpay.Credentials.for_account(_account(merchant))
    payment = pending_payment(online_order(merchant, prices=(888,)))
    req = wechatpay.native_order(
        creds,
        payment=payment,
        description="茶",
        notify="https://x.example/n",
        timestamp=1700000000,
        nonce="N1",
    )
    assert (req.method, req.path) == ("POST", "/v3/pay/transactions/native")
    body = json.loads(req.body)
    assert (
        body["amount"] == {"total": 888, "currency": "CNY"} and body["out_trade_no"] == payment.out_trade_no
    )
    auth = req.headers["Authorization"]
    assert auth.startswith('WECHATPAY2-SHA256-RSA2048 mchid="1230000109",nonce_str="N1",signature="')
    signature = auth.split('signature="')[1].split('"')[0]
    message = f"POST\n/v3/pay/transactions/native\n1700000000\nN1\n{req.body}\n".encode()
    MERCHANT_KEY.public_key().verify(
        base64.b64decode(signature), message, padding.PKCS1v15(), hashes.SHA256()
    )
    query = wechatpay.query_order(creds, out_trade_no=payment.out_trade_no)
    assert query.method == "GET" and query.body == "" and "mchid=1230000109" in query.path


def test_jsapi_and_refund_builders():
    merchant = factories.MerchantFactory()
    creds = wechatpay.Credentials.for_account(_account(merchant))
    payment = pending_payment(online_order(merchant, prices=(500,)))
    req = wechatpay.jsapi_order(creds, payment=payment, openid="oUpF8", description="d", notify="https://x/n")
    assert json.loads(req.body)["payer"] == {"openid": "oUpF8"}
    payment.transaction_id = "4200000001"

    class FakeRefund:
        out_refund_no, amount_fen, reason = "R1", 200, "质量问题"

    FakeRefund.payment = payment
    refund = wechatpay.refund_request(creds, refund=FakeRefund, notify="https://x/n")
    assert refund.path == "/v3/refund/domestic/refunds"
    assert json.loads(refund.body)["amount"] == {"refund": 200, "total": 500, "currency": "CNY"}


def test_responses_are_accepted_only_with_the_platform_signature():
    merchant = factories.MerchantFactory()
    creds = wechatpay.Credentials.for_account(_account(merchant))
    body = '{"code_url":"weixin://wxpay/bizpayurl?pr=abc"}'
    signed = v3.sign_notification(private_key=PLATFORM_KEY, serial="PLATFORM1", body=body)
    assert wechatpay.parse_response(creds, status=200, headers=signed.headers, body=body)[
        "code_url"
    ].startswith("weixin")
    with pytest.raises(GatewayError):
        wechatpay.parse_response(creds, status=200, headers=signed.headers, body=body.replace("abc", "evil"))
    error = '{"code":"PARAM_ERROR","message":"bad"}'
    signed_error = v3.sign_notification(private_key=PLATFORM_KEY, serial="PLATFORM1", body=error)
    with pytest.raises(GatewayError, match="PARAM_ERROR"):
        wechatpay.parse_response(creds, status=400, headers=signed_error.headers, body=error)


def test_a_wechat_pay_notification_is_verified_and_applied_with_the_merchants_keys():
    merchant = factories.MerchantFactory()
    _account(merchant)
    order = online_order(merchant, prices=(1234,))
    from orders import services

    payment = services.start_payment(order=order, gateway_name="wechatpay")
    resource = {
        "mchid": "1230000109",
        "out_trade_no": payment.out_trade_no,
        "transaction_id": "4200000000000001",
        "trade_state": "SUCCESS",
        "success_time": "2026-11-25T10:00:00+08:00",
        "amount": {"total": 1234, "currency": "CNY"},
    }
    encrypted = v3.encrypt_resource(APIV3_KEY.encode(), json.dumps(resource), associated_data="transaction")
    body = json.dumps(
        {
            "id": "EV1",
            "event_type": "TRANSACTION.SUCCESS",
            "resource": {"original_type": "transaction", **encrypted},
        }
    )
    signed = v3.sign_notification(
        private_key=PLATFORM_KEY, serial="PLATFORM1", body=body, timestamp=time.time()
    )
    assert (
        handle_notification(gateway_name="wechatpay", merchant=merchant, headers=signed.headers, body=body)[0]
        == 200
    )
    order.refresh_from_db()
    assert order.status == "paid"
    # The sandbox's key cannot speak for this merchant's WeChat Pay account.
    forged = get_gateway("sandbox")
    assert forged.name == "sandbox"
    wrong_key = v3.sign_notification(private_key=MERCHANT_KEY, serial="PLATFORM1", body=body)
    assert (
        handle_notification(
            gateway_name="wechatpay", merchant=merchant, headers=wrong_key.headers, body=body
        )[0]
        == 401
    )


def test_decrypting_with_the_wrong_key_or_tampered_ciphertext_fails():
    encrypted = v3.encrypt_resource(APIV3_KEY.encode(), '{"a":1}', associated_data="transaction")
    assert v3.decrypt_resource(APIV3_KEY.encode(), encrypted) == {"a": 1}
    with pytest.raises(v3.NotificationRejected):
        v3.decrypt_resource(b"x" * 32, encrypted)
    with pytest.raises(v3.NotificationRejected):
        v3.decrypt_resource(APIV3_KEY.encode(), dict(encrypted, associated_data="refund"))


def _stale_wechat_order(merchant):
    from datetime import timedelta

    from django.utils import timezone

    from orders import services
    from orders.models import Order

    order = online_order(merchant, prices=(990,))
    payment = services.start_payment(order=order, gateway_name="wechatpay")
    Order.objects.filter(pk=order.pk).update(created_at=timezone.now() - timedelta(minutes=40))
    return order, payment


def test_before_cancelling_the_gateway_is_asked_and_a_lost_notification_is_recovered(monkeypatch):
    from orders.services import cancel_unpaid_orders

    merchant = factories.MerchantFactory()
    _account(merchant)
    order, payment = _stale_wechat_order(merchant)
    answer = {
        "out_trade_no": payment.out_trade_no,
        "transaction_id": "4200LOST",
        "trade_state": "SUCCESS",
        "success_time": "2026-11-25T10:00:00+08:00",
        "amount": {"total": 990, "currency": "CNY"},
    }
    asked = []
    monkeypatch.setattr(wechatpay, "send", lambda creds, req: asked.append(req.path) or answer)
    assert cancel_unpaid_orders() == 0
    order.refresh_from_db()
    assert order.status == "paid" and asked and payment.out_trade_no in asked[0]


def test_not_paid_at_the_gateway_is_cancelled_and_an_unreachable_gateway_keeps_the_order(monkeypatch):
    from orders.services import cancel_unpaid_orders

    merchant = factories.MerchantFactory()
    _account(merchant)
    order, _payment = _stale_wechat_order(merchant)

    def down(creds, req):
        raise GatewayError("timeout")

    monkeypatch.setattr(wechatpay, "send", down)
    assert cancel_unpaid_orders() == 0
    order.refresh_from_db()
    assert order.status == "awaiting_payment"
    monkeypatch.setattr(wechatpay, "send", lambda creds, req: {"trade_state": "NOTPAY"})
    assert cancel_unpaid_orders() == 1
    order.refresh_from_db()
    assert order.status == "cancelled"


def test_checkout_with_wechat_pay_shows_the_native_code(client, monkeypatch):
    from django.urls import reverse

    merchant = factories.MerchantFactory()
    _account(merchant)
    order = online_order(merchant, prices=(990,))
    calls = []
    monkeypatch.setattr(
        wechatpay,
        "send",
        lambda creds, req: calls.append(req) or {"code_url": "weixin://wxpay/bizpayurl?pr=X"},
    )
    response = client.post(reverse("order-pay", args=[order.token]))
    assert response["Location"].startswith("/pay/wechat/")
    page = client.get(response["Location"])
    assert page.status_code == 200 and "<svg" in page.content.decode()
    client.post(reverse("order-pay", args=[order.token]))
    assert len(calls) == 1  # the code is kept: a reload asks WeChat nothing
    assert calls[0].path == "/v3/pay/transactions/native"


def test_notify_url_is_the_public_site_url(settings):
    settings.SITE_URL = "https://shop.example.cn"
    merchant = factories.MerchantFactory(slug="chayu-tea")
    assert wechatpay.notify_url(merchant) == "https://shop.example.cn/pay/notify/wechatpay/chayu-tea/"
