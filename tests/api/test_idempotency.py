"""Idempotency-Key: the first response is stored with the operation and replayed on retries."""

import threading

import pytest
from django.db import connection
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from shops.idempotency import idempotent
from shops.models import Store
from shops.models_api import IdempotencyRecord
from tests.factories import MerchantFactory

factory = APIRequestFactory()


def _view(merchant, fail=False, delay=None):
    class MakeStore(APIView):
        authentication_classes = []
        permission_classes = []

        def post(self, request):
            def operation():
                if delay:
                    delay.wait(2)
                store = Store.objects.create(
                    merchant=merchant, name=request.data["name"], code=request.data["name"]
                )
                if fail:
                    from rest_framework.exceptions import ValidationError

                    raise ValidationError({"name": ["no"]})
                return Response({"id": store.pk, "name": store.name}, status=201)

            return idempotent(request, merchant, operation)

    return MakeStore.as_view()


def _post(view, body, key="k-1"):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key is not None else {}
    return view(factory.post("/x/", body, format="json", **headers))


@pytest.mark.django_db
def test_retry_replays_without_repeating():
    merchant = MerchantFactory()
    view = _view(merchant)
    first = _post(view, {"name": "a"})
    again = _post(view, {"name": "a"})
    assert first.status_code == again.status_code == 201
    assert again.data == first.data
    assert again["Idempotent-Replayed"] == "true"
    assert Store.objects.filter(merchant=merchant).count() == 1
    assert _post(view, {"name": "b"}).status_code == 422  # same key, different request
    assert _post(view, {"name": "b"}, key="k-2").status_code == 201
    assert _post(view, {"name": "c"}, key=None).status_code == 400


@pytest.mark.django_db
def test_failed_operation_stores_nothing():
    merchant = MerchantFactory()
    assert _post(_view(merchant, fail=True), {"name": "a"}).status_code == 400
    assert not IdempotencyRecord.objects.exists()
    assert not Store.objects.filter(merchant=merchant).exists()
    assert _post(_view(merchant), {"name": "a"}).status_code == 201


@pytest.mark.django_db
def test_keys_are_per_merchant():
    a, b = MerchantFactory(), MerchantFactory()
    assert _post(_view(a), {"name": "a"}).status_code == 201
    response = _post(_view(b), {"name": "a"})
    assert response.status_code == 201 and "Idempotent-Replayed" not in response


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_retries_run_once():
    merchant = MerchantFactory()
    gate = threading.Event()
    view = _view(merchant, delay=gate)
    results = []

    def worker():
        try:
            results.append(_post(view, {"name": "a"}))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    gate.set()
    for thread in threads:
        thread.join()
    assert sorted(r.status_code for r in results) == [201, 201]
    assert Store.objects.filter(merchant=merchant).count() == 1
    assert sum(1 for r in results if r.get("Idempotent-Replayed") == "true") == 1
