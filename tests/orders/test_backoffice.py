import pytest
from django.urls import reverse

from orders.models import Order, OrderStatus
from tests import factories
from tests.orders.factories import online_order, paid_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner_client(client):
    merchant = factories.MerchantFactory()
    client.force_login(factories.member(merchant, role="owner"))
    return client, merchant


def test_list_filters_detail_timeline(owner_client):
    client, merchant = owner_client
    paid = paid_order(merchant)
    unpaid = online_order(merchant)
    changelist = reverse("backoffice:orders_order_changelist")
    page = client.get(changelist).content.decode()
    assert paid.number in page and unpaid.number in page
    page = client.get(changelist, {"status__exact": "paid"}).content.decode()
    assert paid.number in page and unpaid.number not in page
    assert client.get(changelist, {"channel__exact": "online"}).status_code == 200
    detail = client.get(reverse("backoffice:orders_order_change", args=[paid.pk])).content.decode()
    assert "awaiting_payment" in detail or "Awaiting payment" in detail or "待付款" in detail
    assert reverse("backoffice:orders_order_fulfil", args=[paid.pk]) in detail


def test_fulfil_then_refund_one_line_from_the_back_office(owner_client, django_capture_on_commit_callbacks):
    client, merchant = owner_client
    order = paid_order(merchant, prices=(1000, 2500))
    client.post(reverse("backoffice:orders_order_fulfil", args=[order.pk]))
    order.refresh_from_db()
    assert order.status == OrderStatus.FULFILLED
    line = order.lines.get(unit_price_fen=2500)
    url = reverse("backoffice:orders_order_refund", args=[order.pk])
    assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"mode": "lines", f"line_{line.pk}": 1, "reason": "破损"})
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == OrderStatus.PARTIALLY_REFUNDED and order.refunded_fen == 2500
    too_much = client.post(url, {"mode": "amount", "amount": "10.01"})
    assert too_much.status_code == 200 and "10.00" in too_much.content.decode()
    order.refresh_from_db()
    assert order.refunded_fen == 2500


def test_csv_export(owner_client):
    client, merchant = owner_client
    order = paid_order(merchant)
    response = client.post(
        reverse("backoffice:orders_order_changelist"),
        {"action": "export_csv", "_selected_action": [order.pk]},
    )
    text = response.content.decode("utf-8-sig")
    assert response["Content-Type"].startswith("text/csv")
    assert order.number in text and "35.00" in text


def test_staff_cannot_refund_and_other_merchants_get_404(client):
    merchant = factories.MerchantFactory()
    store = factories.StoreFactory(merchant=merchant)
    order = paid_order(merchant)
    Order.objects.filter(pk=order.pk).update(store=store)
    client.force_login(factories.member(merchant, role="staff", stores=[store]))
    assert (
        client.post(reverse("backoffice:orders_order_refund", args=[order.pk]), {"mode": "full"}).status_code
        == 403
    )
    client.force_login(factories.member(factories.MerchantFactory(), role="owner"))
    assert client.get(reverse("backoffice:orders_order_refund", args=[order.pk])).status_code == 404
    assert client.post(reverse("backoffice:orders_order_fulfil", args=[order.pk])).status_code == 404
