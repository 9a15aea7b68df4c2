"""Attribution services: recording touches (scans, face-to-face payments, in-store redemptions,
online use of a store's code) and keeping each customer's binding under the merchant's policy.

Every change of a binding writes exactly one BindingEvent in the same transaction, so "who
brought this customer, when, and why does the binding say so" is always answerable.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from attribution.models import (
    AttributionPolicy,
    Binding,
    BindingEvent,
    OrderAttribution,
    ScanEvent,
    TouchSource,
)
from shops.models import Customer, EntryPoint, Membership, Merchant, Store
from shops.shoppers import customer_for

SOURCES = {choice.value for choice in TouchSource}


def _emit(*, merchant: Merchant, type: str, data: dict) -> None:  # noqa: A002
    """Announce a binding change to webhooks (shops.events, when present)."""
    try:
        from shops.events import emit
    except ImportError:  # pragma: no cover - the events module lands separately
        return
    emit(merchant=merchant, type=type, data=data)


def policy_for(merchant: Merchant) -> AttributionPolicy:
    """The merchant's attribution policy; the defaults (first touch, 30 days, release) until the
    owner changes them. Created on first use so every event can name the rule it applied."""
    policy = AttributionPolicy.objects.filter(merchant=merchant).first()
    if policy is None:
        try:
            with transaction.atomic():
                policy = AttributionPolicy.objects.create(merchant=merchant)
        except IntegrityError:
            policy = AttributionPolicy.objects.get(merchant=merchant)
    return policy


def _binding_data(binding: Binding, event: BindingEvent) -> dict:
    return {
        "binding_id": binding.pk,
        "customer_id": binding.customer_id,
        "store_id": binding.store_id,
        "staff_id": binding.staff_id,
        "status": binding.status,
        "event": event.kind,
        "reason": event.reason,
        "protected_until": binding.protected_until,
        "occurred_at": event.occurred_at,
    }


def _expire(binding: Binding, *, at: datetime, rule: str, reason: str, actor=None) -> BindingEvent:
    binding.status = Binding.Status.EXPIRED
    binding.ended_at = at
    binding.save(update_fields=["status", "ended_at", "updated_at"])
    event = BindingEvent.objects.create(
        merchant_id=binding.merchant_id,
        binding=binding,
        customer_id=binding.customer_id,
        kind=BindingEvent.Kind.EXPIRED,
        store_id=binding.store_id,
        staff_id=binding.staff_id,
        from_store_id=binding.store_id,
        from_staff_id=binding.staff_id,
        rule=rule,
        reason=reason,
        protected_until=binding.protected_until,
        actor=actor,
        occurred_at=at,
    )
    return event


def touch(
    *,
    merchant: Merchant,
    customer: Customer,
    store: Store,
    staff: Membership | None = None,
    source: str,
    occurred_at: datetime | None = None,
    reference: str = "",
) -> BindingEvent:
    """Record that `customer` met `store` (and `staff`) through `source` and apply the merchant's
    policy to the customer's binding. Returns the one event written:

    - no binding in force → `created` (bound to this store/staff, protected for N days);
    - the same store (and the same staff member, or none named) → `renewed` (protection restarts);
    - another store or staff member while protected → `kept` under first touch (recorded, not
      moved) or `moved` under last touch;
    - another store or staff member after the protection ended (policy `keep`) → `moved`.
    A binding whose protection ended under policy `release` is first closed with an `expired`
    event, then the touch creates a new one.

    Guarantees: one transaction; at most one active binding per customer (database constraint;
    the customer's binding row is locked, so concurrent touches serialise); the staff member, if
    given, must be an active member of the merchant; bad input raises ValidationError and
    changes nothing.
    """
    if source not in SOURCES:
        raise ValidationError(_("Unknown touch source: %(source)s") % {"source": source})
    if customer.merchant_id != merchant.pk or store.merchant_id != merchant.pk:
        raise ValidationError(_("The customer and the store must belong to the merchant."))
    if staff is not None and (staff.merchant_id != merchant.pk or not staff.is_active):
        # A code of someone who left still brings the customer to the store.
        staff = None
    at = occurred_at or timezone.now()
    policy = policy_for(merchant)
    rule = policy.rule
    protected_until = at + timedelta(days=policy.protection_days)
    common = {
        "merchant": merchant,
        "customer": customer,
        "touch_source": source,
        "touch_store": store,
        "touch_staff": staff,
        "reference": reference[:100],
        "rule": rule,
        "occurred_at": at,
    }
    # savepoint=False: inside a caller's transaction (a scan, a payment) this adds no round trips.
    with transaction.atomic(savepoint=False):
        binding = _locked_active_binding(merchant, customer)
        if binding is not None and binding.protected_until < at and policy.on_expiry == "release":
            _expire(binding, at=binding.protected_until, rule=rule, reason=_("Protection period ended."))
            binding = None
        if binding is None:
            try:
                with transaction.atomic():
                    binding = Binding.objects.create(
                        merchant=merchant,
                        customer=customer,
                        store=store,
                        staff=staff,
                        source=source,
                        bound_at=at,
                        protected_until=protected_until,
                    )
            except IntegrityError:
                # A concurrent first touch created it between our read and our insert.
                binding = _locked_active_binding(merchant, customer)
            else:
                event = BindingEvent.objects.create(
                    binding=binding,
                    kind=BindingEvent.Kind.CREATED,
                    store=store,
                    staff=staff,
                    protected_until=protected_until,
                    reason=_("First touch at this shop (%(source)s).")
                    % {"source": TouchSource(source).label},
                    **common,
                )
                _emit(merchant=merchant, type="binding.created", data=_binding_data(binding, event))
                return event
        before_store, before_staff = binding.store_id, binding.staff_id
        same_owner = binding.store_id == store.pk and (staff is None or binding.staff_id == staff.pk)
        protected = binding.protected_until >= at
        if same_owner:
            kind = BindingEvent.Kind.RENEWED
            reason = _("Touch at the shop that holds the customer: protection restarts.")
            binding.protected_until = max(binding.protected_until, protected_until)
            binding.save(update_fields=["protected_until", "updated_at"])
        elif protected and policy.model == AttributionPolicy.Model.FIRST_TOUCH:
            kind = BindingEvent.Kind.KEPT
            reason = _("First touch: another shop holds the customer until %(until)s.") % {
                "until": timezone.localtime(binding.protected_until).strftime("%Y-%m-%d")
            }
        else:
            kind = BindingEvent.Kind.MOVED
            reason = (
                _("Last touch: the latest shop takes the customer.")
                if protected
                else _("The previous shop's protection had ended: the new touch takes the customer.")
            )
            binding.store, binding.staff, binding.source = store, staff, source
            binding.bound_at, binding.protected_until = at, protected_until
            binding.save(
                update_fields=["store", "staff", "source", "bound_at", "protected_until", "updated_at"]
            )
        event = BindingEvent.objects.create(
            binding=binding,
            kind=kind,
            store_id=binding.store_id,
            staff_id=binding.staff_id,
            from_store_id=before_store,
            from_staff_id=before_staff,
            protected_until=binding.protected_until,
            reason=reason,
            **common,
        )
        if kind == BindingEvent.Kind.MOVED:
            _emit(merchant=merchant, type="binding.changed", data=_binding_data(binding, event))
        return event


def _locked_active_binding(merchant: Merchant, customer: Customer) -> Binding | None:
    return (
        Binding.objects.select_for_update()
        .filter(merchant=merchant, customer=customer, status=Binding.Status.ACTIVE)
        .first()
    )


def binding_in_force(*, merchant: Merchant, customer: Customer, at: datetime | None = None) -> Binding | None:
    """The customer's binding that earns rebates at `at`: the active one, unless its protection
    ended under policy `release` (computed here even before the expiry sweep has run)."""
    at = at or timezone.now()
    binding = Binding.objects.filter(
        merchant=merchant, customer=customer, status=Binding.Status.ACTIVE
    ).first()
    if binding is None:
        return None
    if binding.protected_until < at and policy_for(merchant).on_expiry == AttributionPolicy.OnExpiry.RELEASE:
        return None
    return binding


@transaction.atomic
def record_scan(*, entry_point: EntryPoint, shopper_uid: uuid.UUID, user_agent: str = "") -> ScanEvent:
    """Record one scan of a valid entry point by the shopper, creating the merchant's customer on
    first touch; a store or staff code also touches the customer's binding (source "scan").
    The caller has already checked that the code and its merchant are live."""
    customer = customer_for(merchant=entry_point.merchant, uid=shopper_uid)
    scan = ScanEvent.objects.create(
        merchant=entry_point.merchant,
        entry_point=entry_point,
        store=entry_point.store,
        staff=entry_point.staff,
        customer=customer,
        user_agent=user_agent[:255],
    )
    if entry_point.kind in (EntryPoint.Kind.STORE, EntryPoint.Kind.STAFF) and entry_point.store_id:
        touch(
            merchant=entry_point.merchant,
            customer=customer,
            store=entry_point.store,
            staff=entry_point.staff if entry_point.kind == EntryPoint.Kind.STAFF else None,
            source=TouchSource.SCAN,
            occurred_at=scan.created_at,
            reference=f"scan:{scan.pk}",
        )
    return scan


def attribute_order(*, order) -> OrderAttribution:
    """Copy the attribution in force when `order` was paid onto an immutable OrderAttribution.

    Online order of a customer with a binding in force at `paid_at` → basis `binding`: the
    binding's store and staff member (cleared if they have left), the binding, the event that
    put the binding where it is, and the policy rule; it earns a rebate. Online order without
    one → `unbound`. In-store and face-to-face orders → `own_sale` of their store: no rebate.

    Called by the orders app inside the payment-success transaction. Idempotent: a second call
    returns the row written by the first and changes nothing (one row per order, DB-enforced).
    """
    existing = OrderAttribution.objects.filter(order_id=order.pk).first()
    if existing is not None:
        return existing
    at = order.paid_at or timezone.now()
    fields = {
        "merchant_id": order.merchant_id,
        "order": order,
        "customer_id": order.customer_id,
        "paid_at": at,
    }
    if order.channel != "online":
        fields.update(basis=OrderAttribution.Basis.OWN_SALE, store_id=order.store_id, earns_rebate=False)
    else:
        binding = None
        if order.customer_id is not None:
            binding = binding_in_force(merchant=order.merchant, customer=order.customer, at=at)
        if binding is None:
            fields.update(basis=OrderAttribution.Basis.UNBOUND, earns_rebate=False)
        else:
            event = (
                binding.events.exclude(kind=BindingEvent.Kind.KEPT).order_by("-occurred_at", "-id").first()
            )
            staff = binding.staff if binding.staff_id and binding.staff.is_active else None
            fields.update(
                basis=OrderAttribution.Basis.BINDING,
                store_id=binding.store_id,
                staff=staff,
                binding=binding,
                binding_event=event,
                rule=policy_for(order.merchant).rule,
                earns_rebate=True,
            )
    try:
        with transaction.atomic():
            return OrderAttribution.objects.create(**fields)
    except IntegrityError:
        return OrderAttribution.objects.get(order_id=order.pk)


def _reassign(bindings: list[Binding], *, to_store_for, to_staff, reason: str, actor, at: datetime) -> int:
    events = []
    for binding in bindings:
        before_store, before_staff = binding.store_id, binding.staff_id
        binding.store_id, binding.staff = to_store_for(binding), to_staff
        events.append(
            BindingEvent(
                merchant_id=binding.merchant_id,
                binding=binding,
                customer_id=binding.customer_id,
                kind=BindingEvent.Kind.REASSIGNED,
                store_id=binding.store_id,
                staff=to_staff,
                from_store_id=before_store,
                from_staff_id=before_staff,
                reason=reason,
                protected_until=binding.protected_until,
                actor=actor,
                occurred_at=at,
            )
        )
    Binding.objects.bulk_update(bindings, ["store", "staff"])
    BindingEvent.objects.bulk_create(events)
    return len(events)


def release_staff_customers(*, membership: Membership, actor=None, reason: str = "") -> int:
    """A staff member left: each of their active bindings stays with its store, staff cleared
    (event `reassigned`). Protection is unchanged. Returns how many bindings passed on.
    Safe to run twice (the second run finds none)."""
    at = timezone.now()
    with transaction.atomic():
        bindings = list(
            Binding.objects.select_for_update().filter(staff=membership, status=Binding.Status.ACTIVE)
        )
        return _reassign(
            bindings,
            to_store_for=lambda b: b.store_id,
            to_staff=None,
            reason=reason
            or _("%(name)s left: the customer stays with the store.") % {"name": membership.name},
            actor=actor,
            at=at,
        )


def reassign_staff_customers(
    *, from_staff: Membership, to_staff: Membership, actor=None, bindings=None, reason: str = ""
) -> int:
    """A manager passes a staff member's customers (all their active bindings, or `bindings`) to
    another active staff member of the same merchant. A binding keeps its store when the new
    staff member works there, otherwise it moves to the new staff member's first store.
    Each binding gets a `reassigned` event naming the actor. Returns how many moved."""
    if (
        to_staff.merchant_id != from_staff.merchant_id
        or not to_staff.is_active
        or to_staff.pk == from_staff.pk
    ):
        raise ValidationError(_("Choose another active member of the same brand."))
    stores = set(to_staff.stores.values_list("pk", flat=True))
    if not stores:
        raise ValidationError(_("%(name)s works in no store yet.") % {"name": to_staff.name})
    first_store = to_staff.stores.order_by("pk").values_list("pk", flat=True).first()
    at = timezone.now()
    with transaction.atomic():
        qs = Binding.objects.select_for_update().filter(staff=from_staff, status=Binding.Status.ACTIVE)
        if bindings is not None:
            qs = qs.filter(pk__in=[b.pk for b in bindings])
        return _reassign(
            list(qs),
            to_store_for=lambda b: b.store_id if b.store_id in stores else first_store,
            to_staff=to_staff,
            reason=reason
            or _("%(old)s's customer passed to %(new)s by a manager.")
            % {"old": from_staff.name, "new": to_staff.name},
            actor=actor,
            at=at,
        )


def sweep_bindings(*, now: datetime | None = None) -> dict[str, int]:
    """The periodic housekeeping of bindings (all merchants):

    - a binding whose protection ended under policy `release` is closed with an `expired` event
      (orders never depended on this: `binding_in_force` already ignores it at payment time);
    - bindings of staff members who were deactivated pass to their store.
    Safe to run twice or concurrently (rows are locked and re-checked)."""
    now = now or timezone.now()
    expired = 0
    released = 0
    due = Binding.objects.filter(
        status=Binding.Status.ACTIVE,
        protected_until__lt=now,
        merchant__attribution_policy__on_expiry=AttributionPolicy.OnExpiry.RELEASE,
    ).values_list("pk", flat=True)
    # Merchants without a policy row use the default (release).
    due_default = Binding.objects.filter(
        status=Binding.Status.ACTIVE, protected_until__lt=now, merchant__attribution_policy__isnull=True
    ).values_list("pk", flat=True)
    for pk in [*due, *due_default]:
        with transaction.atomic():
            binding = (
                Binding.objects.select_for_update(skip_locked=True).filter(pk=pk, status="active").first()
            )
            if binding is None or binding.protected_until >= now:
                continue
            _expire(
                binding,
                at=binding.protected_until,
                rule=policy_for(binding.merchant).rule,
                reason=_("Protection period ended."),
            )
            expired += 1
    leavers = Membership.objects.filter(is_active=False, bindings__status=Binding.Status.ACTIVE).distinct()
    for membership in leavers:
        released += release_staff_customers(membership=membership)
    return {"expired": expired, "released": released}
