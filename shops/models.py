"""Tenancy: merchants (the tenants), their stores, members and customers.

Every model a merchant can see declares how it reaches its merchant (`tenant_path`) and,
where it belongs to stores, how it reaches them (`store_path`). The back office, the API
and the selectors scope querysets through `shops.tenancy`, which reads these two attributes,
so a new model is scoped by declaring them rather than by remembering a filter.
"""

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Merchant(models.Model):
    """A brand: the tenant. Goes live only once ops approve it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending approval")
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")

    tenant_path = ""  # a merchant is its own tenant

    name = models.CharField(_("brand name"), max_length=100)
    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING)
    contact_email = models.EmailField(_("contact email"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    require_owner_mfa = models.BooleanField(
        _("require two-factor sign-in for owners"),
        default=False,
        help_text=_("Owners must set up an authenticator app before they can use the back office."),
    )
    status_reason = models.CharField(_("reason for status"), max_length=255, blank=True)
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("merchant")
        verbose_name_plural = _("merchants")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["pending", "active", "suspended"]), name="merchant_status_valid"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE


class Store(models.Model):
    """A physical shop of a merchant."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    tenant_path = "merchant"
    store_path = ""  # a store is its own store scope

    merchant = models.ForeignKey(
        Merchant, on_delete=models.CASCADE, related_name="stores", verbose_name=_("merchant")
    )
    name = models.CharField(_("name"), max_length=100)
    code = models.SlugField(
        _("store code"), max_length=40, help_text=_("Short code, unique within the brand.")
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    opening_hours = models.CharField(_("opening hours"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    photo = models.ImageField(_("photo"), upload_to="stores/", blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("store")
        verbose_name_plural = _("stores")
        ordering = ["merchant_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["merchant", "code"], name="store_code_unique_per_merchant"),
        ]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A user's role in one merchant. Managers and staff work in one or more stores."""

    class Role(models.TextChoices):
        OWNER = "owner", _("Owner")
        MANAGER = "manager", _("Manager")
        STAFF = "staff", _("Staff")

    tenant_path = "merchant"
    store_path = "stores"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user")
    )
    merchant = models.ForeignKey(
        Merchant, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("merchant")
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    stores = models.ManyToManyField(Store, blank=True, related_name="memberships", verbose_name=_("stores"))
    display_name = models.CharField(_("display name"), max_length=60, blank=True)
    is_active = models.BooleanField(_("active"), default=True, help_text=_("Untick when the person leaves."))
    created_at = models.DateTimeField(_("joined at"), auto_now_add=True)

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        ordering = ["merchant_id", "role", "id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "merchant"], name="membership_unique_user_merchant"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_role_display()})"

    @property
    def name(self) -> str:
        return self.display_name or self.user.get_full_name() or self.user.email or self.user.username

    @property
    def is_owner(self) -> bool:
        return self.role == self.Role.OWNER

    @property
    def sees_all_stores(self) -> bool:
        """Owners and managers run the whole brand; staff see only the stores they work in."""
        return self.role in (self.Role.OWNER, self.Role.MANAGER)


def _invitation_token() -> str:
    return secrets.token_urlsafe(32)


def _invitation_expiry():
    return timezone.now() + timedelta(days=7)


class Invitation(models.Model):
    """An owner or manager invites a person by email to join with a role and stores."""

    tenant_path = "merchant"
    store_path = "stores"

    merchant = models.ForeignKey(
        Merchant, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("merchant")
    )
    email = models.EmailField(_("email"))
    role = models.CharField(
        _("role"),
        max_length=10,
        choices=[(Membership.Role.MANAGER, _("Manager")), (Membership.Role.STAFF, _("Staff"))],
    )
    stores = models.ManyToManyField(Store, blank=True, related_name="invitations", verbose_name=_("stores"))
    display_name = models.CharField(_("display name"), max_length=60, blank=True)
    token = models.CharField(max_length=64, unique=True, default=_invitation_token, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"), default=_invitation_expiry, editable=False)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} → {self.merchant}"

    @property
    def is_usable(self) -> bool:
        return self.accepted_at is None and self.expires_at > timezone.now()


class Customer(models.Model):
    """A shopper as seen by one merchant: the same person at two brands is two customers."""

    tenant_path = "merchant"

    merchant = models.ForeignKey(
        Merchant, on_delete=models.CASCADE, related_name="customers", verbose_name=_("merchant")
    )
    # The shopper's long-lived cookie identity (see shops.shoppers); never shown to merchants.
    shopper_uid = models.UUIDField(_("shopper id"), db_index=True)
    name = models.CharField(_("name"), max_length=60, blank=True)
    mobile = models.CharField(_("mobile"), max_length=20, blank=True)
    email = models.EmailField(_("email"), blank=True)
    created_at = models.DateTimeField(_("first seen"), auto_now_add=True)
    erased_at = models.DateTimeField(_("personal data erased at"), null=True, blank=True)

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["merchant", "shopper_uid"], name="customer_unique_per_merchant"),
        ]

    def __str__(self) -> str:
        return self.name or self.mobile or _("Customer #%(id)s") % {"id": self.pk}


# --- Catalog: products, variants and what each channel offers at which price ----------------


class Category(models.Model):
    """A merchant's product category (rebate rates can be overridden per category)."""

    tenant_path = "merchant"

    merchant = models.ForeignKey(
        Merchant, on_delete=models.CASCADE, related_name="categories", verbose_name=_("merchant")
    )
    name = models.CharField(_("name"), max_length=60)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["merchant", "name"], name="category_name_unique_per_merchant")
        ]

    def __str__(self) -> str:
        return self.name


class Product(models.Model):
    tenant_path = "merchant"

    merchant = models.ForeignKey(
        Merchant, on_delete=models.CASCADE, related_name="products", verbose_name=_("merchant")
    )
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    category = models.ForeignKey(
        Category,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="products",
        verbose_name=_("category"),
    )
    image = models.ImageField(_("image"), upload_to="products/", blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class Variant(models.Model):
    """A sellable SKU of a product (size, colour…). SKU codes are unique per merchant."""

    tenant_path = "merchant"

    merchant = models.ForeignKey(
        Merchant, on_delete=models.CASCADE, related_name="variants", verbose_name=_("merchant")
    )
    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="variants", verbose_name=_("product")
    )
    sku = models.CharField(_("SKU code"), max_length=64)
    attributes = models.JSONField(
        _("attributes"), default=dict, blank=True, help_text=_('e.g. {"size": "M"}')
    )

    class Meta:
        verbose_name = _("variant")
        verbose_name_plural = _("variants")
        ordering = ["product_id", "sku"]
        constraints = [
            models.UniqueConstraint(fields=["merchant", "sku"], name="variant_sku_unique_per_merchant")
        ]

    def __str__(self) -> str:
        attrs = " ".join(str(v) for v in (self.attributes or {}).values())
        return f"{self.product.title} {attrs}".strip() + f" ({self.sku})"


class ChannelListing(models.Model):
    """A variant offered in one channel: online (store is null) or one store, at its own price.

    `is_exclusive` marks an online-only or this-store-only style.
    """

    tenant_path = "merchant"
    store_path = "store"

    merchant = models.ForeignKey(
        Merchant, on_delete=models.CASCADE, related_name="listings", verbose_name=_("merchant")
    )
    variant = models.ForeignKey(
        Variant, on_delete=models.CASCADE, related_name="listings", verbose_name=_("variant")
    )
    store = models.ForeignKey(
        Store,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="listings",
        verbose_name=_("store"),
        help_text=_("Empty means the online store."),
    )
    price_fen = models.PositiveBigIntegerField(_("price (fen)"))
    is_available = models.BooleanField(_("available"), default=True)
    is_exclusive = models.BooleanField(_("exclusive to this channel"), default=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("channel listing")
        verbose_name_plural = _("channel listings")
        ordering = ["variant_id", "store_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["variant"], condition=Q(store__isnull=True), name="listing_one_online_per_variant"
            ),
            models.UniqueConstraint(
                fields=["variant", "store"],
                condition=Q(store__isnull=False),
                name="listing_one_per_variant_store",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.variant} @ {self.store or _('online')}"

    @property
    def is_online(self) -> bool:
        return self.store_id is None


# --- QR entry points ---------------------------------------------------------------------------


def new_entry_token() -> str:
    """192 random bits, URL-safe: unguessable and short enough for a dense-free QR code."""
    return secrets.token_urlsafe(24)


class EntryPoint(models.Model):
    """A printed QR code. Scanning `/s/<token>` records a scan and opens the right page."""

    class Kind(models.TextChoices):
        STORE = "store", _("Store")
        STAFF = "staff", _("Staff member")
        CAMPAIGN = "campaign", _("Campaign")
        PAY = "pay", _("Face-to-face payment")

    tenant_path = "merchant"
    store_path = "store"

    merchant = models.ForeignKey(
        Merchant, on_delete=models.CASCADE, related_name="entry_points", verbose_name=_("merchant")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    store = models.ForeignKey(
        Store,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="entry_points",
        verbose_name=_("store"),
    )
    staff = models.ForeignKey(
        Membership,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="entry_points",
        verbose_name=_("staff member"),
    )
    label = models.CharField(_("label"), max_length=100, blank=True)
    token = models.CharField(_("token"), max_length=64, unique=True, default=new_entry_token, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)
    replaced_by = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("replaced by"),
        help_text=_("The new code made when this one was rotated."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("QR entry point")
        verbose_name_plural = _("QR entry points")
        ordering = ["merchant_id", "kind", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind__in=["store", "staff", "pay"]) | Q(store__isnull=False),
                name="entry_point_store_required",
            ),
            models.CheckConstraint(
                condition=~Q(kind="staff") | Q(staff__isnull=False), name="entry_point_staff_required"
            ),
            # One live personal code per staff member: attribution must not split between two.
            models.UniqueConstraint(
                fields=["staff"],
                condition=Q(kind="staff", is_active=True),
                name="entry_point_one_active_staff_code",
            ),
        ]

    def __str__(self) -> str:
        return self.label or f"{self.get_kind_display()} · {self.staff or self.store or self.merchant}"


class PosterBatch(models.Model):
    """One multi-page PDF of every live QR poster of some stores, built in the background."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Printing")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    class Paper(models.TextChoices):
        A4 = "A4", "A4"
        A5 = "A5", "A5"

    tenant_path = "merchant"
    store_path = "stores"

    merchant = models.ForeignKey(
        Merchant, on_delete=models.CASCADE, related_name="poster_batches", verbose_name=_("merchant")
    )
    stores = models.ManyToManyField(Store, related_name="poster_batches", verbose_name=_("stores"))
    paper = models.CharField(_("paper size"), max_length=2, choices=Paper.choices, default=Paper.A4)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    done = models.PositiveIntegerField(_("posters done"), default=0)
    total = models.PositiveIntegerField(_("posters in total"), default=0)
    file = models.FileField(_("PDF"), upload_to="poster-batches/", blank=True)
    error = models.TextField(_("error"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("poster batch")
        verbose_name_plural = _("poster batches")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["pending", "running", "done", "failed"]),
                name="poster_batch_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(done__lte=models.F("total")), name="poster_batch_done_le_total"
            ),
        ]

    def __str__(self) -> str:
        return _("Posters %(paper)s #%(id)s") % {"paper": self.paper, "id": self.pk}

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else (100 if self.status == "done" else 0)


# API keys, webhooks, exports and personal-information requests live in their own module.
from shops.models_api import *  # noqa: E402, F403
