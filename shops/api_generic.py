"""Read-only API endpoints for tenant models, built from the model (serializer, filters, view).

For models whose API is "list and read, filter by the usual fields" (binding events, ledger
lines, statements…): one call gives a scoped, throttled, cursor-paginated, filterable view
set with an accurate schema. Writes never come from here; they go through each app's services.
"""

from __future__ import annotations

import django_filters
from django.db import models
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets

from shops.api_base import (
    ApiModelSerializer,
    IdFilter,
    StrictBooleanFilter,
    StrictFilterSet,
    UtcDateTimeFilter,
)

HIDDEN = {"shopper_uid", "token", "secret", "secret_hash", "password"}


def model_serializer(model, *, exclude=(), extra_fields=None, name=None):
    """A read-only ModelSerializer of every concrete field except hidden ones (FKs as ids)."""
    fields = [f.name for f in model._meta.concrete_fields if f.name not in HIDDEN and f.name not in exclude]
    meta = type("Meta", (), {"model": model, "fields": fields, "read_only_fields": fields})
    attrs = {"Meta": meta, **(extra_fields or {})}
    if extra_fields:
        meta.fields = [*fields, *extra_fields]
        meta.read_only_fields = meta.fields
    return type(name or f"{model.__name__}Serializer", (ApiModelSerializer,), attrs)


def _filter_for(field: models.Field):
    if isinstance(field, models.ForeignKey):
        return {field.name: IdFilter(field_name=field.attname)}
    if isinstance(field, models.BooleanField):
        return {field.name: StrictBooleanFilter(field_name=field.name)}
    if field.choices:
        return {field.name: django_filters.ChoiceFilter(field_name=field.name, choices=field.choices)}
    if isinstance(field, (models.DateTimeField, models.DateField)):
        lookup = UtcDateTimeFilter if isinstance(field, models.DateTimeField) else django_filters.DateFilter
        return {
            f"{field.name}_after": lookup(field_name=field.name, lookup_expr="gte"),
            f"{field.name}_before": lookup(field_name=field.name, lookup_expr="lt"),
        }
    if isinstance(field, models.IntegerField):
        return {field.name: django_filters.NumberFilter(field_name=field.name)}
    return {field.name: django_filters.CharFilter(field_name=field.name)}


def model_filterset(model, names):
    attrs = {}
    for name in names:
        attrs.update(_filter_for(model._meta.get_field(name)))
    meta = type("Meta", (), {"model": model, "fields": list(attrs)})
    return type(f"{model.__name__}Filter", (StrictFilterSet,), {**attrs, "Meta": meta})


def read_only_viewset(
    model,
    *,
    resource: str,
    filters=(),
    ordering=("id",),
    exclude=(),
    serializer_class=None,
    queryset=None,
    tag: str | None = None,
    doc: str = "",
):
    """A scoped ReadOnlyModelViewSet for `model` under API scope `resource`."""
    from shops.api import ApiViewSetMixin

    attrs = {
        "__doc__": doc or (model.__doc__ or "").strip(),
        "api_resource": resource,
        "queryset": queryset if queryset is not None else model._default_manager.all(),
        "serializer_class": serializer_class or model_serializer(model, exclude=exclude),
        "ordering_fields": list(ordering),
    }
    if filters:
        attrs["filterset_class"] = model_filterset(model, filters)
    view = type(f"{model.__name__}ViewSet", (ApiViewSetMixin, viewsets.ReadOnlyModelViewSet), attrs)
    return extend_schema(tags=[tag or resource])(view)
