"""The tenant walk: every model on the back office, as another merchant, per role.

Nothing here names a model: it walks `backoffice_site._registry`, so a new admin is covered
the day it is registered (and fails loudly if tests/tenant_makers.py has no maker for it).
"""

import pytest
from django import forms
from django.contrib.auth import get_user_model
from django.test import RequestFactory
from django.urls import reverse

from shops.backoffice import backoffice_site
from shops.middleware import CurrentMerchantMiddleware
from shops.tenancy import is_tenant_model, scope_queryset
from tests import factories
from tests.tenant_makers import MAKERS

pytestmark = pytest.mark.django_db

ROLES = ["owner", "manager", "staff"]
REGISTERED = sorted(backoffice_site._registry.items(), key=lambda item: item[0]._meta.label)


def _label(model):
    return model._meta.label_lower


@pytest.fixture
def world():
    """Merchant A with an object of every kind; merchant B with its own store and members."""
    a = factories.MerchantFactory(name="Brand A")
    a_store = factories.StoreFactory(merchant=a)
    b = factories.MerchantFactory(name="Brand B")
    b_store = factories.StoreFactory(merchant=b)
    a_objects = {}
    for model, _admin in REGISTERED:
        assert _label(model) in MAKERS, f"add a maker for {model._meta.label} to tests/tenant_makers.py"
        a_objects[model] = MAKERS[_label(model)](a, a_store)
    b_members = {role: factories.member(b, role, stores=[b_store]) for role in ROLES}
    return {
        "a": a,
        "a_store": a_store,
        "b": b,
        "b_store": b_store,
        "a_objects": a_objects,
        "b_members": b_members,
    }


def _url(model, view, *args):
    return reverse(f"backoffice:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def _request_as(user):
    request = RequestFactory().get("/backoffice/")
    request.user = user
    request.session = {}
    CurrentMerchantMiddleware(lambda r: None)(request)
    return request


def _foreign_choices(formfield, merchant):
    """Objects of `merchant` offered by a choice field."""
    qs = formfield.queryset
    if is_tenant_model(qs.model):
        return list(
            qs.filter(pk__in=scope_queryset(qs.model.objects.all(), merchant)).values_list("pk", flat=True)
        )
    if qs.model is get_user_model():
        return list(
            qs.filter(memberships__merchant=merchant)
            .exclude(memberships__merchant__in=[])
            .values_list("pk", flat=True)
        )
    return list(qs.values_list("pk", flat=True))


def test_every_backoffice_model_is_tenant_scoped():
    for model, _admin in REGISTERED:
        assert is_tenant_model(model), (
            f"{model._meta.label} is on the back office but declares no tenant_path"
        )


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("model_admin", REGISTERED, ids=lambda item: item[0]._meta.label)
def test_foreign_merchant_sees_nothing(client, world, role, model_admin):
    model, admin = model_admin
    obj = world["a_objects"][model]
    user = world["b_members"][role]
    client.force_login(user)
    request = _request_as(user)

    # Change list: A's object is not listed (and the page works, or is forbidden for the role).
    response = client.get(_url(model, "changelist"))
    if admin.has_view_permission(request):
        assert response.status_code == 200
        assert obj.pk not in {o.pk for o in response.context["cl"].queryset}
        for spec in response.context["cl"].filter_specs:
            choices = {str(pk) for pk, _name in getattr(spec, "lookup_choices", [])}
            if is_tenant_model(getattr(spec, "field", None) and spec.field.related_model or object):
                foreign = {
                    str(pk)
                    for pk in scope_queryset(spec.field.related_model.objects.all(), world["a"]).values_list(
                        "pk", flat=True
                    )
                }
                assert not (choices & foreign), f"filter {spec.title} offers merchant A's objects"
        # Search cannot reach it either.
        response = client.get(_url(model, "changelist"), {"q": str(obj)[:10]})
        assert obj.pk not in {o.pk for o in response.context["cl"].queryset}
    else:
        assert response.status_code == 403

    # Detail, delete and history of A's object: 404 for every role.
    for view in ("change", "delete", "history"):
        assert client.get(_url(model, view, obj.pk)).status_code == 404, view
        assert client.post(_url(model, view, obj.pk), {}).status_code in (404,), view

    # No form offers A's objects in a relation choice.
    if admin.has_add_permission(request):
        form_class = admin.get_form(request)
        for name, field in form_class.base_fields.items():
            if isinstance(field, forms.ModelChoiceField):
                assert not _foreign_choices(field, world["a"]), f"{name} offers merchant A's objects"


STORE_BOUND = [item for item in REGISTERED if getattr(item[0], "store_path", None) is not None]


@pytest.mark.parametrize("model_admin", STORE_BOUND, ids=lambda item: item[0]._meta.label)
def test_staff_see_only_their_stores(client, world, model_admin):
    """Within one merchant, staff of another store do not see store-bound objects."""
    model, admin = model_admin
    a = world["a"]
    other_store = factories.StoreFactory(merchant=a)
    obj = MAKERS[_label(model)](a, world["a_store"])
    staff = factories.member(a, "staff", stores=[other_store])
    client.force_login(staff)
    response = client.get(_url(model, "changelist"))
    if response.status_code == 200:
        assert obj.pk not in {o.pk for o in response.context["cl"].queryset}
    assert client.get(_url(model, "change", obj.pk)).status_code == 404


def test_unscoped_queryset_is_refused():
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured):
        scope_queryset(get_user_model().objects.all(), None)
