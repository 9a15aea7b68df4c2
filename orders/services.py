"""Every change to orders, payments and refunds. Views, admin, tasks and the API call these.

Each service runs in one transaction and states what it guarantees. Status changes go through
`orders.state.transition`, which records them.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from attribution.services import attribute_order, touch
from coupons import services as coupon_services
from orders.models import (
    Channel,
    Fulfilment,
    MerchantPaymentSettings,
    Order,
    OrderLine,
    OrderStatus,
    Payment,
    PaymentNotification,
    Refund,
    mainland_mobile,
)
from orders.state import record_creation, transition
from shops import events
from shops.models import ChannelListing, EntryPoint, Merchant, Store
from shops.money import allocate

logger = logging.getLogger("midpage.orders")

UNPAID_TIMEOUT = timedelta(minutes=30)
REFUNDABLE = {OrderStatus.PAID, OrderStatus.FULFILLED, OrderStatus.COMPLETED, OrderStatus.PARTIALLY_REFUNDED}
MAX_QUANTITY = 99


class OrderError(Exception):
    """A request the shopper or merchant can correct; the message says how. Nothing changed."""


class IdempotencyConflict(OrderError):
    """The idempotency key was already used for a different request."""


class RefundNotAllowed(OrderError):
    pass


@dataclass(frozen=True)
class Problem:
    listing_id: int
    kind: str  # "unavailable" | "price_changed"
    title: str
    seen_price_fen: int | None = None
    price_fen: int | None = None


class CheckoutProblems(OrderError):
    """Listings that became unavailable or changed price since the shopper saw them."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(_("Some items in your cart changed. Please check them and try again."))


# --- Money rules -----------------------------------------------------------------------------


def line_refund_fen(*, net_fen: int, quantity: int, already_refunded: int, refund_quantity: int) -> int:
    """The amount refunded for `refund_quantity` more units of a line whose net (after its share
    of the discount) is `net_fen` for `quantity` units, `already_refunded` units being refunded.

    Rule: the first k units are worth floor(net × k / quantity); refunding units k..k+n gives
    the difference. Any sequence of partial refunds of a whole line therefore adds up to exactly
    its net: no fen lost or created; the odd fen goes with the last units."""
    if not 0 < refund_quantity <= quantity - already_refunded:
        raise RefundNotAllowed(_("Cannot refund that many units."))
    upto = already_refunded + refund_quantity
    return net_fen * upto // quantity - net_fen * already_refunded // quantity


def fingerprint(payload: dict) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def _payment_settings(merchant: Merchant) -> MerchantPaymentSettings:
    return MerchantPaymentSettings.objects.filter(merchant=merchant).first() or MerchantPaymentSettings(
        merchant=merchant
    )


def f2f_max_fen(merchant: Merchant) -> int:
    return _payment_settings(merchant).f2f_max_fen


# --- Creating orders -----------------------------------------------------------------------------


def _replay(merchant: Merchant, key: str, fp: str) -> Order | None:
    existing = Order.objects.filter(merchant=merchant, idempotency_key=key).first()
    if existing is None:
        return None
    if existing.request_fingerprint != fp:
        raise IdempotencyConflict(
            _("This request was already made with different details (idempotency key reused).")
        )
    return existing


def create_order(
    *,
    merchant: Merchant,
    customer,
    channel: str,
    lines: list[dict],
    store: Store | None = None,
    fulfilment: str = Fulfilment.DELIVERY,
    contact_name: str = "",
    contact_mobile: str = "",
    delivery_address: str = "",
    notes: str = "",
    idempotency_key: str = "",
    coupons: list | None = None,
) -> Order:
    """Place an order awaiting payment, priced from the channel listings now.

    `coupons` (Coupon objects, ids or codes) are held for the order by the coupons app; their
    discount is stored on the order and shared over the lines by largest remainder, so line
    refunds add up to the fen. A coupon that cannot be used raises OrderError, nothing created.

    `lines` are dicts {listing_id, quantity, seen_price_fen?}. Guarantees: a listing that is
    unavailable, not the merchant's, not in this channel, or whose price differs from
    `seen_price_fen` raises CheckoutProblems (nothing is repriced silently, nothing created);
    the same `idempotency_key` with the same request returns the same order, even under
    concurrency (unique constraint), and with a different request raises IdempotencyConflict.
    """
    if channel not in (Channel.ONLINE, Channel.IN_STORE):
        raise OrderError(_("Unknown channel."))
    clean_lines = []
    for raw in lines:
        try:
            listing_id, quantity = int(raw["listing_id"]), int(raw["quantity"])
        except (KeyError, TypeError, ValueError) as error:
            raise OrderError(_("Each line needs a listing and a quantity.")) from error
        if not 1 <= quantity <= MAX_QUANTITY:
            raise OrderError(_("Quantities go from 1 to %(max)s.") % {"max": MAX_QUANTITY})
        seen = raw.get("seen_price_fen")
        clean_lines.append((listing_id, quantity, None if seen is None else int(seen)))
    if not clean_lines:
        raise OrderError(_("The order has no items."))
    if len({line[0] for line in clean_lines}) != len(clean_lines):
        raise OrderError(_("Each item may appear once."))
    if channel == Channel.ONLINE:
        try:
            mainland_mobile(contact_mobile)
        except Exception as error:
            raise OrderError(_("Enter a mainland China mobile number: 11 digits starting with 1.")) from error
        if not contact_name.strip():
            raise OrderError(_("Enter a contact name."))
        if fulfilment == Fulfilment.PICKUP and store is None:
            raise OrderError(_("Choose a store to pick up from."))
        if fulfilment == Fulfilment.DELIVERY and not delivery_address.strip():
            raise OrderError(_("Enter a delivery address."))
        if fulfilment not in (Fulfilment.PICKUP, Fulfilment.DELIVERY):
            raise OrderError(_("Choose delivery or pick-up."))
    elif store is None:
        raise OrderError(_("An in-store order needs its store."))
    if store is not None and store.merchant_id != merchant.pk:
        raise OrderError(_("That store is not this brand's."))
    if fulfilment == Fulfilment.DELIVERY:
        store = None if channel == Channel.ONLINE else store

    fp = fingerprint(
        {
            "channel": channel,
            "store": store.pk if store else None,
            "customer": customer.pk if customer else None,
            "lines": sorted(clean_lines),
            "contact": [contact_name.strip(), contact_mobile, delivery_address.strip(), notes.strip()],
            "fulfilment": fulfilment,
            "coupons": [str(getattr(c, "pk", c)) for c in coupons or []],
        }
    )
    if idempotency_key:
        existing = _replay(merchant, idempotency_key, fp)
        if existing:
            return existing

    listings = {
        listing.pk: listing
        for listing in ChannelListing.objects.filter(
            merchant=merchant, pk__in=[line[0] for line in clean_lines]
        ).select_related("variant__product")
    }
    problems, priced = [], []
    listing_store_id = None if channel == Channel.ONLINE else store.pk
    for listing_id, quantity, seen in clean_lines:
        listing = listings.get(listing_id)
        title = listing.variant.product.title if listing else ""
        if (
            listing is None
            or not listing.is_available
            or not listing.variant.product.is_active
            or listing.store_id != listing_store_id
        ):
            problems.append(Problem(listing_id, "unavailable", title, seen))
        elif seen is not None and seen != listing.price_fen:
            problems.append(Problem(listing_id, "price_changed", title, seen, listing.price_fen))
        else:
            priced.append((listing, quantity))
    if problems:
        raise CheckoutProblems(problems)

    subtotal = sum(listing.price_fen * quantity for listing, quantity in priced)
    shipping = _payment_settings(merchant).shipping_fen if fulfilment == Fulfilment.DELIVERY else 0
    try:
        with transaction.atomic():
            order = Order.objects.create(
                merchant=merchant,
                store=store,
                customer=customer,
                channel=channel,
                fulfilment=fulfilment if channel == Channel.ONLINE else Fulfilment.NONE,
                contact_name=contact_name.strip()[:60],
                contact_mobile=contact_mobile,
                delivery_address=delivery_address.strip()[:255] if fulfilment == Fulfilment.DELIVERY else "",
                notes=notes.strip()[:255],
                subtotal_fen=subtotal,
                shipping_fen=shipping,
                total_fen=subtotal + shipping,
                idempotency_key=idempotency_key,
                request_fingerprint=fp,
            )
            OrderLine.objects.bulk_create(
                [
                    OrderLine(
                        order=order,
                        listing=listing,
                        sku=listing.variant.sku,
                        title=_line_title(listing),
                        unit_price_fen=listing.price_fen,
                        quantity=quantity,
                        line_total_fen=listing.price_fen * quantity,
                    )
                    for listing, quantity in priced
                ]
            )
            if coupons:
                _apply_coupons(order, coupons)
            record_creation(order)
    except IntegrityError:
        if not idempotency_key:
            raise
        existing = _replay(merchant, idempotency_key, fp)
        if existing is None:
            raise
        return existing
    return order


def _apply_coupons(order: Order, coupons: list) -> None:
    try:
        discount = coupon_services.apply_coupons_to_order(order=order, coupons=coupons)
    except coupon_services.CouponError as error:
        raise OrderError(" ".join(str(m) for m in error.messages)) from error
    discount = min(discount, order.subtotal_fen)
    if not discount:
        return
    order.discount_fen = discount
    order.total_fen = order.subtotal_fen - discount + order.shipping_fen
    order.save(update_fields=["discount_fen", "total_fen"])
    lines = list(order.lines.order_by("pk"))
    for line, share in zip(lines, allocate(discount, [line.line_total_fen for line in lines]), strict=True):
        line.discount_fen = share
    OrderLine.objects.bulk_update(lines, ["discount_fen"])


def _line_title(listing: ChannelListing) -> str:
    attrs = " ".join(str(v) for v in (listing.variant.attributes or {}).values())
    return f"{listing.variant.product.title} {attrs}".strip()[:200]


def create_face_to_face_order(
    *, entry_point: EntryPoint, customer, amount_fen: int, note: str = "", idempotency_key: str = ""
) -> Order:
    """A face-to-face payment at the entry point's store, awaiting payment. Guarantees: the
    amount is between 1 fen and the merchant's maximum; the same key returns the same order."""
    merchant = entry_point.merchant
    if entry_point.kind != EntryPoint.Kind.PAY or entry_point.store_id is None:
        raise OrderError(_("This code does not take payments."))
    limit = f2f_max_fen(merchant)
    if not 0 < amount_fen <= limit:
        raise OrderError(_("Enter an amount between ¥0.01 and ¥%(max).2f.") % {"max": limit / 100})
    fp = fingerprint(
        {"f2f": entry_point.pk, "amount": amount_fen, "note": note.strip(), "customer": customer.pk}
    )
    if idempotency_key:
        existing = _replay(merchant, idempotency_key, fp)
        if existing:
            return existing
    try:
        with transaction.atomic():
            order = Order.objects.create(
                merchant=merchant,
                store=entry_point.store,
                customer=customer,
                channel=Channel.FACE_TO_FACE,
                fulfilment=Fulfilment.NONE,
                notes=note.strip()[:255],
                subtotal_fen=amount_fen,
                total_fen=amount_fen,
                idempotency_key=idempotency_key,
                request_fingerprint=fp,
            )
            record_creation(order)
    except IntegrityError:
        existing = _replay(merchant, idempotency_key, fp) if idempotency_key else None
        if existing is None:
            raise
        return existing
    return order


# --- Paying ------------------------------------------------------------------------------------


def start_payment(*, order: Order, gateway_name: str) -> Payment:
    """The payment to collect for an order awaiting payment: the pending one, or a new one.
    Raises OrderError if the order no longer awaits payment."""
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk)
        if order.status != OrderStatus.AWAITING_PAYMENT:
            raise OrderError(_("This order no longer awaits payment."))
        payment = order.payments.filter(status=Payment.Status.PENDING, gateway=gateway_name).first()
        if payment is None:
            payment = Payment.objects.create(order=order, gateway=gateway_name, amount_fen=order.total_fen)
        return payment


def _record(merchant, gateway, envelope, headers, body, resource, reference, result, flagged=False):
    return PaymentNotification.objects.create(
        merchant=merchant,
        gateway=gateway,
        event_type=str(envelope.get("event_type", ""))[:40],
        reference=reference[:64],
        headers=dict(headers),
        body=body,
        resource=resource,
        result=result,
        flagged=flagged,
    )


R = PaymentNotification.Result


def apply_payment_notification(
    *, merchant: Merchant, gateway: str, envelope: dict, resource: dict, headers: dict, body: str
) -> str:
    """Apply a verified, decrypted TRANSACTION notification; return its Result.

    Guarantees: recorded raw every time; the payment succeeds and the order becomes paid at
    most once (payment row locked, transaction id unique), duplicates change nothing; an
    unknown trade number or a different amount is refused and flagged for ops, the order
    untouched; money arriving for a cancelled order is recorded on the payment and flagged."""
    reference = str(resource.get("out_trade_no", ""))
    with transaction.atomic():
        payment = (
            Payment.objects.select_for_update()
            .filter(out_trade_no=reference, order__merchant=merchant, gateway=gateway)
            .first()
        )
        if payment is None:
            logger.error("payment notification for unknown trade %s (merchant %s)", reference, merchant.pk)
            _record(merchant, gateway, envelope, headers, body, resource, reference, R.UNKNOWN, flagged=True)
            return R.UNKNOWN
        if resource.get("trade_state") != "SUCCESS":
            _record(merchant, gateway, envelope, headers, body, resource, reference, R.IGNORED)
            return R.IGNORED
        amount = resource.get("amount") or {}
        if amount.get("total") != payment.amount_fen or amount.get("currency", "CNY") != "CNY":
            logger.error(
                "payment notification amount %s differs from %s for %s",
                amount.get("total"),
                payment.amount_fen,
                reference,
            )
            _record(
                merchant,
                gateway,
                envelope,
                headers,
                body,
                resource,
                reference,
                R.AMOUNT_MISMATCH,
                flagged=True,
            )
            return R.AMOUNT_MISMATCH
        transaction_id = str(resource.get("transaction_id", ""))[:64]
        if payment.status == Payment.Status.SUCCEEDED:
            second = payment.transaction_id != transaction_id
            _record(
                merchant, gateway, envelope, headers, body, resource, reference, R.DUPLICATE, flagged=second
            )
            return R.DUPLICATE
        paid_at = parse_datetime(str(resource.get("success_time", ""))) or timezone.now()
        payment.status = Payment.Status.SUCCEEDED
        payment.transaction_id = transaction_id
        payment.succeeded_at = paid_at
        payment.raw_resource = resource
        payment.save(update_fields=["status", "transaction_id", "succeeded_at", "raw_resource"])
        order = Order.objects.select_for_update().get(pk=payment.order_id)
        # The gateway reports whole seconds: never let the order look paid before it was placed.
        paid_at = max(paid_at, order.created_at)
        if order.status != OrderStatus.AWAITING_PAYMENT:
            logger.error("order %s was %s when its payment %s arrived", order.number, order.status, reference)
            _record(
                merchant,
                gateway,
                envelope,
                headers,
                body,
                resource,
                reference,
                R.PAID_AFTER_CANCEL,
                flagged=True,
            )
            return R.PAID_AFTER_CANCEL
        transition(
            order,
            OrderStatus.PAID,
            actor_label=_("payment gateway"),
            note=f"{gateway} {transaction_id}",
            at=paid_at,
        )
        _on_paid(order, payment)
        _record(merchant, gateway, envelope, headers, body, resource, reference, R.APPLIED)
        return R.APPLIED


def _on_paid(order: Order, payment: Payment) -> None:
    """What follows a payment, in the same transaction: a face-to-face payment binds the shopper
    to the store (attribution touch, source payment), the order's attribution is fixed, its held
    coupons are redeemed, and the order.paid event is emitted."""
    if order.channel == Channel.FACE_TO_FACE and order.customer_id and order.store_id:
        touch(
            merchant=order.merchant,
            customer=order.customer,
            store=order.store,
            source="payment",
            occurred_at=order.paid_at,
            reference=order.number,
        )
    attribute_order(order=order)
    coupon_services.mark_order_coupons_redeemed(order=order)
    events.emit(
        merchant=order.merchant,
        type="order.paid",
        data={
            "order": order.number,
            "channel": order.channel,
            "store": order.store_id,
            "customer": order.customer_id,
            "total_fen": order.total_fen,
            "paid_at": order.paid_at,
            "transaction_id": payment.transaction_id,
        },
    )


# --- Cancelling, fulfilling ----------------------------------------------------------------------


def cancel_order(*, order: Order, actor=None, actor_label: str = "", note: str = "") -> Order:
    """Cancel an order still awaiting payment (shopper, merchant or the timeout job).
    Raises IllegalTransition otherwise."""
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk)
        transition(order, OrderStatus.CANCELLED, actor=actor, actor_label=actor_label, note=note)
        order.payments.filter(status=Payment.Status.PENDING).update(status=Payment.Status.FAILED)
        coupon_services.release_order_coupons(order=order)
    return order


def cancel_unpaid_orders(*, now=None, older_than: timedelta = UNPAID_TIMEOUT) -> int:
    """Cancel every order left awaiting payment longer than `older_than`. Safe to run twice or
    concurrently (each order is re-checked under its row lock; skip_locked)."""
    cutoff = (now or timezone.now()) - older_than
    count = 0
    ids = list(
        Order.objects.filter(status=OrderStatus.AWAITING_PAYMENT, created_at__lt=cutoff).values_list(
            "pk", flat=True
        )[:1000]
    )
    for pk in ids:
        if _paid_at_gateway(pk):
            continue
        with transaction.atomic():
            order = Order.objects.select_for_update(skip_locked=True).filter(pk=pk).first()
            if order is None or order.status != OrderStatus.AWAITING_PAYMENT:
                continue
            transition(order, OrderStatus.CANCELLED, actor_label=_("system"), note=_("Unpaid for 30 minutes"))
            order.payments.filter(status=Payment.Status.PENDING).update(status=Payment.Status.FAILED)
            coupon_services.release_order_coupons(order=order)
            count += 1
    return count


def _paid_at_gateway(order_id: int) -> bool:
    """Before giving up on an order, ask the gateway about its pending payments (a notification
    may be late or lost): a payment the gateway reports as successful is applied, like a
    notification, and the order is kept. An unreachable gateway keeps the order for the next
    round. Gateways that cannot be queried (the sandbox) answer None."""
    from orders.payments import get_gateway
    from orders.payments.base import GatewayError

    kept = False
    for payment in Payment.objects.filter(order_id=order_id, status=Payment.Status.PENDING).select_related(
        "order__merchant"
    ):
        try:
            resource = get_gateway(payment.gateway).query_payment(payment)
        except GatewayError as error:
            logger.warning("cannot query payment %s before cancelling: %s", payment.out_trade_no, error)
            kept = True
            continue
        if resource and resource.get("trade_state") == "SUCCESS":
            result = apply_payment_notification(
                merchant=payment.order.merchant,
                gateway=payment.gateway,
                envelope={"event_type": "QUERY.TRANSACTION"},
                resource=resource,
                headers={},
                body=json.dumps(resource, ensure_ascii=False),
            )
            kept = kept or result == R.APPLIED
    return kept


def fulfil_order(*, order: Order, actor=None, note: str = "", at=None) -> Order:
    """Mark a paid order shipped or picked up. Raises IllegalTransition otherwise."""
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk)
        transition(order, OrderStatus.FULFILLED, actor=actor, note=note, at=at)
    return order


def complete_order(*, order: Order, actor=None, note: str = "", at=None) -> Order:
    """Close a fulfilled order. Raises IllegalTransition otherwise."""
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk)
        transition(order, OrderStatus.COMPLETED, actor=actor, note=note, at=at)
    return order


# --- Refunds -------------------------------------------------------------------------------------


def request_refund(
    *, order: Order, amount_fen: int | None = None, lines: dict | None = None, reason: str = "", actor=None
) -> Refund:
    """Ask the gateway to refund all of an order (no amount, no lines), an amount, or units of
    lines ({line id: quantity}). Guarantees: the amount is reserved on the order under its row
    lock and a database constraint, so all refunds together never exceed what was paid, however
    many are requested at once; the gateway is asked after commit; nothing changes on error."""
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk)
        if order.status not in REFUNDABLE:
            raise RefundNotAllowed(_("Only paid orders can be refunded."))
        payment = order.payments.filter(status=Payment.Status.SUCCEEDED).order_by("pk").first()
        if payment is None:
            raise RefundNotAllowed(_("This order has no successful payment to refund."))
        line_quantities: dict[str, int] = {}
        if lines:
            amount_fen = 0
            by_id = {line.pk: line for line in order.lines.select_for_update()}
            for raw_id, raw_qty in lines.items():
                try:
                    line, quantity = by_id.get(int(raw_id)), int(raw_qty)
                except (TypeError, ValueError):
                    raise RefundNotAllowed(_("Give each line's id and a whole number of units.")) from None
                if line is None or quantity < 0:
                    raise RefundNotAllowed(_("That line is not in this order."))
                if quantity == 0:
                    continue
                amount_fen += line_refund_fen(
                    net_fen=line.net_fen,
                    quantity=line.quantity,
                    already_refunded=line.refunded_quantity,
                    refund_quantity=quantity,
                )
                line.refunded_quantity += quantity
                line.save(update_fields=["refunded_quantity"])
                line_quantities[str(line.pk)] = quantity
            if not line_quantities:
                raise RefundNotAllowed(_("Choose at least one unit to refund."))
        elif amount_fen is None:
            amount_fen = order.refundable_fen
        if not 0 < amount_fen <= order.refundable_fen:
            raise RefundNotAllowed(
                _("You can refund at most ¥%(max).2f on this order.") % {"max": order.refundable_fen / 100}
            )
        order.refund_requested_fen += amount_fen
        order.save(update_fields=["refund_requested_fen"])
        refund = Refund.objects.create(
            order=order,
            payment=payment,
            amount_fen=amount_fen,
            lines=line_quantities,
            reason=reason[:200],
            requested_by=actor if getattr(actor, "pk", None) else None,
        )
        from orders.tasks import submit_refund

        transaction.on_commit(lambda: submit_refund.delay(refund.pk))
    return refund


def submit_refund(*, refund: Refund) -> None:
    """Send a pending refund to its gateway; if the gateway refuses, the refund fails and its
    reservation is released. Safe twice: gateways dedupe on out_refund_no."""
    from orders.payments import get_gateway
    from orders.payments.base import GatewayError

    if refund.status != Refund.Status.PENDING:
        return
    try:
        get_gateway(refund.payment.gateway).request_refund(refund)
    except GatewayError as error:
        logger.error("refund %s refused by the gateway: %s", refund.out_refund_no, error)
        with transaction.atomic():
            _fail_refund(Refund.objects.select_for_update().get(pk=refund.pk))


def _fail_refund(refund: Refund) -> None:
    if refund.status != Refund.Status.PENDING:
        return
    order = Order.objects.select_for_update().get(pk=refund.order_id)
    order.refund_requested_fen -= refund.amount_fen
    order.save(update_fields=["refund_requested_fen"])
    for line_id, quantity in (refund.lines or {}).items():
        line = OrderLine.objects.select_for_update().get(pk=int(line_id), order=order)
        line.refunded_quantity -= int(quantity)
        line.save(update_fields=["refunded_quantity"])
    refund.status = Refund.Status.FAILED
    refund.save(update_fields=["status"])


def apply_refund_notification(
    *, merchant: Merchant, gateway: str, envelope: dict, resource: dict, headers: dict, body: str
) -> str:
    """Apply a verified REFUND notification; return its Result. Guarantees as for payments: once,
    duplicates harmless, unknown or mismatched refused and flagged. A successful refund adds to
    the order's refunded amount and moves it to partially refunded or refunded."""
    reference = str(resource.get("out_refund_no", ""))
    with transaction.atomic():
        refund = (
            Refund.objects.select_for_update()
            .filter(out_refund_no=reference, order__merchant=merchant, payment__gateway=gateway)
            .first()
        )
        if refund is None:
            _record(merchant, gateway, envelope, headers, body, resource, reference, R.UNKNOWN, flagged=True)
            return R.UNKNOWN
        if refund.status != Refund.Status.PENDING:
            _record(merchant, gateway, envelope, headers, body, resource, reference, R.DUPLICATE)
            return R.DUPLICATE
        status = resource.get("refund_status")
        if status in ("CLOSED", "ABNORMAL"):
            _fail_refund(refund)
            _record(merchant, gateway, envelope, headers, body, resource, reference, R.APPLIED, flagged=True)
            return R.APPLIED
        if status != "SUCCESS":
            _record(merchant, gateway, envelope, headers, body, resource, reference, R.IGNORED)
            return R.IGNORED
        if (resource.get("amount") or {}).get("refund") != refund.amount_fen:
            _record(
                merchant,
                gateway,
                envelope,
                headers,
                body,
                resource,
                reference,
                R.AMOUNT_MISMATCH,
                flagged=True,
            )
            return R.AMOUNT_MISMATCH
        order = Order.objects.select_for_update().get(pk=refund.order_id)
        refund.status = Refund.Status.SUCCEEDED
        refund.refund_id = str(resource.get("refund_id", ""))[:64] or None
        refund.succeeded_at = parse_datetime(str(resource.get("success_time", ""))) or timezone.now()
        refund.save(update_fields=["status", "refund_id", "succeeded_at"])
        order.refunded_fen += refund.amount_fen
        order.save(update_fields=["refunded_fen"])
        to = OrderStatus.REFUNDED if order.refunded_fen == order.total_fen else OrderStatus.PARTIALLY_REFUNDED
        transition(
            order,
            to,
            at=refund.succeeded_at,
            actor=refund.requested_by,
            note=_("Refund %(no)s: ¥%(amount).2f")
            % {"no": refund.out_refund_no, "amount": refund.amount_fen / 100},
        )
        coupon_services.on_order_refunded(order=order, refund=refund)
        events.emit(
            merchant=merchant,
            type="order.refunded",
            data={
                "order": order.number,
                "refund": refund.out_refund_no,
                "amount_fen": refund.amount_fen,
                "refunded_fen": order.refunded_fen,
                "lines": refund.lines,
            },
        )
        _record(merchant, gateway, envelope, headers, body, resource, reference, R.APPLIED)
        return R.APPLIED
