"""Who may enter the merchant back office, and why not."""

from __future__ import annotations

from enum import StrEnum

from shops.models import Merchant


class Block(StrEnum):
    ANONYMOUS = "anonymous"
    NO_MERCHANT = "no_merchant"
    PENDING = "pending"
    SUSPENDED = "suspended"
    MFA_REQUIRED = "mfa_required"


def user_has_totp(user) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def backoffice_block_reason(request) -> Block | None:
    """None when the request may use the back office; otherwise the reason it may not."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_active:
        return Block.ANONYMOUS
    membership = getattr(request, "membership", None)
    if membership is None:
        return Block.NO_MERCHANT
    status = membership.merchant.status
    if status == Merchant.Status.PENDING:
        return Block.PENDING
    if status == Merchant.Status.SUSPENDED:
        return Block.SUSPENDED
    if membership.is_owner and membership.merchant.require_owner_mfa:
        cached = getattr(request, "_midpage_has_totp", None)
        if cached is None:
            cached = request._midpage_has_totp = user_has_totp(user)
        if not cached:
            return Block.MFA_REQUIRED
    return None
