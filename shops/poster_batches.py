"""Batch printing: every poster of some stores in one multi-page PDF, built in the background.

`request_poster_batch` records what to print and queues the build after commit;
`build_poster_batch` (run by the Celery task) renders it with visible progress. Building is
safe to run twice: a finished batch is left alone, a batch another worker is building is
left to it, and a batch whose worker died (no progress for STALE_AFTER) is rebuilt.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from shops import entry_points, posters
from shops.models import EntryPoint, Membership, Merchant, PosterBatch, Store

STALE_AFTER = timedelta(minutes=15)
PROGRESS_EVERY = 10
PRINTED_KINDS = [EntryPoint.Kind.STORE, EntryPoint.Kind.STAFF, EntryPoint.Kind.PAY]


def batch_entry_points(batch: PosterBatch) -> QuerySet:
    """The live store, staff and pay codes of the batch's stores, in print order."""
    return (
        EntryPoint.objects.filter(
            merchant_id=batch.merchant_id,
            store__in=batch.stores.all(),
            kind__in=PRINTED_KINDS,
            is_active=True,
        )
        .select_related("merchant", "store", "staff__user")
        .order_by("store__name", "store_id", "kind", "pk")
    )


@transaction.atomic
def request_poster_batch(
    *, merchant: Merchant, stores: Iterable[Store], paper: str = "A4", created_by=None
) -> PosterBatch:
    """Queue a PDF of every poster of `stores`. Stores without a store or pay code get them, and
    each staff member working there gets their personal code, so the batch is complete."""
    stores = list(stores)
    if not stores:
        raise ValidationError(_("Choose at least one store."))
    if any(store.merchant_id != merchant.pk for store in stores):
        raise ValidationError(_("A store does not belong to this brand."))
    if paper not in PosterBatch.Paper.values:
        raise ValidationError(_("Choose A4 or A5."))
    for store in stores:
        entry_points.ensure_store_entry_points(store=store)
    staff = Membership.objects.filter(merchant=merchant, is_active=True, stores__in=stores).distinct()
    for membership in staff:
        has_code = EntryPoint.objects.filter(
            staff=membership, kind=EntryPoint.Kind.STAFF, is_active=True
        ).exists()
        if not has_code:
            own_store = next(s for s in stores if membership.stores.filter(pk=s.pk).exists())
            entry_points.staff_entry_point(membership=membership, store=own_store)
    batch = PosterBatch.objects.create(merchant=merchant, paper=paper, created_by=created_by)
    batch.stores.set(stores)
    batch.total = batch_entry_points(batch).count()
    batch.save(update_fields=["total"])
    from shops.tasks import build_poster_batch_task

    transaction.on_commit(lambda: build_poster_batch_task.delay(batch.pk))
    return batch


def _claim(batch_id: int) -> bool:
    now = timezone.now()
    claimable = Q(status__in=[PosterBatch.Status.PENDING, PosterBatch.Status.FAILED]) | Q(
        status=PosterBatch.Status.RUNNING, started_at__lt=now - STALE_AFTER
    )
    return bool(
        PosterBatch.objects.filter(claimable, pk=batch_id).update(
            status=PosterBatch.Status.RUNNING, started_at=now, done=0, error=""
        )
    )


def build_poster_batch(*, batch_id: int) -> PosterBatch:
    """Render the batch's PDF, updating `done` as pages are drawn (each update commits on its
    own so the back office sees progress). Returns the batch in its final state."""
    if not _claim(batch_id):
        return PosterBatch.objects.get(pk=batch_id)
    batch = PosterBatch.objects.get(pk=batch_id)
    try:
        codes = list(batch_entry_points(batch))
        total = len(codes)
        PosterBatch.objects.filter(pk=batch_id).update(total=total)

        def progress(done: int) -> None:
            if done % PROGRESS_EVERY == 0 or done == total:
                PosterBatch.objects.filter(pk=batch_id).update(done=done, started_at=timezone.now())

        pdf = posters.posters_pdf(codes, batch.paper, progress=progress, title=str(batch))
        with transaction.atomic():
            batch = PosterBatch.objects.select_for_update().get(pk=batch_id)
            batch.file.save(
                f"posters-{batch.merchant_id}-{batch.pk}-{batch.paper}.pdf", ContentFile(pdf), save=False
            )
            batch.status = PosterBatch.Status.DONE
            batch.done = batch.total = total
            batch.finished_at = timezone.now()
            batch.save(update_fields=["file", "status", "done", "total", "finished_at"])
    except Exception as error:
        PosterBatch.objects.filter(pk=batch_id).update(
            status=PosterBatch.Status.FAILED, error=f"{type(error).__name__}: {error}"[:1000]
        )
        raise
    return batch
