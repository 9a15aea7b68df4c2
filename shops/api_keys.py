"""Making, checking and revoking merchants' API keys.

A key reads `mpk_<prefix>_<secret>`: the prefix (public, 10 hex characters) finds the row,
the secret (256 random bits) is checked against its SHA-256. Only the hash is stored; the
full key is returned once, when it is made.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shops.models import Merchant
from shops.models_api import API_RESOURCE_NAMES, KEY_PREFIX, Access, ApiKey, hash_secret

# last_used_at is written at most this often per key, not on every request.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def clean_scopes(scopes: dict) -> dict:
    """Keep only known resources with "read" or "write"; raise ValidationError otherwise."""
    cleaned = {}
    for resource, level in (scopes or {}).items():
        if resource not in API_RESOURCE_NAMES:
            raise ValidationError({"scopes": _("Unknown resource “%(name)s”.") % {"name": resource}})
        if level not in (Access.NONE, Access.READ, Access.WRITE):
            raise ValidationError({"scopes": _("Access must be read or write.")})
        if level:
            cleaned[resource] = level
    return cleaned


@transaction.atomic
def create_api_key(
    *, merchant: Merchant, name: str, scopes: dict, created_by=None, rate_per_minute: int = 600
) -> tuple[ApiKey, str]:
    """Make a key for `merchant`. Returns (key row, full key string); the string is never stored."""
    secret = secrets.token_urlsafe(32)
    prefix = secrets.token_hex(5)
    key = ApiKey.objects.create(
        merchant=merchant,
        name=name.strip() or _("API key"),
        prefix=prefix,
        secret_hash=hash_secret(secret),
        scopes=clean_scopes(scopes),
        created_by=created_by,
        rate_per_minute=rate_per_minute,
    )
    return key, f"{KEY_PREFIX}_{prefix}_{secret}"


def parse_key(raw: str) -> tuple[str, str] | None:
    parts = raw.strip().split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_PREFIX or not parts[1] or not parts[2]:
        return None
    return parts[1], parts[2]


def authenticate_key(raw: str) -> ApiKey | None:
    """The live key of an active merchant matching `raw`, or None. Touches last_used_at (throttled)."""
    parsed = parse_key(raw)
    if parsed is None:
        return None
    prefix, secret = parsed
    key = ApiKey.objects.select_related("merchant").filter(prefix=prefix, revoked_at__isnull=True).first()
    if key is None or not key.check_secret(secret) or not key.merchant.is_active:
        return None
    now = timezone.now()
    if key.last_used_at is None or now - key.last_used_at > LAST_USED_RESOLUTION:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        key.last_used_at = now
    return key


@transaction.atomic
def revoke_api_key(*, key: ApiKey) -> ApiKey:
    """Stop the key working at once. Idempotent."""
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
    return key
