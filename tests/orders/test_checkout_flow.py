"""A shopper buys online: cart kept by cookie, checkout, sandbox cashier, order paid."""

import pytest
from django.urls import reverse

from orders.models import CartItem, Order, OrderStatus
from shops import storefront
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop():
    merchant = factories.MerchantFactory()
    store = factories.StoreFactory(merchant=merchant)
    tea = factories.ListingFactory(merchant=merchant, price_fen=2800)
    cup = factories.ListingFactory(merchant=merchant, price_fen=1550)
    return merchant, store, tea, cup


def _add(client, listing, quantity=1):
    return client.post(
        reverse("cart-add"), {"listing": listing.pk, "quantity": quantity, "next": "/elsewhere/"}
    )


def _checkout(client, merchant, **data):
    page = client.get(reverse("checkout", kwargs={"merchant_slug": merchant.slug}))
    key = page.context["form"]["idempotency_key"].value()
    form = {
        "contact_name": "王芳",
        "contact_mobile": "13912345678",
        "fulfilment": "delivery",
        "delivery_address": "上海市徐汇区1号",
        "notes": "",
        "idempotency_key": key,
    }
    form.update(data)
    return client.post(reverse("checkout", kwargs={"merchant_slug": merchant.slug}), form)


def test_buy_two_items_pay_in_the_sandbox_and_see_paid(client, shop, django_capture_on_commit_callbacks):
    merchant, _store, tea, cup = shop
    assert _add(client, tea, 2)["Location"] == "/elsewhere/"
    _add(client, cup)
    cart = client.get(reverse("cart", kwargs={"merchant_slug": merchant.slug}))
    assert cart.status_code == 200 and "¥71.50" in cart.content.decode()

    response = _checkout(client, merchant)
    assert response.status_code == 302 and "/pay/cashier/" in response["Location"]
    order = Order.objects.get()
    assert order.total_fen == 2 * 2800 + 1550 and order.channel == "online" and order.customer is not None
    assert not CartItem.objects.exists()

    cashier = client.get(response["Location"])
    assert "¥71.50" in cashier.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(response["Location"])
    assert done["Location"] == reverse("order-status", args=[order.token])
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    page = client.get(done["Location"])
    assert page.status_code == 200 and order.get_status_display() in page.content.decode()


def test_the_cart_is_kept_for_the_shopper_cookie_only(client, shop):
    merchant, _store, tea, _cup = shop
    _add(client, tea)
    from django.test import Client

    assert "¥28.00" in client.get(reverse("cart", kwargs={"merchant_slug": merchant.slug})).content.decode()
    other = Client()
    assert (
        "¥28.00" not in other.get(reverse("cart", kwargs={"merchant_slug": merchant.slug})).content.decode()
    )


def test_price_change_since_adding_is_reported_and_not_charged(client, shop):
    merchant, _store, tea, _cup = shop
    _add(client, tea)
    tea.price_fen = 3000
    tea.save()
    response = _checkout(client, merchant)
    assert response["Location"] == reverse("cart", kwargs={"merchant_slug": merchant.slug})
    assert not Order.objects.exists()
    page = client.get(response["Location"]).content.decode()
    assert "¥28.00" in page and "¥30.00" in page  # told old and new
    response = _checkout(client, merchant)  # the shopper has now seen the new price
    assert Order.objects.get().total_fen == 3000


def test_double_submit_places_one_order(client, shop):
    merchant, _store, tea, _cup = shop
    _add(client, tea)
    page = client.get(reverse("checkout", kwargs={"merchant_slug": merchant.slug}))
    key = page.context["form"]["idempotency_key"].value()
    form = {
        "contact_name": "王芳",
        "contact_mobile": "13912345678",
        "fulfilment": "delivery",
        "delivery_address": "上海",
        "idempotency_key": key,
    }
    first = client.post(reverse("checkout", kwargs={"merchant_slug": merchant.slug}), form)
    second = client.post(reverse("checkout", kwargs={"merchant_slug": merchant.slug}), form)
    assert Order.objects.count() == 1
    assert first["Location"] == second["Location"]


def test_bad_mobile_is_a_form_error_not_a_500(client, shop):
    merchant, _store, tea, _cup = shop
    _add(client, tea)
    response = _checkout(client, merchant, contact_mobile="12345")
    assert response.status_code == 200 and response.context["form"].errors["contact_mobile"]
    assert not Order.objects.exists()


def test_pickup_in_the_scanned_store(client, shop):
    merchant, store, tea, _cup = shop
    response = client.get("/")
    storefront.remember_store(response, request=response.wsgi_request, store=store)
    client.cookies.update(response.cookies)
    _add(client, tea)
    _checkout(client, merchant, fulfilment="pickup", delivery_address="")
    order = Order.objects.get()
    assert order.fulfilment == "pickup" and order.store == store


def test_pickup_is_not_offered_without_a_scanned_store(client, shop):
    merchant, _store, tea, _cup = shop
    _add(client, tea)
    response = _checkout(client, merchant, fulfilment="pickup", delivery_address="")
    assert response.status_code == 200 and not Order.objects.exists()


def test_bad_input_is_never_a_500(client, shop):
    merchant, *_ = shop
    assert client.post(reverse("cart-add"), {"listing": "abc"}).status_code == 404
    assert client.post(reverse("cart-add"), {"listing": "999999"}).status_code == 404
    assert client.get(reverse("order-status", args=["nope"])).status_code == 404
    assert client.get(reverse("sandbox-cashier", args=["nope"])).status_code == 404
    assert client.get(reverse("cart", kwargs={"merchant_slug": "no-such-shop"})).status_code == 404


def test_shopper_can_cancel_an_unpaid_order(client, shop):
    merchant, _store, tea, _cup = shop
    _add(client, tea)
    _checkout(client, merchant)
    order = Order.objects.get()
    client.post(reverse("order-cancel", args=[order.token]))
    order.refresh_from_db()
    assert order.status == "cancelled"
