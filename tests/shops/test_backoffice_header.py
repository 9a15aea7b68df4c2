"""The back office says whose brand it is, in which role, and lets multi-brand people switch."""

import pytest
from django.test import Client
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def client():
    """A browser that asks for English, so assertions read the source strings (the pages
    default to Simplified Chinese once catalogues are compiled)."""
    return Client(HTTP_ACCEPT_LANGUAGE="en")


def _header(response) -> str:
    body = response.content.decode()
    return body[body.index('<header id="header">') : body.index("</header>")]


def test_header_shows_brand_and_role_without_switcher_for_one_brand(client):
    merchant = factories.MerchantFactory(name="茶语 Chayu")
    store = factories.StoreFactory(merchant=merchant)
    staff = factories.member(merchant, "staff", stores=[store])
    client.force_login(staff)
    response = client.get(reverse("backoffice:shops_store_changelist"))
    header = _header(response)
    assert "茶语 Chayu" in header
    assert 'data-role="staff"' in header
    assert 'name="merchant"' not in header  # nothing to switch to
    assert reverse("account_logout") in header
    assert "茶语 Chayu" in response.content.decode().split("<title>")[1].split("</title>")[0]


def test_member_of_several_brands_gets_a_switcher(client):
    alpha = factories.MerchantFactory(name="Alpha Tea")
    beta = factories.MerchantFactory(name="Beta Wear", status="pending")
    gone = factories.MerchantFactory(name="Gone Brand")
    user = factories.member(alpha, "owner")
    factories.MembershipFactory(user=user, merchant=beta, role="owner")
    factories.MembershipFactory(user=user, merchant=gone, role="staff", is_active=False)
    client.force_login(user)
    header = _header(client.get(reverse("backoffice:index")))
    assert 'data-role="owner"' in header
    assert f'action="{reverse("merchant-switch")}"' in header
    assert f'value="{alpha.pk}" selected' in header
    assert f'value="{beta.pk}"' in header
    assert "Beta Wear" in header
    assert "Gone Brand" not in header  # a membership that ended is not offered

    client.post(reverse("merchant-switch"), {"merchant": beta.pk})
    # Beta is pending: the portal explains, and offers the way back to Alpha.
    response = client.get(reverse("portal-home"))
    assert response.context["reason"] == "pending"
    assert f'value="{alpha.pk}"' in response.content.decode()


def test_ops_admin_keeps_its_own_header(client):
    ops = factories.UserFactory(is_staff=True, is_superuser=True)
    merchant = factories.MerchantFactory(name="Some Brand")
    factories.MembershipFactory(user=ops, merchant=merchant, role="owner")
    client.force_login(ops)
    header = _header(client.get(reverse("admin:index")))
    assert "Midpage ops" in header
    assert "Some Brand" not in header
    assert 'name="merchant"' not in header
