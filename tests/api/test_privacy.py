"""Personal-information requests: a shopper asks from the storefront, the merchant handles it
in the back office; erasure masks personal fields and keeps amounts; who and when recorded."""

import uuid

import pytest
from django.core.exceptions import ValidationError
from django.test.utils import isolate_apps

from shops import privacy
from shops.models import Customer
from shops.models_api import PersonalDataRequest
from shops.shoppers import COOKIE_NAME, COOKIE_SALT
from tests.factories import CustomerFactory, MerchantFactory, StoreFactory, member

pytestmark = pytest.mark.django_db


def _shopper_cookie(client, uid):
    from django.core.signing import get_cookie_signer

    client.cookies[COOKIE_NAME] = get_cookie_signer(salt=COOKIE_NAME + COOKIE_SALT).sign(str(uid))


def test_shopper_request_reaches_the_merchant_queue(client):
    merchant = MerchantFactory()
    uid = uuid.uuid4()
    customer = CustomerFactory(merchant=merchant, shopper_uid=uid, name="王小明")
    _shopper_cookie(client, uid)
    page = client.get(f"/shop/{merchant.slug}/privacy/")
    assert page.status_code == 200
    response = client.post(f"/shop/{merchant.slug}/privacy/", {"kind": "erasure", "message": "please"})
    assert response.status_code == 302
    request = PersonalDataRequest.objects.get()
    assert (request.merchant, request.customer, request.kind) == (merchant, customer, "erasure")
    # Asking twice does not queue two.
    client.post(f"/shop/{merchant.slug}/privacy/", {"kind": "erasure"})
    assert PersonalDataRequest.objects.count() == 1
    # The owner sees it in the back office queue; another merchant's owner does not.
    owner = member(merchant, "owner")
    client.force_login(owner)
    assert "王小明" in client.get("/backoffice/shops/personaldatarequest/").content.decode()


def test_a_stranger_cannot_file_a_request(client):
    merchant = MerchantFactory()
    _shopper_cookie(client, uuid.uuid4())
    client.post(f"/shop/{merchant.slug}/privacy/", {"kind": "access"})
    assert not PersonalDataRequest.objects.exists()
    with pytest.raises(ValidationError):
        privacy.submit_request(merchant=merchant, uid=uuid.uuid4(), kind="access")


def test_access_request_shows_the_data_once_fulfilled(client):
    merchant = MerchantFactory()
    uid = uuid.uuid4()
    CustomerFactory(merchant=merchant, shopper_uid=uid, mobile="13912345678")
    request = privacy.submit_request(merchant=merchant, uid=uid, kind="access")
    _shopper_cookie(client, uid)
    assert "13912345678" not in client.get(f"/shop/{merchant.slug}/privacy/").content.decode()
    owner = member(merchant, "owner")
    privacy.fulfil_access(request=request, handled_by=owner)
    assert "13912345678" in client.get(f"/shop/{merchant.slug}/privacy/").content.decode()
    request.refresh_from_db()
    assert request.handled_by == owner and request.handled_at is not None


def test_erasure_masks_personal_fields_keeps_the_rest_and_records_who(client):
    merchant = MerchantFactory()
    StoreFactory(merchant=merchant)
    uid = uuid.uuid4()
    customer = CustomerFactory(
        merchant=merchant, shopper_uid=uid, name="李雷", mobile="13800000001", email="li@example.com"
    )
    other = CustomerFactory(merchant=merchant, name="韩梅梅", mobile="13800000002")
    request = privacy.submit_request(merchant=merchant, uid=uid, kind="erasure")
    owner = member(merchant, "owner")
    client.force_login(owner)
    client.post(
        "/backoffice/shops/personaldatarequest/",
        {"action": "fulfil", "_selected_action": [request.pk]},
        follow=True,
    )
    customer.refresh_from_db()
    assert (customer.name, customer.mobile, customer.email) == ("", "", "")
    assert customer.erased_at is not None
    other.refresh_from_db()
    assert other.name == "韩梅梅"
    request.refresh_from_db()
    assert request.status == PersonalDataRequest.Status.DONE
    assert request.handled_by == owner
    assert request.handled_at is not None
    # Handling twice is refused.
    with pytest.raises(ValidationError):
        privacy.fulfil_erasure(request=request, handled_by=owner)


@isolate_apps("shops")
def test_generic_personal_fields_on_models_pointing_at_customers():
    from django.db import models

    class FakeOrder(models.Model):
        customer = models.ForeignKey(Customer, on_delete=models.CASCADE)
        contact_name = models.CharField(max_length=50)
        contact_phone = models.CharField(max_length=20)
        product_title = models.CharField(max_length=50)
        total_fen = models.BigIntegerField()

        class Meta:
            app_label = "shops"
            managed = False

        def __str__(self):
            return self.contact_name

    names = {f.name for f in privacy.personal_fields(FakeOrder)}
    assert names == {"contact_name", "contact_phone"}


def test_rejection_needs_a_reason():
    merchant = MerchantFactory()
    uid = uuid.uuid4()
    CustomerFactory(merchant=merchant, shopper_uid=uid)
    request = privacy.submit_request(merchant=merchant, uid=uid, kind="erasure")
    with pytest.raises(ValidationError):
        privacy.reject_request(request=request, handled_by=None, note=" ")
    privacy.reject_request(request=request, handled_by=None, note="Outstanding refund")
    request.refresh_from_db()
    assert request.status == "rejected"


def test_erasure_masks_order_contacts_but_keeps_amounts(client):
    from orders.models import Order
    from tests.orders.factories import paid_order

    merchant = MerchantFactory()
    uid = uuid.uuid4()
    customer = CustomerFactory(merchant=merchant, shopper_uid=uid, name="王小明", mobile="13812345678")
    order = paid_order(merchant, customer=customer)
    total, lines = order.total_fen, list(order.lines.values_list("line_total_fen", flat=True))
    request = privacy.submit_request(merchant=merchant, uid=uid, kind="erasure")
    privacy.fulfil_erasure(request=request, handled_by=None)
    order = Order.objects.get(pk=order.pk)
    assert (order.contact_name, order.contact_mobile, order.delivery_address) == ("", "", "")
    assert order.total_fen == total
    assert list(order.lines.values_list("line_total_fen", flat=True)) == lines
    assert order.status == "paid"


def test_access_shows_the_shoppers_orders_not_merchant_bookkeeping(client):
    from tests.orders.factories import paid_order

    merchant = MerchantFactory()
    uid = uuid.uuid4()
    customer = CustomerFactory(merchant=merchant, shopper_uid=uid)
    paid_order(merchant, customer=customer)
    tables = {name for name, _columns, _rows in privacy.data_about(customer)}
    assert {"shops_customer", "orders_order", "orders_orderline"} <= tables
    assert "attribution_rebateledgerline" not in tables
