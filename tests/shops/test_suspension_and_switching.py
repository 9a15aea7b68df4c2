"""Suspended brands lock their members out; people in several brands switch between them."""

import pytest
from django.test import Client
from django.urls import reverse

from shops import services
from shops.middleware import SESSION_KEY
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def client():
    """A browser that asks for English, so assertions read the source strings (the pages
    default to Simplified Chinese once catalogues are compiled)."""
    return Client(HTTP_ACCEPT_LANGUAGE="en")


def test_member_signed_in_before_suspension_is_locked_out_with_a_message(client):
    merchant = factories.MerchantFactory(name="茶语 Chayu")
    store = factories.StoreFactory(merchant=merchant)
    staff = factories.member(merchant, "staff", stores=[store])
    client.force_login(staff)
    assert client.get(reverse("backoffice:index")).status_code == 200
    store_url = reverse("backoffice:shops_store_change", args=[store.pk])
    assert client.get(store_url).status_code == 200

    services.suspend_merchant(merchant=merchant, reason="Unpaid platform fees")

    # Same session, next request: every back-office page is closed.
    for url in (reverse("backoffice:index"), store_url, reverse("backoffice:shops_store_changelist")):
        response = client.get(url, follow=True)
        assert response.redirect_chain[-1][0] == reverse("portal-home"), url
        assert response.status_code == 403, url
        body = response.content.decode()
        assert "This brand is suspended" in body
        assert "Unpaid platform fees" in body
    # Writes are refused too, and nothing changes.
    response = client.post(store_url, {"name": "Hijacked", "code": store.code, "status": "open"})
    assert response.status_code == 302
    store.refresh_from_db()
    assert store.name != "Hijacked"

    # Ops reopen it: the member is back in without signing in again.
    services.approve_merchant(merchant=merchant)
    assert client.get(reverse("backoffice:index")).status_code == 200


def test_ops_suspend_action_locks_out_owner(client):
    merchant = factories.MerchantFactory()
    owner = factories.member(merchant, "owner")
    ops = factories.UserFactory(is_staff=True, is_superuser=True)
    client.force_login(ops)
    client.post(
        reverse("admin:shops_merchant_changelist"), {"action": "suspend", "_selected_action": [merchant.pk]}
    )
    client.force_login(owner)
    response = client.get(reverse("backoffice:index"), follow=True)
    assert response.status_code == 403
    assert response.context["reason"] == "suspended"


def test_member_of_two_brands_switches_and_each_request_resolves_the_current_one(client):
    a = factories.MerchantFactory(name="Brand Alpha")
    b = factories.MerchantFactory(name="Brand Beta")
    a_store = factories.StoreFactory(merchant=a, name="Alpha Store")
    b_store = factories.StoreFactory(merchant=b, name="Beta Store")
    user = factories.member(a, "owner")
    factories.MembershipFactory(user=user, merchant=b, role="manager", stores=[b_store])
    client.force_login(user)

    def stores_listed():
        response = client.get(reverse("backoffice:shops_store_changelist"))
        assert response.status_code == 200
        return {s.name for s in response.context["cl"].queryset}

    assert stores_listed() == {"Alpha Store"}  # the first membership by default
    response = client.post(reverse("merchant-switch"), {"merchant": b.pk})
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == b.pk
    assert stores_listed() == {"Beta Store"}
    # Beta's role (manager) applies now, not Alpha's (owner): managers cannot delete stores.
    assert client.get(reverse("backoffice:shops_store_delete", args=[b_store.pk])).status_code == 403
    assert client.get(reverse("backoffice:shops_store_change", args=[a_store.pk])).status_code == 404

    # A brand the user is not a member of cannot be switched to.
    stranger = factories.MerchantFactory()
    response = client.post(reverse("merchant-switch"), {"merchant": stranger.pk})
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == b.pk
    response = client.post(reverse("merchant-switch"), {"merchant": "not-a-number"})
    assert response.status_code == 302
    assert stores_listed() == {"Beta Store"}
    # The back office's switcher comes back to the back office; foreign `next` URLs are ignored.
    response = client.post(
        reverse("merchant-switch"), {"merchant": a.pk, "next": reverse("backoffice:index")}
    )
    assert response["Location"] == reverse("backoffice:index")
    assert stores_listed() == {"Alpha Store"}
    response = client.post(reverse("merchant-switch"), {"merchant": b.pk, "next": "https://evil.example/"})
    assert response["Location"] == reverse("portal-home")
    assert stores_listed() == {"Beta Store"}
    # Switching is a POST (no CSRF-able GET).
    assert client.get(reverse("merchant-switch")).status_code == 405


def test_suspended_brand_does_not_hide_a_live_one(client):
    """A member of a suspended brand and a live one lands in the live one by default."""
    suspended = factories.MerchantFactory(status="suspended")
    live = factories.MerchantFactory(name="Live Brand")
    user = factories.member(suspended, "owner")
    factories.MembershipFactory(user=user, merchant=live, role="owner")
    client.force_login(user)
    response = client.get(reverse("backoffice:index"))
    assert response.status_code == 200
    assert response.context["current_membership"].merchant == live
    # Choosing the suspended one explicitly shows the lock-out page, with a way back.
    client.post(reverse("merchant-switch"), {"merchant": suspended.pk})
    response = client.get(reverse("portal-home"))
    assert response.status_code == 403
    assert "Live Brand" in response.content.decode()
    client.post(reverse("merchant-switch"), {"merchant": live.pk})
    assert client.get(reverse("backoffice:index")).status_code == 200


def test_inactive_membership_is_locked_out(client):
    merchant = factories.MerchantFactory()
    user = factories.member(merchant, "staff", stores=[factories.StoreFactory(merchant=merchant)])
    client.force_login(user)
    assert client.get(reverse("backoffice:index")).status_code == 200
    user.memberships.update(is_active=False)
    response = client.get(reverse("backoffice:index"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("merchant-create")
