"""factory-boy factories for every model merchants see. The tenant walk
(tests/shops/test_tenant_isolation.py) looks factories up here by model, so a model
registered on the back office without a factory fails that test instead of going unchecked."""

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model

from shops.models import (
    Category,
    ChannelListing,
    Customer,
    EntryPoint,
    Invitation,
    Membership,
    Merchant,
    Product,
    Store,
    Variant,
)


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


# --- Catalog and QR entry points (issue 3) ---------------------------------------------------


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    merchant = factory.SubFactory(MerchantFactory)
    name = factory.Sequence(lambda n: f"Category {n}")


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    merchant = factory.SubFactory(MerchantFactory)
    title = factory.Sequence(lambda n: f"Product {n}")
    category = factory.SubFactory(CategoryFactory, merchant=factory.SelfAttribute("..merchant"))


class VariantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Variant

    merchant = factory.SubFactory(MerchantFactory)
    product = factory.SubFactory(ProductFactory, merchant=factory.SelfAttribute("..merchant"))
    sku = factory.Sequence(lambda n: f"SKU-{n:05d}")
    attributes = factory.LazyFunction(lambda: {"size": "M"})


class ListingFactory(factory.django.DjangoModelFactory):
    """An online listing unless `store` is given."""

    class Meta:
        model = ChannelListing

    merchant = factory.SubFactory(MerchantFactory)
    variant = factory.SubFactory(VariantFactory, merchant=factory.SelfAttribute("..merchant"))
    store = None
    price_fen = 9900


class EntryPointFactory(factory.django.DjangoModelFactory):
    """A store code unless `kind` says otherwise (staff codes need `staff`)."""

    class Meta:
        model = EntryPoint

    merchant = factory.SubFactory(MerchantFactory)
    kind = EntryPoint.Kind.STORE
    store = factory.SubFactory(StoreFactory, merchant=factory.SelfAttribute("..merchant"))
