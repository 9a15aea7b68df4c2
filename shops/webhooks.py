"""Signing and delivering webhook events.

Signature (documented in the README): header
`Midpage-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`.
Receivers recompute the HMAC over the timestamp, a dot and the raw body bytes, compare in
constant time and reject timestamps older than a few minutes.

Deliveries refuse hosts that resolve to private, loopback, link-local or otherwise
non-public addresses (every address the name resolves to is checked) unless
settings.WEBHOOKS_ALLOW_PRIVATE is on (development only). Redirects are not followed.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import socket
import time
from datetime import timedelta
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from shops.models_api import TEST_EVENT_TYPE, Event, WebhookAttempt, WebhookDelivery, WebhookEndpoint

SIGNATURE_HEADER = "Midpage-Signature"
TIMEOUT_SECONDS = (3.05, 5)  # connect, read
RETRY_WINDOW = timedelta(hours=24)
FIRST_RETRY_SECONDS = 30
MAX_RETRY_SECONDS = 6 * 60 * 60


class UnsafeDestination(Exception):
    """The webhook URL points at an address the platform must not call."""


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The v1 signature: hex HMAC-SHA256 keyed with the endpoint secret over b"<timestamp>.<body>"."""
    message = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signature_header(secret: str, timestamp: int, body: bytes) -> str:
    return f"t={timestamp},v1={sign(secret, timestamp, body)}"


def verify_signature(
    *, secret: str, header: str, body: bytes, tolerance: int = 300, now: int | None = None
) -> bool:
    """The receiver's recipe (as in the README): parse t and v1, recompute, compare, check age."""
    try:
        parts = dict(item.split("=", 1) for item in header.split(","))
        timestamp = int(parts["t"])
        given = parts["v1"]
    except (KeyError, ValueError):
        return False
    now = int(time.time()) if now is None else now
    if abs(now - timestamp) > tolerance:
        return False
    return hmac.compare_digest(sign(secret, timestamp, body), given)


def event_body(event: Event) -> bytes:
    payload = {
        "id": str(event.public_id),
        "type": event.type,
        "created": event.created_at.isoformat(),
        "merchant": event.merchant.slug,
        "data": event.data,
    }
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


def _is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def check_destination(url: str) -> None:
    """Raise UnsafeDestination unless every address `url`'s host resolves to is public."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UnsafeDestination("only http and https URLs with a host name can receive webhooks")
    if getattr(settings, "WEBHOOKS_ALLOW_PRIVATE", False):
        return
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 443, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as error:
        raise UnsafeDestination(f"cannot resolve {parts.hostname}: {error}") from error
    addresses = {info[4][0] for info in infos}
    if not addresses:
        raise UnsafeDestination(f"{parts.hostname} resolves to no address")
    for address in addresses:
        if not _is_public(address):
            raise UnsafeDestination(f"{parts.hostname} resolves to a non-public address ({address})")


def retry_delay(attempt_count: int) -> int:
    """Seconds to wait after the `attempt_count`-th failed attempt: 30 s doubling, capped at 6 h."""
    return min(FIRST_RETRY_SECONDS * 2 ** max(attempt_count - 1, 0), MAX_RETRY_SECONDS)


def _post(url: str, body: bytes, headers: dict) -> tuple[int | None, str, str]:
    """(status code or None, start of the response body, error message)."""
    try:
        check_destination(url)
        response = requests.post(
            url, data=body, headers=headers, timeout=TIMEOUT_SECONDS, allow_redirects=False
        )
    except UnsafeDestination as error:
        return None, "", f"refused: {error}"[:300]
    except requests.Timeout:
        return None, "", "timed out"
    except requests.RequestException as error:
        return None, "", f"{type(error).__name__}: {error}"[:300]
    return response.status_code, response.text[:1000], ""


def attempt_delivery(*, delivery_id: int, manual: bool = False) -> WebhookDelivery | None:
    """Make one HTTP attempt of a delivery if it is due (or `manual`), log it, and schedule the next.

    Guarantees: safe to run twice and concurrently (the row is locked; a delivered or
    given-up delivery is not re-sent unless `manual`); every attempt is recorded as a
    WebhookAttempt; a failure sets `next_attempt_at` by `retry_delay` until 24 hours after the
    event, then the delivery is marked failed. Returns the delivery, or None if it was skipped.
    """
    now = timezone.now()
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update(skip_locked=True)
            .select_related("endpoint", "event", "event__merchant")
            .filter(pk=delivery_id)
            .first()
        )
        if delivery is None:
            return None
        if not manual:
            if delivery.status in (WebhookDelivery.Status.SUCCEEDED, WebhookDelivery.Status.FAILED):
                return None
            if delivery.next_attempt_at and delivery.next_attempt_at > now:
                return None
            if not delivery.endpoint.is_active:
                return None
        body = event_body(delivery.event)
        timestamp = int(time.time())
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "Midpage-Webhooks/1.0",
            SIGNATURE_HEADER: signature_header(delivery.endpoint.secret, timestamp, body),
            "Midpage-Event-Id": str(delivery.event.public_id),
            "Midpage-Event-Type": delivery.event.type,
        }
        started = time.monotonic()
        status_code, response_body, error = _post(delivery.endpoint.url, body, headers)
        duration_ms = int((time.monotonic() - started) * 1000)
        succeeded = status_code is not None and 200 <= status_code < 300
        delivery.attempt_count += 1
        WebhookAttempt.objects.create(
            delivery=delivery,
            number=delivery.attempt_count,
            manual=manual,
            started_at=now,
            duration_ms=duration_ms,
            status_code=status_code,
            response_body=response_body,
            error=error,
            succeeded=succeeded,
        )
        delivery.last_status_code = status_code
        if succeeded:
            delivery.status = WebhookDelivery.Status.SUCCEEDED
            delivery.delivered_at = timezone.now()
            delivery.next_attempt_at = None
        else:
            next_at = timezone.now() + timedelta(seconds=retry_delay(delivery.attempt_count))
            if next_at > delivery.event.created_at + RETRY_WINDOW:
                delivery.status = WebhookDelivery.Status.FAILED
                delivery.next_attempt_at = None
            else:
                delivery.status = WebhookDelivery.Status.RETRYING
                delivery.next_attempt_at = next_at
        delivery.save(
            update_fields=["attempt_count", "last_status_code", "status", "delivered_at", "next_attempt_at"]
        )
        if delivery.status == WebhookDelivery.Status.RETRYING and not manual:
            countdown = max(int((delivery.next_attempt_at - timezone.now()).total_seconds()), 1)
            transaction.on_commit(lambda: _schedule_retry(delivery.pk, countdown))
    return delivery


def _schedule_retry(delivery_id: int, countdown: int) -> None:
    # Eager Celery (development, tests) would retry at once, ignoring the countdown; the
    # periodic sweep `retry_due_webhooks` picks the delivery up when it is due instead.
    if getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False):
        return
    from shops.api_tasks import deliver_webhook

    deliver_webhook.apply_async(args=[delivery_id], countdown=countdown)


def redeliver(*, delivery: WebhookDelivery) -> WebhookDelivery | None:
    """A merchant asks to send a delivery again now (from the back office): one manual attempt."""
    return attempt_delivery(delivery_id=delivery.pk, manual=True)


def due_delivery_ids(limit: int = 500) -> list[int]:
    """Deliveries whose next attempt is due (for the periodic sweep that backs up Celery countdowns)."""
    return list(
        WebhookDelivery.objects.filter(
            status__in=[WebhookDelivery.Status.PENDING, WebhookDelivery.Status.RETRYING],
            next_attempt_at__lte=timezone.now(),
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )


@transaction.atomic
def send_test_event(*, endpoint: WebhookEndpoint) -> WebhookDelivery:
    """Queue a signed `webhook.test` event to this endpoint only (to check a receiver)."""
    event = Event.objects.create(
        merchant=endpoint.merchant,
        type=TEST_EVENT_TYPE,
        data={"message": "Test event from Midpage", "endpoint": endpoint.url},
    )
    delivery = WebhookDelivery.objects.create(
        merchant=endpoint.merchant, endpoint=endpoint, event=event, next_attempt_at=timezone.now()
    )

    def dispatch():
        from shops.api_tasks import deliver_webhook

        deliver_webhook.delay(delivery.pk)

    transaction.on_commit(dispatch)
    return delivery
