"""Factories for the open API's models (keys, webhook endpoints)."""

import factory

from shops.api_keys import create_api_key
from shops.models_api import API_RESOURCE_NAMES, WebhookEndpoint
from tests.factories import MerchantFactory


def api_key(merchant, scopes=None, **kwargs):
    """(ApiKey, full key string) with write access to everything unless `scopes` says otherwise."""
    if scopes is None:
        scopes = dict.fromkeys(API_RESOURCE_NAMES, "write")
    return create_api_key(merchant=merchant, name=kwargs.pop("name", "test key"), scopes=scopes, **kwargs)


class WebhookEndpointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WebhookEndpoint

    merchant = factory.SubFactory(MerchantFactory)
    url = "https://hooks.example.com/midpage"
    events = factory.LazyFunction(lambda: ["order.paid", "coupon.claimed"])
