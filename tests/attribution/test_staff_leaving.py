"""Staff who leave: their customers pass to their store or, by a manager's action, to a colleague;
bindings expire at the end of the protection period (sweep)."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from attribution.models import Binding, BindingEvent
from attribution.services import reassign_staff_customers, release_staff_customers, sweep_bindings, touch
from tests import factories
from tests.attribution.factories import staff_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    merchant = factories.MerchantFactory()
    a, b = factories.StoreFactory(merchant=merchant), factories.StoreFactory(merchant=merchant)
    alice, carol, bob = staff_member(merchant, a), staff_member(merchant, a), staff_member(merchant, b)
    customers = [factories.CustomerFactory(merchant=merchant) for _ in range(3)]
    for customer in customers:
        touch(merchant=merchant, customer=customer, store=a, staff=alice, source="scan")
    return {
        "merchant": merchant,
        "a": a,
        "b": b,
        "alice": alice,
        "carol": carol,
        "bob": bob,
        "customers": customers,
    }


def test_customers_of_a_leaver_stay_with_the_store(world):
    manager = factories.UserFactory()
    assert release_staff_customers(membership=world["alice"], actor=manager) == 3
    assert set(Binding.objects.values_list("store", "staff")) == {(world["a"].pk, None)}
    event = BindingEvent.objects.filter(kind="reassigned").first()
    assert (event.from_staff, event.staff, event.actor) == (world["alice"], None, manager)
    assert release_staff_customers(membership=world["alice"]) == 0


def test_a_manager_passes_customers_to_a_colleague(world):
    assert reassign_staff_customers(from_staff=world["alice"], to_staff=world["carol"]) == 3
    assert set(Binding.objects.values_list("store", "staff")) == {(world["a"].pk, world["carol"].pk)}
    # To someone in another store: the binding follows them to their store.
    assert reassign_staff_customers(from_staff=world["carol"], to_staff=world["bob"]) == 3
    assert set(Binding.objects.values_list("store", "staff")) == {(world["b"].pk, world["bob"].pk)}
    assert BindingEvent.objects.filter(kind="reassigned").count() == 6


def test_reassigning_to_someone_of_another_brand_is_refused(world):
    stranger = staff_member(factories.MerchantFactory(), factories.StoreFactory())
    with pytest.raises(ValidationError):
        reassign_staff_customers(from_staff=world["alice"], to_staff=stranger)
    assert not BindingEvent.objects.filter(kind="reassigned").exists()


def test_sweep_expires_ended_protection_and_releases_leavers(world):
    world["carol"].is_active = True
    Binding.objects.filter(customer=world["customers"][0]).update(
        protected_until=timezone.now() - timedelta(days=1)
    )
    world["alice"].is_active = False
    world["alice"].save()
    result = sweep_bindings()
    assert result == {"expired": 1, "released": 2}
    assert Binding.objects.filter(status="expired").count() == 1
    assert sweep_bindings() == {"expired": 0, "released": 0}
