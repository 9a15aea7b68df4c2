"""Attribution: QR scans, the binding of each customer to the shop (and staff member) that
brought them, and the append-only history of every change to a binding.

Rebate policies, the rebate ledger and statements live in `attribution.models_rebates`.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class AppendOnlyModel(models.Model):
    """A row that is written once: saving an existing row or deleting one is a programming error.

    (Cascading deletes of a whole merchant still work: they go through the query layer.)"""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise ValidationError(_("This record is append-only and cannot be changed."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("This record is append-only and cannot be deleted."))


class ScanEvent(models.Model):
    """One scan of a valid QR entry point by a shopper (invalid codes record nothing)."""

    tenant_path = "merchant"
    store_path = "store"

    merchant = models.ForeignKey(
        "shops.Merchant", on_delete=models.CASCADE, related_name="scans", verbose_name=_("merchant")
    )
    entry_point = models.ForeignKey(
        "shops.EntryPoint", on_delete=models.CASCADE, related_name="scans", verbose_name=_("QR entry point")
    )
    store = models.ForeignKey(
        "shops.Store",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="scans",
        verbose_name=_("store"),
    )
    staff = models.ForeignKey(
        "shops.Membership",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="scans",
        verbose_name=_("staff member"),
    )
    customer = models.ForeignKey(
        "shops.Customer", on_delete=models.CASCADE, related_name="scans", verbose_name=_("customer")
    )
    user_agent = models.CharField(_("browser"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("scanned at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("scan")
        verbose_name_plural = _("scans")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["merchant", "created_at"], name="scan_merchant_time")]

    def __str__(self) -> str:
        return f"{self.entry_point} · {self.created_at:%Y-%m-%d %H:%M}"


class TouchSource(models.TextChoices):
    """How a customer met a shop."""

    SCAN = "scan", _("Scanned a store or staff QR code")
    PAYMENT = "payment", _("Paid face to face in the store")
    REDEMPTION = "redemption", _("Redeemed a coupon in the store")
    STORE_CODE = "store_code", _("Used a code handed out by the store online")


class AttributionPolicy(models.Model):
    """How a merchant's customers are bound to the shops that bring them.

    - first touch: the first shop keeps the customer while the protection period lasts; touches
      elsewhere are recorded ("kept") but do not move the binding;
    - last touch: every touch at another shop moves the binding to it.
    A touch by the shop that holds the binding renews its protection period. At the end of the
    protection period (`on_expiry`) the binding either ends (`release`: later online orders earn
    no rebate until a new touch binds the customer again) or stays in force unprotected (`keep`:
    orders still earn the shop a rebate, but the next touch anywhere moves it, whatever the model).
    """

    class Model(models.TextChoices):
        FIRST_TOUCH = "first_touch", _("First touch: the first shop keeps the customer")
        LAST_TOUCH = "last_touch", _("Last touch: the latest shop takes the customer")

    class OnExpiry(models.TextChoices):
        RELEASE = "release", _("Release: the customer is unbound until the next touch")
        KEEP = "keep", _("Keep: the shop keeps the customer until another shop's touch")

    DEFAULT_PROTECTION_DAYS = 30

    tenant_path = "merchant"

    merchant = models.OneToOneField(
        "shops.Merchant",
        on_delete=models.CASCADE,
        related_name="attribution_policy",
        verbose_name=_("merchant"),
    )
    model = models.CharField(
        _("attribution model"), max_length=12, choices=Model.choices, default=Model.FIRST_TOUCH
    )
    protection_days = models.PositiveIntegerField(
        _("protection period (days)"),
        default=DEFAULT_PROTECTION_DAYS,
        help_text=_(
            "How long a customer stays with the shop that brought them; a new touch there renews it."
        ),
    )
    on_expiry = models.CharField(
        _("at the end of the protection period"),
        max_length=8,
        choices=OnExpiry.choices,
        default=OnExpiry.RELEASE,
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("attribution policy")
        verbose_name_plural = _("attribution policies")
        constraints = [
            models.CheckConstraint(
                condition=Q(model__in=["first_touch", "last_touch"]), name="attribution_policy_model_valid"
            ),
            models.CheckConstraint(
                condition=Q(on_expiry__in=["release", "keep"]), name="attribution_policy_expiry_valid"
            ),
            models.CheckConstraint(
                condition=Q(protection_days__gte=1, protection_days__lte=3650),
                name="attribution_policy_days_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_model_display()} · {self.protection_days}d"

    @property
    def rule(self) -> str:
        """The rule in a short, stable form copied onto orders: "first_touch/30d/release"."""
        return f"{self.model}/{self.protection_days}d/{self.on_expiry}"


class Binding(models.Model):
    """Which store (and staff member) a customer belongs to. At most one ACTIVE binding per
    customer per merchant (database constraint). Moves and renewals update the active row;
    every change is a BindingEvent. An expired binding stays as history; a later touch creates
    a new active one."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        EXPIRED = "expired", _("Expired")

    tenant_path = "merchant"
    store_path = "store"

    merchant = models.ForeignKey(
        "shops.Merchant", on_delete=models.CASCADE, related_name="bindings", verbose_name=_("merchant")
    )
    customer = models.ForeignKey(
        "shops.Customer", on_delete=models.CASCADE, related_name="bindings", verbose_name=_("customer")
    )
    store = models.ForeignKey(
        "shops.Store", on_delete=models.PROTECT, related_name="bindings", verbose_name=_("store")
    )
    staff = models.ForeignKey(
        "shops.Membership",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bindings",
        verbose_name=_("staff member"),
    )
    source = models.CharField(_("source"), max_length=12, choices=TouchSource.choices)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.ACTIVE)
    bound_at = models.DateTimeField(_("bound to this shop at"))
    protected_until = models.DateTimeField(_("protected until"))
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("binding")
        verbose_name_plural = _("bindings")
        ordering = ["-bound_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["merchant", "customer"],
                condition=Q(status="active"),
                name="binding_one_active_per_customer",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["active", "expired"]), name="binding_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(status="active", ended_at__isnull=True)
                | Q(status="expired", ended_at__isnull=False),
                name="binding_ended_iff_expired",
            ),
        ]
        indexes = [
            models.Index(fields=["merchant", "status", "protected_until"], name="binding_expiry"),
            models.Index(fields=["staff", "status"], name="binding_staff_status"),
        ]

    def __str__(self) -> str:
        owner = f"{self.store} · {self.staff}" if self.staff_id else str(self.store)
        return f"{self.customer} → {owner}"


class BindingEvent(AppendOnlyModel):
    """One thing that happened to a customer's binding, never changed afterwards.

    `store`/`staff` say who holds the binding after the event; `from_*` who held it before;
    `touch_*` describe the touch that caused it (empty for expiry and manager reassignment).
    """

    class Kind(models.TextChoices):
        CREATED = "created", _("Bound")
        MOVED = "moved", _("Moved to another shop")
        RENEWED = "renewed", _("Protection renewed")
        KEPT = "kept", _("Touch recorded, binding kept")
        EXPIRED = "expired", _("Protection period ended")
        REASSIGNED = "reassigned", _("Reassigned (staff member left)")

    tenant_path = "merchant"
    store_path = "store"

    merchant = models.ForeignKey(
        "shops.Merchant", on_delete=models.CASCADE, related_name="binding_events", verbose_name=_("merchant")
    )
    binding = models.ForeignKey(
        Binding, on_delete=models.CASCADE, related_name="events", verbose_name=_("binding")
    )
    customer = models.ForeignKey(
        "shops.Customer", on_delete=models.CASCADE, related_name="binding_events", verbose_name=_("customer")
    )
    kind = models.CharField(_("what happened"), max_length=10, choices=Kind.choices)
    store = models.ForeignKey(
        "shops.Store", on_delete=models.PROTECT, related_name="binding_events", verbose_name=_("store")
    )
    staff = models.ForeignKey(
        "shops.Membership",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="binding_events",
        verbose_name=_("staff member"),
    )
    from_store = models.ForeignKey(
        "shops.Store",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("previous store"),
    )
    from_staff = models.ForeignKey(
        "shops.Membership",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("previous staff member"),
    )
    touch_source = models.CharField(_("touch"), max_length=12, choices=TouchSource.choices, blank=True)
    touch_store = models.ForeignKey(
        "shops.Store",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("touch store"),
    )
    touch_staff = models.ForeignKey(
        "shops.Membership",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("touch staff member"),
    )
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    rule = models.CharField(_("rule"), max_length=40, blank=True)
    reason = models.CharField(_("why"), max_length=255)
    protected_until = models.DateTimeField(_("protected until"), null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("done by"),
    )
    occurred_at = models.DateTimeField(_("occurred at"), db_index=True)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("binding event")
        verbose_name_plural = _("binding events")
        ordering = ["-occurred_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["created", "moved", "renewed", "kept", "expired", "reassigned"]),
                name="binding_event_kind_valid",
            )
        ]
        indexes = [models.Index(fields=["customer", "occurred_at"], name="binding_event_customer")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.occurred_at:%Y-%m-%d %H:%M}"


# Order attribution, rebate policy, ledger, statements, disputes and runs.
from attribution.models_rebates import *  # noqa: E402, F403
