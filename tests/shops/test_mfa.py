"""Two-factor sign-in with an authenticator app (allauth.mfa TOTP), enforceable for owners."""

import time

import pytest
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY, format_hotp_value, hotp_value
from django.test import Client
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def client():
    """A browser that asks for English, so assertions read the source strings (the pages
    default to Simplified Chinese once catalogues are compiled)."""
    return Client(HTTP_ACCEPT_LANGUAGE="en")


PASSWORD = "pw-for-tests-123"  # the factories' password


def totp_code(secret: str) -> str:
    """The code an authenticator app shows now (waits out the last second of a period so the
    server checks it in the same 30-second window)."""
    period = mfa_settings.TOTP_PERIOD
    if period - time.time() % period < 1.5:
        time.sleep(1.6)
    return format_hotp_value(hotp_value(secret, int(time.time()) // period))


def sign_in(client, user):
    return client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})


def enrol_totp(client) -> str:
    """Enrol through allauth's pages: confirm the password (allauth re-asks it before adding a
    second factor), scan the secret, type a wrong then a right code."""
    response = client.get(reverse("mfa_activate_totp"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    response = client.post(response["Location"], {"password": PASSWORD})
    assert response["Location"] == reverse("mfa_activate_totp")
    response = client.get(reverse("mfa_activate_totp"))
    assert response.status_code == 200
    secret = client.session[SECRET_SESSION_KEY]
    wrong = f"{(int(totp_code(secret)) + 1) % 10**6:06d}"
    response = client.post(reverse("mfa_activate_totp"), {"code": wrong})
    assert response.status_code == 200
    assert response.context["form"].errors["code"]
    response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert response.status_code == 302
    return secret


@pytest.fixture
def owner_of_strict_brand():
    merchant = factories.MerchantFactory(name="Strict Brand", require_owner_mfa=True)
    return factories.member(merchant, "owner", email="boss@strict.example")


def test_owner_must_enrol_before_using_the_back_office(client, owner_of_strict_brand):
    owner = owner_of_strict_brand
    response = sign_in(client, owner)
    assert response.status_code == 302
    # The portal home sends the owner to the authenticator set-up page.
    response = client.get(reverse("portal-home"))
    assert response["Location"] == reverse("mfa_activate_totp")
    # Every back-office page ends there too; allauth asks for the password once more first.
    for url in (reverse("backoffice:index"), reverse("backoffice:shops_store_changelist")):
        chain = client.get(url, follow=True).redirect_chain
        assert (reverse("mfa_activate_totp"), 302) in chain
        assert chain[-1][0].startswith(reverse("account_reauthenticate"))

    secret = enrol_totp(client)
    assert Authenticator.objects.filter(user=owner, type=Authenticator.Type.TOTP).exists()
    assert client.get(reverse("backoffice:index")).status_code == 200

    # Next sign-in: the password alone is not enough.
    client.post(reverse("account_logout"))
    response = sign_in(client, owner)
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    # The back office sends them back to the pending code prompt.
    assert client.get(reverse("backoffice:index"), follow=True).redirect_chain[-1][0] == (
        reverse("mfa_authenticate")
    )
    wrong = f"{(int(totp_code(secret)) + 1) % 10**6:06d}"
    response = client.post(reverse("mfa_authenticate"), {"code": wrong})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(owner.pk)
    assert client.get(reverse("backoffice:index")).status_code == 200


def test_staff_of_strict_brand_are_not_forced(client):
    merchant = factories.MerchantFactory(require_owner_mfa=True)
    staff = factories.member(merchant, "staff", stores=[factories.StoreFactory(merchant=merchant)])
    sign_in(client, staff)
    assert client.get(reverse("backoffice:index")).status_code == 200


def test_any_member_may_enrol_and_then_needs_the_code(client):
    merchant = factories.MerchantFactory()
    manager = factories.member(merchant, "manager", stores=[factories.StoreFactory(merchant=merchant)])
    sign_in(client, manager)
    assert client.get(reverse("mfa_index")).status_code == 200
    secret = enrol_totp(client)
    client.post(reverse("account_logout"))
    assert sign_in(client, manager)["Location"] == reverse("mfa_authenticate")
    client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert client.get(reverse("backoffice:index")).status_code == 200


def test_owner_can_turn_on_the_requirement_in_the_back_office(client):
    merchant = factories.MerchantFactory(name="Brand")
    owner = factories.member(merchant, "owner")
    sign_in(client, owner)
    response = client.post(
        reverse("backoffice:shops_merchant_change", args=[merchant.pk]),
        {"name": "Brand", "contact_email": "", "contact_phone": "", "require_owner_mfa": "on"},
    )
    assert response.status_code == 302
    merchant.refresh_from_db()
    assert merchant.require_owner_mfa
    assert client.get(reverse("portal-home"))["Location"] == reverse("mfa_activate_totp")


def test_owner_who_removes_the_authenticator_is_sent_back_to_enrol(client, owner_of_strict_brand):
    sign_in(client, owner_of_strict_brand)
    enrol_totp(client)
    assert client.get(reverse("backoffice:index")).status_code == 200
    response = client.post(reverse("mfa_deactivate_totp"))
    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=owner_of_strict_brand, type=Authenticator.Type.TOTP).exists()
    response = client.get(reverse("backoffice:index"), follow=True)
    assert (reverse("mfa_activate_totp"), 302) in response.redirect_chain
