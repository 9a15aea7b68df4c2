"""Celery tasks for shops: thin wrappers over services, safe to run twice."""

from celery import shared_task


@shared_task(name="shops.build_poster_batch")
def build_poster_batch_task(batch_id: int) -> str:
    """Render a poster batch (see shops.poster_batches.build_poster_batch)."""
    from shops.poster_batches import build_poster_batch

    return build_poster_batch(batch_id=batch_id).status
