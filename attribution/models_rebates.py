"""Order attribution, rebate policy, the append-only rebate ledger, statements, disputes and runs.

How a fen of rebate is traced: a statement is an aggregate of ledger
lines; each RebateLedgerLine names its order (and refund), the OrderAttribution copied at
payment (store, staff, binding, binding event, rule) and the base and rate it was computed from.

Which lines a statement holds: every ledger line carries `settles_at` = max(occurred_at, the
merchant's `closed_until` when the line was written). A statement for one beneficiary covers
lines with `lines_from <= settles_at < lines_until`. Closing a period moves `closed_until` to its
end, so a line written later (a refund after the close) settles in the next period, and a final
statement's lines can never change.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from attribution.models import AppendOnlyModel


class OrderAttribution(AppendOnlyModel):
    """Who brought the customer of one paid order, copied at payment and never changed.

    - `binding`: an online order of a bound customer (binding in force at payment): earns rebate;
    - `own_sale`: an in-store or face-to-face sale: it belongs to its store, no rebate;
    - `unbound`: an online order of a customer no shop holds: no rebate.
    """

    class Basis(models.TextChoices):
        BINDING = "binding", _("Bound customer (online)")
        OWN_SALE = "own_sale", _("The store's own sale")
        UNBOUND = "unbound", _("No shop holds the customer")

    tenant_path = "merchant"
    store_path = "store"

    merchant = models.ForeignKey(
        "shops.Merchant", on_delete=models.CASCADE, related_name="+", verbose_name=_("merchant")
    )
    order = models.OneToOneField(
        "orders.Order", on_delete=models.PROTECT, related_name="attribution", verbose_name=_("order")
    )
    customer = models.ForeignKey(
        "shops.Customer",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        verbose_name=_("customer"),
    )
    basis = models.CharField(_("basis"), max_length=10, choices=Basis.choices)
    store = models.ForeignKey(
        "shops.Store",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("store"),
    )
    staff = models.ForeignKey(
        "shops.Membership",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        verbose_name=_("staff member"),
    )
    binding = models.ForeignKey(
        "attribution.Binding",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        verbose_name=_("binding"),
    )
    binding_event = models.ForeignKey(
        "attribution.BindingEvent",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        verbose_name=_("binding event"),
    )
    rule = models.CharField(_("rule"), max_length=40, blank=True)
    earns_rebate = models.BooleanField(_("earns a rebate"))
    paid_at = models.DateTimeField(_("paid at"))
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("order attribution")
        verbose_name_plural = _("order attributions")
        ordering = ["-paid_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(basis__in=["binding", "own_sale", "unbound"]),
                name="order_attribution_basis_valid",
            ),
            models.CheckConstraint(
                condition=~Q(earns_rebate=True) | Q(basis="binding", store__isnull=False),
                name="order_attribution_rebate_needs_binding",
            ),
        ]
        indexes = [
            models.Index(
                fields=["merchant", "paid_at"], condition=Q(earns_rebate=True), name="order_attr_earning"
            )
        ]

    def __str__(self) -> str:
        return f"{self.order_id} → {self.store or '—'}"


class SettlementPeriod(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    WEEKLY = "weekly", _("Weekly (Monday to Sunday)")


class RebatePolicy(models.Model):
    """What a merchant pays the shops (and staff) that bring customers online.

    Base (the amount a rebate is a percentage of), per order line: what the customer paid for the
    line after the coupon discount, without shipping, i.e. `line_total_fen - discount_fen`, where
    the order discount is allocated over the lines in proportion to their totals by largest
    remainder (`shops.money.allocate`, done by checkout and stored on each OrderLine). Lines of
    excluded products have a base of 0. Rebate per order and beneficiary =
    `round_half_up(Σ line base × line rate / 10000)` (`rebate_for`), rate = the line category's
    override or the policy rate. Refunds claw back proportionally, see `clawback_for`.
    """

    tenant_path = "merchant"

    merchant = models.OneToOneField(
        "shops.Merchant", on_delete=models.CASCADE, related_name="rebate_policy", verbose_name=_("merchant")
    )
    store_rate_bp = models.PositiveIntegerField(
        _("store rate (basis points)"), default=300, help_text=_("100 basis points = 1%.")
    )
    staff_rate_bp = models.PositiveIntegerField(_("staff rate (basis points)"), default=100)
    excluded_products = models.ManyToManyField(
        "shops.Product", blank=True, related_name="+", verbose_name=_("products that earn no rebate")
    )
    clawback_days = models.PositiveIntegerField(
        _("clawback window (days)"),
        default=30,
        help_text=_("A refund within this many days of payment takes the rebate back; later ones do not."),
    )
    period = models.CharField(
        _("settlement period"),
        max_length=8,
        choices=SettlementPeriod.choices,
        default=SettlementPeriod.MONTHLY,
    )
    minimum_payout_fen = models.PositiveBigIntegerField(
        _("minimum payout (fen)"),
        default=0,
        help_text=_("A smaller balance carries over to the next statement."),
    )
    # End of the last closed period: lines written later settle at or after it (see module doc).
    closed_until = models.DateTimeField(_("settled until"), null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("rebate policy")
        verbose_name_plural = _("rebate policies")
        constraints = [
            models.CheckConstraint(
                condition=Q(store_rate_bp__lte=10000, staff_rate_bp__lte=10000),
                name="rebate_policy_rates_range",
            ),
            models.CheckConstraint(
                condition=Q(period__in=["monthly", "weekly"]), name="rebate_policy_period_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.store_rate_bp / 100:g}% / {self.staff_rate_bp / 100:g}%"


class RebateCategoryRate(models.Model):
    """A category's own rates, overriding the policy's."""

    tenant_path = "policy__merchant"

    policy = models.ForeignKey(
        RebatePolicy, on_delete=models.CASCADE, related_name="category_rates", verbose_name=_("policy")
    )
    category = models.ForeignKey(
        "shops.Category", on_delete=models.CASCADE, related_name="+", verbose_name=_("category")
    )
    store_rate_bp = models.PositiveIntegerField(_("store rate (basis points)"))
    staff_rate_bp = models.PositiveIntegerField(_("staff rate (basis points)"))

    class Meta:
        verbose_name = _("category rate")
        verbose_name_plural = _("category rates")
        constraints = [
            models.UniqueConstraint(fields=["policy", "category"], name="rebate_category_rate_unique"),
            models.CheckConstraint(
                condition=Q(store_rate_bp__lte=10000, staff_rate_bp__lte=10000),
                name="rebate_category_rates_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category}: {self.store_rate_bp}bp / {self.staff_rate_bp}bp"


class Beneficiary(models.TextChoices):
    STORE = "store", _("Store")
    STAFF = "staff", _("Staff member")


class RebateLedgerLine(AppendOnlyModel):
    """One rebate movement for one beneficiary caused by one order event, never changed.

    Accrual when an attributed online order is paid (one per order and beneficiary); clawback when
    a refund of it succeeds within the clawback window (one per refund and beneficiary). Both
    uniquenesses are database constraints, so reruns and concurrent runs cannot duplicate a line.

    Referential integrity: lines are only written by `attribution.settlement` from an
    INSERT … SELECT joining the (FK-checked, append-only, PROTECTed) OrderAttribution rows, which
    supply merchant, order, store, staff and attribution; so those columns carry no database FK of
    their own (millions of redundant deferred FK checks at each month's commit otherwise: measured
    6.8 s of a 24 s accrual of 400k lines). `refund` keeps its database FK.
    """

    class Kind(models.TextChoices):
        ACCRUAL = "accrual", _("Accrual (order paid)")
        CLAWBACK = "clawback", _("Clawback (refund)")

    tenant_path = "merchant"
    store_path = "store"

    merchant = models.ForeignKey(
        "shops.Merchant",
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
        db_constraint=False,
        verbose_name=_("merchant"),
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    beneficiary = models.CharField(_("beneficiary"), max_length=5, choices=Beneficiary.choices)
    order = models.ForeignKey(
        "orders.Order",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
        verbose_name=_("order"),
    )
    refund = models.ForeignKey(
        "orders.Refund",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        verbose_name=_("refund"),
    )
    attribution = models.ForeignKey(
        OrderAttribution,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
        verbose_name=_("attribution"),
    )
    store = models.ForeignKey(
        "shops.Store",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
        verbose_name=_("store"),
    )
    staff = models.ForeignKey(
        "shops.Membership",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        db_constraint=False,
        verbose_name=_("staff member"),
    )
    base_fen = models.BigIntegerField(_("base (fen)"))
    rate_bp = models.PositiveIntegerField(
        _("rate (basis points)"),
        null=True,
        blank=True,
        help_text=_("Empty when the order's lines had different rates."),
    )
    amount_fen = models.BigIntegerField(_("rebate (fen)"))
    occurred_at = models.DateTimeField(_("occurred at"))
    settles_at = models.DateTimeField(_("settles at"))
    created_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("rebate ledger line")
        verbose_name_plural = _("rebate ledger lines")
        ordering = ["settles_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["order", "beneficiary"], condition=Q(kind="accrual"), name="rebate_line_one_accrual"
            ),
            models.UniqueConstraint(
                fields=["refund", "beneficiary"],
                condition=Q(kind="clawback"),
                name="rebate_line_one_clawback",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["accrual", "clawback"]), name="rebate_line_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(kind="accrual", refund__isnull=True, amount_fen__gte=0)
                | Q(kind="clawback", refund__isnull=False, amount_fen__lte=0),
                name="rebate_line_sign_by_kind",
            ),
            models.CheckConstraint(
                condition=Q(beneficiary="store", staff__isnull=True)
                | Q(beneficiary="staff", staff__isnull=False),
                name="rebate_line_beneficiary_valid",
            ),
        ]
        indexes = [
            # One index serves both reads: a statement's lines (one beneficiary, a settlement
            # range) and a period close (the merchant's lines in a range); every extra index
            # slows the monthly insert of millions of lines.
            models.Index(
                fields=["merchant", "store", "beneficiary", "staff", "settles_at"], name="rebate_line_lookup"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount_fen} · {self.order_id}"


class RebateStatement(models.Model):
    """One beneficiary's rebate for one settlement period: draft → final → paid.

    Drafts are recomputed by each accrual run; closing the period makes the statement final,
    after which nothing about it changes except being marked paid. `total = lines + carried_in`;
    `payable = total` when it reaches the minimum payout (and is positive), else 0;
    `carried_out = total - payable` is carried into the beneficiary's next statement.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        FINAL = "final", _("Final")
        PAID = "paid", _("Paid")

    tenant_path = "merchant"
    store_path = "store"

    merchant = models.ForeignKey(
        "shops.Merchant", on_delete=models.CASCADE, related_name="+", verbose_name=_("merchant")
    )
    period_start = models.DateTimeField(_("period from"))
    period_end = models.DateTimeField(_("period until"))
    lines_from = models.DateTimeField(_("lines settling from"), null=True, blank=True)
    lines_until = models.DateTimeField(_("lines settling until"))
    beneficiary = models.CharField(_("beneficiary"), max_length=5, choices=Beneficiary.choices)
    store = models.ForeignKey(
        "shops.Store", on_delete=models.PROTECT, related_name="+", verbose_name=_("store")
    )
    staff = models.ForeignKey(
        "shops.Membership",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("staff member"),
    )
    status = models.CharField(_("status"), max_length=5, choices=Status.choices, default=Status.DRAFT)
    line_count = models.PositiveIntegerField(_("lines"), default=0)
    lines_total_fen = models.BigIntegerField(_("lines total (fen)"), default=0)
    carried_in_fen = models.BigIntegerField(_("carried in (fen)"), default=0)
    total_fen = models.BigIntegerField(_("total (fen)"), default=0)
    payable_fen = models.BigIntegerField(_("payable (fen)"), default=0)
    carried_out_fen = models.BigIntegerField(_("carried over (fen)"), default=0)
    created_at = models.DateTimeField(_("computed at"))
    finalized_at = models.DateTimeField(_("finalized at"), null=True, blank=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("marked paid by"),
    )

    class Meta:
        verbose_name = _("rebate statement")
        verbose_name_plural = _("rebate statements")
        ordering = ["-period_start", "store_id", "beneficiary", "staff_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["merchant", "period_start", "store"],
                condition=Q(beneficiary="store"),
                name="rebate_statement_one_per_store_period",
            ),
            models.UniqueConstraint(
                fields=["merchant", "period_start", "store", "staff"],
                condition=Q(beneficiary="staff"),
                name="rebate_statement_one_per_staff_period",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "final", "paid"]), name="rebate_statement_status"
            ),
            models.CheckConstraint(
                condition=Q(total_fen=models.F("lines_total_fen") + models.F("carried_in_fen"))
                & Q(carried_out_fen=models.F("total_fen") - models.F("payable_fen"))
                & Q(payable_fen__gte=0),
                name="rebate_statement_adds_up",
            ),
            models.CheckConstraint(
                condition=Q(beneficiary="store", staff__isnull=True)
                | Q(beneficiary="staff", staff__isnull=False),
                name="rebate_statement_beneficiary_valid",
            ),
        ]

    def __str__(self) -> str:
        who = self.staff if self.staff_id else self.store
        # Periods start at local midnight; printed in UTC the date would be the day before.
        return f"{who} · {timezone.localtime(self.period_start):%Y-%m-%d}"

    def save(self, *args, **kwargs):
        if self.pk and not self._state.adding:
            stored = type(self).objects.filter(pk=self.pk).values("status").first()
            if stored and stored["status"] != self.Status.DRAFT and kwargs.get("update_fields") is None:
                raise ValidationError(_("A final statement never changes."))
        super().save(*args, **kwargs)

    def lines(self):
        """The ledger lines this statement adds up (see the module docstring)."""
        qs = RebateLedgerLine.objects.filter(
            merchant_id=self.merchant_id,
            beneficiary=self.beneficiary,
            store_id=self.store_id,
            staff_id=self.staff_id,
            settles_at__lt=self.lines_until,
        )
        if self.lines_from is not None:
            qs = qs.filter(settles_at__gte=self.lines_from)
        return qs


class RebateDispute(models.Model):
    """A store or staff member questions one ledger line; the brand answers."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ANSWERED = "answered", _("Answered")

    tenant_path = "merchant"
    store_path = "line__store"

    merchant = models.ForeignKey(
        "shops.Merchant", on_delete=models.CASCADE, related_name="+", verbose_name=_("merchant")
    )
    line = models.ForeignKey(
        RebateLedgerLine, on_delete=models.PROTECT, related_name="disputes", verbose_name=_("ledger line")
    )
    comment = models.TextField(_("comment"))
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("raised by"),
    )
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.OPEN)
    answer = models.TextField(_("brand's answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    created_at = models.DateTimeField(_("raised at"), auto_now_add=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("rebate dispute")
        verbose_name_plural = _("rebate disputes")
        ordering = ["status", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["open", "answered"]), name="rebate_dispute_status"
            ),
            models.CheckConstraint(
                condition=Q(status="open") | ~Q(answer=""), name="rebate_dispute_answered_has_answer"
            ),
        ]

    def __str__(self) -> str:
        return _("Dispute #%(id)s") % {"id": self.pk}


class RebateRun(models.Model):
    """One accrual or period-close run for one merchant, with its progress (for ops and brands).

    A run killed mid-way stays `running` with its `heartbeat_at` frozen; the work itself is
    transactional, so nothing partial is left and the next run redoes it."""

    class Kind(models.TextChoices):
        ACCRUE = "accrue", _("Accrue rebates")
        CLOSE = "close", _("Close period")

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    tenant_path = "merchant"

    merchant = models.ForeignKey(
        "shops.Merchant", on_delete=models.CASCADE, related_name="+", verbose_name=_("merchant")
    )
    kind = models.CharField(_("kind"), max_length=6, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.RUNNING)
    period_start = models.DateTimeField(_("period from"), null=True, blank=True)
    step = models.CharField(_("step"), max_length=60, blank=True)
    steps_done = models.PositiveSmallIntegerField(_("steps done"), default=0)
    steps_total = models.PositiveSmallIntegerField(_("steps"), default=0)
    lines_created = models.PositiveIntegerField(_("ledger lines written"), default=0)
    statements_written = models.PositiveIntegerField(_("statements written"), default=0)
    error = models.TextField(_("error"), blank=True)
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    heartbeat_at = models.DateTimeField(_("last progress at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("rebate run")
        verbose_name_plural = _("rebate runs")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def percent(self) -> int:
        return int(100 * self.steps_done / self.steps_total) if self.steps_total else 0
