"""The tenant walk, extended to the open API.

Nothing here names a model: it walks every route registered on the API router. As merchant
B's key (write access to everything), none of merchant A's objects is listed, readable or
writable (their ids are 404s), and a body that references one of A's objects is a 400.
A route whose model has no maker in tests/tenant_makers.py fails loudly.
"""

import pytest
from rest_framework.relations import PrimaryKeyRelatedField

from config.api_urls import router
from shops.api_base import ScopedPrimaryKeyRelatedField
from shops.models_api import API_RESOURCE_NAMES
from shops.tenancy import scope_queryset
from tests import factories
from tests.api.conftest import key_client
from tests.api.factories import api_key
from tests.tenant_makers import MAKERS

pytestmark = pytest.mark.django_db

ROUTES = sorted(router.registry, key=lambda item: item[0])


def _model(viewset):
    return viewset.queryset.model


def _make(model, merchant, store):
    label = model._meta.label_lower
    assert label in MAKERS, f"add a maker for {model._meta.label} to tests/tenant_makers.py"
    return MAKERS[label](merchant, store)


@pytest.fixture
def world():
    a = factories.MerchantFactory(name="Brand A")
    a_store = factories.StoreFactory(merchant=a)
    b = factories.MerchantFactory(name="Brand B")
    b_store = factories.StoreFactory(merchant=b)
    _key, raw = api_key(b)

    class Objects(dict):
        """The object of a route for merchant A or B, made on first use (makers can be slow)."""

        def __init__(self, merchant, store):
            super().__init__()
            self.merchant, self.store = merchant, store

        def __missing__(self, prefix):
            viewset = {p: v for p, v, _b in ROUTES}[prefix]
            self[prefix] = _make(_model(viewset), self.merchant, self.store)
            return self[prefix]

    return {
        "a": a,
        "a_store": a_store,
        "b": b,
        "a_objects": Objects(a, a_store),
        "b_objects": Objects(b, b_store),
        "raw": raw,
    }


def _snapshot(obj):
    fresh = type(obj)._default_manager.get(pk=obj.pk)
    return {f.attname: f.value_from_object(fresh) for f in type(obj)._meta.concrete_fields}


def _results(response):
    body = response.json()
    return body["results"] if isinstance(body, dict) and "results" in body else body


def test_every_route_is_scoped_to_a_resource():
    assert ROUTES, "the API router has no routes"
    for prefix, viewset, _basename in ROUTES:
        assert getattr(viewset, "api_resource", "") in API_RESOURCE_NAMES, prefix


@pytest.mark.parametrize("route", ROUTES, ids=lambda route: route[0])
def test_foreign_key_sees_and_touches_nothing(world, route):
    prefix, viewset, _basename = route
    model = _model(viewset)
    client = key_client(world["raw"])
    foreign = world["a_objects"][prefix]
    own = world["b_objects"][prefix]
    own_ids = set(scope_queryset(model.objects.all(), world["b"]).values_list("pk", flat=True))
    assert own.pk in own_ids

    # List: only B's objects, never A's (walk every page).
    if hasattr(viewset, "list"):
        url, seen = f"/api/v1/{prefix}/", []
        while url:
            response = client.get(url)
            assert response.status_code == 200, (prefix, response.content[:300])
            seen += [row["id"] for row in _results(response)]
            url = response.json().get("next")
        assert foreign.pk not in seen or foreign.pk in own_ids
        assert set(seen) <= own_ids, f"{prefix} lists objects of another merchant"
        assert own.pk in seen

    detail = f"/api/v1/{prefix}/{foreign.pk}/"
    before = _snapshot(foreign)
    for method in ("get", "put", "patch", "delete"):
        response = getattr(client, method)(detail, {}, format="json")
        assert response.status_code in (404, 405), (prefix, method, response.status_code)
        if response.status_code == 404:
            assert response.json()["error"]["code"] == "not_found"
    for extra in viewset.get_extra_actions():
        if extra.detail:
            for method in extra.mapping:
                url = f"/api/v1/{prefix}/{foreign.pk}/{extra.url_path}/"
                response = getattr(client, method)(url, {}, format="json")
                assert response.status_code == 404, (prefix, extra.url_path, method)
    assert _snapshot(foreign) == before, f"{prefix}: merchant B's key changed merchant A's object"


@pytest.mark.parametrize("route", ROUTES, ids=lambda route: route[0])
def test_bodies_cannot_reference_foreign_objects(world, route):
    prefix, viewset, _basename = route
    if not hasattr(viewset, "create"):
        pytest.skip("no create")
    serializer = viewset.serializer_class()
    client = key_client(world["raw"])
    checked = 0
    for name, field in serializer.fields.items():
        if field.read_only or not isinstance(field, PrimaryKeyRelatedField):
            continue
        assert isinstance(field, ScopedPrimaryKeyRelatedField), f"{prefix}.{name} is not merchant-scoped"
        related = field.queryset.model
        foreign = _make(related, world["a"], world["a_store"])
        response = client.post(f"/api/v1/{prefix}/", {name: foreign.pk}, format="json")
        assert response.status_code == 400, (prefix, name)
        assert name in response.json()["error"]["fields"], (prefix, name)
        checked += 1
    if not checked:
        pytest.skip("no references in the body")


@pytest.mark.parametrize("route", ROUTES, ids=lambda route: route[0])
def test_read_only_key_cannot_write(world, route):
    prefix, viewset, _basename = route
    resource = viewset.api_resource
    _key, raw = api_key(world["b"], scopes={resource: "read"})
    client = key_client(raw)
    own = world["b_objects"][prefix]
    if hasattr(viewset, "list"):
        assert client.get(f"/api/v1/{prefix}/").status_code == 200
    writes = []
    if hasattr(viewset, "create") and "create" not in getattr(viewset, "read_actions", ()):
        writes.append(("post", f"/api/v1/{prefix}/"))
    for method in ("put", "patch", "delete"):
        if method in viewset.http_method_names and hasattr(
            viewset, {"put": "update", "patch": "partial_update", "delete": "destroy"}[method]
        ):
            writes.append((method, f"/api/v1/{prefix}/{own.pk}/"))
    for extra in viewset.get_extra_actions():
        for method in extra.mapping:
            if method not in ("get", "head", "options"):
                base = f"/api/v1/{prefix}/{own.pk}/" if extra.detail else f"/api/v1/{prefix}/"
                writes.append((method, f"{base}{extra.url_path}/"))
    for method, url in writes:
        response = getattr(client, method)(url, {}, format="json")
        assert response.status_code == 403, (method, url, response.status_code)
    # And a key without this resource cannot even read.
    others = {name: "write" for name in API_RESOURCE_NAMES if name != resource}
    _key, raw = api_key(world["b"], scopes=others)
    if hasattr(viewset, "list"):
        assert key_client(raw).get(f"/api/v1/{prefix}/").status_code == 403
