"""WeChat Pay API v3 wire format: request signing, notification verification and decryption.

Both the real WeChat Pay adapter and the sandbox use exactly these functions, so the sandbox
exercises the production verification path:

- requests carry `Authorization: WECHATPAY2-SHA256-RSA2048 mchid=…,nonce_str=…,signature=…,
  timestamp=…,serial_no=…`, the signature being SHA256-with-RSA (PKCS#1 v1.5) over
  "METHOD\\nURL\\ntimestamp\\nnonce\\nbody\\n" with the merchant's private key;
- responses and notifications carry `Wechatpay-Signature/-Timestamp/-Nonce/-Serial`, signed
  over "timestamp\\nnonce\\nbody\\n" with the platform key;
- a notification's `resource` is AEAD_AES_256_GCM-encrypted with the 32-byte APIv3 key
  (base64 ciphertext with the 16-byte tag appended, 12-byte nonce, associated_data).
"""

from __future__ import annotations

import base64
import json
import secrets
import time
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.x509 import load_pem_x509_certificate

AUTH_SCHEMA = "WECHATPAY2-SHA256-RSA2048"
REPLAY_WINDOW_SECONDS = 300


class NotificationRejected(Exception):
    """A notification we must not act on. `status` is the HTTP status to answer."""

    def __init__(self, reason: str, status: int = 401):
        self.reason, self.status = reason, status
        super().__init__(reason)


def load_private_key(pem: str | bytes) -> rsa.RSAPrivateKey:
    data = pem.encode() if isinstance(pem, str) else pem
    return serialization.load_pem_private_key(data, password=None)


def load_public_key(pem: str | bytes) -> rsa.RSAPublicKey:
    """A PEM public key or X.509 certificate (WeChat hands out platform certificates)."""
    data = pem.encode() if isinstance(pem, str) else pem
    if b"CERTIFICATE" in data:
        return load_pem_x509_certificate(data).public_key()
    return serialization.load_pem_public_key(data)


def private_key_pem(key: rsa.RSAPrivateKey) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def public_key_pem(key) -> str:
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()


def new_nonce() -> str:
    return secrets.token_hex(16).upper()


def sign(private_key: rsa.RSAPrivateKey, message: str) -> str:
    return base64.b64encode(private_key.sign(message.encode(), padding.PKCS1v15(), hashes.SHA256())).decode()


def verify(public_key, message: str, signature_b64: str) -> bool:
    try:
        public_key.verify(
            base64.b64decode(signature_b64, validate=True),
            message.encode(),
            padding.PKCS1v15(),
            hashes.SHA256(),
        )
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True


def authorization_header(
    *,
    mchid: str,
    serial_no: str,
    private_key,
    method: str,
    url: str,
    body: str = "",
    timestamp=None,
    nonce=None,
) -> str:
    """The v3 Authorization header for a request to WeChat Pay (`url` is the path and query)."""
    timestamp = str(int(timestamp if timestamp is not None else time.time()))
    nonce = nonce or new_nonce()
    signature = sign(private_key, f"{method.upper()}\n{url}\n{timestamp}\n{nonce}\n{body}\n")
    return (
        f'{AUTH_SCHEMA} mchid="{mchid}",nonce_str="{nonce}",signature="{signature}",'
        f'timestamp="{timestamp}",serial_no="{serial_no}"'
    )


def encrypt_resource(
    apiv3_key: bytes, plaintext: str, *, associated_data: str, nonce: str | None = None
) -> dict:
    nonce = nonce or secrets.token_hex(6)  # 12 characters, as WeChat sends
    ciphertext = AESGCM(apiv3_key).encrypt(nonce.encode(), plaintext.encode(), associated_data.encode())
    return {
        "algorithm": "AEAD_AES_256_GCM",
        "ciphertext": base64.b64encode(ciphertext).decode(),
        "associated_data": associated_data,
        "nonce": nonce,
    }


def decrypt_resource(apiv3_key: bytes, resource: dict) -> dict:
    if resource.get("algorithm") != "AEAD_AES_256_GCM":
        raise NotificationRejected("unsupported algorithm", 400)
    try:
        plaintext = AESGCM(apiv3_key).decrypt(
            str(resource["nonce"]).encode(),
            base64.b64decode(resource["ciphertext"]),
            (resource.get("associated_data") or "").encode(),
        )
        return json.loads(plaintext)
    except (InvalidTag, KeyError, ValueError, TypeError) as error:
        raise NotificationRejected("cannot decrypt resource", 400) from error


@dataclass(frozen=True)
class SignedMessage:
    headers: dict[str, str]
    body: str


def sign_notification(*, private_key, serial: str, body: str, timestamp=None, nonce=None) -> SignedMessage:
    """Headers the platform sends with a notification (or a response) carrying `body`."""
    timestamp = str(int(timestamp if timestamp is not None else time.time()))
    nonce = nonce or new_nonce()
    return SignedMessage(
        headers={
            "Wechatpay-Signature": sign(private_key, f"{timestamp}\n{nonce}\n{body}\n"),
            "Wechatpay-Timestamp": timestamp,
            "Wechatpay-Nonce": nonce,
            "Wechatpay-Serial": serial,
            "Wechatpay-Signature-Type": "WECHATPAY2-SHA256-RSA2048",
        },
        body=body,
    )


def header(headers, name: str) -> str:
    """Case-insensitive header lookup on a dict or Django's request.headers."""
    for key, value in headers.items():
        if key.lower() == name.lower():
            return value
    return ""


def verify_signed(*, headers, body: str, public_keys: dict, now: float | None = None) -> None:
    """Check the platform signature and the timestamp window of a notification or response.

    `public_keys` maps platform serial → public key. Raises NotificationRejected (401)."""
    signature = header(headers, "Wechatpay-Signature")
    timestamp = header(headers, "Wechatpay-Timestamp")
    nonce = header(headers, "Wechatpay-Nonce")
    serial = header(headers, "Wechatpay-Serial")
    if not (signature and timestamp and nonce and serial):
        raise NotificationRejected("missing signature headers")
    key = public_keys.get(serial)
    if key is None:
        raise NotificationRejected("unknown platform serial")
    try:
        sent = int(timestamp)
    except ValueError as error:
        raise NotificationRejected("bad timestamp") from error
    now = time.time() if now is None else now
    if abs(now - sent) > REPLAY_WINDOW_SECONDS:
        raise NotificationRejected("timestamp outside the 5-minute window (replay?)")
    if not verify(key, f"{timestamp}\n{nonce}\n{body}\n", signature):
        raise NotificationRejected("bad signature")


def open_notification(*, headers, body: str, public_keys: dict, apiv3_key: bytes, now: float | None = None):
    """Verify and decrypt a notification. Returns (envelope, resource); raises NotificationRejected."""
    verify_signed(headers=headers, body=body, public_keys=public_keys, now=now)
    try:
        envelope = json.loads(body)
        resource = envelope["resource"]
    except (ValueError, KeyError, TypeError) as error:
        raise NotificationRejected("malformed body", 400) from error
    return envelope, decrypt_resource(apiv3_key, resource)
