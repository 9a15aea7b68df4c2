"""Celery tasks for shops: thin wrappers over services, safe to run twice."""

from celery import shared_task


@shared_task(name="shops.build_poster_batch")
def build_poster_batch_task(batch_id: int) -> str:
    """Render a poster batch (see shops.poster_batches.build_poster_batch)."""
    from shops.poster_batches import build_poster_batch

    return build_poster_batch(batch_id=batch_id).status


@shared_task(name="shops.send_invitation_email", ignore_result=True)
def send_invitation_email(invitation_id: int) -> None:
    """Mail an invitation's link. An invitation already accepted (or deleted) is not mailed;
    running twice mails twice, which is harmless (same link)."""
    from shops.models import Invitation
    from shops.services import send_invitation_email as send

    invitation = (
        Invitation.objects.select_related("merchant")
        .filter(pk=invitation_id, accepted_at__isnull=True)
        .first()
    )
    if invitation is not None:
        send(invitation=invitation)
