"""Encrypting stored gateway secrets with a Fernet key derived from SECRET_KEY."""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet
from django.conf import settings


def _fernet() -> Fernet:
    digest = hashlib.sha256(f"midpage.payments.secrets:{settings.SECRET_KEY}".encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def encrypt(value: str | bytes) -> str:
    data = value.encode() if isinstance(value, str) else value
    return _fernet().encrypt(data).decode()


def decrypt(token: str) -> bytes:
    return _fernet().decrypt(token.encode())
