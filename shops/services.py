"""Every change of state for merchants, members and invitations."""

from __future__ import annotations

from collections.abc import Iterable

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from shops.models import Invitation, Membership, Merchant, Store

User = get_user_model()


def _unique_slug(name: str) -> str:
    base = slugify(name, allow_unicode=False)[:50] or "brand"
    slug, n = base, 1
    while Merchant.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def create_merchant(*, owner, name: str, contact_email: str = "", contact_phone: str = "") -> Merchant:
    """Create a pending merchant with `owner` as its owner. Ops approve it before it goes live."""
    merchant = Merchant.objects.create(
        name=name.strip(),
        slug=_unique_slug(name),
        contact_email=contact_email or owner.email,
        contact_phone=contact_phone,
        status=Merchant.Status.PENDING,
    )
    Membership.objects.create(user=owner, merchant=merchant, role=Membership.Role.OWNER)
    return merchant


def _set_status(merchant: Merchant, status: str, reason: str) -> Merchant:
    merchant.status = status
    merchant.status_reason = reason
    merchant.status_changed_at = timezone.now()
    merchant.save(update_fields=["status", "status_reason", "status_changed_at"])
    return merchant


@transaction.atomic
def approve_merchant(*, merchant: Merchant, reason: str = "") -> Merchant:
    """Pending or suspended → active. Idempotent."""
    merchant = Merchant.objects.select_for_update().get(pk=merchant.pk)
    if merchant.status == Merchant.Status.ACTIVE:
        return merchant
    return _set_status(merchant, Merchant.Status.ACTIVE, reason)


@transaction.atomic
def suspend_merchant(*, merchant: Merchant, reason: str) -> Merchant:
    """Active or pending → suspended: its members are locked out of the back office at once,
    and its QR codes and storefront show "this shop is not available"."""
    merchant = Merchant.objects.select_for_update().get(pk=merchant.pk)
    if merchant.status == Merchant.Status.SUSPENDED:
        return merchant
    return _set_status(merchant, Merchant.Status.SUSPENDED, reason)


def _check_stores(merchant: Merchant, stores: Iterable[Store]) -> list[Store]:
    stores = list(stores)
    if any(store.merchant_id != merchant.pk for store in stores):
        raise ValidationError(_("A store does not belong to this brand."))
    return stores


def validate_invitation(*, merchant: Merchant, email: str, role: str, stores: Iterable[Store]) -> list[Store]:
    """Raise ValidationError (per field) unless this invitation may be sent."""
    stores = _check_stores(merchant, stores)
    if role not in (Membership.Role.MANAGER, Membership.Role.STAFF):
        raise ValidationError({"role": _("Invite managers or staff; a brand has one owner.")})
    if not stores:
        raise ValidationError({"stores": _("Choose at least one store for this person.")})
    if Membership.objects.filter(
        merchant=merchant, user__email__iexact=email.strip(), is_active=True
    ).exists():
        raise ValidationError({"email": _("This person is already a member of your brand.")})
    return stores


@transaction.atomic
def invite_member(
    *,
    merchant: Merchant,
    invited_by,
    email: str,
    role: str,
    stores: Iterable[Store] = (),
    display_name: str = "",
) -> Invitation:
    """Create an invitation and email its link. Managers and staff must work in at least one store."""
    stores = validate_invitation(merchant=merchant, email=email, role=role, stores=stores)
    email = email.strip().lower()
    invitation = Invitation.objects.create(
        merchant=merchant, email=email, role=role, invited_by=invited_by, display_name=display_name
    )
    invitation.stores.set(stores)
    # Mailed by a worker after commit, so a slow mail server never holds up the back office.
    from shops.tasks import send_invitation_email as send_task

    transaction.on_commit(lambda: send_task.delay(invitation.pk))
    return invitation


def invitation_url(invitation: Invitation) -> str:
    return settings.SITE_URL + reverse("invitation-accept", args=[invitation.token])


def send_invitation_email(*, invitation: Invitation) -> None:
    context = {"invitation": invitation, "url": invitation_url(invitation)}
    send_mail(
        subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX
        + _("%(brand)s invites you to Midpage") % {"brand": invitation.merchant.name},
        message=render_to_string("shops/email/invitation.txt", context),
        from_email=None,
        recipient_list=[invitation.email],
    )


@transaction.atomic
def accept_invitation(
    *, invitation: Invitation, user=None, password: str | None = None, name: str = ""
) -> Membership:
    """Join the merchant. Without `user`, creates one with `password` (the invite link proves
    the email address, so it is recorded as verified)."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_usable:
        raise ValidationError(_("This invitation has expired or was already used."))
    if user is None:
        if User.objects.filter(email__iexact=invitation.email).exists():
            raise ValidationError(_("An account with this email exists: sign in to accept."))
        user = User.objects.create_user(
            username=invitation.email[:150], email=invitation.email, password=password, first_name=name[:150]
        )
    elif user.email.lower() != invitation.email.lower():
        raise ValidationError(_("This invitation was sent to another email address."))
    EmailAddress.objects.update_or_create(
        user=user, email=invitation.email, defaults={"verified": True, "primary": True}
    )
    membership, _created = Membership.objects.update_or_create(
        user=user,
        merchant=invitation.merchant,
        defaults={
            "role": invitation.role,
            "is_active": True,
            "display_name": invitation.display_name or name,
        },
    )
    membership.stores.set(invitation.stores.all())
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    return membership
