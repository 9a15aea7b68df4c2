"""The site's URLs plus a deliberately naive counter redemption (read, check in Python, write)
for the counter benchmark's baseline. Never mounted outside the benchmark."""

from django.db import IntegrityError
from django.shortcuts import render
from django.urls import path
from django.utils import timezone

from config.urls import urlpatterns as site_urlpatterns
from coupons.models import Coupon, Redemption, normalise_code
from shops.views_portal import member_required, my_stores


@member_required
def naive_redeem(request):
    """Read-then-write: two requests that both read 'available' both think they redeemed. The
    Redemption row's partial unique constraint is what stops the second one here; the response
    says so (409 + X-Double) so the benchmark can count the double redemptions the Python check
    let through."""
    store = my_stores(request)[0]
    coupon = (
        Coupon.objects.select_related("definition").filter(code=normalise_code(request.POST["code"])).first()
    )
    context = {"store": store, "stores": [store]}
    now = timezone.now()
    if (
        coupon is None
        or coupon.merchant_id != request.merchant.pk
        or coupon.status != "available"
        or coupon.valid_until <= now
    ):
        context["error"] = "Cannot be used."
        return render(request, "coupons/counter_redeem.html", context, status=400)
    coupon.status = "redeemed"
    coupon.save(update_fields=["status"])
    try:
        redemption = Redemption.objects.create(
            merchant_id=coupon.merchant_id,
            coupon=coupon,
            channel="counter",
            store=store,
            staff=request.membership,
            at=now,
        )
    except IntegrityError:
        response = render(request, "coupons/counter_redeem.html", {**context, "error": "double"}, status=409)
        response["X-Double"] = "1"
        return response
    context["redemption"] = redemption
    return render(request, "coupons/counter_redeem.html", context)


urlpatterns = [path("bench/naive-redeem/", naive_redeem), *site_urlpatterns]
