"""Campaigns, coupon definitions, issued coupons and their redemptions (issue 5).

Invariants live in the database:
- a definition never issues more than its total quantity (`issued_count <= total_quantity`,
  raised by a conditional UPDATE in `coupons.services.claim_coupon`);
- a customer holds at most `per_customer_limit` coupons of one definition (one row per
  (definition, customer, seq) slot, `1 <= seq <= limit` enforced by the service, uniqueness
  by a constraint);
- a coupon has at most one active redemption (partial unique constraint), and moves
  available → redeemed only through a conditional UPDATE.

The sharing rulebook models (issue 6) live in `coupons/models_sharing.py`, imported at the end.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shops.models import Customer, EntryPoint, Membership, Merchant, Store

# --- Campaigns -----------------------------------------------------------------------------------


class Mechanic(models.TextChoices):
    """Structured campaign mechanics; the sharing checker (issue 6) reads these names."""

    REWARD_REQUIRES_SHARE = "reward_requires_share", _("Reward only after sharing")
    LIKES_COLLECTION = "likes_collection", _("Collect likes (集赞)")
    SHARE_TO_UNLOCK = "share_to_unlock", _("Share to unlock")
    REWARD_GROWS_WITH_SHARES = "reward_grows_with_shares", _("Reward grows with shares")
    INVITE_TO_UNLOCK = "invite_to_unlock", _("Invite friends to unlock")


class Campaign(models.Model):
    """A marketing campaign with a landing page at `/c/<token>/` offering coupons."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_REVIEW = "in_review", _("In review")
        PUBLISHED = "published", _("Published")
        ENDED = "ended", _("Ended")
        REJECTED = "rejected", _("Rejected")

    tenant_path = "merchant"

    merchant = models.ForeignKey(
        Merchant, on_delete=models.CASCADE, related_name="campaigns", verbose_name=_("merchant")
    )
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    share_text = models.CharField(_("share text"), max_length=200, blank=True)
    share_image = models.ImageField(_("share image"), upload_to="campaigns/", blank=True)
    landing_text = models.TextField(_("landing page text"), blank=True)
    mechanics = models.JSONField(
        _("mechanics"),
        default=list,
        blank=True,
        help_text=_("Structured mechanics flags, checked against the sharing rules before publishing."),
    )
    starts_at = models.DateTimeField(_("starts at"), default=timezone.now)
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    review_reason = models.TextField(_("rejection reason"), blank=True, editable=False)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, editable=False)
    entry_point = models.OneToOneField(
        EntryPoint,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="campaign",
        verbose_name=_("landing page code"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["draft", "in_review", "published", "ended", "rejected"]),
                name="campaign_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gt=F("starts_at")),
                name="campaign_ends_after_start",
                violation_error_message=_("The campaign must end after it starts."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def is_live(self, at=None) -> bool:
        at = at or timezone.now()
        return (
            self.status == self.Status.PUBLISHED
            and self.starts_at <= at
            and (self.ends_at is None or at < self.ends_at)
        )


class CampaignStatusChange(models.Model):
    """Append-only record of every campaign status change: who, when, from, to, why."""

    tenant_path = "campaign__merchant"

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="status_changes", verbose_name=_("campaign")
    )
    from_status = models.CharField(_("from"), max_length=10, blank=True)
    to_status = models.CharField(_("to"), max_length=10)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    reason = models.TextField(_("reason"), blank=True)
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("campaign status change")
        verbose_name_plural = _("campaign status changes")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.from_status or '—'} → {self.to_status}"


# --- Coupon definitions --------------------------------------------------------------------------


class CouponDefinition(models.Model):
    """What a coupon is worth, where and when it can be used, and how many exist.

    Kinds:
    - amount_off (满减): `amount_fen` off an order of at least `min_spend_fen`;
    - percent_off: `percent_off_bp` basis points off (2000 = 20 % off, "8折"), at most `cap_fen`;
    - cash_voucher (代金券): `amount_fen` off anything (never more than the subtotal).
    """

    class Kind(models.TextChoices):
        AMOUNT_OFF = "amount_off", _("Amount off with minimum spend")
        PERCENT_OFF = "percent_off", _("Percent off")
        CASH_VOUCHER = "cash_voucher", _("Cash voucher")

    class Channel(models.TextChoices):
        ONLINE = "online", _("Online")
        IN_STORE = "in_store", _("In store")
        BOTH = "both", _("Online and in store")

    class Validity(models.TextChoices):
        FIXED = "fixed", _("Fixed dates")
        AFTER_CLAIM = "after_claim", _("N days after claiming")

    tenant_path = "merchant"
    store_path = "stores"

    merchant = models.ForeignKey(
        Merchant, on_delete=models.CASCADE, related_name="coupon_definitions", verbose_name=_("merchant")
    )
    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="coupon_definitions",
        verbose_name=_("campaign"),
    )
    name = models.CharField(_("name"), max_length=80)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    amount_fen = models.PositiveBigIntegerField(_("amount off (fen)"), default=0)
    min_spend_fen = models.PositiveBigIntegerField(_("minimum spend (fen)"), default=0)
    percent_off_bp = models.PositiveIntegerField(
        _("percent off (basis points)"), default=0, help_text=_("2000 = 20% off.")
    )
    cap_fen = models.PositiveBigIntegerField(_("maximum discount (fen)"), null=True, blank=True)
    channel = models.CharField(_("redeemable"), max_length=10, choices=Channel.choices, default=Channel.BOTH)
    stores = models.ManyToManyField(
        Store,
        blank=True,
        related_name="coupon_definitions",
        verbose_name=_("stores"),
        help_text=_("Leave empty for every store."),
    )
    validity = models.CharField(
        _("validity"), max_length=12, choices=Validity.choices, default=Validity.FIXED
    )
    valid_from = models.DateTimeField(_("valid from"), null=True, blank=True)
    valid_until = models.DateTimeField(_("valid until"), null=True, blank=True)
    valid_days = models.PositiveIntegerField(_("valid for days after claiming"), null=True, blank=True)
    total_quantity = models.PositiveIntegerField(
        _("total quantity"), null=True, blank=True, help_text=_("Leave empty for no limit.")
    )
    issued_count = models.PositiveIntegerField(_("issued"), default=0, editable=False)
    per_customer_limit = models.PositiveSmallIntegerField(_("per customer"), default=1)
    stacks = models.BooleanField(_("stacks with other coupons"), default=False)
    restore_on_refund = models.BooleanField(_("give back on refund"), default=True)
    asks_mobile = models.BooleanField(
        _("ask for a mobile number"),
        default=False,
        help_text=_(
            "Claiming asks for a mobile number once (e.g. to send a reminder); otherwise no contact details."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("coupon definition")
        verbose_name_plural = _("coupon definitions")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["amount_off", "percent_off", "cash_voucher"]),
                name="coupon_def_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(channel__in=["online", "in_store", "both"]), name="coupon_def_channel_valid"
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=["amount_off", "cash_voucher"]) | Q(amount_fen__gt=0),
                name="coupon_def_amount_positive",
                violation_error_message=_("Give the amount off in fen (more than 0)."),
            ),
            models.CheckConstraint(
                condition=~Q(kind="amount_off") | Q(min_spend_fen__gte=F("amount_fen")),
                name="coupon_def_min_spend_covers_amount",
                violation_error_message=_("The minimum spend must be at least the amount off."),
            ),
            models.CheckConstraint(
                condition=~Q(kind="percent_off") | Q(percent_off_bp__gt=0, percent_off_bp__lt=10000),
                name="coupon_def_percent_in_range",
                violation_error_message=_(
                    "Percent off is in basis points between 1 and 9999 (2000 = 20%% off)."
                ),
            ),
            models.CheckConstraint(
                condition=Q(cap_fen__isnull=True) | Q(cap_fen__gt=0),
                name="coupon_def_cap_positive",
                violation_error_message=_("The maximum discount must be more than 0, or empty."),
            ),
            models.CheckConstraint(
                condition=Q(total_quantity__isnull=True) | Q(issued_count__lte=F("total_quantity")),
                name="coupon_def_issued_within_total",
            ),
            models.CheckConstraint(
                condition=Q(per_customer_limit__gte=1),
                name="coupon_def_limit_positive",
                violation_error_message=_("Each customer must be able to claim at least one."),
            ),
            models.CheckConstraint(
                condition=(
                    Q(validity="fixed", valid_until__isnull=False)
                    & (Q(valid_from__isnull=True) | Q(valid_until__gt=F("valid_from")))
                )
                | Q(validity="after_claim", valid_days__gte=1),
                name="coupon_def_validity_complete",
                violation_error_message=_(
                    "Fixed dates need an end after the start; ‘N days after claiming’ needs N ≥ 1."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def redeemable_online(self) -> bool:
        return self.channel in (self.Channel.ONLINE, self.Channel.BOTH)

    @property
    def redeemable_in_store(self) -> bool:
        return self.channel in (self.Channel.IN_STORE, self.Channel.BOTH)

    @property
    def remaining(self) -> int | None:
        if self.total_quantity is None:
            return None
        return max(self.total_quantity - self.issued_count, 0)

    def discount_fen(self, subtotal_fen: int) -> int:
        """The discount in fen this coupon gives on `subtotal_fen` (0 when not applicable).

        Rounding rule: percent off is `shops.money.apply_basis_points(subtotal, bp)`, i.e. the
        exact product rounded half up to the fen, then capped by `cap_fen`. Every kind is then
        limited to the subtotal, so a discount never makes a total negative. Amount off gives
        nothing below its minimum spend.
        """
        from shops.money import apply_basis_points

        subtotal_fen = max(int(subtotal_fen), 0)
        if subtotal_fen < self.min_spend_fen:
            return 0
        if self.kind == self.Kind.PERCENT_OFF:
            discount = apply_basis_points(subtotal_fen, self.percent_off_bp)
            if self.cap_fen is not None:
                discount = min(discount, self.cap_fen)
        else:
            discount = self.amount_fen
        return min(discount, subtotal_fen)

    def describe(self) -> str:
        from shops.money import format_fen

        if self.kind == self.Kind.PERCENT_OFF:
            pct = self.percent_off_bp / 100
            text = _("%(pct)s%% off") % {"pct": f"{pct:g}"}
            if self.cap_fen:
                text += " " + str(_("(up to %(cap)s)") % {"cap": format_fen(self.cap_fen)})
        elif self.kind == self.Kind.AMOUNT_OFF:
            text = _("%(amount)s off orders from %(min)s") % {
                "amount": format_fen(self.amount_fen),
                "min": format_fen(self.min_spend_fen),
            }
        else:
            text = _("%(amount)s voucher") % {"amount": format_fen(self.amount_fen)}
        if self.min_spend_fen and self.kind != self.Kind.AMOUNT_OFF:
            text += " · " + str(_("minimum spend %(min)s") % {"min": format_fen(self.min_spend_fen)})
        return str(text)


# --- Issued coupons ------------------------------------------------------------------------------

# Crockford-style base32 without I, L, O, U: nothing a person confuses when typing.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_CHARS = 20  # 20 × 5 bits = 100 random bits


def new_coupon_code() -> str:
    """100 random bits as 20 base32 characters in groups of four: ABCD-EFGH-JKMN-PQRS-TVWX."""
    chars = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_CHARS))
    return "-".join(chars[i : i + 4] for i in range(0, CODE_CHARS, 4))


def normalise_code(raw: str) -> str:
    """Uppercase, drop spaces and dashes, read O as 0 and I/L as 1, regroup in fours."""
    cleaned = "".join(ch for ch in (raw or "").upper() if ch.isalnum())
    cleaned = cleaned.replace("O", "0").replace("I", "1").replace("L", "1")
    return "-".join(cleaned[i : i + 4] for i in range(0, len(cleaned), 4))


class StoreCodeBatch(models.Model):
    """N single-use codes a manager generated for one store to hand out."""

    tenant_path = "merchant"
    store_path = "store"

    merchant = models.ForeignKey(
        Merchant, on_delete=models.CASCADE, related_name="store_code_batches", verbose_name=_("merchant")
    )
    store = models.ForeignKey(
        Store, on_delete=models.CASCADE, related_name="coupon_code_batches", verbose_name=_("store")
    )
    definition = models.ForeignKey(
        CouponDefinition, on_delete=models.CASCADE, related_name="store_batches", verbose_name=_("coupon")
    )
    quantity = models.PositiveIntegerField(_("quantity"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("store code batch")
        verbose_name_plural = _("store code batches")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="store_code_batch_quantity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.definition} × {self.quantity} · {self.store}"


class Coupon(models.Model):
    """One issued coupon with its code. Status moves only through coupons.services."""

    class Status(models.TextChoices):
        AVAILABLE = "available", _("Available")
        HELD = "held", _("Held by an order")
        REDEEMED = "redeemed", _("Redeemed")
        EXPIRED = "expired", _("Expired")
        VOID = "void", _("Void")

    tenant_path = "merchant"
    store_path = "store"

    merchant = models.ForeignKey(
        Merchant, on_delete=models.CASCADE, related_name="coupons", verbose_name=_("merchant")
    )
    definition = models.ForeignKey(
        CouponDefinition, on_delete=models.PROTECT, related_name="coupons", verbose_name=_("coupon")
    )
    code = models.CharField(_("code"), max_length=32, unique=True, default=new_coupon_code, editable=False)
    customer = models.ForeignKey(
        Customer,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="coupons",
        verbose_name=_("customer"),
    )
    # Which of the customer's `per_customer_limit` slots this coupon fills (null for store codes).
    seq = models.PositiveSmallIntegerField(_("slot"), null=True, blank=True, editable=False)
    store = models.ForeignKey(
        Store,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="handed_out_coupons",
        verbose_name=_("handed out by store"),
    )
    batch = models.ForeignKey(
        StoreCodeBatch,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="coupons",
        verbose_name=_("batch"),
    )
    claimed_at = models.DateTimeField(_("claimed at"), default=timezone.now)
    valid_from = models.DateTimeField(_("valid from"), null=True, blank=True)
    valid_until = models.DateTimeField(_("valid until"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.AVAILABLE)
    # The order holding or having used the coupon (orders.Order id; no FK so coupons do not
    # depend on the orders app's migrations).
    order_pk = models.BigIntegerField(_("order"), null=True, blank=True, db_index=True)
    discount_fen = models.PositiveBigIntegerField(_("discount given (fen)"), default=0)
    status_changed_at = models.DateTimeField(_("status changed at"), default=timezone.now)

    class Meta:
        verbose_name = _("coupon")
        verbose_name_plural = _("coupons")
        ordering = ["-claimed_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["available", "held", "redeemed", "expired", "void"]),
                name="coupon_status_valid",
            ),
            models.UniqueConstraint(
                fields=["definition", "customer", "seq"],
                condition=Q(customer__isnull=False, seq__isnull=False),
                name="coupon_one_per_customer_slot",
            ),
            models.CheckConstraint(condition=Q(seq__isnull=True) | Q(seq__gte=1), name="coupon_seq_positive"),
            models.CheckConstraint(
                condition=~Q(status="held") | Q(order_pk__isnull=False), name="coupon_held_has_order"
            ),
        ]
        indexes = [
            models.Index(fields=["customer", "status"], name="coupon_customer_status"),
        ]

    def __str__(self) -> str:
        return self.code


class Redemption(models.Model):
    """A coupon used at the counter or at checkout. Undone redemptions keep their row."""

    class Channel(models.TextChoices):
        COUNTER = "counter", _("At the counter")
        CHECKOUT = "checkout", _("Online checkout")

    tenant_path = "merchant"
    store_path = "store"

    merchant = models.ForeignKey(
        Merchant, on_delete=models.CASCADE, related_name="coupon_redemptions", verbose_name=_("merchant")
    )
    coupon = models.ForeignKey(
        Coupon, on_delete=models.CASCADE, related_name="redemptions", verbose_name=_("coupon")
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    store = models.ForeignKey(
        Store,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="coupon_redemptions",
        verbose_name=_("store"),
    )
    staff = models.ForeignKey(
        Membership,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="coupon_redemptions",
        verbose_name=_("staff member"),
    )
    order_pk = models.BigIntegerField(_("order"), null=True, blank=True, db_index=True)
    discount_fen = models.PositiveBigIntegerField(_("discount (fen)"), default=0)
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    undone_at = models.DateTimeField(_("undone at"), null=True, blank=True)
    undone_by = models.ForeignKey(
        Membership,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("undone by"),
    )

    class Meta:
        verbose_name = _("redemption")
        verbose_name_plural = _("redemptions")
        ordering = ["-at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(channel__in=["counter", "checkout"]), name="redemption_channel_valid"
            ),
            models.UniqueConstraint(
                fields=["coupon"],
                condition=Q(undone_at__isnull=True),
                name="redemption_one_active_per_coupon",
            ),
            models.CheckConstraint(
                condition=~Q(channel="counter") | Q(store__isnull=False), name="redemption_counter_has_store"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.coupon} · {self.get_channel_display()}"


# The sharing rulebook and decisions (issue 6) import Campaign from this module.
from coupons.models_sharing import (  # noqa: E402, F401
    CampaignReview,
    RulebookVersion,
    SharingDecision,
    SharingRule,
)
