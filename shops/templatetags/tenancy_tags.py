"""Template helpers for pages that show which brand a member is working in."""

from django import template

from shops.models import Membership

register = template.Library()


@register.simple_tag(takes_context=True)
def brand_memberships(context) -> list[Membership]:
    """The signed-in user's active memberships, for the brand switcher (one query per page)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    return list(
        Membership.objects.filter(user=user, is_active=True)
        .select_related("merchant")
        .order_by("merchant__name", "id")
    )
