"""QR entry points: tokens, one personal code per staff member, revoke and rotate."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from shops import entry_points
from shops.models import EntryPoint, Membership
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def brand():
    merchant = factories.MerchantFactory()
    store = factories.StoreFactory(merchant=merchant)
    staff_user = factories.member(merchant, "staff", stores=[store])
    staff = Membership.objects.get(user=staff_user)
    return merchant, store, staff


def test_tokens_are_long_random_and_url_safe(brand):
    merchant, store, _staff = brand
    tokens = {
        entry_points.create_entry_point(merchant=merchant, kind="store", store=store).token for _ in range(50)
    }
    assert len(tokens) == 50
    for token in tokens:
        assert len(token) >= 22  # ≥ 128 bits in base64url
        assert set(token) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def test_store_staff_and_pay_codes_need_a_store_of_the_brand(brand):
    merchant, store, staff = brand
    foreign_store = factories.StoreFactory()
    with pytest.raises(ValidationError):
        entry_points.create_entry_point(merchant=merchant, kind="pay")
    with pytest.raises(ValidationError):
        entry_points.create_entry_point(merchant=merchant, kind="store", store=foreign_store)
    with pytest.raises(ValidationError):
        entry_points.create_entry_point(merchant=merchant, kind="staff", store=store)
    with pytest.raises(ValidationError):
        entry_points.create_entry_point(merchant=merchant, kind="store", store=store, staff=staff)
    other_store = factories.StoreFactory(merchant=merchant)
    with pytest.raises(ValidationError):  # does not work there
        entry_points.create_entry_point(merchant=merchant, kind="staff", store=other_store, staff=staff)
    foreign_staff = Membership.objects.get(user=factories.member(factories.MerchantFactory(), "staff"))
    with pytest.raises(ValidationError):
        entry_points.create_entry_point(merchant=merchant, kind="staff", store=store, staff=foreign_staff)
    assert entry_points.create_entry_point(merchant=merchant, kind="campaign").store is None
    assert EntryPoint.objects.count() == 1


def test_one_live_personal_code_per_staff_member(brand):
    merchant, store, staff = brand
    first = entry_points.staff_entry_point(membership=staff)
    assert entry_points.staff_entry_point(membership=staff) == first
    assert (first.kind, first.store, first.staff) == ("staff", store, staff)
    with pytest.raises(ValidationError):
        entry_points.create_entry_point(merchant=merchant, kind="staff", store=store, staff=staff)
    with pytest.raises(IntegrityError), transaction.atomic():
        EntryPoint.objects.create(merchant=merchant, kind="staff", store=store, staff=staff)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_first_use_makes_one_staff_code(brand):
    _merchant, _store, staff = brand
    results, barrier = [], threading.Barrier(4)

    def worker():
        try:
            barrier.wait()
            results.append(entry_points.staff_entry_point(membership=staff).pk)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(results)) == 1 and len(results) == 4
    assert EntryPoint.objects.filter(staff=staff, is_active=True).count() == 1


def test_rotate_makes_a_new_token_and_revokes_the_old(brand):
    merchant, store, staff = brand
    old = entry_points.staff_entry_point(membership=staff)
    new = entry_points.rotate_entry_point(entry_point=old)
    old.refresh_from_db()
    assert new.token != old.token and new.is_active
    assert (new.kind, new.store, new.staff) == (old.kind, old.store, old.staff)
    assert not old.is_active and old.revoked_at and old.replaced_by == new
    assert entry_points.rotate_entry_point(entry_point=old) == new  # twice: same result
    assert entry_points.staff_entry_point(membership=staff) == new


def test_revoke_is_idempotent(brand):
    merchant, store, _staff = brand
    code = entry_points.create_entry_point(merchant=merchant, kind="store", store=store)
    revoked = entry_points.revoke_entry_point(entry_point=code)
    at = revoked.revoked_at
    assert not revoked.is_active and at
    assert entry_points.revoke_entry_point(entry_point=code).revoked_at == at


def test_back_office_rotate_warns_before_acting(client, brand):
    merchant, store, _staff = brand
    client.force_login(factories.member(merchant, "manager", stores=[store]))
    code = entry_points.create_entry_point(merchant=merchant, kind="store", store=store)
    url = reverse("backoffice:shops_entrypoint_changelist")
    data = {"action": "rotate", "_selected_action": [code.pk]}
    page = client.post(url, data)
    assert page.status_code == 200
    assert "stop working" in page.content.decode() or "失效" in page.content.decode()
    assert EntryPoint.objects.get(pk=code.pk).is_active
    client.post(url, {**data, "apply": "1"})
    code.refresh_from_db()
    assert not code.is_active and code.replaced_by.is_active
    client.post(url, {"action": "revoke", "_selected_action": [code.replaced_by.pk], "apply": "1"})
    assert not EntryPoint.objects.filter(is_active=True).exists()


def test_back_office_creates_codes_through_the_service(client, brand):
    merchant, store, staff = brand
    client.force_login(factories.member(merchant, "owner"))
    url = reverse("backoffice:shops_entrypoint_add")
    response = client.post(url, {"kind": "staff", "store": store.pk, "staff": staff.pk, "label": "Chen"})
    assert response.status_code == 302, response.content
    code = EntryPoint.objects.get()
    assert (code.merchant, code.staff, code.label) == (merchant, staff, "Chen")
    again = client.post(url, {"kind": "staff", "store": store.pk, "staff": staff.pk})
    assert again.status_code == 200 and EntryPoint.objects.count() == 1
    nostore = client.post(url, {"kind": "pay"})
    assert nostore.status_code == 200 and EntryPoint.objects.count() == 1


def test_staff_cannot_revoke(client, brand):
    merchant, store, staff = brand
    client.force_login(staff.user)
    code = entry_points.create_entry_point(merchant=merchant, kind="store", store=store)
    client.post(
        reverse("backoffice:shops_entrypoint_changelist"),
        {"action": "revoke", "_selected_action": [code.pk], "apply": "1"},
    )
    assert EntryPoint.objects.get(pk=code.pk).is_active
