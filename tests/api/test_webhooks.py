"""Webhook deliveries: signed with the documented recipe, retried with backoff after a 500 or a
timeout, every attempt logged, private addresses refused unless allowed."""

import hashlib
import hmac
import http.server
import json
import threading
import time
from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone

from shops import webhooks
from shops.events import emit
from shops.models_api import WebhookDelivery
from tests.api.factories import WebhookEndpointFactory
from tests.factories import MerchantFactory

pytestmark = pytest.mark.django_db


class Receiver:
    """A local HTTP server answering with the queued statuses (or sleeping to time out)."""

    def __init__(self, replies):
        self.replies = list(replies)
        self.requests = []
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append((dict(self.headers), body))
                reply = receiver.replies.pop(0) if receiver.replies else 200
                if reply == "sleep":
                    time.sleep(0.5)
                    reply = 200
                try:
                    self.send_response(reply)
                    self.end_headers()
                    self.wfile.write(b"thanks")
                except OSError:
                    pass

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver_factory(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    made = []

    def make(replies=()):
        receiver = Receiver(replies)
        made.append(receiver)
        return receiver

    yield make
    for receiver in made:
        receiver.close()


@pytest.fixture
def emit_now(django_capture_on_commit_callbacks):
    """emit() as inside a committed transaction: its after-commit dispatch runs."""

    def run(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return emit(**kwargs)

    return run


def readme_verify(secret: str, header: str, body: bytes, tolerance: int = 300) -> bool:
    """The receiver recipe exactly as the README documents it (independent of shops.webhooks)."""
    items = dict(part.split("=", 1) for part in header.split(","))
    timestamp, signature = items["t"], items["v1"]
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature) and abs(time.time() - int(timestamp)) <= tolerance


def test_delivery_is_signed_with_the_documented_recipe(receiver_factory, emit_now):
    receiver = receiver_factory([200])
    merchant = MerchantFactory()
    endpoint = WebhookEndpointFactory(merchant=merchant, url=receiver.url, events=["order.paid"])
    event = emit_now(merchant=merchant, type="order.paid", data={"order": 42, "total_fen": 1999})
    assert len(receiver.requests) == 1
    headers, body = receiver.requests[0]
    assert readme_verify(endpoint.secret, headers["Midpage-Signature"], body)
    assert not readme_verify("whsec_wrong", headers["Midpage-Signature"], body)
    assert not readme_verify(endpoint.secret, headers["Midpage-Signature"], body + b" ")
    payload = json.loads(body)
    assert payload["id"] == str(event.public_id)
    assert payload["type"] == "order.paid"
    assert payload["data"] == {"order": 42, "total_fen": 1999}
    assert headers["Midpage-Event-Type"] == "order.paid"
    delivery = WebhookDelivery.objects.get(event=event)
    assert delivery.status == WebhookDelivery.Status.SUCCEEDED
    assert delivery.attempts.get().status_code == 200


def test_old_signatures_are_rejected_by_the_library_helper():
    body = b'{"a":1}'
    header = webhooks.signature_header("whsec_x", 1_000_000, body)
    assert webhooks.verify_signature(secret="whsec_x", header=header, body=body, now=1_000_100)
    assert not webhooks.verify_signature(secret="whsec_x", header=header, body=body, now=1_001_000)
    assert not webhooks.verify_signature(secret="whsec_x", header="garbage", body=body)


def test_receiver_500_is_retried_with_backoff_until_it_succeeds(receiver_factory, emit_now):
    receiver = receiver_factory([500, 500, 200])
    merchant = MerchantFactory()
    WebhookEndpointFactory(merchant=merchant, url=receiver.url, events=["coupon.claimed"])
    event = emit_now(merchant=merchant, type="coupon.claimed", data={"coupon": 1})
    delivery = WebhookDelivery.objects.get(event=event)
    assert delivery.status == WebhookDelivery.Status.RETRYING
    assert delivery.attempt_count == 1
    first_wait = delivery.next_attempt_at - timezone.now()
    assert timedelta(seconds=25) < first_wait <= timedelta(seconds=30)

    # Not due yet: the sweep leaves it alone.
    assert webhooks.due_delivery_ids() == []
    assert webhooks.attempt_delivery(delivery_id=delivery.pk) is None

    later = timezone.now() + timedelta(seconds=31)
    with mock.patch("django.utils.timezone.now", return_value=later):
        assert webhooks.due_delivery_ids() == [delivery.pk]
        webhooks.attempt_delivery(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert delivery.attempt_count == 2
    second_wait = delivery.next_attempt_at - later
    assert timedelta(seconds=55) < second_wait <= timedelta(seconds=60)  # doubled

    with mock.patch("django.utils.timezone.now", return_value=later + timedelta(seconds=61)):
        webhooks.attempt_delivery(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.SUCCEEDED
    assert [a.status_code for a in delivery.attempts.order_by("number")] == [500, 500, 200]
    assert len(receiver.requests) == 3
    # Safe to run twice: a delivered delivery is not sent again.
    assert webhooks.attempt_delivery(delivery_id=delivery.pk) is None
    assert len(receiver.requests) == 3


def test_timeout_counts_as_a_failed_attempt(receiver_factory, monkeypatch, emit_now):
    monkeypatch.setattr(webhooks, "TIMEOUT_SECONDS", (0.2, 0.2))
    receiver = receiver_factory(["sleep"])
    merchant = MerchantFactory()
    WebhookEndpointFactory(merchant=merchant, url=receiver.url, events=["order.paid"])
    event = emit_now(merchant=merchant, type="order.paid", data={})
    delivery = WebhookDelivery.objects.get(event=event)
    assert delivery.status == WebhookDelivery.Status.RETRYING
    attempt = delivery.attempts.get()
    assert attempt.status_code is None
    assert "timed out" in attempt.error


def test_gives_up_after_24_hours(receiver_factory, emit_now):
    receiver = receiver_factory([500] * 50)
    merchant = MerchantFactory()
    WebhookEndpointFactory(merchant=merchant, url=receiver.url, events=["order.paid"])
    event = emit_now(merchant=merchant, type="order.paid", data={})
    delivery = WebhookDelivery.objects.get(event=event)
    now = timezone.now()
    for _ in range(40):
        delivery.refresh_from_db()
        if delivery.status != WebhookDelivery.Status.RETRYING:
            break
        now = delivery.next_attempt_at
        with mock.patch("django.utils.timezone.now", return_value=now):
            webhooks.attempt_delivery(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.FAILED
    assert now - event.created_at <= timedelta(hours=24)
    assert now - event.created_at > timedelta(hours=12)
    assert 10 <= delivery.attempt_count <= 20


def test_manual_redelivery_sends_again(receiver_factory, emit_now):
    receiver = receiver_factory([200, 200])
    merchant = MerchantFactory()
    WebhookEndpointFactory(merchant=merchant, url=receiver.url, events=["order.paid"])
    event = emit_now(merchant=merchant, type="order.paid", data={})
    delivery = WebhookDelivery.objects.get(event=event)
    webhooks.redeliver(delivery=delivery)
    assert len(receiver.requests) == 2
    assert delivery.attempts.filter(manual=True).count() == 1


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/hook",
        "http://localhost/hook",
        "http://10.1.2.3/hook",
        "http://192.168.1.1/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/hook",
        "http://[::ffff:127.0.0.1]/hook",
        "http://0.0.0.0/hook",
        "ftp://example.com/hook",
    ],
)
def test_private_destinations_are_refused(settings, url):
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    with pytest.raises(webhooks.UnsafeDestination):
        webhooks.check_destination(url)


def test_every_resolved_address_is_checked(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    infos = [(2, 1, 6, "", ("93.184.215.14", 443)), (2, 1, 6, "", ("10.0.0.5", 443))]
    with mock.patch("socket.getaddrinfo", return_value=infos), pytest.raises(webhooks.UnsafeDestination):
        webhooks.check_destination("https://rebind.example.com/hook")
    with mock.patch("socket.getaddrinfo", return_value=infos[:1]):
        webhooks.check_destination("https://public.example.com/hook")


def test_refused_destination_is_logged_not_sent(settings, emit_now):
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    merchant = MerchantFactory()
    WebhookEndpointFactory(merchant=merchant, url="http://127.0.0.1:9/hook", events=["order.paid"])
    with mock.patch("requests.post") as post:
        event = emit_now(merchant=merchant, type="order.paid", data={})
    assert post.call_count == 0
    attempt = WebhookDelivery.objects.get(event=event).attempts.get()
    assert attempt.error.startswith("refused")
