"""Scoping every merchant-facing query to one merchant (and, for staff, to their stores).

A model opts in by declaring `tenant_path` (the lookup from the model to its Merchant, ""
for Merchant itself) and optionally `store_path` (the lookup to Store, "" for Store itself).
Back office, API and selectors all call `scope_queryset`; nothing merchant-facing builds an
unscoped queryset.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Model, QuerySet

if TYPE_CHECKING:
    from shops.models import Membership, Merchant


def is_tenant_model(model: type[Model]) -> bool:
    return isinstance(getattr(model, "tenant_path", None), str)


def scope_queryset(qs: QuerySet, merchant: Merchant | None, membership: Membership | None = None) -> QuerySet:
    """Return `qs` narrowed to `merchant`; staff memberships are narrowed to their stores.

    No merchant means nothing: an unresolved tenant never falls back to "everything".
    """
    model = qs.model
    if not is_tenant_model(model):
        raise ImproperlyConfigured(
            f"{model.__name__} declares no tenant_path; it cannot be shown to merchants"
        )
    if merchant is None:
        return qs.none()
    path = model.tenant_path
    qs = qs.filter(pk=merchant.pk) if path == "" else qs.filter(**{path: merchant})
    if membership is not None and not membership.sees_all_stores:
        store_path = getattr(model, "store_path", None)
        if store_path is not None:
            store_ids = list(membership.stores.values_list("pk", flat=True))
            if store_path == "":
                qs = qs.filter(pk__in=store_ids)
            else:
                # Filtering through a many-to-many can repeat rows; a subquery on pk cannot.
                qs = qs.filter(
                    pk__in=model._default_manager.filter(**{f"{store_path}__in": store_ids}).values("pk")
                )
    return qs
