"""Sign-in throttling and password reset (allauth, backed by the shared cache)."""

import re

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def client():
    """A browser that asks for English, so assertions read the source strings (the pages
    default to Simplified Chinese once catalogues are compiled)."""
    return Client(HTTP_ACCEPT_LANGUAGE="en")


PASSWORD = "pw-for-tests-123"


def _failed_login_limit() -> int:
    """The per-account failed sign-in allowance configured in settings (e.g. 5 in '5/5m/key')."""
    rules = settings.ACCOUNT_RATE_LIMITS["login_failed"].split(",")
    return min(int(rule.split("/")[0]) for rule in rules)


def test_repeated_failed_logins_block_even_the_right_password(client):
    user = factories.UserFactory(email="target@example.com")
    limit = _failed_login_limit()
    for _attempt in range(limit):
        response = client.post(reverse("account_login"), {"login": user.email, "password": "wrong-guess"})
        assert response.status_code == 200
        assert "_auth_user_id" not in client.session
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    body = response.content.decode()
    assert response.status_code in (200, 429)
    assert "Too many failed login attempts" in body


def test_throttling_is_per_account_other_people_still_sign_in(client):
    victim = factories.UserFactory(email="victim@example.com")
    other = factories.UserFactory(email="other@example.com")
    for _attempt in range(_failed_login_limit()):
        client.post(reverse("account_login"), {"login": victim.email, "password": "nope"})
    # A different client (another IP would be the same story) signs in to another account.
    fresh = client.__class__(REMOTE_ADDR="10.0.0.2")
    response = fresh.post(reverse("account_login"), {"login": other.email, "password": PASSWORD})
    assert response.status_code == 302
    assert fresh.session["_auth_user_id"] == str(other.pk)


def test_colleagues_behind_one_shop_ip_are_not_locked_out_by_one_persons_typos(client):
    """Staff of a shop share the shop's Wi-Fi address: one person's failures must not lock out
    the others (the per-account limit does that job; the per-IP limit only stops floods)."""
    typist = factories.UserFactory(email="typist@example.com")
    colleague = factories.UserFactory(email="colleague@example.com")
    for _attempt in range(_failed_login_limit()):
        client.post(reverse("account_login"), {"login": typist.email, "password": "typo"})
    other_phone = client.__class__()  # same REMOTE_ADDR (127.0.0.1), different browser
    response = other_phone.post(reverse("account_login"), {"login": colleague.email, "password": PASSWORD})
    assert response.status_code == 302
    assert other_phone.session["_auth_user_id"] == str(colleague.pk)


def test_a_flood_from_one_address_is_stopped(client):
    """Guessing many accounts' passwords from one address hits the per-IP limit."""
    ip_limit = int(
        next(r for r in settings.ACCOUNT_RATE_LIMITS["login_failed"].split(",") if r.endswith("/ip")).split(
            "/"
        )[0]
    )
    victims = [factories.UserFactory() for _ in range(ip_limit + 1)]
    for victim in victims[:-1]:
        client.post(reverse("account_login"), {"login": victim.email, "password": "guess"})
    response = client.post(reverse("account_login"), {"login": victims[-1].email, "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert response.status_code in (200, 429)


def test_a_few_mistakes_do_not_block(client):
    user = factories.UserFactory()
    for _attempt in range(_failed_login_limit() - 1):
        client.post(reverse("account_login"), {"login": user.email, "password": "typo"})
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_password_reset_by_email(client):
    user = factories.UserFactory(email="forgetful@example.com")
    response = client.post(reverse("account_reset_password"), {"email": "Forgetful@Example.com"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["forgetful@example.com"]
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+)", mail.outbox[0].body).group(1)

    # allauth swaps the key in the URL for a session-held one, then shows the form.
    response = client.get(link, follow=True)
    assert response.status_code == 200
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else link
    new_password = "brand-new-secret-42"
    response = client.post(form_url, {"password1": new_password, "password2": new_password})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new_password)

    # The old password no longer works, the new one does; the link cannot be reused.
    client.logout()
    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    response = client.post(reverse("account_login"), {"login": user.email, "password": new_password})
    assert client.session["_auth_user_id"] == str(user.pk)
    client.logout()
    response = client.get(link, follow=True)
    assert response.context["token_fail"]


def test_password_reset_for_unknown_email_reveals_nothing(client):
    response = client.post(reverse("account_reset_password"), {"email": "nobody@example.com"})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_reset_password_done")
    # allauth mails "you have no account" (or nothing); it never mails a reset key.
    assert all("/password/reset/key/" not in m.body for m in mail.outbox)
