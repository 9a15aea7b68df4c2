"""Shoppers' personal-information requests: see my data, delete my data.

A shopper asks from the storefront (identified by their cookie, see shops.shoppers); the
request lands in the merchant's back-office queue. Access: once the merchant fulfils it, the
shopper's privacy page shows every row held about them. Erasure: personal fields are masked
while financial records keep their amounts (orders and ledger lines lose names and numbers,
not money). Who handled a request, and when, is recorded.

Which fields are personal: `Customer` name/mobile/email, plus, on every model that points at
`Customer`, the fields it lists in `personal_fields` or, failing that, text fields whose name
says they hold contact details (contact_name, phone, mobile, email, address, recipient…).
"""

from __future__ import annotations

import re
import uuid

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shops.exports import customer_data_models, customer_tables, export_fields, table_name
from shops.models import Customer, Merchant
from shops.models_api import PersonalDataRequest

PERSONAL_NAME = re.compile(
    r"^(?:(?:contact|recipient|receiver|shipping|delivery|buyer|customer|payer)_)?"
    r"(?:name|full_name|phone|mobile|tel|telephone|email|address|id_number|wechat)$"
)
MASK = "[erased]"


def personal_fields(model) -> list[models.Field]:
    """Text fields of `model` that identify a person (see the module docstring)."""
    if model is Customer:
        return [model._meta.get_field(name) for name in ("name", "mobile", "email")]
    declared = getattr(model, "personal_fields", None)
    if declared is not None:
        return [model._meta.get_field(name) for name in declared]
    if not any(
        isinstance(f, models.ForeignKey) and f.related_model is Customer for f in model._meta.concrete_fields
    ):
        return []
    return [
        field
        for field in model._meta.concrete_fields
        if isinstance(field, (models.CharField, models.TextField)) and PERSONAL_NAME.match(field.name)
    ]


def _masked_value(field) -> str:
    if isinstance(field, models.EmailField) or field.max_length and field.max_length < len(MASK):
        return ""
    return "" if field.blank else MASK


@transaction.atomic
def submit_request(
    *, merchant: Merchant, uid: uuid.UUID, kind: str, message: str = ""
) -> PersonalDataRequest:
    """Record a shopper's request to `merchant`. One open request per kind (asking twice returns it).

    Raises ValidationError if the merchant holds no data about this shopper or the kind is unknown."""
    if kind not in PersonalDataRequest.Kind.values:
        raise ValidationError({"kind": _("Choose what you are asking for.")})
    customer = Customer.objects.filter(merchant=merchant, shopper_uid=uid).first()
    if customer is None:
        raise ValidationError(_("This brand holds no personal data about you."))
    existing = PersonalDataRequest.objects.filter(
        customer=customer, kind=kind, status=PersonalDataRequest.Status.OPEN
    ).first()
    if existing is not None:
        return existing
    return PersonalDataRequest.objects.create(
        merchant=merchant, customer=customer, kind=kind, message=message.replace("\x00", "")[:2000]
    )


def requests_of(*, merchant: Merchant, uid: uuid.UUID):
    return PersonalDataRequest.objects.filter(merchant=merchant, customer__shopper_uid=uid).order_by(
        "-created_at"
    )


def data_about(customer: Customer) -> list[tuple[str, list[str], list[dict]]]:
    """(table, columns, rows) of everything held about `customer`, for the shopper to see."""
    out = []
    for model, queryset in customer_tables(customer, own_records_only=True):
        fields = export_fields(model)
        rows = [{f.attname: f.value_from_object(obj) for f in fields} for obj in queryset.order_by("pk")]
        if rows:
            out.append((table_name(model), [f.attname for f in fields], rows))
    return out


def _lock_open(request: PersonalDataRequest) -> PersonalDataRequest:
    locked = PersonalDataRequest.objects.select_for_update().get(pk=request.pk)
    if locked.status != PersonalDataRequest.Status.OPEN:
        raise ValidationError(_("This request was already handled."))
    return locked


def _close(request: PersonalDataRequest, *, handled_by, status: str, note: str) -> PersonalDataRequest:
    request.status = status
    request.handled_by = handled_by
    request.handled_at = timezone.now()
    request.note = note
    request.save(update_fields=["status", "handled_by", "handled_at", "note"])
    return request


@transaction.atomic
def fulfil_access(*, request: PersonalDataRequest, handled_by, note: str = "") -> PersonalDataRequest:
    """Grant an access request: the shopper's privacy page now shows all data held about them."""
    request = _lock_open(request)
    if request.kind != PersonalDataRequest.Kind.ACCESS:
        raise ValidationError(_("This is not an access request."))
    return _close(request, handled_by=handled_by, status=PersonalDataRequest.Status.DONE, note=note)


@transaction.atomic
def erase_customer(*, customer: Customer) -> dict[str, int]:
    """Mask the personal fields of `customer` and of every row pointing at them; amounts stay.

    Returns {table: rows changed}. Idempotent."""
    changed = {}
    for model, queryset in customer_tables(customer):
        fields = personal_fields(model)
        if not fields:
            continue
        updates = {field.name: _masked_value(field) for field in fields}
        if model is Customer:
            updates["erased_at"] = customer.erased_at or timezone.now()
        changed[table_name(model)] = queryset.update(**updates)
    return changed


@transaction.atomic
def fulfil_erasure(*, request: PersonalDataRequest, handled_by, note: str = "") -> PersonalDataRequest:
    """Grant an erasure request: mask the customer's personal data everywhere, keep amounts."""
    request = _lock_open(request)
    if request.kind != PersonalDataRequest.Kind.ERASURE:
        raise ValidationError(_("This is not an erasure request."))
    changed = erase_customer(customer=request.customer)
    summary = ", ".join(f"{table}: {count}" for table, count in sorted(changed.items()))
    return _close(
        request,
        handled_by=handled_by,
        status=PersonalDataRequest.Status.DONE,
        note=(note + "\n" if note else "") + _("Masked rows: %(summary)s") % {"summary": summary},
    )


@transaction.atomic
def reject_request(*, request: PersonalDataRequest, handled_by, note: str) -> PersonalDataRequest:
    """Decline a request, saying why (the shopper sees the note)."""
    request = _lock_open(request)
    if not note.strip():
        raise ValidationError({"note": _("Say why the request is declined.")})
    return _close(request, handled_by=handled_by, status=PersonalDataRequest.Status.REJECTED, note=note)


__all__ = [
    "customer_data_models",
    "data_about",
    "erase_customer",
    "fulfil_access",
    "fulfil_erasure",
    "personal_fields",
    "reject_request",
    "requests_of",
    "submit_request",
]
