"""Owners invite staff from the back office; the invitee joins with a role-limited view."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from shops.models import Invitation, Membership, Store
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def client():
    """A browser that asks for English, so assertions read the source strings (the pages
    default to Simplified Chinese once catalogues are compiled)."""
    return Client(HTTP_ACCEPT_LANGUAGE="en")


PASSWORD = "green-tea-2026!"


def _link_path(message) -> str:
    match = re.search(r"https?://[^/\s]+(/invite/\S+)", message.body)
    assert match, message.body
    return match.group(1)


@pytest.fixture
def brand():
    merchant = factories.MerchantFactory(name="茶语 Chayu")
    jingan = factories.StoreFactory(merchant=merchant, name="Jing'an")
    xuhui = factories.StoreFactory(merchant=merchant, name="Xujiahui")
    owner = factories.member(merchant, "owner")
    return {"merchant": merchant, "jingan": jingan, "xuhui": xuhui, "owner": owner}


def _invite(client, brand, email="xiaochen@example.com", role="staff", stores=None):
    client.force_login(brand["owner"])
    return client.post(
        reverse("backoffice:shops_invitation_add"),
        {
            "email": email,
            "display_name": "小陈",
            "role": role,
            "stores": [s.pk for s in (stores or [brand["jingan"]])],
            "_save": "1",
        },
    )


def test_invited_staff_joins_and_sees_only_their_store(client, brand, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = _invite(client, brand)
        assert response.status_code == 302, response.content
        # Nothing is mailed before the transaction commits.
        assert mail.outbox == []
    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["xiaochen@example.com"]
    assert "茶语 Chayu" in message.subject
    invitation = Invitation.objects.get()
    assert invitation.merchant == brand["merchant"]
    assert invitation.invited_by == brand["owner"]
    assert list(invitation.stores.all()) == [brand["jingan"]]
    link = _link_path(message)
    assert invitation.token in link

    # The invitee (a new person) opens the link, sets a password and is signed in.
    client.logout()
    response = client.get(link)
    assert response.status_code == 200
    response = client.post(link, {"name": "陈晨", "password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 302
    membership = Membership.objects.get(user__email="xiaochen@example.com")
    assert membership.role == Membership.Role.STAFF
    assert list(membership.stores.all()) == [brand["jingan"]]
    assert membership.user.emailaddress_set.get().verified

    response = client.get(reverse("portal-home"), follow=True)
    assert response.status_code == 200
    assert "shops/merchant_status.html" not in [t.name for t in response.templates]
    assert client.get(reverse("backoffice:index")).status_code == 200

    # Role limits: staff view their own store, cannot add or change stores, no invitations.
    response = client.get(reverse("backoffice:shops_store_changelist"))
    assert response.status_code == 200
    assert [s.pk for s in response.context["cl"].queryset] == [brand["jingan"].pk]
    assert client.get(reverse("backoffice:shops_store_add")).status_code == 403
    assert client.post(reverse("backoffice:shops_store_add"), {"name": "X", "code": "x"}).status_code == 403
    assert Store.objects.filter(code="x").count() == 0
    # The other store of the same brand does not exist for them.
    assert client.get(reverse("backoffice:shops_store_change", args=[brand["xuhui"].pk])).status_code == 404
    own_store = client.get(reverse("backoffice:shops_store_change", args=[brand["jingan"].pk]))
    assert own_store.status_code == 200
    assert not own_store.context["has_change_permission"]
    assert client.get(reverse("backoffice:shops_invitation_changelist")).status_code == 403
    assert client.get(reverse("backoffice:shops_invitation_add")).status_code == 403
    assert client.get(reverse("backoffice:shops_customer_changelist")).status_code == 403
    index = client.get(reverse("backoffice:index"))
    model_names = {m["object_name"] for app in index.context["app_list"] for m in app["models"]}
    assert "Invitation" not in model_names
    assert "Customer" not in model_names
    assert "Store" in model_names

    # The link is spent: a second visit is a friendly 404.
    client.logout()
    response = client.get(link)
    assert response.status_code == 404
    assert "shops/invitation_invalid.html" in [t.name for t in response.templates]


def test_invitation_form_errors_change_nothing(client, brand):
    other_store = factories.StoreFactory()  # another brand's store
    response = _invite(client, brand, stores=[other_store])
    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    response = _invite(client, brand, email=brand["owner"].email)
    assert response.status_code == 200
    assert "email" in response.context["adminform"].form.errors
    response = _invite(client, brand, role="owner")
    assert response.status_code == 200
    assert Invitation.objects.count() == 0
    assert mail.outbox == []


def test_staff_cannot_invite(client, brand):
    staff = factories.member(brand["merchant"], "staff", stores=[brand["jingan"]])
    client.force_login(staff)
    response = client.post(
        reverse("backoffice:shops_invitation_add"),
        {"email": "x@example.com", "role": "staff", "stores": [brand["jingan"].pk]},
    )
    assert response.status_code == 403
    assert not Invitation.objects.exists()


def test_expired_invitation_is_a_friendly_404(client, brand):
    invitation = factories.InvitationFactory(merchant=brand["merchant"], stores=[brand["jingan"]])
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    url = reverse("invitation-accept", args=[invitation.token])
    for response in (
        client.get(url),
        client.post(url, {"name": "x", "password1": PASSWORD, "password2": PASSWORD}),
    ):
        assert response.status_code == 404
        assert "no longer valid" in response.content.decode()
    assert not Membership.objects.filter(user__email=invitation.email).exists()
    assert client.get(reverse("invitation-accept", args=["not-a-token"])).status_code == 404


def test_existing_account_signs_in_then_accepts(client, brand):
    # Someone who already works for another brand is invited to this one.
    person = factories.member(factories.MerchantFactory(name="北岭 Beiling"), "owner", email="li@example.com")
    invitation = factories.InvitationFactory(
        merchant=brand["merchant"], email="li@example.com", role="manager", stores=[brand["xuhui"]]
    )
    url = reverse("invitation-accept", args=[invitation.token])

    # Signed out: no password form (that would fork a second account), a sign-in link instead.
    response = client.get(url)
    assert response.status_code == 200
    assert response.context["form"] is None
    assert f"{reverse('account_login')}?next={url}" in response.content.decode()
    client.post(url, {"name": "x", "password1": PASSWORD, "password2": PASSWORD})
    assert not Membership.objects.filter(user=person, merchant=brand["merchant"]).exists()

    response = client.post(
        f"{reverse('account_login')}?next={url}", {"login": "li@example.com", "password": "pw-for-tests-123"}
    )
    assert response["Location"] == url
    response = client.post(url)
    assert response.status_code == 302
    membership = Membership.objects.get(user=person, merchant=brand["merchant"])
    assert membership.role == Membership.Role.MANAGER
    assert list(membership.stores.all()) == [brand["xuhui"]]
    # They now work in the invited brand (it became the current one) and keep the other.
    index = client.get(reverse("backoffice:index"))
    assert index.context["current_membership"] == membership
    assert person.memberships.count() == 2


def test_signed_in_as_someone_else_cannot_accept_for_an_existing_account(client, brand):
    factories.UserFactory(email="wang@example.com")
    invitation = factories.InvitationFactory(merchant=brand["merchant"], email="wang@example.com")
    client.force_login(brand["owner"])
    url = reverse("invitation-accept", args=[invitation.token])
    response = client.post(url, {"name": "x", "password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 200
    assert "Sign out" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_invitation_email_task_skips_accepted_invitations(brand):
    from shops.tasks import send_invitation_email

    invitation = factories.InvitationFactory(merchant=brand["merchant"], stores=[brand["jingan"]])
    send_invitation_email.delay(invitation.pk)
    assert [m.to for m in mail.outbox] == [[invitation.email]]
    Invitation.objects.filter(pk=invitation.pk).update(accepted_at=timezone.now())
    send_invitation_email.delay(invitation.pk)
    send_invitation_email.delay(invitation.pk + 1000)  # deleted meanwhile
    assert len(mail.outbox) == 1
