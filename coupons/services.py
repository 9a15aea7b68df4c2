"""Every change of state of campaigns and coupons (issue 5).

Race safety comes from the database, not from Python checks:
- total quantity: a conditional UPDATE `issued_count = issued_count + n WHERE total IS NULL OR
  issued_count + n <= total` (plus a CheckConstraint as a backstop);
- per-customer limit: each claim takes a slot (definition, customer, seq) with 1 <= seq <= limit
  under a unique constraint; a concurrent claim on the same slot fails and tries the next one;
- one redemption: a conditional UPDATE available → redeemed / held, and a partial unique
  constraint (one not-undone Redemption per coupon).
"""

from __future__ import annotations

import importlib.util
import logging
from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from coupons.models import (
    Campaign,
    CampaignStatusChange,
    Coupon,
    CouponDefinition,
    Redemption,
    StoreCodeBatch,
    normalise_code,
)
from shops.models import Customer, EntryPoint, Membership, Merchant, Store

log = logging.getLogger(__name__)

UNDO_WINDOW = timedelta(minutes=10)
MAX_BATCH = 5000


class CouponError(ValidationError):
    """A refused coupon operation; `.message` is the sentence shown to the person."""


class LimitReached(CouponError):
    pass


class SoldOut(CouponError):
    pass


# --- integration points that other engineers land -----------------------------------------------


def _module_exists(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:
        return False


def _touch(*, merchant, customer, store, staff=None, source: str, reference: str = "") -> None:
    """Attribution touch (issue 7) when a customer and a store are known."""
    if customer is None or store is None:
        return
    from attribution import services as attribution

    attribution.touch(
        merchant=merchant, customer=customer, store=store, staff=staff, source=source, reference=reference
    )


def _emit(*, merchant, type: str, data: dict) -> None:  # noqa: A002 - contract name
    from shops import events

    events.emit(merchant=merchant, type=type, data=data)


def _coupon_event_data(coupon: Coupon, **extra) -> dict:
    return {
        "coupon": coupon.code,
        "definition": coupon.definition_id,
        "definition_name": coupon.definition.name,
        "campaign": coupon.definition.campaign_id,
        "customer": coupon.customer_id,
        "store": coupon.store_id,
        **extra,
    }


# --- campaigns -------------------------------------------------------------------------------------

CAMPAIGN_TRANSITIONS: dict[str, set[str]] = {
    Campaign.Status.DRAFT: {Campaign.Status.IN_REVIEW, Campaign.Status.PUBLISHED, Campaign.Status.ENDED},
    Campaign.Status.IN_REVIEW: {Campaign.Status.PUBLISHED, Campaign.Status.REJECTED, Campaign.Status.DRAFT},
    Campaign.Status.PUBLISHED: {Campaign.Status.ENDED, Campaign.Status.IN_REVIEW},
    Campaign.Status.REJECTED: {Campaign.Status.DRAFT, Campaign.Status.IN_REVIEW, Campaign.Status.PUBLISHED},
    Campaign.Status.ENDED: set(),
}


@transaction.atomic
def transition_campaign(*, campaign: Campaign, status: str, actor=None, reason: str = "") -> Campaign:
    """Move a campaign to `status` if the state machine allows it, and record the change.

    Guarantees: one CampaignStatusChange row per change (who, when, from, to, why); a
    disallowed transition raises ValidationError and changes nothing; rejection keeps its
    reason on the campaign for the merchant; the first publication stamps `published_at`.
    """
    locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
    current = locked.status
    if status == current:
        return campaign
    if status not in CAMPAIGN_TRANSITIONS.get(current, set()):
        raise ValidationError(
            _("A campaign cannot go from %(from)s to %(to)s.")
            % {"from": Campaign.Status(current).label, "to": Campaign.Status(status).label}
        )
    now = timezone.now()
    updates = {"status": status, "updated_at": now}
    if status == Campaign.Status.REJECTED:
        updates["review_reason"] = reason
    elif status == Campaign.Status.PUBLISHED:
        updates["review_reason"] = ""
        if not locked.published_at:
            updates["published_at"] = now
    Campaign.objects.filter(pk=campaign.pk).update(**updates)
    for key, value in updates.items():
        setattr(campaign, key, value)
    CampaignStatusChange.objects.create(
        campaign=campaign,
        from_status=current,
        to_status=status,
        actor=actor if getattr(actor, "pk", None) else None,
        reason=reason,
        at=now,
    )
    return campaign


@transaction.atomic
def create_campaign(*, merchant: Merchant, title: str, actor=None, **fields) -> Campaign:
    """Create a draft campaign with its landing-page QR code (an EntryPoint of kind campaign).

    Guarantees: the campaign and its entry point are created together; the creation is
    recorded as a status change to draft.
    """
    campaign = Campaign(merchant=merchant, title=title, **fields)
    campaign.full_clean(exclude=["entry_point"])
    campaign.save()
    ensure_entry_point(campaign=campaign)
    CampaignStatusChange.objects.create(
        campaign=campaign,
        from_status="",
        to_status=campaign.status,
        actor=actor if getattr(actor, "pk", None) else None,
    )
    return campaign


def ensure_entry_point(*, campaign: Campaign) -> EntryPoint:
    """The campaign's landing-page code, created if missing (safe to call twice)."""
    if campaign.entry_point_id:
        return campaign.entry_point
    with transaction.atomic():
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if locked.entry_point_id:
            campaign.entry_point_id = locked.entry_point_id
            return locked.entry_point
        entry = EntryPoint.objects.create(
            merchant=campaign.merchant, kind=EntryPoint.Kind.CAMPAIGN, label=campaign.title[:100]
        )
        Campaign.objects.filter(pk=campaign.pk).update(entry_point=entry)
        campaign.entry_point = entry
        return entry


@dataclass
class PublishResult:
    """What happened when a merchant pressed publish."""

    status: str
    message: str
    decision: object = None

    @property
    def published(self) -> bool:
        return self.status == Campaign.Status.PUBLISHED

    @property
    def blocked(self) -> bool:
        return bool(self.decision is not None and getattr(self.decision, "blocked", False))


def publish_campaign(*, campaign: Campaign, actor) -> PublishResult:
    """THE one place a campaign gets published.

    Runs the sharing check `coupons.sharing.check_for_publication(campaign, actor=...)` when
    that module exists: *block* → the campaign stays as it is and the result carries the
    message with the rules and words; *review* → in review (ops queue); *allow* → published.
    Without the sharing module, the campaign is published directly.

    Guarantees: one transaction; the sharing decision is recorded even when blocked (so this
    function returns instead of raising); every status change is recorded.
    """
    with transaction.atomic():
        result = _publish(Campaign.objects.select_for_update().get(pk=campaign.pk), actor)
    # The caller's copy follows the database (status, review reason, published at).
    campaign.refresh_from_db(fields=["status", "review_reason", "published_at", "entry_point"])
    return result


def _publish(campaign: Campaign, actor) -> PublishResult:
    if campaign.status not in (Campaign.Status.DRAFT, Campaign.Status.REJECTED):
        raise ValidationError(_("Only a draft or rejected campaign can be published."))
    ensure_entry_point(campaign=campaign)
    decision = None
    if _module_exists("coupons.sharing"):
        from coupons import sharing

        check = getattr(sharing, "check_for_publication", None)
        if check is not None:
            decision = check(campaign, actor=actor)
    if decision is not None and getattr(decision, "blocked", False):
        return PublishResult(status=campaign.status, message=decision.message(), decision=decision)
    if decision is not None and getattr(decision, "needs_review", False):
        transition_campaign(campaign=campaign, status=Campaign.Status.IN_REVIEW, actor=actor)
        return PublishResult(status=campaign.status, message=decision.message(), decision=decision)
    transition_campaign(campaign=campaign, status=Campaign.Status.PUBLISHED, actor=actor)
    return PublishResult(status=campaign.status, message=_("The campaign is published."), decision=decision)


EDITABLE_FIELDS = (
    "title",
    "description",
    "share_text",
    "share_image",
    "landing_text",
    "mechanics",
    "starts_at",
    "ends_at",
)
SHARING_CHECKED_FIELDS = ("title", "description", "share_text", "landing_text", "mechanics")


def update_campaign(*, campaign: Campaign, actor=None, **fields) -> Campaign:
    """Save edits to a campaign; a live campaign whose texts or mechanics changed is checked
    again by the sharing policy (`recheck_after_edit`), which may take it back to review.

    Guarantees: one transaction; the status is never set here (only through transition_campaign).
    """
    with transaction.atomic():
        before = Campaign.objects.select_for_update().get(pk=campaign.pk)
        unknown = set(fields) - set(EDITABLE_FIELDS)
        if unknown:
            raise ValueError(f"not editable here: {sorted(unknown)}")
        for key, value in fields.items():
            setattr(campaign, key, value)
        # Status and review fields belong to transition_campaign: take the database's values
        # and never write them from a possibly stale copy.
        campaign.status, campaign.review_reason = before.status, before.review_reason
        campaign.published_at = before.published_at
        campaign.full_clean(exclude=["entry_point"])
        campaign.save(update_fields=[*EDITABLE_FIELDS, "updated_at"])
        changed = any(getattr(before, f) != getattr(campaign, f) for f in SHARING_CHECKED_FIELDS)
        if changed and campaign.status == Campaign.Status.PUBLISHED and _module_exists("coupons.sharing"):
            try:
                from coupons.sharing.publication import recheck_after_edit
            except ImportError:  # pragma: no cover
                recheck_after_edit = None
            if recheck_after_edit is not None:
                recheck_after_edit(campaign=campaign, actor=actor)
                campaign.refresh_from_db(fields=["status"])
    return campaign


def end_campaign(*, campaign: Campaign, actor=None) -> Campaign:
    """End a campaign: its page stops offering coupons; coupons already claimed stay valid."""
    return transition_campaign(campaign=campaign, status=Campaign.Status.ENDED, actor=actor)


# --- claiming ----------------------------------------------------------------------------------------


def _validity_for(definition: CouponDefinition, now):
    if definition.validity == CouponDefinition.Validity.AFTER_CLAIM:
        until = now + timedelta(days=definition.valid_days or 1)
        if definition.valid_until and definition.valid_until < until:
            until = definition.valid_until
        return now, until
    return definition.valid_from, definition.valid_until


def claimable_reason(definition: CouponDefinition, *, at=None) -> str:
    """Why this definition cannot be claimed now ('' when it can)."""
    at = at or timezone.now()
    if not definition.is_active:
        return _("This coupon is no longer offered.")
    campaign = definition.campaign
    if campaign is None:
        return _("This coupon is handed out by our stores.")
    if not campaign.is_live(at):
        return _("This campaign is not running.")
    if definition.validity == CouponDefinition.Validity.FIXED and definition.valid_until <= at:
        return _("This coupon has expired.")
    if definition.total_quantity is not None and definition.issued_count >= definition.total_quantity:
        return _("All coupons have been claimed. Sorry!")
    return ""


def _take_quantity(definition: CouponDefinition, n: int = 1) -> bool:
    """Conditional UPDATE on the definition's counter: True if `n` more may be issued."""
    return bool(
        CouponDefinition.objects.filter(pk=definition.pk)
        .filter(Q(total_quantity__isnull=True) | Q(issued_count__lte=F("total_quantity") - n))
        .update(issued_count=F("issued_count") + n)
    )


def set_customer_contact(*, customer: Customer, mobile: str) -> Customer:
    """Store a mobile number the shopper gave when a coupon asked for one (only if none yet)."""
    Customer.objects.filter(pk=customer.pk, mobile="").update(mobile=mobile)
    customer.refresh_from_db(fields=["mobile"])
    return customer


def claim_coupon(*, definition: CouponDefinition, customer: Customer, at=None) -> Coupon:
    """Issue one coupon of `definition` to `customer`.

    Guarantees: never more than `total_quantity` issued in all, never more than
    `per_customer_limit` for one customer, even under concurrent claims (database-enforced;
    see the module docstring); one transaction: a refused claim (LimitReached, SoldOut,
    CouponError) changes nothing; emits coupon.claimed.
    """
    now = at or timezone.now()
    # Fresh state: the caller's copy of the definition or its campaign may be stale.
    definition = CouponDefinition.objects.select_related("campaign", "merchant").get(pk=definition.pk)
    if customer.merchant_id != definition.merchant_id:
        raise CouponError(_("This coupon is not offered to you."))
    reason = claimable_reason(definition, at=now)
    if reason:
        raise SoldOut(reason) if definition.remaining == 0 else CouponError(reason)
    valid_from, valid_until = _validity_for(definition, now)
    with transaction.atomic():
        coupon = None
        for _attempt in range(definition.per_customer_limit + 2):
            taken = set(
                Coupon.objects.filter(definition=definition, customer=customer).values_list("seq", flat=True)
            )
            free = [s for s in range(1, definition.per_customer_limit + 1) if s not in taken]
            if not free:
                break
            try:
                with transaction.atomic():
                    coupon = Coupon.objects.create(
                        merchant_id=definition.merchant_id,
                        definition=definition,
                        customer=customer,
                        seq=free[0],
                        claimed_at=now,
                        valid_from=valid_from,
                        valid_until=valid_until,
                        status_changed_at=now,
                    )
                break
            except IntegrityError:
                continue  # someone else took that slot concurrently (or a code collided): try again
        if coupon is None:
            raise LimitReached(
                _("You already have the most of this coupon one person can claim (%(n)s).")
                % {"n": definition.per_customer_limit}
            )
        if not _take_quantity(definition):
            transaction.set_rollback(True)
            raise SoldOut(_("All coupons have been claimed. Sorry!"))
        coupon.definition = definition
        _emit(merchant=definition.merchant, type="coupon.claimed", data=_coupon_event_data(coupon))
    return coupon


@transaction.atomic
def issue_store_codes(
    *, definition: CouponDefinition, store: Store, quantity: int, actor=None
) -> StoreCodeBatch:
    """Generate `quantity` single-use codes for one store to hand out.

    Guarantees: the codes count against the definition's total quantity (conditional UPDATE:
    all or nothing); each code belongs to no customer until used online, carries the store so
    an order using it is credited to that store; one transaction.
    """
    if store.merchant_id != definition.merchant_id:
        raise CouponError(_("This store belongs to another merchant."))
    if not 1 <= quantity <= MAX_BATCH:
        raise CouponError(_("Choose between 1 and %(max)s codes.") % {"max": MAX_BATCH})
    definition_stores = set(definition.stores.values_list("pk", flat=True))
    if definition_stores and store.pk not in definition_stores:
        raise CouponError(_("This coupon is not valid at that store."))
    if not _take_quantity(definition, quantity):
        raise SoldOut(
            _("Only %(n)s of this coupon are left.")
            % {"n": (definition.remaining if definition.remaining else 0)}
        )
    now = timezone.now()
    valid_from, valid_until = _validity_for(definition, now)
    batch = StoreCodeBatch.objects.create(
        merchant_id=definition.merchant_id,
        store=store,
        definition=definition,
        quantity=quantity,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    Coupon.objects.bulk_create(
        [
            Coupon(
                merchant_id=definition.merchant_id,
                definition=definition,
                store=store,
                batch=batch,
                claimed_at=now,
                valid_from=valid_from,
                valid_until=valid_until,
                status_changed_at=now,
            )
            for _ in range(quantity)
        ]
    )
    return batch


# --- checking a code -----------------------------------------------------------------------------


@dataclass
class CodeCheck:
    """A code looked up for use: the coupon (if found), whether it can be used, and why not."""

    code: str
    coupon: Coupon | None
    reason: str = ""
    discount_fen: int | None = None

    @property
    def ok(self) -> bool:
        return self.coupon is not None and not self.reason


def _unusable_reason(coupon: Coupon, *, channel: str, store: Store | None, at) -> str:
    definition = coupon.definition
    if coupon.status == Coupon.Status.REDEEMED:
        redemption = coupon.redemptions.filter(undone_at__isnull=True).select_related("store").first()
        if redemption is not None:
            where = redemption.store.name if redemption.store else _("online")
            return _("Already used on %(when)s (%(where)s).") % {
                "when": date_format(timezone.localtime(redemption.at), "SHORT_DATETIME_FORMAT"),
                "where": where,
            }
        return _("This coupon has already been used.")
    if coupon.status == Coupon.Status.HELD:
        return _("This coupon is being used by an unpaid online order.")
    if coupon.status == Coupon.Status.VOID:
        return _("This coupon has been cancelled.")
    if coupon.status == Coupon.Status.EXPIRED or coupon.valid_until <= at:
        return _("This coupon expired on %(when)s.") % {
            "when": date_format(timezone.localtime(coupon.valid_until), "SHORT_DATETIME_FORMAT")
        }
    if coupon.valid_from and coupon.valid_from > at:
        return _("This coupon is valid from %(when)s.") % {
            "when": date_format(timezone.localtime(coupon.valid_from), "SHORT_DATETIME_FORMAT")
        }
    if channel == Redemption.Channel.COUNTER and not definition.redeemable_in_store:
        return _("This coupon can only be used online.")
    if channel == Redemption.Channel.CHECKOUT and not definition.redeemable_online:
        return _("This coupon can only be used in store.")
    store_ids = {s.pk for s in definition.stores.all()}
    if store_ids and (store is None or store.pk not in store_ids):
        return _("This coupon is not valid at this store.")
    return ""


def check_code(
    *, merchant: Merchant, code: str, store: Store | None, channel: str = "counter", at=None
) -> CodeCheck:
    """Look a typed or scanned code up for `merchant` and say whether it can be used here now.

    Reasons: malformed, unknown, another merchant's, already used (when and where), held by an
    order, void, expired, not yet valid, wrong channel, wrong store. Changes nothing.
    """
    at = at or timezone.now()
    normal = normalise_code(code)
    if len(normal.replace("-", "")) != 20:
        return CodeCheck(
            code=normal, coupon=None, reason=_("This is not a coupon code. Check it and type it again.")
        )
    coupon = (
        Coupon.objects.select_related("definition", "definition__campaign", "customer", "store")
        .filter(code=normal)
        .first()
    )
    if coupon is None:
        return CodeCheck(code=normal, coupon=None, reason=_("No coupon has this code."))
    if coupon.merchant_id != merchant.pk:
        return CodeCheck(code=normal, coupon=None, reason=_("This coupon belongs to another merchant."))
    reason = _unusable_reason(coupon, channel=channel, store=store, at=at)
    return CodeCheck(code=normal, coupon=coupon, reason=reason)


# --- redemption at the counter ---------------------------------------------------------------------


def redeem_at_counter(
    *, merchant: Merchant, code: str, store: Store, staff: Membership | None, bill_fen: int | None = None
) -> Redemption:
    """Redeem a code at `store`'s counter by `staff`.

    Guarantees: exactly one redemption per coupon even when two counters and a checkout race
    (conditional UPDATE available → redeemed, and a partial unique constraint on active
    redemptions); a refused code raises CouponError with the reason and changes nothing;
    records store, staff and time; an attribution touch (source redemption) for the coupon's
    customer; emits coupon.redeemed. One transaction.
    """
    if store.merchant_id != merchant.pk:
        raise CouponError(_("This store belongs to another merchant."))
    now = timezone.now()
    check = check_code(merchant=merchant, code=code, store=store, channel=Redemption.Channel.COUNTER, at=now)
    if not check.ok:
        raise CouponError(check.reason)
    coupon = check.coupon
    definition = coupon.definition
    if bill_fen is not None:
        discount = definition.discount_fen(bill_fen)
        if discount <= 0:
            raise CouponError(_("This bill does not reach the coupon's minimum spend."))
    else:
        discount = 0 if definition.kind == CouponDefinition.Kind.PERCENT_OFF else definition.amount_fen
    with transaction.atomic():
        won = Coupon.objects.filter(pk=coupon.pk, status=Coupon.Status.AVAILABLE, valid_until__gt=now).update(
            status=Coupon.Status.REDEEMED, status_changed_at=now, discount_fen=discount
        )
        if not won:
            coupon.refresh_from_db()
            raise CouponError(
                _unusable_reason(coupon, channel=Redemption.Channel.COUNTER, store=store, at=now)
                or _("This coupon has already been used.")
            )
        coupon.status = Coupon.Status.REDEEMED
        redemption = Redemption.objects.create(
            merchant=merchant,
            coupon=coupon,
            channel=Redemption.Channel.COUNTER,
            store=store,
            staff=staff,
            discount_fen=discount,
            at=now,
        )
        _touch(
            merchant=merchant,
            customer=coupon.customer,
            store=store,
            staff=staff,
            source="redemption",
            reference=coupon.code,
        )
        _emit(
            merchant=merchant,
            type="coupon.redeemed",
            data=_coupon_event_data(coupon, channel="counter", redeemed_at=now, redeemed_store=store.pk),
        )
    return redemption


def undo_counter_redemption(*, redemption: Redemption, staff: Membership | None) -> Redemption:
    """Undo a counter redemption made less than 10 minutes ago; the coupon is usable again.

    Guarantees: only counter redemptions, only within the window, only once (conditional
    UPDATE on `undone_at IS NULL`); one transaction; anything else raises CouponError.
    """
    now = timezone.now()
    if redemption.channel != Redemption.Channel.COUNTER:
        raise CouponError(_("Only a redemption at the counter can be undone here."))
    with transaction.atomic():
        undone = Redemption.objects.filter(
            pk=redemption.pk, undone_at__isnull=True, at__gte=now - UNDO_WINDOW
        ).update(undone_at=now, undone_by=staff)
        if not undone:
            redemption.refresh_from_db()
            if redemption.undone_at:
                raise CouponError(_("This redemption was already undone."))
            raise CouponError(_("Too late to undo: a redemption can be undone within 10 minutes."))
        Coupon.objects.filter(pk=redemption.coupon_id, status=Coupon.Status.REDEEMED).update(
            status=Coupon.Status.AVAILABLE, status_changed_at=now
        )
        redemption.undone_at = now
        redemption.undone_by = staff
    return redemption


# --- checkout --------------------------------------------------------------------------------------


def eligible_coupons_for_checkout(
    *, customer: Customer, store: Store | None, subtotal_fen: int
) -> list[Coupon]:
    """The customer's coupons usable on an online order of `subtotal_fen` (in the shop context
    `store`, None for the brand's online store), best discount first.

    Each returned coupon has `checkout_discount_fen` set: what it would take off this subtotal
    (see CouponDefinition.discount_fen for the rounding rule). Coupons giving nothing (below a
    minimum spend) are left out. Changes nothing.
    """
    if customer is None:
        return []
    now = timezone.now()
    candidates = (
        Coupon.objects.filter(
            merchant_id=customer.merchant_id,
            customer=customer,
            status=Coupon.Status.AVAILABLE,
            valid_until__gt=now,
            definition__channel__in=[CouponDefinition.Channel.ONLINE, CouponDefinition.Channel.BOTH],
        )
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=now))
        .select_related("definition")
        .prefetch_related("definition__stores")
    )
    out = []
    for coupon in candidates:
        store_ids = {s.pk for s in coupon.definition.stores.all()}
        if store_ids and (store is None or store.pk not in store_ids):
            continue
        discount = coupon.definition.discount_fen(subtotal_fen)
        if discount <= 0:
            continue
        coupon.checkout_discount_fen = discount
        out.append(coupon)
    out.sort(key=lambda c: (-c.checkout_discount_fen, c.valid_until))
    return out


def _as_coupons(merchant_id: int, coupons) -> list[Coupon]:
    out = []
    for item in coupons:
        if isinstance(item, Coupon):
            out.append(item)
        elif isinstance(item, int):
            out.append(Coupon.objects.filter(merchant_id=merchant_id, pk=item).first())
        else:
            out.append(Coupon.objects.filter(merchant_id=merchant_id, code=normalise_code(str(item))).first())
    if any(c is None for c in out):
        raise CouponError(_("No coupon has this code."))
    return out


def apply_coupons_to_order(*, order, coupons) -> int:
    """Hold `coupons` (Coupon objects, ids or typed codes) for `order` and return the discount in fen.

    Rules: one coupon per order unless every coupon applied stacks; each must be usable online
    at the order's store context now; a store-handed code (no customer yet) becomes the order
    customer's and credits its store (attribution touch, source store_code). Discounts are
    applied in turn on what remains of `order.subtotal_fen`, so the total discount never
    exceeds the subtotal. Coupons already held by this order are released first (re-applying
    is safe).

    Guarantees: all or nothing (one transaction; a refusal raises CouponError with the reason);
    a coupon is held by at most one order (conditional UPDATE available → held), so the same
    code racing at a counter and another checkout is used once. The caller stores the returned
    discount on the order; `mark_order_coupons_redeemed` on payment, `release_order_coupons`
    on cancel or expiry.
    """
    coupons = _as_coupons(order.merchant_id, coupons)
    if not coupons:
        release_order_coupons(order=order)
        return 0
    if len({c.pk for c in coupons}) != len(coupons):
        raise CouponError(_("The same coupon was given twice."))
    if len(coupons) > 1 and not all(c.definition.stacks for c in coupons):
        raise CouponError(_("Only one coupon can be used on this order."))
    now = timezone.now()
    store = getattr(order, "store", None)
    customer = getattr(order, "customer", None)
    with transaction.atomic():
        release_order_coupons(order=order)
        remaining = int(order.subtotal_fen)
        total = 0
        for coupon in coupons:
            if coupon.merchant_id != order.merchant_id:
                raise CouponError(_("This coupon belongs to another merchant."))
            coupon.refresh_from_db()
            if coupon.customer_id and (customer is None or coupon.customer_id != customer.pk):
                raise CouponError(_("This coupon belongs to someone else."))
            reason = _unusable_reason(coupon, channel=Redemption.Channel.CHECKOUT, store=store, at=now)
            if reason:
                raise CouponError(reason)
            discount = coupon.definition.discount_fen(remaining)
            if coupon.definition.min_spend_fen > order.subtotal_fen or discount <= 0:
                raise CouponError(_("This order does not reach the coupon's minimum spend."))
            updates = {
                "status": Coupon.Status.HELD,
                "order_pk": order.pk,
                "discount_fen": discount,
                "status_changed_at": now,
            }
            if coupon.customer_id is None and customer is not None:
                updates["customer"] = customer
            won = Coupon.objects.filter(
                pk=coupon.pk, status=Coupon.Status.AVAILABLE, valid_until__gt=now
            ).update(**updates)
            if not won:
                raise CouponError(_("This coupon has just been used."))
            if coupon.customer_id is None and coupon.store_id and customer is not None:
                _touch(
                    merchant=order.merchant,
                    customer=customer,
                    store=coupon.store,
                    source="store_code",
                    reference=coupon.code,
                )
            remaining -= discount
            total += discount
    return total


def release_order_coupons(*, order) -> int:
    """Give back the coupons held by an order that was cancelled or never paid.

    Guarantees: only coupons still held by this order move (back to available); safe to call
    twice; returns how many were released.
    """
    return Coupon.objects.filter(order_pk=order.pk, status=Coupon.Status.HELD).update(
        status=Coupon.Status.AVAILABLE, order_pk=None, discount_fen=0, status_changed_at=timezone.now()
    )


def mark_order_coupons_redeemed(*, order) -> list[Redemption]:
    """The order is paid: its held coupons become redeemed, one checkout Redemption each.

    Guarantees: conditional UPDATE held-by-this-order → redeemed, so calling it twice records
    nothing twice; emits coupon.redeemed per coupon. Call it inside the payment transaction.
    """
    now = timezone.now()
    out = []
    with transaction.atomic():
        coupons = list(
            Coupon.objects.select_for_update()
            .filter(order_pk=order.pk, status=Coupon.Status.HELD)
            .select_related("definition")
        )
        for coupon in coupons:
            Coupon.objects.filter(pk=coupon.pk, status=Coupon.Status.HELD).update(
                status=Coupon.Status.REDEEMED, status_changed_at=now
            )
            redemption = Redemption.objects.create(
                merchant_id=coupon.merchant_id,
                coupon=coupon,
                channel=Redemption.Channel.CHECKOUT,
                store=getattr(order, "store", None),
                order_pk=order.pk,
                discount_fen=coupon.discount_fen,
                at=now,
            )
            out.append(redemption)
            _emit(
                merchant=order.merchant,
                type="coupon.redeemed",
                data=_coupon_event_data(coupon, channel="checkout", order=order.pk, redeemed_at=now),
            )
    return out


def on_order_refunded(*, order, refund=None) -> int:
    """An order was refunded: restore its coupons if their definition says so.

    Rule: only a full refund (the order's refunded amount reaches its total) gives a coupon
    back, only for definitions with `restore_on_refund`, and only while the coupon is still
    within its validity; the checkout redemption is marked undone (kept for the record).
    Safe to call twice. Returns how many coupons were restored.
    """
    total = int(getattr(order, "total_fen", 0) or 0)
    refunded = int(getattr(order, "refunded_fen", 0) or 0)
    if refund is not None and getattr(refund, "amount_fen", None) is not None and refunded < total:
        refunded = max(refunded, int(refund.amount_fen))
    if total > 0 and refunded < total:
        return 0
    now = timezone.now()
    restored = 0
    with transaction.atomic():
        redemptions = Redemption.objects.filter(
            order_pk=order.pk,
            undone_at__isnull=True,
            coupon__definition__restore_on_refund=True,
            coupon__valid_until__gt=now,
        ).select_related("coupon")
        for redemption in redemptions:
            if Redemption.objects.filter(pk=redemption.pk, undone_at__isnull=True).update(undone_at=now):
                restored += Coupon.objects.filter(
                    pk=redemption.coupon_id, status=Coupon.Status.REDEEMED
                ).update(status=Coupon.Status.AVAILABLE, order_pk=None, discount_fen=0, status_changed_at=now)
    return restored


def expire_coupons(*, at=None) -> int:
    """Mark available coupons past their validity as expired (periodic, safe to run twice)."""
    at = at or timezone.now()
    return Coupon.objects.filter(status=Coupon.Status.AVAILABLE, valid_until__lte=at).update(
        status=Coupon.Status.EXPIRED, status_changed_at=at
    )
