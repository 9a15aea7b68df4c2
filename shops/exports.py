"""The merchant's customer data, exported: every customer-related table as CSV and JSON in a zip.

Which tables: found by walking the models of the Midpage apps, not by a hand-kept list, so a
new model holding customer data is exported the day it exists. A model is customer data when
it is tenant-scoped and is `Customer`, has a foreign key to `Customer`, or belongs (through
its `tenant_path`) to such a model (order lines of an order, attempts of a redemption…). Every
queryset goes through `scope_queryset`, so nothing of another merchant can be in the file.
Internal identifiers that are not the merchant's (the shopper's cookie id, tokens, secrets)
are left out.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import secrets
import zipfile

from django.apps import apps
from django.core import signing
from django.core.files.base import ContentFile
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone

from shops.models import Customer, Merchant
from shops.models_api import DataExport
from shops.tenancy import is_tenant_model, scope_queryset

logger = logging.getLogger(__name__)

EXPORT_APPS = ("shops", "orders", "coupons", "attribution")
HIDDEN_FIELDS = {"shopper_uid", "token", "secret", "secret_hash", "password", "code_hash"}
LINK_SALT = "midpage.export-download"
LINK_MAX_AGE = 60 * 60  # a download link works for one hour


def _fk_to(model, target) -> list[models.ForeignKey]:
    return [
        field
        for field in model._meta.concrete_fields
        if isinstance(field, models.ForeignKey) and field.related_model is target
    ]


def customer_data_models() -> list[type[models.Model]]:
    """Customer first, then models pointing at customers, then their children; stable order."""
    candidates = [
        model
        for app in EXPORT_APPS
        if app in {config.label for config in apps.get_app_configs()}
        for model in apps.get_app_config(app).get_models()
        if is_tenant_model(model) and not model._meta.proxy
    ]
    direct = [m for m in candidates if m is not Customer and _fk_to(m, Customer)]
    children = [
        model
        for model in candidates
        if model is not Customer and model not in direct and _parent_link(model, direct) is not None
    ]
    order = lambda m: m._meta.label  # noqa: E731
    return [Customer, *sorted(direct, key=order), *sorted(children, key=order)]


def _parent_link(model, parents) -> models.ForeignKey | None:
    """The first foreign key of `model` to one of `parents` (an order line's order, a
    redemption's coupon, a ledger line's order), preferring the one its tenant_path goes through."""
    links = [
        field
        for field in model._meta.concrete_fields
        if isinstance(field, models.ForeignKey) and field.related_model in parents
    ]
    head = model.tenant_path.split("__", 1)[0]
    links.sort(key=lambda field: field.name != head)
    return links[0] if links else None


def table_name(model) -> str:
    return f"{model._meta.app_label}_{model._meta.model_name}"


def export_fields(model) -> list[models.Field]:
    return [field for field in model._meta.concrete_fields if field.name not in HIDDEN_FIELDS]


def _value(field, obj):
    value = field.value_from_object(obj)
    if isinstance(field, models.FileField):
        return value.name if value else ""
    return value


def rows_for(model, queryset) -> tuple[list[str], list[dict]]:
    fields = export_fields(model)
    header = [field.attname for field in fields]
    rows = [{field.attname: _value(field, obj) for field in fields} for obj in queryset.order_by("pk")]
    return header, rows


def merchant_tables(merchant: Merchant):
    """(model, scoped queryset) for every customer-data model of `merchant`."""
    for model in customer_data_models():
        yield model, scope_queryset(model._default_manager.all(), merchant)


def customer_tables(customer: Customer, *, own_records_only: bool = False):
    """(model, queryset) of one customer's rows in every customer-data model (for access requests).

    `own_records_only` leaves out merchant bookkeeping that merely refers to the customer's
    records (rebate ledger lines of their orders): tables whose tenant path does not run through
    the customer's record."""
    for model in customer_data_models():
        if own_records_only and model is not Customer and not _fk_to(model, Customer):
            link = _parent_link(model, [m for m in customer_data_models() if _fk_to(m, Customer)])
            if link.name != model.tenant_path.split("__", 1)[0]:
                continue
        qs = scope_queryset(model._default_manager.all(), customer.merchant)
        if model is Customer:
            yield model, qs.filter(pk=customer.pk)
            continue
        links = _fk_to(model, Customer)
        if links:
            yield model, qs.filter(**{links[0].name: customer})
            continue
        link = _parent_link(model, [m for m in customer_data_models() if _fk_to(m, Customer)])
        parent_link = _fk_to(link.related_model, Customer)[0].name
        yield model, qs.filter(**{f"{link.name}__{parent_link}": customer})


def _csv_bytes(header: list[str], rows: list[dict]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header, extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow({key: "" if value is None else value for key, value in row.items()})
    # A BOM so spreadsheet programs open the Chinese text as UTF-8.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


@transaction.atomic
def request_export(*, merchant: Merchant, requested_by=None) -> DataExport:
    """Queue a new export of `merchant`'s customer data; it is built by Celery after commit."""
    export = DataExport.objects.create(merchant=merchant, requested_by=requested_by)
    transaction.on_commit(lambda: _dispatch(export.pk))
    return export


def _dispatch(export_id: int) -> None:
    from shops.api_tasks import build_export

    build_export.delay(export_id)


def build_export(*, export_id: int) -> DataExport | None:
    """Build the zip (one CSV per table plus data.json) with progress; safe to run twice.

    Guarantees: only this merchant's rows (scoped querysets); a finished export is left as is;
    progress rises from 0 to 100 as tables are written; a failure is recorded, not raised."""
    with transaction.atomic():
        export = DataExport.objects.select_for_update(skip_locked=True).filter(pk=export_id).first()
        if export is None or export.status == DataExport.Status.DONE:
            return export
        export.status, export.progress, export.error = DataExport.Status.RUNNING, 0, ""
        export.save(update_fields=["status", "progress", "error"])
    try:
        merchant = export.merchant
        tables = list(merchant_tables(merchant))
        data, counts = {}, {}
        archive = io.BytesIO()
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
            for index, (model, queryset) in enumerate(tables, start=1):
                header, rows = rows_for(model, queryset)
                name = table_name(model)
                zf.writestr(f"{name}.csv", _csv_bytes(header, rows))
                data[name] = rows
                counts[name] = len(rows)
                DataExport.objects.filter(pk=export.pk).update(progress=int(90 * index / len(tables)))
            document = {
                "merchant": merchant.slug,
                "exported_at": timezone.now(),
                "tables": data,
            }
            zf.writestr(
                "data.json", json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1)
            )
        filename = f"{merchant.slug}-customers-{export.pk}-{secrets.token_hex(8)}.zip"
        export.file.save(filename, ContentFile(archive.getvalue()), save=False)
        export.row_counts = counts
        export.status, export.progress, export.finished_at = DataExport.Status.DONE, 100, timezone.now()
        export.save(update_fields=["file", "row_counts", "status", "progress", "finished_at"])
    except Exception as error:  # recorded for the merchant and ops; the task itself must not loop
        logger.exception("customer data export %s failed", export.pk)
        DataExport.objects.filter(pk=export.pk).update(
            status=DataExport.Status.FAILED, error=f"{type(error).__name__}: {error}"[:2000]
        )
        export.refresh_from_db()
    return export


def download_token(export: DataExport) -> str:
    return signing.dumps({"export": export.pk}, salt=LINK_SALT)


def download_url(export: DataExport) -> str:
    """A link to the file that works for LINK_MAX_AGE seconds (the signed token is the permission)."""
    return reverse("export-download", args=[download_token(export)])


def export_for_token(token: str) -> DataExport | None:
    """The finished export a link points at, or None if the link is forged, expired or not ready."""
    try:
        payload = signing.loads(token, salt=LINK_SALT, max_age=LINK_MAX_AGE)
    except signing.BadSignature:
        return None
    export = DataExport.objects.filter(pk=payload.get("export"), status=DataExport.Status.DONE).first()
    if export is None or not export.file:
        return None
    return export
