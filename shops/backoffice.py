"""The merchant back office: a second AdminSite whose every admin is scoped to the merchant.

`MerchantScopedAdmin` is the one base class. It narrows list and detail querysets,
foreign-key and many-to-many choices, list filters, search and actions to the signed-in
member's merchant (and staff to their stores), sets the merchant on save from the request,
never from the form, and answers 404 for an object id that is not the merchant's.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.filters import RelatedFieldListFilter
from django.contrib.auth import get_user_model
from django.db import models
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from shops.access import backoffice_block_reason
from shops.tenancy import is_tenant_model, scope_queryset

ALL_ACTIONS = ("view", "add", "change", "delete")


def scoped_related_queryset(related_model, request):
    """Choices offered for a relation in a back-office form or filter."""
    merchant = getattr(request, "merchant", None)
    membership = getattr(request, "membership", None)
    if is_tenant_model(related_model):
        return scope_queryset(related_model._default_manager.all(), merchant, membership)
    if related_model is get_user_model():
        if merchant is None:
            return related_model._default_manager.none()
        return related_model._default_manager.filter(memberships__merchant=merchant).distinct()
    # Anything else (content types, global lookups) is not merchant data; offer nothing by default.
    return related_model._default_manager.none()


class ScopedRelatedFieldListFilter(RelatedFieldListFilter):
    """A relation filter that lists only the merchant's own related objects."""

    def field_choices(self, field, request, model_admin):
        ordering = self.field_admin_ordering(field, request, model_admin)
        qs = scoped_related_queryset(field.related_model, request)
        if ordering:
            qs = qs.order_by(*ordering)
        return [(obj.pk, str(obj)) for obj in qs]


class BackOfficeSite(admin.AdminSite):
    site_header = _("Midpage back office")
    site_title = _("Midpage back office")
    index_title = _("Your brand")
    site_url = "/"
    enable_nav_sidebar = True

    def has_permission(self, request) -> bool:
        return backoffice_block_reason(request) is None

    def login(self, request, extra_context=None):
        # Sign-in is allauth's (email verification, MFA, rate limits); the portal home
        # explains pending, suspended and missing-2FA states instead of a bare login form.
        if not request.user.is_authenticated:
            return HttpResponseRedirect(f"{reverse('account_login')}?next={request.get_full_path()}")
        return HttpResponseRedirect(reverse("portal-home"))

    def each_context(self, request):
        context = super().each_context(request)
        context["current_membership"] = getattr(request, "membership", None)
        return context


backoffice_site = BackOfficeSite(name="backoffice")


class ScopedFormMixin:
    """Relation choices scoped to the merchant, shared by admins and inlines."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        kwargs["queryset"] = scoped_related_queryset(db_field.related_model, request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        kwargs["queryset"] = scoped_related_queryset(db_field.related_model, request)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class RolePermissionMixin:
    """Permissions come from the member's role, not from Django's per-user permissions."""

    role_permissions: dict[str, tuple[str, ...]] = {
        "owner": ALL_ACTIONS,
        "manager": ALL_ACTIONS,
        "staff": ("view",),
    }

    def _role_allows(self, request, action: str) -> bool:
        membership = getattr(request, "membership", None)
        if membership is None or getattr(request, "merchant", None) is None:
            return False
        return action in self.role_permissions.get(membership.role, ())

    def has_view_permission(self, request, obj=None):
        return self._role_allows(request, "view") or self._role_allows(request, "change")

    def has_add_permission(self, request, *args):
        return self._role_allows(request, "add")

    def has_change_permission(self, request, obj=None):
        return self._role_allows(request, "change")

    def has_delete_permission(self, request, obj=None):
        return self._role_allows(request, "delete")

    def has_module_permission(self, request):
        return any(self._role_allows(request, action) for action in ALL_ACTIONS)


class MerchantScopedAdmin(RolePermissionMixin, ScopedFormMixin, admin.ModelAdmin):
    """Base class for every back-office admin."""

    tenant_field = "merchant"  # set from the request on save when the model has it

    def get_queryset(self, request):
        return scope_queryset(super().get_queryset(request), request.merchant, request.membership)

    def get_exclude(self, request, obj=None):
        exclude = list(super().get_exclude(request, obj) or ())
        if self._has_tenant_field():
            exclude.append(self.tenant_field)
        return exclude

    def get_list_filter(self, request):
        scoped = []
        for item in super().get_list_filter(request):
            if isinstance(item, str) and "__" not in item:
                field = self.model._meta.get_field(item)
                if field.is_relation and field.related_model is not None:
                    item = (item, ScopedRelatedFieldListFilter)
            scoped.append(item)
        return scoped

    def save_model(self, request, obj, form, change):
        if self._has_tenant_field():
            if change and getattr(obj, f"{self.tenant_field}_id") != request.merchant.pk:
                raise Http404
            setattr(obj, self.tenant_field, request.merchant)
        super().save_model(request, obj, form, change)

    def get_object(self, request, object_id, from_field=None):
        # Another merchant's object and a missing one look the same: 404 for every role,
        # before any permission check can hint that the id exists.
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404
        return obj

    def _has_tenant_field(self) -> bool:
        try:
            field = self.model._meta.get_field(self.tenant_field)
        except Exception:
            return False
        return isinstance(field, models.ForeignKey)


class MerchantScopedInline(RolePermissionMixin, ScopedFormMixin):
    """Mix into TabularInline / StackedInline for inlines on back-office admins."""

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if is_tenant_model(qs.model):
            qs = scope_queryset(qs, request.merchant, request.membership)
        return qs
