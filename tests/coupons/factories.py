"""Factories for campaigns, coupon definitions and issued coupons."""

from __future__ import annotations

from datetime import timedelta

import factory
from django.utils import timezone

from coupons.models import Campaign, Coupon, CouponDefinition
from tests.factories import MerchantFactory


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign

    merchant = factory.SubFactory(MerchantFactory)
    title = factory.Sequence(lambda n: f"Spring offer {n}")
    description = "Fresh tea for spring."
    landing_text = "Claim a coupon and visit us."
    starts_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    status = Campaign.Status.PUBLISHED


class DefinitionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CouponDefinition

    merchant = factory.SubFactory(MerchantFactory)
    campaign = factory.LazyAttribute(lambda o: CampaignFactory(merchant=o.merchant))
    name = factory.Sequence(lambda n: f"¥10 off ¥50 #{n}")
    kind = CouponDefinition.Kind.AMOUNT_OFF
    amount_fen = 1000
    min_spend_fen = 5000
    channel = CouponDefinition.Channel.BOTH
    validity = CouponDefinition.Validity.AFTER_CLAIM
    valid_days = 30
    per_customer_limit = 1


class CouponFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Coupon

    definition = factory.SubFactory(DefinitionFactory)
    merchant = factory.LazyAttribute(lambda o: o.definition.merchant)
    valid_until = factory.LazyFunction(lambda: timezone.now() + timedelta(days=30))
