"""Orders, their lines and status history, payments, gateway notifications and refunds.

Money is integer fen. The invariants that must never break are database constraints:
total = subtotal - discount + shipping, nothing refunded beyond the total, one order per
idempotency key per merchant, one payment per gateway transaction id. Status changes go
through `orders.state.transition` only.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shops.models import ChannelListing, Customer, Merchant, Store

mainland_mobile = RegexValidator(
    r"^1[3-9]\d{9}$", _("Enter a mainland China mobile number: 11 digits starting with 1.")
)


def new_order_token() -> str:
    return secrets.token_urlsafe(16)


def new_trade_no(prefix: str = "MP") -> str:
    """A merchant-side trade number as WeChat Pay accepts it (6–32 of [A-Za-z0-9]), unguessable."""
    return f"{prefix}{timezone.now():%Y%m%d}{secrets.token_hex(8).upper()}"


class OrderStatus(models.TextChoices):
    AWAITING_PAYMENT = "awaiting_payment", _("Awaiting payment")
    PAID = "paid", _("Paid")
    FULFILLED = "fulfilled", _("Fulfilled")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")
    PARTIALLY_REFUNDED = "partially_refunded", _("Partially refunded")
    REFUNDED = "refunded", _("Refunded")


class Channel(models.TextChoices):
    ONLINE = "online", _("Online")
    IN_STORE = "in_store", _("In store")
    FACE_TO_FACE = "face_to_face", _("Face to face")


class Fulfilment(models.TextChoices):
    DELIVERY = "delivery", _("Delivery")
    PICKUP = "pickup", _("Pick up in store")
    NONE = "none", _("None (paid at the counter)")


class Order(models.Model):
    """One purchase. Online orders carry the pick-up store (null for delivery); in-store and
    face-to-face orders carry the store where the shopper paid."""

    tenant_path = "merchant"
    store_path = "store"

    merchant = models.ForeignKey(
        Merchant, on_delete=models.PROTECT, related_name="orders", verbose_name=_("merchant")
    )
    store = models.ForeignKey(
        Store, on_delete=models.PROTECT, null=True, blank=True, related_name="orders", verbose_name=_("store")
    )
    customer = models.ForeignKey(
        Customer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="orders",
        verbose_name=_("customer"),
    )
    token = models.CharField(max_length=32, unique=True, default=new_order_token, editable=False)
    number = models.CharField(
        _("order number"), max_length=32, unique=True, default=new_trade_no, editable=False
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=OrderStatus.choices, default=OrderStatus.AWAITING_PAYMENT
    )
    fulfilment = models.CharField(
        _("fulfilment"), max_length=10, choices=Fulfilment.choices, default=Fulfilment.NONE
    )
    contact_name = models.CharField(_("contact name"), max_length=60, blank=True)
    contact_mobile = models.CharField(_("mobile"), max_length=11, blank=True, validators=[mainland_mobile])
    delivery_address = models.CharField(_("delivery address"), max_length=255, blank=True)
    notes = models.CharField(_("notes"), max_length=255, blank=True)
    subtotal_fen = models.BigIntegerField(_("subtotal (fen)"))
    discount_fen = models.BigIntegerField(_("discount (fen)"), default=0)
    shipping_fen = models.BigIntegerField(_("shipping (fen)"), default=0)
    total_fen = models.BigIntegerField(_("total (fen)"))
    # Reserved by refund requests (pending or done) and actually refunded: never beyond the total.
    refund_requested_fen = models.BigIntegerField(_("refunds requested (fen)"), default=0, editable=False)
    refunded_fen = models.BigIntegerField(_("refunded (fen)"), default=0, editable=False)
    idempotency_key = models.CharField(_("idempotency key"), max_length=80, blank=True, editable=False)
    request_fingerprint = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True, db_index=True)
    fulfilled_at = models.DateTimeField(_("fulfilled at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["merchant", "status", "created_at"], name="order_merchant_status_idx")
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["merchant", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="order_idempotency_key_unique",
            ),
            models.CheckConstraint(
                condition=Q(total_fen=F("subtotal_fen") - F("discount_fen") + F("shipping_fen")),
                name="order_total_adds_up",
            ),
            models.CheckConstraint(
                condition=Q(subtotal_fen__gte=0, discount_fen__gte=0, shipping_fen__gte=0, total_fen__gte=0),
                name="order_amounts_non_negative",
            ),
            models.CheckConstraint(
                condition=Q(refunded_fen__gte=0)
                & Q(refunded_fen__lte=F("refund_requested_fen"))
                & Q(refund_requested_fen__lte=F("total_fen")),
                name="order_refunds_within_total",
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in OrderStatus]), name="order_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(channel__in=[c.value for c in Channel]), name="order_channel_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def refundable_fen(self) -> int:
        return self.total_fen - self.refund_requested_fen


class OrderLine(models.Model):
    """What was bought, as it was at checkout (the listing may change or disappear later)."""

    tenant_path = "order__merchant"
    store_path = "order__store"

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines", verbose_name=_("order"))
    listing = models.ForeignKey(
        ChannelListing,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("listing"),
    )
    sku = models.CharField(_("SKU"), max_length=64)
    title = models.CharField(_("title"), max_length=200)
    unit_price_fen = models.BigIntegerField(_("unit price (fen)"))
    quantity = models.PositiveIntegerField(_("quantity"))
    line_total_fen = models.BigIntegerField(_("line total (fen)"))
    # The line's share of the order discount (largest remainder), so line refunds add up.
    discount_fen = models.BigIntegerField(_("discount share (fen)"), default=0)
    refunded_quantity = models.PositiveIntegerField(_("refunded quantity"), default=0)

    class Meta:
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        ordering = ["order_id", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(line_total_fen=F("unit_price_fen") * F("quantity")),
                name="orderline_total_adds_up",
            ),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="orderline_quantity_positive"),
            models.CheckConstraint(
                condition=Q(refunded_quantity__lte=F("quantity")), name="orderline_refund_within_quantity"
            ),
            models.CheckConstraint(
                condition=Q(discount_fen__gte=0) & Q(discount_fen__lte=F("line_total_fen")),
                name="orderline_discount_within_total",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} × {self.quantity}"

    @property
    def net_fen(self) -> int:
        return self.line_total_fen - self.discount_fen


class OrderTransition(models.Model):
    """One status change: who, when, from, to. Written only by `orders.state.transition`."""

    tenant_path = "order__merchant"
    store_path = "order__store"

    order = models.ForeignKey(
        Order, on_delete=models.CASCADE, related_name="transitions", verbose_name=_("order")
    )
    from_status = models.CharField(_("from"), max_length=20, choices=OrderStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=OrderStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    actor_label = models.CharField(_("by"), max_length=60, blank=True)
    at = models.DateTimeField(_("at"), default=timezone.now)
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["order_id", "at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status or '∅'} → {self.to_status}"


class Payment(models.Model):
    """A payment attempt through a gateway for one order."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    tenant_path = "order__merchant"
    store_path = "order__store"

    order = models.ForeignKey(
        Order, on_delete=models.PROTECT, related_name="payments", verbose_name=_("order")
    )
    gateway = models.CharField(_("gateway"), max_length=20)
    out_trade_no = models.CharField(_("trade number"), max_length=32, unique=True, default=new_trade_no)
    transaction_id = models.CharField(
        _("gateway transaction id"), max_length=64, null=True, blank=True, unique=True
    )
    amount_fen = models.BigIntegerField(_("amount (fen)"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    succeeded_at = models.DateTimeField(_("succeeded at"), null=True, blank=True)
    raw_resource = models.JSONField(_("gateway data"), default=dict, blank=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_fen__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(
                condition=~Q(status="succeeded") | Q(transaction_id__isnull=False),
                name="payment_succeeded_has_transaction",
            ),
        ]

    def __str__(self) -> str:
        return self.out_trade_no


class PaymentNotification(models.Model):
    """A verified, decrypted notification from a gateway, kept raw, with what we did with it."""

    class Result(models.TextChoices):
        APPLIED = "applied", _("Applied")
        DUPLICATE = "duplicate", _("Duplicate (already applied)")
        AMOUNT_MISMATCH = "amount_mismatch", _("Refused: amount does not match")
        UNKNOWN = "unknown", _("Refused: no such payment or refund")
        IGNORED = "ignored", _("Ignored (state not final)")
        PAID_AFTER_CANCEL = "paid_after_cancel", _("Paid after the order was cancelled")

    tenant_path = "merchant"

    merchant = models.ForeignKey(
        Merchant, on_delete=models.CASCADE, related_name="+", verbose_name=_("merchant")
    )
    gateway = models.CharField(_("gateway"), max_length=20)
    event_type = models.CharField(_("event"), max_length=40)
    reference = models.CharField(_("trade or refund number"), max_length=64, blank=True, db_index=True)
    headers = models.JSONField(_("headers"), default=dict)
    body = models.TextField(_("body"))
    resource = models.JSONField(_("decrypted resource"), default=dict)
    verified = models.BooleanField(_("signature verified"), default=True)
    result = models.CharField(_("result"), max_length=20, choices=Result.choices)
    flagged = models.BooleanField(_("flagged for ops"), default=False, db_index=True)
    received_at = models.DateTimeField(_("received at"), default=timezone.now)

    class Meta:
        verbose_name = _("payment notification")
        verbose_name_plural = _("payment notifications")
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"{self.event_type} {self.reference} ({self.result})"


class Refund(models.Model):
    """Money given back for an order (whole, by amount or by lines). Its amount is reserved on
    the order when requested, so concurrent requests can never refund more than was paid."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    tenant_path = "order__merchant"
    store_path = "order__store"

    order = models.ForeignKey(
        Order, on_delete=models.PROTECT, related_name="refunds", verbose_name=_("order")
    )
    payment = models.ForeignKey(
        Payment, on_delete=models.PROTECT, related_name="refunds", verbose_name=_("payment")
    )
    out_refund_no = models.CharField(_("refund number"), max_length=64, unique=True, default=new_trade_no)
    refund_id = models.CharField(_("gateway refund id"), max_length=64, null=True, blank=True, unique=True)
    amount_fen = models.BigIntegerField(_("amount (fen)"))
    lines = models.JSONField(_("lines"), default=dict, blank=True, help_text=_("order line id → quantity"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    created_at = models.DateTimeField(_("requested at"), default=timezone.now)
    succeeded_at = models.DateTimeField(_("succeeded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        ordering = ["-created_at"]
        constraints = [models.CheckConstraint(condition=Q(amount_fen__gt=0), name="refund_amount_positive")]

    def __str__(self) -> str:
        return self.out_refund_no


class MerchantPaymentSettings(models.Model):
    """Payment limits a merchant sets (one row per merchant; defaults apply without one)."""

    DEFAULT_F2F_MAX_FEN = 5_000_000  # ¥50,000

    tenant_path = "merchant"

    merchant = models.OneToOneField(
        Merchant, on_delete=models.CASCADE, related_name="payment_settings", verbose_name=_("merchant")
    )
    f2f_max_fen = models.PositiveBigIntegerField(
        _("maximum face-to-face payment (fen)"), default=DEFAULT_F2F_MAX_FEN
    )
    shipping_fen = models.PositiveBigIntegerField(_("delivery fee (fen)"), default=0)

    class Meta:
        verbose_name = _("payment settings")
        verbose_name_plural = _("payment settings")

    def __str__(self) -> str:
        return str(self.merchant)


class CartItem(models.Model):
    """A listing in a shopper's cart, with the price the shopper saw when adding it."""

    tenant_path = "merchant"

    merchant = models.ForeignKey(Merchant, on_delete=models.CASCADE, related_name="+")
    shopper_uid = models.UUIDField(db_index=True)
    listing = models.ForeignKey(ChannelListing, on_delete=models.CASCADE, related_name="+")
    quantity = models.PositiveIntegerField(default=1)
    seen_price_fen = models.BigIntegerField()
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["added_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["shopper_uid", "listing"], name="cartitem_one_per_listing"),
            models.CheckConstraint(
                condition=Q(quantity__gte=1, quantity__lte=99), name="cartitem_quantity_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.listing_id} × {self.quantity}"


class WechatPayAccount(models.Model):
    """A merchant's WeChat Pay API v3 credentials. Secrets are stored Fernet-encrypted with a key
    derived from SECRET_KEY (`orders.payments.secrets`); ops enter them in /ops/."""

    tenant_path = "merchant"

    merchant = models.OneToOneField(Merchant, on_delete=models.CASCADE, related_name="wechatpay_account")
    appid = models.CharField(max_length=32)
    mchid = models.CharField(max_length=32)
    serial_no = models.CharField(_("merchant certificate serial"), max_length=64)
    private_key_encrypted = models.TextField(editable=False)
    apiv3_key_encrypted = models.TextField(editable=False)
    platform_serial = models.CharField(_("platform certificate serial"), max_length=64)
    platform_public_key = models.TextField(_("platform certificate or public key (PEM)"))
    is_active = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("WeChat Pay account")
        verbose_name_plural = _("WeChat Pay accounts")

    def __str__(self) -> str:
        return f"{self.merchant} ({self.mchid})"


class GatewayKey(models.Model):
    """Key material a gateway generated for itself once (the sandbox's platform RSA key)."""

    name = models.CharField(max_length=40, unique=True)
    private_key_pem = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.name
