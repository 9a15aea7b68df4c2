"""Celery tasks of shops: thin wrappers over shops.services, dispatched after commit."""

from celery import shared_task


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
