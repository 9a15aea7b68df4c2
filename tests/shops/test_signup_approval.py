"""A brand owner's first day: sign up, verify the email, create the brand, wait, get approved."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse

from shops.models import Membership, Merchant
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def client():
    """A browser that asks for English, so assertions read the source strings (the pages
    default to Simplified Chinese once catalogues are compiled)."""
    return Client(HTTP_ACCEPT_LANGUAGE="en")


PASSWORD = "tea-leaves-2026!"


def _link(message) -> str:
    match = re.search(r"https?://[^/\s]+(/\S+)", message.body)
    assert match, message.body
    return match.group(1)


def test_sign_up_verify_create_brand_wait_then_approved(client):
    # Sign up: no session yet, a verification email goes out.
    response = client.post(
        reverse("account_signup"),
        {"email": "Founder@Chayu.example", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["founder@chayu.example"]
    # Not verified yet: signing in does not get past the email check.
    client.logout()
    response = client.post(reverse("account_login"), {"login": "founder@chayu.example", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session

    # The link confirms the address (GET shows a button; POST confirms) and signs in.
    confirm_url = _link(mail.outbox[-1])
    assert client.get(confirm_url).status_code == 200
    response = client.post(confirm_url, follow=True)
    # Confirmed and signed in, straight on to creating the brand.
    assert response.redirect_chain[-1][0] == reverse("merchant-create")
    user = get_user_model().objects.get(email="founder@chayu.example")
    assert user.emailaddress_set.get().verified

    client.logout()
    response = client.post(
        reverse("account_login"), {"login": "founder@chayu.example", "password": PASSWORD}, follow=True
    )
    # A signed-in user without a brand is sent to create one.
    assert response.redirect_chain[-1][0] == reverse("merchant-create")

    response = client.post(reverse("merchant-create"), {"name": "茶语 Chayu", "contact_phone": "021-1"})
    assert response.status_code == 302
    merchant = Merchant.objects.get(name="茶语 Chayu")
    assert merchant.status == Merchant.Status.PENDING
    assert Membership.objects.get(user=user, merchant=merchant).role == Membership.Role.OWNER

    # Pending: a waiting page, not the back office (which sends them back to it).
    response = client.get(reverse("portal-home"))
    assert response.status_code == 200
    assert "shops/merchant_status.html" in [t.name for t in response.templates]
    assert "Waiting for approval" in response.content.decode()
    response = client.get(reverse("backoffice:index"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("portal-home")
    assert "shops/merchant_status.html" in [t.name for t in response.templates]

    # Ops approve through the /ops/ changelist action.
    ops = factories.UserFactory(email="ops@midpage.example", is_staff=True, is_superuser=True)
    ops_client = client.__class__()
    ops_client.force_login(ops)
    response = ops_client.post(
        reverse("admin:shops_merchant_changelist"),
        {"action": "approve", "_selected_action": [merchant.pk]},
    )
    assert response.status_code == 302
    merchant.refresh_from_db()
    assert merchant.status == Merchant.Status.ACTIVE
    assert merchant.status_changed_at is not None

    # The owner now lands in the back office, with the brand named on the page.
    # The portal home now sends them on (to the back office or the members' dashboard).
    response = client.get(reverse("portal-home"), follow=True)
    assert response.status_code == 200
    assert response.redirect_chain
    assert "shops/merchant_status.html" not in [t.name for t in response.templates]
    response = client.get(reverse("backoffice:index"))
    assert response.status_code == 200
    assert "茶语 Chayu" in response.content.decode()


def test_signup_with_taken_email_changes_nothing(client):
    factories.UserFactory(email="taken@example.com")
    response = client.post(
        reverse("account_signup"),
        {"email": "taken@example.com", "password1": PASSWORD, "password2": PASSWORD},
    )
    # allauth does not reveal that the address exists: it mails the owner instead.
    assert get_user_model().objects.filter(email__iexact="taken@example.com").count() == 1
    assert response.status_code in (200, 302)


def test_merchant_create_needs_sign_in_and_a_name(client):
    response = client.get(reverse("merchant-create"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    user = factories.UserFactory()
    client.force_login(user)
    response = client.post(reverse("merchant-create"), {"name": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["name"]
    assert not Merchant.objects.exists()
