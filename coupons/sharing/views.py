"""The public sharing rulebook at /rules/ (merchants read it before they write)."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from coupons.sharing.rulebook import current_version


@require_GET
def rules_page(request):
    from coupons.models import SharingRule

    rules = SharingRule.objects.filter(active=True).order_by("position", "code")
    return render(request, "coupons/sharing_rules.html", {"rules": rules, "version": current_version()})
