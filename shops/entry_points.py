"""QR entry point services: create, revoke, rotate, and the one personal code per staff member.

A token is never reused or edited: rotating makes a new entry point with a fresh token and
revokes the old one (which keeps pointing at its merchant, so a scan of an old poster can still
say whose code it was). Revoked codes stop working at once: printed posters must be replaced.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from shops.models import EntryPoint, Membership, Merchant, Store

KIND_NEEDS_STORE = {EntryPoint.Kind.STORE, EntryPoint.Kind.STAFF, EntryPoint.Kind.PAY}


def scan_url(entry_point: EntryPoint) -> str:
    """The absolute URL printed in the QR code."""
    return settings.SITE_URL + reverse("scan", args=[entry_point.token])


def validate_entry_point(
    *, merchant: Merchant, kind: str, store: Store | None, staff: Membership | None
) -> None:
    """Raise ValidationError (per field) unless these parts make a valid code of the merchant."""
    if kind not in EntryPoint.Kind.values:
        raise ValidationError({"kind": _("Choose what the code opens.")})
    if store is not None and store.merchant_id != merchant.pk:
        raise ValidationError({"store": _("This store does not belong to your brand.")})
    if staff is not None and staff.merchant_id != merchant.pk:
        raise ValidationError({"staff": _("This person is not a member of your brand.")})
    if kind in KIND_NEEDS_STORE and store is None:
        raise ValidationError({"store": _("Choose the store this code belongs to.")})
    if kind == EntryPoint.Kind.STAFF:
        if staff is None:
            raise ValidationError({"staff": _("Choose the staff member this code belongs to.")})
        if not staff.stores.filter(pk=store.pk).exists():
            raise ValidationError({"staff": _("This person does not work in the chosen store.")})
    elif staff is not None:
        raise ValidationError({"staff": _("Only staff codes name a staff member.")})


@transaction.atomic
def create_entry_point(
    *,
    merchant: Merchant,
    kind: str,
    store: Store | None = None,
    staff: Membership | None = None,
    label: str = "",
) -> EntryPoint:
    """A new live code with a fresh unguessable token. A staff member has at most one live
    personal code (DB constraint): asking for a second one is an error; see `staff_entry_point`."""
    validate_entry_point(merchant=merchant, kind=kind, store=store, staff=staff)
    if (
        kind == EntryPoint.Kind.STAFF
        and EntryPoint.objects.filter(staff=staff, kind=kind, is_active=True).exists()
    ):
        raise ValidationError(
            {"staff": _("This person already has a live personal code; rotate it instead.")}
        )
    return EntryPoint.objects.create(
        merchant=merchant, kind=kind, store=store, staff=staff, label=label[:100]
    )


def staff_entry_point(*, membership: Membership, store: Store | None = None) -> EntryPoint:
    """The staff member's live personal code, made on first use (safe under concurrency).

    A new one is tied to `store`, or to the first store the person works in."""
    existing = EntryPoint.objects.filter(staff=membership, kind=EntryPoint.Kind.STAFF, is_active=True).first()
    if existing is not None:
        return existing
    store = store or membership.stores.order_by("pk").first()
    if store is None:
        raise ValidationError(_("This person works in no store yet, so their code has no store."))
    try:
        with transaction.atomic():
            return create_entry_point(
                merchant=membership.merchant, kind=EntryPoint.Kind.STAFF, store=store, staff=membership
            )
    except (IntegrityError, ValidationError):
        found = EntryPoint.objects.filter(
            staff=membership, kind=EntryPoint.Kind.STAFF, is_active=True
        ).first()
        if found is None:
            raise
        return found


@transaction.atomic
def revoke_entry_point(*, entry_point: EntryPoint) -> EntryPoint:
    """Stop the code working at once (printed posters of it show "no longer valid"). Idempotent."""
    entry_point = EntryPoint.objects.select_for_update().get(pk=entry_point.pk)
    if entry_point.is_active:
        entry_point.is_active = False
        entry_point.revoked_at = timezone.now()
        entry_point.save(update_fields=["is_active", "revoked_at"])
    return entry_point


@transaction.atomic
def rotate_entry_point(*, entry_point: EntryPoint) -> EntryPoint:
    """Replace the code by a new one (same kind, store, staff and label, new token) and revoke
    the old one. Returns the new code. Rotating an already rotated code returns its replacement."""
    old = EntryPoint.objects.select_for_update().get(pk=entry_point.pk)
    if not old.is_active and old.replaced_by_id:
        return old.replaced_by
    old.is_active = False
    old.revoked_at = old.revoked_at or timezone.now()
    old.save(update_fields=["is_active", "revoked_at"])
    new = EntryPoint.objects.create(
        merchant_id=old.merchant_id,
        kind=old.kind,
        store_id=old.store_id,
        staff_id=old.staff_id,
        label=old.label,
    )
    old.replaced_by = new
    old.save(update_fields=["replaced_by"])
    return new


@transaction.atomic
def ensure_store_entry_points(
    *, store: Store, kinds=(EntryPoint.Kind.STORE, EntryPoint.Kind.PAY)
) -> list[EntryPoint]:
    """Each store has a live code of each kind in `kinds` (made if missing). Idempotent."""
    codes = []
    for kind in kinds:
        code = EntryPoint.objects.filter(store=store, kind=kind, is_active=True).order_by("pk").first()
        if code is None:
            code = EntryPoint.objects.create(merchant_id=store.merchant_id, kind=kind, store=store)
        codes.append(code)
    return codes
