"""Shopper pages (cart, checkout, order status, sandbox cashier, face-to-face payment), the
gateway notify endpoint and the counter's payment feed. Thin: they call services."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from coupons import services as coupon_services
from orders import selectors, services
from orders.forms import CheckoutForm, FaceToFaceForm
from orders.models import CartItem, Channel, Order, OrderStatus, Payment
from orders.payments import gateway_for, sandbox
from orders.payments.base import GatewayError
from orders.payments.notifications import handle_notification
from orders.state import IllegalTransition
from shops import storefront
from shops.models import ChannelListing, EntryPoint, Merchant
from shops.money import format_fen
from shops.shoppers import customer_for, read_shopper_uid, remember_shopper, shopper_uid
from shops.views_portal import qr_svg


def _shop(slug: str) -> Merchant:
    merchant = storefront.storefront_merchant(slug)
    if merchant is None or not merchant.is_active:
        raise Http404
    return merchant


def _render(request, template, context, status=200):
    response = render(request, template, context, status=status)
    return remember_shopper(request, response)


# --- Cart ------------------------------------------------------------------------------------


@require_POST
def cart_add(request):
    """Add an online listing to the shopper's cart at the price they see now."""
    try:
        listing = ChannelListing.objects.select_related("merchant", "variant__product").get(
            pk=int(request.POST.get("listing", "")), store__isnull=True
        )
        quantity = max(1, min(services.MAX_QUANTITY, int(request.POST.get("quantity") or 1)))
    except (ValueError, ChannelListing.DoesNotExist):
        raise Http404 from None
    merchant = listing.merchant
    if not merchant.is_active:
        raise Http404
    cart_url = reverse("cart", kwargs={"merchant_slug": merchant.slug})
    if not listing.is_available or not listing.variant.product.is_active:
        messages.error(request, _("Sorry, this item is not available right now."))
        return remember_shopper(request, HttpResponseRedirect(cart_url))
    uid = shopper_uid(request)
    with transaction.atomic():
        item, created = CartItem.objects.select_for_update().get_or_create(
            shopper_uid=uid,
            listing=listing,
            defaults={"merchant": merchant, "quantity": quantity, "seen_price_fen": listing.price_fen},
        )
        if not created:
            item.quantity = min(services.MAX_QUANTITY, item.quantity + quantity)
            item.seen_price_fen = listing.price_fen
            item.save(update_fields=["quantity", "seen_price_fen"])
    messages.success(
        request, format_html('{} <a href="{}">{}</a>', _("Added to your cart."), cart_url, _("View cart"))
    )
    next_url = request.POST.get("next") or cart_url
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = cart_url
    return remember_shopper(request, HttpResponseRedirect(next_url))


def _cart_rows(items):
    rows, total = [], 0
    for item in items:
        listing = item.listing
        available = listing.is_available and listing.variant.product.is_active
        changed = available and listing.price_fen != item.seen_price_fen
        line_total = item.seen_price_fen * item.quantity
        if available:
            total += line_total
        rows.append(
            {
                "item": item,
                "available": available,
                "changed": changed,
                "line_total": line_total,
                "title": services._line_title(listing),
            }
        )
    return rows, total


def cart(request, merchant_slug: str):
    """The cart: change quantities, remove items; items whose price changed or that became
    unavailable since they were added are marked."""
    merchant = _shop(merchant_slug)
    uid = read_shopper_uid(request)
    if request.method == "POST" and uid is not None:
        item = CartItem.objects.filter(
            merchant=merchant, shopper_uid=uid, pk=request.POST.get("item") or 0
        ).first()
        if item is not None:
            try:
                quantity = int(request.POST.get("quantity", ""))
            except ValueError:
                quantity = item.quantity
            if request.POST.get("remove") or quantity <= 0:
                item.delete()
            else:
                item.quantity = min(services.MAX_QUANTITY, quantity)
                item.save(update_fields=["quantity"])
        return HttpResponseRedirect(reverse("cart", kwargs={"merchant_slug": merchant.slug}))
    rows, total = _cart_rows(selectors.cart_items(merchant=merchant, uid=uid) if uid else [])
    return _render(request, "orders/cart.html", {"merchant": merchant, "rows": rows, "total": total})


def checkout(request, merchant_slug: str):
    """Contact, delivery or pick-up in the scanned store, notes; then the gateway's cashier."""
    merchant = _shop(merchant_slug)
    uid = shopper_uid(request)
    store = storefront.current_store(request, merchant)
    items = selectors.cart_items(merchant=merchant, uid=uid)
    rows, total = _cart_rows(items)
    customer = customer_for(merchant=merchant, uid=uid) if items else None
    coupons = coupon_services.eligible_coupons_for_checkout(
        customer=customer, store=store, subtotal_fen=total
    )
    form = CheckoutForm(request.POST or None, pickup_store=store, coupons=coupons)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        customer = customer or customer_for(merchant=merchant, uid=uid)
        replay = Order.objects.filter(
            merchant=merchant, idempotency_key=data["idempotency_key"], customer=customer
        ).first()
        if replay is not None:  # a double submit: go on with the order already placed
            return _to_payment(request, replay)
        if not items:
            return HttpResponseRedirect(reverse("cart", kwargs={"merchant_slug": merchant.slug}))
        try:
            order = services.create_order(
                merchant=merchant,
                customer=customer,
                channel=Channel.ONLINE,
                store=store if data["fulfilment"] == "pickup" else None,
                fulfilment=data["fulfilment"],
                lines=[
                    {
                        "listing_id": item.listing_id,
                        "quantity": item.quantity,
                        "seen_price_fen": item.seen_price_fen,
                    }
                    for item in items
                ],
                contact_name=data["contact_name"],
                contact_mobile=data["contact_mobile"],
                delivery_address=data.get("delivery_address", ""),
                notes=data.get("notes", ""),
                idempotency_key=data["idempotency_key"],
                coupons=[int(data["coupon"])] if data.get("coupon") else None,
            )
        except services.CheckoutProblems as problems:
            _report_problems(request, items, problems.problems)
            return remember_shopper(
                request, HttpResponseRedirect(reverse("cart", kwargs={"merchant_slug": merchant.slug}))
            )
        except services.OrderError as error:
            form.add_error(None, str(error))
        else:
            CartItem.objects.filter(pk__in=[item.pk for item in items]).delete()
            return _to_payment(request, order)
    if request.method == "GET" and not items:
        return HttpResponseRedirect(reverse("cart", kwargs={"merchant_slug": merchant.slug}))
    return _render(
        request,
        "orders/checkout.html",
        {"merchant": merchant, "form": form, "rows": rows, "total": total, "store": store},
    )


def _report_problems(request, items, problems):
    """Tell the shopper what changed and show the cart at today's prices; never reprice silently."""
    by_listing = {item.listing_id: item for item in items}
    for problem in problems:
        item = by_listing.get(problem.listing_id)
        if problem.kind == "unavailable":
            messages.error(
                request,
                _("“%(title)s” is no longer available and was removed.") % {"title": problem.title or "?"},
            )
            if item:
                item.delete()
        else:
            messages.warning(
                request,
                _("The price of “%(title)s” changed from %(old)s to %(new)s. Please check your cart.")
                % {
                    "title": problem.title,
                    "old": format_fen(problem.seen_price_fen),
                    "new": format_fen(problem.price_fen),
                },
            )
            if item:
                item.seen_price_fen = problem.price_fen
                item.save(update_fields=["seen_price_fen"])


def _to_payment(request, order: Order):
    if order.status != OrderStatus.AWAITING_PAYMENT:
        return HttpResponseRedirect(reverse("order-status", args=[order.token]))
    gateway = gateway_for(order.merchant)
    try:
        payment = services.start_payment(order=order, gateway_name=gateway.name)
        url = gateway.start_payment(payment, request=request)
    except (services.OrderError, GatewayError) as error:
        messages.error(request, str(error))
        return HttpResponseRedirect(reverse("order-status", args=[order.token]))
    return remember_shopper(request, HttpResponseRedirect(url))


# --- Order status, payment -----------------------------------------------------------------


def order_status(request, token: str):
    order = Order.objects.select_related("merchant", "store").filter(token=token).first()
    if order is None:
        return render(request, "orders/not_found.html", {}, status=404)
    return _render(
        request,
        "orders/order_status.html",
        {
            "order": order,
            "merchant": order.merchant,
            "lines": list(order.lines.all()),
            "awaiting": order.status == OrderStatus.AWAITING_PAYMENT,
        },
    )


@require_POST
def order_pay(request, token: str):
    order = get_object_or_404(Order, token=token)
    return _to_payment(request, order)


@require_POST
def order_cancel(request, token: str):
    order = get_object_or_404(Order, token=token)
    uid = read_shopper_uid(request)
    if order.customer is None or order.customer.shopper_uid != uid:
        raise Http404
    try:
        services.cancel_order(order=order, actor_label=_("shopper"), note=_("Cancelled by the shopper"))
    except IllegalTransition as error:
        messages.error(request, str(error))
    return HttpResponseRedirect(reverse("order-status", args=[order.token]))


def sandbox_cashier(request, out_trade_no: str):
    """The sandbox's imitation of the WeChat Pay cashier: confirm, and the sandbox notifies."""
    payment = (
        Payment.objects.select_related("order__merchant")
        .filter(out_trade_no=out_trade_no, gateway="sandbox")
        .first()
    )
    if payment is None:
        return render(request, "orders/not_found.html", {}, status=404)
    order = payment.order
    if request.method == "POST":
        if payment.status == Payment.Status.PENDING and order.status == OrderStatus.AWAITING_PAYMENT:
            with transaction.atomic():
                sandbox.confirm(payment)
        return HttpResponseRedirect(reverse("order-status", args=[order.token]))
    return render(
        request,
        "orders/sandbox_cashier.html",
        {"payment": payment, "order": order, "merchant": order.merchant},
    )


def wechat_native(request, out_trade_no: str):
    """WeChat Pay Native: the code_url WeChat gave us, as a QR code to scan with WeChat."""
    payment = (
        Payment.objects.select_related("order__merchant")
        .filter(out_trade_no=out_trade_no, gateway="wechatpay")
        .first()
    )
    if payment is None or not payment.raw_resource.get("code_url"):
        return render(request, "orders/not_found.html", {}, status=404)
    return render(
        request,
        "orders/wechat_native.html",
        {
            "payment": payment,
            "order": payment.order,
            "merchant": payment.order.merchant,
            "qr": qr_svg(payment.raw_resource["code_url"], scale=6),
        },
    )


@csrf_exempt
@require_POST
def payment_notify(request, gateway: str, merchant_slug: str):
    """The notify URL a gateway posts to (WeChat Pay API v3 format)."""
    merchant = Merchant.objects.filter(slug=merchant_slug).first()
    if merchant is None:
        return JsonResponse({"code": "FAIL", "message": "unknown merchant"}, status=404)
    try:
        body = request.body.decode("utf-8")
    except UnicodeDecodeError:
        return JsonResponse({"code": "FAIL", "message": "body is not UTF-8"}, status=400)
    status, answer = handle_notification(
        gateway_name=gateway, merchant=merchant, headers=request.headers, body=body
    )
    return JsonResponse(answer, status=status, json_dumps_params={"ensure_ascii": False})


# --- Face to face -----------------------------------------------------------------------------


def f2f_pay(request, token: str):
    """The store's pay code: type the amount (and a note), pay through the gateway."""
    entry_point = storefront.live_entry_point(token)
    if (
        entry_point is None
        or entry_point.kind != EntryPoint.Kind.PAY
        or not entry_point.is_active
        or entry_point.store_id is None
        or not entry_point.merchant.is_active
    ):
        return render(
            request,
            "storefront/invalid_code.html",
            {"merchant": entry_point.merchant if entry_point else None},
            status=404,
        )
    merchant = entry_point.merchant
    form = FaceToFaceForm(request.POST or None, max_fen=services.f2f_max_fen(merchant))
    if request.method == "POST" and form.is_valid():
        customer = customer_for(merchant=merchant, uid=shopper_uid(request))
        try:
            order = services.create_face_to_face_order(
                entry_point=entry_point,
                customer=customer,
                amount_fen=form.cleaned_data["amount"],
                note=form.cleaned_data["note"],
                idempotency_key=form.cleaned_data["idempotency_key"],
            )
        except services.OrderError as error:
            form.add_error(None, str(error))
        else:
            return _to_payment(request, order)
    return _render(
        request,
        "orders/f2f_pay.html",
        {"form": form, "merchant": merchant, "store": entry_point.store, "max_fen": form.max_fen},
    )


def counter_payments(request):
    """Today's face-to-face payments in the signed-in member's stores: an HTML fragment for the
    counter page, or JSON with ?format=json."""
    membership = getattr(request, "membership", None)
    if not request.user.is_authenticated or membership is None:
        return JsonResponse({"error": _("Sign in as a member of the brand.")}, status=403)
    try:
        store_id = int(request.GET.get("store") or 0) or None
    except ValueError:
        store_id = None
    orders = list(
        selectors.todays_f2f_payments(merchant=request.merchant, membership=membership, store_id=store_id)
    )
    if request.GET.get("format") == "json":
        return JsonResponse(
            {
                "payments": [
                    {
                        "order": order.number,
                        "store": order.store.name if order.store else "",
                        "amount_fen": order.total_fen,
                        "amount_display": format_fen(order.total_fen),
                        "paid_at": order.paid_at.isoformat(),
                        "time_display": timezone.localtime(order.paid_at).strftime("%H:%M:%S"),
                        "note": order.notes,
                        "status": order.status,
                    }
                    for order in orders
                ],
                "total_fen": sum(order.total_fen for order in orders),
            },
            json_dumps_params={"ensure_ascii": False},
        )
    return render(
        request,
        "orders/_counter_payments.html",
        {"orders": orders, "total": sum(o.total_fen for o in orders)},
    )
