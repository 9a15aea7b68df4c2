import pytest
from django.urls import reverse

from orders.models import MerchantPaymentSettings, Order
from shops.models import EntryPoint
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def pay_code():
    return factories.EntryPointFactory(kind=EntryPoint.Kind.PAY)


def _pay(client, pay_code, amount, note=""):
    url = reverse("f2f-pay", args=[pay_code.token])
    key = client.get(url).context["form"]["idempotency_key"].value()
    return client.post(url, {"amount": amount, "note": note, "idempotency_key": key})


def test_pay_at_the_counter_and_see_it_on_the_counter_feed(
    client, pay_code, django_capture_on_commit_callbacks
):
    response = _pay(client, pay_code, "88.80", "桌号 3")
    assert "/pay/cashier/" in response["Location"]
    order = Order.objects.get()
    assert (order.channel, order.store, order.total_fen, order.notes) == (
        "face_to_face",
        pay_code.store,
        8880,
        "桌号 3",
    )
    with django_capture_on_commit_callbacks(execute=True):
        receipt = client.post(response["Location"])
    page = client.get(receipt["Location"]).content.decode()
    assert "¥88.80" in page
    order.refresh_from_db()
    assert order.status == "paid"

    staff = factories.member(pay_code.merchant, role="staff", stores=[pay_code.store])
    client.force_login(staff)
    feed = client.get(reverse("counter-payments"))
    assert feed.status_code == 200 and "¥88.80" in feed.content.decode()
    data = client.get(reverse("counter-payments"), {"format": "json"}).json()
    assert data["payments"][0]["amount_fen"] == 8880 and data["total_fen"] == 8880


def test_counter_feed_shows_only_the_staff_members_stores(
    client, pay_code, django_capture_on_commit_callbacks
):
    response = _pay(client, pay_code, "10")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(response["Location"])
    other_store = factories.StoreFactory(merchant=pay_code.merchant)
    elsewhere = factories.member(pay_code.merchant, role="staff", stores=[other_store])
    client.force_login(elsewhere)
    assert client.get(reverse("counter-payments"), {"format": "json"}).json()["payments"] == []
    outsider = factories.member(factories.MerchantFactory())
    client.force_login(outsider)
    assert client.get(reverse("counter-payments"), {"format": "json"}).json()["payments"] == []


def test_counter_feed_needs_a_member(client):
    assert client.get(reverse("counter-payments")).status_code == 403


@pytest.mark.parametrize("amount", ["0", "-1", "1.234", "abc", "50000.01"])
def test_bad_amounts_are_refused_with_a_message(client, pay_code, amount):
    response = _pay(client, pay_code, amount)
    assert response.status_code == 200 and response.context["form"].errors
    assert not Order.objects.exists()


def test_the_merchant_sets_its_own_maximum(client, pay_code):
    MerchantPaymentSettings.objects.create(merchant=pay_code.merchant, f2f_max_fen=10000)
    assert _pay(client, pay_code, "100.01").status_code == 200
    assert _pay(client, pay_code, "100.00").status_code == 302


def test_one_fen_precision(client, pay_code):
    _pay(client, pay_code, "0.01")
    assert Order.objects.get().total_fen == 1


def test_revoked_or_non_pay_codes_get_a_friendly_404(client, pay_code):
    store_code = factories.EntryPointFactory(merchant=pay_code.merchant, store=pay_code.store)
    assert client.get(reverse("f2f-pay", args=[store_code.token])).status_code == 404
    pay_code.is_active = False
    pay_code.save()
    assert client.get(reverse("f2f-pay", args=[pay_code.token])).status_code == 404
    assert client.get(reverse("f2f-pay", args=["x" * 20])).status_code == 404


def test_scanning_a_pay_code_opens_the_keypad(client, pay_code):
    response = client.get(reverse("scan", args=[pay_code.token]))
    assert response["Location"] == reverse("f2f-pay", args=[pay_code.token])
