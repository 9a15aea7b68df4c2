import pytest
from rest_framework.test import APIClient

from tests.api.factories import api_key
from tests.factories import MerchantFactory, StoreFactory


def key_client(raw_key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw_key}")
    return client


@pytest.fixture
def merchant(db):
    return MerchantFactory()


@pytest.fixture
def store(merchant):
    return StoreFactory(merchant=merchant)


@pytest.fixture
def key_and_raw(merchant):
    return api_key(merchant)


@pytest.fixture
def api(key_and_raw):
    """An API client authenticated with a write-everything key of `merchant`."""
    return key_client(key_and_raw[1])
