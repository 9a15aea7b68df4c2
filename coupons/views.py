"""Shopper pages (campaign landing, coupon centre, claim, my coupons) and the staff counter.

Thin: parse input, call coupons.services / coupons.selectors, render. Bad tokens and codes get
friendly pages, refusals a sentence on screen; nothing here changes state directly.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coupons import codes, selectors, services
from coupons.models import Campaign, CouponDefinition, Redemption
from shops import storefront
from shops.models import EntryPoint
from shops.money import yuan_to_fen
from shops.shoppers import customer_for, read_shopper_uid, remember_shopper, shopper_uid
from shops.tenancy import scope_queryset
from shops.views_portal import member_required, my_stores

mobile_validator = RegexValidator(r"^1\d{10}$", _("Enter an 11-digit mobile number."))


def _not_found(request, merchant=None, *, title=None, message=None):
    return render(
        request,
        "coupons/not_found.html",
        {
            "merchant": merchant,
            "title": title or _("This campaign is not available"),
            "message": message or _("The link or code you used does not lead to a running campaign."),
        },
        status=404,
    )


def _shopper_context(request, merchant, definitions):
    """Per definition: how many this shopper holds and whether they can claim another."""
    uid = read_shopper_uid(request)
    held = (
        selectors.claimed_counts(merchant=merchant, shopper_uid=uid, definitions=definitions) if uid else {}
    )
    rows = []
    for definition in definitions:
        mine = held.get(definition.pk, 0)
        reason = services.claimable_reason(definition)
        if not reason and mine >= definition.per_customer_limit:
            reason = _("You have claimed this coupon.")
        rows.append({"definition": definition, "mine": mine, "reason": reason})
    return rows


def campaign_landing(request, token: str):
    """`/c/<token>/`: the campaign's page with its coupons and claim buttons."""
    entry_point = storefront.live_entry_point(token)
    if entry_point is None or entry_point.kind != EntryPoint.Kind.CAMPAIGN:
        return _not_found(request)
    merchant = entry_point.merchant
    campaign = Campaign.objects.filter(entry_point=entry_point).first()
    if campaign is None or not merchant.is_active or not entry_point.is_active:
        return _not_found(request, merchant)
    if not campaign.is_live():
        return _not_found(
            request,
            merchant,
            title=_("This campaign has ended") if campaign.status == Campaign.Status.ENDED else None,
            message=_("Thanks for your interest. Have a look at the shop instead."),
        )
    definitions = selectors.claimable_definitions(merchant=merchant, campaign=campaign)
    response = render(
        request,
        "coupons/campaign_landing.html",
        {
            "merchant": merchant,
            "campaign": campaign,
            "rows": _shopper_context(request, merchant, definitions),
            "next": request.path,
        },
    )
    shopper_uid(request)
    return remember_shopper(request, response)


def coupon_center(request, merchant_slug: str):
    """`/coupons/<merchant_slug>/`: the storefront's list of coupons a shopper can claim now."""
    merchant = storefront.storefront_merchant(merchant_slug)
    if merchant is None or not merchant.is_active:
        return _not_found(request, title=_("This shop is not available"), message=" ")
    definitions = selectors.claimable_definitions(merchant=merchant)
    response = render(
        request,
        "coupons/coupon_center.html",
        {
            "merchant": merchant,
            "rows": _shopper_context(request, merchant, definitions),
            "next": request.path,
        },
    )
    shopper_uid(request)
    return remember_shopper(request, response)


def _safe_next(request, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=False):
        return target
    return fallback


@require_POST
def claim(request, definition_id: int):
    """Claim one coupon for the shopper's cookie identity. When the definition asks for a
    mobile number and the customer has none, the form asks for it first."""
    definition = (
        CouponDefinition.objects.select_related("merchant", "campaign").filter(pk=definition_id).first()
    )
    if definition is None or not definition.merchant.is_active:
        return _not_found(request)
    merchant = definition.merchant
    back = _safe_next(request, reverse("coupon-center", kwargs={"merchant_slug": merchant.slug}))
    uid = shopper_uid(request)
    customer = customer_for(merchant=merchant, uid=uid)
    if getattr(definition, "asks_mobile", False) and not customer.mobile:
        mobile = (request.POST.get("mobile") or "").strip()
        try:
            mobile_validator(mobile)
        except ValidationError as exc:
            response = render(
                request,
                "coupons/claim_contact.html",
                {
                    "merchant": merchant,
                    "definition": definition,
                    "next": back,
                    "mobile": mobile,
                    "error": exc.messages[0] if mobile else "",
                },
                status=400 if mobile else 200,
            )
            return remember_shopper(request, response)
        services.set_customer_contact(customer=customer, mobile=mobile)
    try:
        coupon = services.claim_coupon(definition=definition, customer=customer)
    except services.CouponError as exc:
        messages.warning(request, exc.messages[0])
    else:
        messages.success(
            request,
            _("Claimed: %(name)s. Find it under My coupons.") % {"name": coupon.definition.name},
        )
    return remember_shopper(request, HttpResponseRedirect(back))


def my_coupons(request):
    """`/me/coupons/`: every coupon this shopper holds, each with a QR code and a barcode."""
    uid = read_shopper_uid(request)
    coupons = selectors.shopper_coupons(shopper_uid=uid) if uid else []
    usable, past = [], []
    for coupon in coupons:
        (usable if coupon.is_usable_now else past).append(coupon)
    for coupon in usable:
        coupon.qr_svg = codes.qr_svg(coupon.code)
        coupon.barcode_svg = codes.barcode_svg(coupon.code)
    return render(request, "coupons/my_coupons.html", {"usable": usable, "past": past[:50]})


# --- the counter --------------------------------------------------------------------------------


def _counter_store(request, stores):
    wanted = request.POST.get("store") or request.GET.get("store")
    for store in stores:
        if str(store.pk) == str(wanted):
            return store
    return stores[0] if len(stores) == 1 or not wanted else None


@member_required
def counter_redeem(request):
    """GET: look up a scanned or typed code and say what it is worth and whether it can be
    used at this store now. POST: redeem it (records store, staff member, time)."""
    stores = my_stores(request)
    store = _counter_store(request, stores)
    context = {"stores": stores, "store": store, "nav_active": "counter"}
    if store is None:
        context["error"] = _("Choose one of your stores.") if stores else _("You do not work in a store yet.")
        return render(request, "coupons/counter_redeem.html", context, status=400)
    code = (request.POST.get("code") or request.GET.get("code") or "").strip()
    context["code"] = code
    if not code:
        return render(request, "coupons/counter_redeem.html", context)
    if request.method == "POST":
        bill_raw = (request.POST.get("bill") or "").strip()
        try:
            bill_fen = yuan_to_fen(bill_raw) if bill_raw else None
        except (ValueError, ValidationError, ArithmeticError):
            bill_fen = None
            context["error"] = _("Type the bill as an amount in yuan, e.g. 58.00.")
        if "error" not in context:
            try:
                redemption = services.redeem_at_counter(
                    merchant=request.merchant,
                    code=code,
                    store=store,
                    staff=request.membership,
                    bill_fen=bill_fen,
                )
            except services.CouponError as exc:
                context["error"] = exc.messages[0]
            else:
                context["redemption"] = redemption
                context["check"] = services.CodeCheck(code=redemption.coupon.code, coupon=redemption.coupon)
                return render(request, "coupons/counter_redeem.html", context)
        status = 400
    else:
        status = 200
    check = services.check_code(merchant=request.merchant, code=code, store=store)
    context["check"] = check
    if not check.ok and "error" not in context:
        context["error"] = check.reason
    return render(
        request, "coupons/counter_redeem.html", context, status=status if "error" in context else 200
    )


@member_required
@require_POST
def counter_redeem_undo(request):
    """Undo a redemption made at the counter within the last 10 minutes."""
    qs = scope_queryset(Redemption.objects.all(), request.merchant, request.membership)
    redemption = (
        qs.select_related("coupon__definition", "store")
        .filter(pk=request.POST.get("redemption") or 0)
        .first()
    )
    stores = my_stores(request)
    context = {"stores": stores, "store": redemption.store if redemption else None, "nav_active": "counter"}
    if redemption is None:
        context["error"] = _("No such redemption.")
        return render(request, "coupons/counter_redeem.html", context, status=404)
    try:
        services.undo_counter_redemption(redemption=redemption, staff=request.membership)
    except services.CouponError as exc:
        context["error"] = exc.messages[0]
        return render(request, "coupons/counter_redeem.html", context, status=400)
    context["undone"] = redemption
    context["code"] = redemption.coupon.code
    return render(request, "coupons/counter_redeem.html", context)
