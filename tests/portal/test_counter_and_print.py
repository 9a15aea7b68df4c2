"""The counter page (redeem, payments, pay code) and the printing page."""

import pytest
from django.urls import reverse

from shops.models import EntryPoint
from tests import factories

pytestmark = pytest.mark.django_db


def test_counter_shows_the_store_pay_code_making_it_once(client, brand):
    client.force_login(brand.staff)
    response = client.get(reverse("counter"))
    assert response.status_code == 200
    pay = EntryPoint.objects.get(kind="pay", store=brand.jingan, is_active=True)
    assert response.context["pay_code"] == pay
    html = response.content.decode()
    assert "<svg" in html and 'id="pay-code-panel"' in html
    client.get(reverse("counter"))
    assert EntryPoint.objects.filter(kind="pay", store=brand.jingan).count() == 1


def test_staff_cannot_open_another_stores_counter(client, brand):
    client.force_login(brand.staff)
    response = client.get(reverse("counter"), {"store": brand.xuhui.pk})
    assert response.context["store"] == brand.jingan


def test_manager_switches_between_their_stores(client, brand):
    client.force_login(brand.manager)
    response = client.get(reverse("counter"), {"store": brand.xuhui.pk})
    assert response.context["store"] == brand.xuhui
    assert "c-store" in response.content.decode()


def test_counter_without_a_store_explains(client, brand):
    client.force_login(factories.member(brand.merchant, "staff"))
    response = client.get(reverse("counter"))
    assert response.status_code == 200 and response.context["store"] is None


def test_print_page_lists_store_codes_with_poster_downloads(client, brand):
    store_code = factories.EntryPointFactory(merchant=brand.merchant, store=brand.jingan)
    staff_code = brand.staff_code(brand.staff)
    client.force_login(brand.manager)
    response = client.get(reverse("portal-print"))
    assert response.status_code == 200
    html = response.content.decode()
    poster = reverse("backoffice:shops_entrypoint_poster", args=[store_code.pk, "a4.pdf"])
    assert poster in html
    assert reverse("backoffice:shops_entrypoint_poster", args=[staff_code.pk, "a4.pdf"]) in html


def test_staff_print_their_own_code_and_their_stores_not_colleagues(client, brand):
    own = brand.staff_code(brand.staff)
    colleague = factories.member(brand.merchant, "staff", stores=[brand.jingan])
    theirs = brand.staff_code(colleague)
    store_code = factories.EntryPointFactory(merchant=brand.merchant, store=brand.jingan)
    client.force_login(brand.staff)
    html = client.get(reverse("portal-print")).content.decode()
    assert reverse("my-code-download", args=[own.pk, "a4.pdf"]) in html
    assert reverse("my-code-download", args=[store_code.pk, "a4.pdf"]) in html
    assert f"/{theirs.pk}/" not in html
    # The staff download link really serves the PDF.
    response = client.get(reverse("my-code-download", args=[own.pk, "a4.pdf"]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
