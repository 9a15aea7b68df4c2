"""Resolve the signed-in user's current merchant once per request."""

from shops.models import Membership

SESSION_KEY = "current_merchant_id"


def resolve_membership(request) -> Membership | None:
    """The membership the user is working in: the one chosen in the session if it is still
    valid, else the first one whose merchant is live, else the first one at all."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    memberships = list(
        Membership.objects.filter(user=user, is_active=True)
        .select_related("merchant")
        .order_by("created_at", "id")
    )
    if not memberships:
        return None
    wanted = request.session.get(SESSION_KEY)
    for membership in memberships:
        if membership.merchant_id == wanted:
            return membership
    live = [m for m in memberships if m.merchant.is_active]
    return (live or memberships)[0]


class CurrentMerchantMiddleware:
    """Sets `request.membership` (may belong to a pending or suspended merchant) and
    `request.merchant` (only when that merchant is active; None otherwise)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        membership = resolve_membership(request)
        request.membership = membership
        request.merchant = membership.merchant if membership and membership.merchant.is_active else None
        return self.get_response(request)
