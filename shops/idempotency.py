"""`Idempotency-Key` for API operations that must not happen twice (creating an order, a refund,
issuing or redeeming a coupon).

The client sends a unique key per intended operation. The first request runs the operation and
stores its response in the same transaction; a retry with the same key and the same request
gets that response again (header `Idempotent-Replayed: true`) without running anything; the
same key with a different request is a 422. A request that failed (4xx) stored nothing, so it
can be corrected and retried with the same key. Two concurrent requests with one key: the
second waits on the unique index until the first commits, then replays it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.response import Response

from shops.models import Merchant
from shops.models_api import IdempotencyRecord

HEADER = "Idempotency-Key"
MAX_LENGTH = 255


class KeyReused(exceptions.APIException):
    status_code = 422
    default_detail = _("This Idempotency-Key was already used for a different request.")
    default_code = "idempotency_key_reused"


def fingerprint(request) -> str:
    body = json.dumps(request.data, sort_keys=True, default=str) if request.data else ""
    return hashlib.sha256(f"{request.method} {request.path}\n{body}".encode()).hexdigest()


def _key(request) -> str:
    key = request.headers.get(HEADER, "")
    if not key.strip():
        raise exceptions.ValidationError(
            {HEADER: [_("Send a unique Idempotency-Key header with this request.")]}
        )
    if len(key) > MAX_LENGTH or "\x00" in key:
        raise exceptions.ValidationError({HEADER: [_("At most 255 characters.")]})
    return key


def _replay(record: IdempotencyRecord, print_: str) -> Response:
    if record.fingerprint != print_:
        raise KeyReused()
    return Response(record.body, status=record.status_code, headers={"Idempotent-Replayed": "true"})


def idempotent(request, merchant: Merchant, operation: Callable[[], Response]) -> Response:
    """Run `operation` (returning a DRF Response) at most once per (merchant, Idempotency-Key)."""
    key, print_ = _key(request), fingerprint(request)
    existing = IdempotencyRecord.objects.filter(merchant=merchant, key=key).first()
    if existing is not None:
        return _replay(existing, print_)
    try:
        with transaction.atomic():
            with transaction.atomic():  # savepoint: only the claim's own IntegrityError is caught below
                record = IdempotencyRecord.objects.create(
                    merchant=merchant, key=key, fingerprint=print_, status_code=0
                )
            response = operation()
            record.status_code, record.body = response.status_code, response.data
            record.save(update_fields=["status_code", "body"])
            return response
    except IntegrityError:
        record = IdempotencyRecord.objects.filter(merchant=merchant, key=key).first()
        if record is None:
            raise
        return _replay(record, print_)
