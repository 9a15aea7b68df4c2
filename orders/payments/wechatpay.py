"""The real WeChat Pay API v3 adapter (direct merchant mode).

Credentials are per merchant (`orders.models.WechatPayAccount`, secrets Fernet-encrypted).
Request builders return exactly what goes on the wire (method, path, body, headers with the
v3 Authorization signature); `send` posts them with `requests` and verifies the platform's
signature on the answer. Notifications are verified and decrypted by `orders.payments.v3`,
the same code the sandbox exercises. This machine cannot reach WeChat: the builders, the
signing and the parsing are tested with fixtures.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from django.conf import settings
from django.urls import reverse

from orders.payments import v3
from orders.payments.base import GatewayError
from orders.payments.secrets import decrypt, encrypt

API_BASE = "https://api.mch.weixin.qq.com"


@dataclass
class Credentials:
    appid: str
    mchid: str
    serial_no: str
    private_key: object
    apiv3_key: bytes
    platform_keys: dict = field(default_factory=dict)

    @classmethod
    def for_account(cls, account) -> Credentials:
        return cls(
            appid=account.appid,
            mchid=account.mchid,
            serial_no=account.serial_no,
            private_key=v3.load_private_key(decrypt(account.private_key_encrypted)),
            apiv3_key=decrypt(account.apiv3_key_encrypted),
            platform_keys={account.platform_serial: v3.load_public_key(account.platform_public_key)},
        )


def store_credentials(
    *, merchant, appid, mchid, serial_no, private_key_pem, apiv3_key, platform_serial, platform_public_key
):
    """Create or replace the merchant's WeChat Pay account, encrypting the secrets."""
    from orders.models import WechatPayAccount

    if len(apiv3_key.encode() if isinstance(apiv3_key, str) else apiv3_key) != 32:
        raise ValueError("the APIv3 key is 32 bytes")
    v3.load_private_key(private_key_pem)  # fail now, not at the first payment
    v3.load_public_key(platform_public_key)
    account, _created = WechatPayAccount.objects.update_or_create(
        merchant=merchant,
        defaults={
            "appid": appid,
            "mchid": mchid,
            "serial_no": serial_no,
            "private_key_encrypted": encrypt(private_key_pem),
            "apiv3_key_encrypted": encrypt(apiv3_key),
            "platform_serial": platform_serial,
            "platform_public_key": platform_public_key,
            "is_active": True,
        },
    )
    return account


@dataclass(frozen=True)
class ApiRequest:
    method: str
    path: str
    body: str
    headers: dict


def _request(
    creds: Credentials, method: str, path: str, payload: dict | None = None, *, timestamp=None, nonce=None
) -> ApiRequest:
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")) if payload is not None else ""
    auth = v3.authorization_header(
        mchid=creds.mchid,
        serial_no=creds.serial_no,
        private_key=creds.private_key,
        method=method,
        url=path,
        body=body,
        timestamp=timestamp,
        nonce=nonce,
    )
    headers = {"Authorization": auth, "Accept": "application/json", "User-Agent": "midpage"}
    if body:
        headers["Content-Type"] = "application/json"
    return ApiRequest(method, path, body, headers)


def notify_url(merchant) -> str:
    base = settings.SITE_URL  # WeChat Pay only posts to a public https URL: set SITE_URL in production
    return base.rstrip("/") + reverse("payment-notify", args=["wechatpay", merchant.slug])


def jsapi_order(
    creds: Credentials, *, payment, openid: str, description: str, notify: str, **kw
) -> ApiRequest:
    payload = {
        "appid": creds.appid,
        "mchid": creds.mchid,
        "description": description[:127],
        "out_trade_no": payment.out_trade_no,
        "notify_url": notify,
        "amount": {"total": payment.amount_fen, "currency": "CNY"},
        "payer": {"openid": openid},
    }
    return _request(creds, "POST", "/v3/pay/transactions/jsapi", payload, **kw)


def native_order(creds: Credentials, *, payment, description: str, notify: str, **kw) -> ApiRequest:
    payload = {
        "appid": creds.appid,
        "mchid": creds.mchid,
        "description": description[:127],
        "out_trade_no": payment.out_trade_no,
        "notify_url": notify,
        "amount": {"total": payment.amount_fen, "currency": "CNY"},
    }
    return _request(creds, "POST", "/v3/pay/transactions/native", payload, **kw)


def query_order(creds: Credentials, *, out_trade_no: str, **kw) -> ApiRequest:
    return _request(
        creds, "GET", f"/v3/pay/transactions/out-trade-no/{out_trade_no}?mchid={creds.mchid}", None, **kw
    )


def refund_request(creds: Credentials, *, refund, notify: str, **kw) -> ApiRequest:
    payment = refund.payment
    payload = {
        "transaction_id": payment.transaction_id,
        "out_refund_no": refund.out_refund_no,
        "reason": (refund.reason or "")[:80],
        "notify_url": notify,
        "amount": {"refund": refund.amount_fen, "total": payment.amount_fen, "currency": "CNY"},
    }
    return _request(creds, "POST", "/v3/refund/domestic/refunds", payload, **kw)


def parse_response(creds: Credentials, *, status: int, headers, body: str) -> dict:
    """Check the platform's signature on an API answer and return its JSON; raise GatewayError
    for an error answer or a forged one."""
    try:
        v3.verify_signed(headers=headers, body=body, public_keys=creds.platform_keys)
    except v3.NotificationRejected as error:
        raise GatewayError(f"unverifiable answer from WeChat Pay: {error.reason}") from error
    data = json.loads(body) if body else {}
    if status >= 400:
        raise GatewayError(f"WeChat Pay refused: {data.get('code')} {data.get('message')}")
    return data


def send(creds: Credentials, req: ApiRequest) -> dict:
    import requests

    try:
        response = requests.request(
            req.method, API_BASE + req.path, data=req.body.encode() or None, headers=req.headers, timeout=10
        )
    except requests.RequestException as error:
        raise GatewayError(f"WeChat Pay unreachable: {error}") from error
    return parse_response(creds, status=response.status_code, headers=response.headers, body=response.text)


class WechatPayGateway:
    name = "wechatpay"

    def credentials(self, merchant) -> Credentials:
        from orders.models import WechatPayAccount

        account = WechatPayAccount.objects.filter(merchant=merchant, is_active=True).first()
        if account is None:
            raise GatewayError("this merchant has no WeChat Pay account")
        return Credentials.for_account(account)

    def start_payment(self, payment, *, request=None) -> str:
        """Native payment: WeChat answers with a code_url; our page shows it as a QR code for the
        shopper's WeChat to scan (kept on the payment, so a reload asks nothing)."""
        merchant = payment.order.merchant
        if not payment.raw_resource.get("code_url"):
            creds = self.credentials(merchant)
            data = send(
                creds,
                native_order(creds, payment=payment, description=merchant.name, notify=notify_url(merchant)),
            )
            payment.raw_resource = {**payment.raw_resource, "code_url": data["code_url"]}
            payment.save(update_fields=["raw_resource"])
        return reverse("wechat-native", args=[payment.out_trade_no])

    def query_payment(self, payment) -> dict | None:
        """GET the transaction by out_trade_no; the signed answer is the same transaction object a
        notification carries (trade_state, amount, transaction_id, success_time)."""
        creds = self.credentials(payment.order.merchant)
        return send(creds, query_order(creds, out_trade_no=payment.out_trade_no))

    def request_refund(self, refund) -> None:
        merchant = refund.order.merchant
        creds = self.credentials(merchant)
        send(creds, refund_request(creds, refund=refund, notify=notify_url(merchant)))

    def notification_keys(self, merchant) -> tuple[dict, bytes]:
        creds = self.credentials(merchant)
        return creds.platform_keys, creds.apiv3_key
