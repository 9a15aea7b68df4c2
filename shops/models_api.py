"""What a merchant's own systems use: API keys, webhook endpoints, events and their deliveries,
customer-data exports and shoppers' personal-information requests.

Imported at the end of shops/models.py so Django registers these models in the shops app.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shops.models import Customer, Merchant

__all__ = [
    "API_RESOURCES",
    "API_RESOURCE_NAMES",
    "EVENT_TYPES",
    "EVENT_TYPE_NAMES",
    "TEST_EVENT_TYPE",
    "Access",
    "ApiKey",
    "DataExport",
    "Event",
    "IdempotencyRecord",
    "PersonalDataRequest",
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookEndpoint",
]

# --- API keys ------------------------------------------------------------------------------

KEY_PREFIX = "mpk"

# Resources a key can be scoped to; each API view declares which one it belongs to.
API_RESOURCES = [
    ("stores", _("Stores")),
    ("catalog", _("Products, variants and channel listings")),
    ("entry_points", _("QR entry points")),
    ("customers", _("Customers and bindings")),
    ("orders", _("Orders and refunds")),
    ("coupons", _("Coupons and campaigns")),
    ("rebates", _("Rebate statements and ledger")),
]
API_RESOURCE_NAMES = [name for name, _label in API_RESOURCES]


class Access(models.TextChoices):
    NONE = "", _("No access")
    READ = "read", _("Read")
    WRITE = "write", _("Read and write")


def hash_secret(secret: str) -> str:
    """SHA-256 of the key's secret part: enough for a 256-bit random secret (no need for a slow hash)."""
    return hashlib.sha256(secret.encode()).hexdigest()


class ApiKey(models.Model):
    """A merchant's API key. The full key is shown once; only its public prefix and the hash of
    its secret are stored. `scopes` maps a resource name to "read" or "write"."""

    tenant_path = "merchant"

    merchant = models.ForeignKey(
        Merchant, on_delete=models.CASCADE, related_name="api_keys", verbose_name=_("merchant")
    )
    name = models.CharField(_("name"), max_length=80, help_text=_("What this key is for, e.g. “ERP sync”."))
    prefix = models.CharField(_("key prefix"), max_length=16, unique=True, editable=False)
    secret_hash = models.CharField(max_length=64, editable=False)
    scopes = models.JSONField(_("scopes"), default=dict, blank=True)
    rate_per_minute = models.PositiveIntegerField(
        _("requests per minute"), default=600, help_text=_("Requests above this rate get HTTP 429.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({KEY_PREFIX}_{self.prefix}_…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def access(self, resource: str) -> str:
        return (self.scopes or {}).get(resource, "")

    def allows(self, resource: str, write: bool) -> bool:
        level = self.access(resource)
        return level == Access.WRITE if write else level in (Access.READ, Access.WRITE)

    def check_secret(self, secret: str) -> bool:
        return hmac.compare_digest(self.secret_hash, hash_secret(secret))


# --- Events and webhooks -----------------------------------------------------------------

EVENT_TYPES = [
    ("order.paid", _("Order paid")),
    ("order.refunded", _("Order refunded")),
    ("coupon.claimed", _("Coupon claimed")),
    ("coupon.redeemed", _("Coupon redeemed")),
    ("binding.created", _("Customer bound to a store")),
    ("binding.changed", _("Customer's binding changed")),
    ("statement.finalized", _("Rebate statement finalized")),
]
EVENT_TYPE_NAMES = [name for name, _label in EVENT_TYPES]
# Sent only to one endpoint, on request, to check a receiver (never subscribed to).
TEST_EVENT_TYPE = "webhook.test"


def new_webhook_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


class WebhookEndpoint(models.Model):
    """A URL of the merchant's that receives the events it subscribes to, signed with `secret`."""

    tenant_path = "merchant"

    merchant = models.ForeignKey(
        Merchant, on_delete=models.CASCADE, related_name="webhook_endpoints", verbose_name=_("merchant")
    )
    url = models.URLField(_("URL"), max_length=500)
    description = models.CharField(_("description"), max_length=200, blank=True)
    events = models.JSONField(_("events"), default=list, blank=True, help_text=_("Event types to send."))
    secret = models.CharField(_("signing secret"), max_length=80, default=new_webhook_secret, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.url

    def wants(self, event_type: str) -> bool:
        return self.is_active and event_type in (self.events or [])


class Event(models.Model):
    """Something that happened to a merchant's data, recorded in the transaction that caused it."""

    tenant_path = "merchant"

    merchant = models.ForeignKey(
        Merchant, on_delete=models.CASCADE, related_name="events", verbose_name=_("merchant")
    )
    public_id = models.UUIDField(_("event id"), default=uuid.uuid4, unique=True, editable=False)
    type = models.CharField(
        _("type"), max_length=40, choices=[*EVENT_TYPES, (TEST_EVENT_TYPE, _("Test event"))]
    )
    data = models.JSONField(_("data"), default=dict)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.type} {self.public_id}"


class WebhookDelivery(models.Model):
    """One event to one endpoint: retried with exponential backoff until it succeeds or 24 hours pass."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        RETRYING = "retrying", _("Retrying")
        SUCCEEDED = "succeeded", _("Delivered")
        FAILED = "failed", _("Gave up")

    tenant_path = "merchant"

    merchant = models.ForeignKey(
        Merchant, on_delete=models.CASCADE, related_name="webhook_deliveries", verbose_name=_("merchant")
    )
    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("endpoint")
    )
    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("event")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempt_count = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    last_status_code = models.PositiveIntegerField(_("last HTTP status"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["endpoint", "event"], name="webhook_delivery_once_per_endpoint"),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "retrying", "succeeded", "failed"]),
                name="webhook_delivery_status_valid",
            ),
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="webhook_delivery_due")]

    def __str__(self) -> str:
        return f"{self.event.type} → {self.endpoint.url}"


class WebhookAttempt(models.Model):
    """One HTTP attempt of a delivery, kept for the merchant to inspect."""

    tenant_path = "delivery__merchant"

    delivery = models.ForeignKey(
        WebhookDelivery, on_delete=models.CASCADE, related_name="attempts", verbose_name=_("delivery")
    )
    number = models.PositiveIntegerField(_("attempt"))
    manual = models.BooleanField(_("manual redelivery"), default=False)
    started_at = models.DateTimeField(_("started at"))
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)
    status_code = models.PositiveIntegerField(_("HTTP status"), null=True, blank=True)
    response_body = models.TextField(_("response (start)"), blank=True)
    error = models.CharField(_("error"), max_length=300, blank=True)
    succeeded = models.BooleanField(_("succeeded"), default=False)

    class Meta:
        verbose_name = _("webhook attempt")
        verbose_name_plural = _("webhook attempts")
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"#{self.number} {self.status_code or self.error}"


# --- Customer data exports and personal-information requests -------------------------------


class DataExport(models.Model):
    """All of a merchant's customer data as a zip of CSV and JSON, built in the background."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Building")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    tenant_path = "merchant"

    merchant = models.ForeignKey(
        Merchant, on_delete=models.CASCADE, related_name="data_exports", verbose_name=_("merchant")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    file = models.FileField(_("file"), upload_to="exports/", blank=True)
    row_counts = models.JSONField(_("rows per table"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("customer data export")
        verbose_name_plural = _("customer data exports")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="data_export_progress_le_100"),
        ]

    def __str__(self) -> str:
        return _("Export #%(id)s") % {"id": self.pk}


class PersonalDataRequest(models.Model):
    """A shopper asks a merchant to see (access) or delete (erasure) their personal data."""

    class Kind(models.TextChoices):
        ACCESS = "access", _("See my data")
        ERASURE = "erasure", _("Delete my data")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")
        REJECTED = "rejected", _("Rejected")

    tenant_path = "merchant"

    merchant = models.ForeignKey(
        Merchant, on_delete=models.CASCADE, related_name="personal_data_requests", verbose_name=_("merchant")
    )
    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="personal_data_requests", verbose_name=_("customer")
    )
    kind = models.CharField(_("request"), max_length=10, choices=Kind.choices)
    message = models.TextField(_("message from the shopper"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(_("received at"), auto_now_add=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("handled by"),
    )
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    export = models.ForeignKey(
        DataExport,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("copy of the data"),
    )

    class Meta:
        verbose_name = _("personal-information request")
        verbose_name_plural = _("personal-information requests")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=["access", "erasure"]), name="pi_request_kind_valid"),
            models.CheckConstraint(
                condition=Q(status__in=["open", "done", "rejected"]), name="pi_request_status_valid"
            ),
            models.UniqueConstraint(
                fields=["customer", "kind"], condition=Q(status="open"), name="pi_request_one_open_per_kind"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.customer}"


class IdempotencyRecord(models.Model):
    """The first response to a POST sent with an `Idempotency-Key`, replayed on retries.

    Written in the same transaction as the operation, so a key is recorded if and only if the
    operation's effects are; a concurrent retry waits on the unique index and then replays."""

    tenant_path = "merchant"

    merchant = models.ForeignKey(
        Merchant, on_delete=models.CASCADE, related_name="idempotency_records", verbose_name=_("merchant")
    )
    key = models.CharField(_("idempotency key"), max_length=255)
    fingerprint = models.CharField(_("request fingerprint"), max_length=64)
    status_code = models.PositiveSmallIntegerField(_("response status"))
    body = models.JSONField(_("response body"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("idempotency record")
        verbose_name_plural = _("idempotency records")
        constraints = [
            models.UniqueConstraint(fields=["merchant", "key"], name="idempotency_key_unique_per_merchant"),
        ]

    def __str__(self) -> str:
        return self.key
