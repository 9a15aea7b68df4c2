"""factory-boy factories for every model merchants see. The tenant walk
(tests/shops/test_tenant_isolation.py) looks factories up here by model, so a model
registered on the back office without a factory fails that test instead of going unchecked."""

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model

from shops.models import Customer, Invitation, Membership, Merchant, Store


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    username = factory.SelfAttribute("email")
    password = factory.django.Password("pw-for-tests-123")

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        if create:
            EmailAddress.objects.get_or_create(
                user=obj, email=obj.email, defaults={"verified": True, "primary": True}
            )


class MerchantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Merchant

    name = factory.Sequence(lambda n: f"Brand {n}")
    slug = factory.Sequence(lambda n: f"brand-{n}")
    status = Merchant.Status.ACTIVE


class StoreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Store

    merchant = factory.SubFactory(MerchantFactory)
    name = factory.Sequence(lambda n: f"Store {n}")
    code = factory.Sequence(lambda n: f"store-{n}")
    address = "上海市静安区南京西路1号"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    merchant = factory.SubFactory(MerchantFactory)
    role = Membership.Role.OWNER

    @factory.post_generation
    def stores(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.stores.set(extracted)


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation
        skip_postgeneration_save = True

    merchant = factory.SubFactory(MerchantFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@example.com")
    role = Membership.Role.STAFF

    @factory.post_generation
    def stores(obj, create, extracted, **kwargs):
        if create:
            obj.stores.set(extracted or [StoreFactory(merchant=obj.merchant)])


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    merchant = factory.SubFactory(MerchantFactory)
    shopper_uid = factory.Faker("uuid4")
    name = factory.Sequence(lambda n: f"Shopper {n}")
    mobile = "13800138000"


def member(merchant, role="owner", stores=(), email=None):
    """A signed-in-able user with `role` in `merchant` (tied to `stores`)."""
    user = UserFactory(email=email) if email else UserFactory()
    MembershipFactory(user=user, merchant=merchant, role=role, stores=list(stores))
    return user
