"""Back-office admins for the catalog, channel listings and QR entry points.

Imported at the end of shops/admin.py. Every admin is a `MerchantScopedAdmin`; every change
goes through `shops.catalog` / `shops.entry_points`, so the admin only parses and renders.
"""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from shops import catalog, entry_points
from shops.admin_forms import TenantFormsMixin, TenantInlineMixin
from shops.backoffice import MerchantScopedAdmin, backoffice_site, scoped_related_queryset
from shops.images import normalise_photo
from shops.models import Category, ChannelListing, EntryPoint, Product, Store, Variant
from shops.money import MoneyError, format_fen, yuan_to_fen

CATALOG_ROLES = {
    "owner": ("view", "add", "change", "delete"),
    "manager": ("view", "add", "change", "delete"),
    "staff": ("view",),
}


class PriceYuanField(forms.DecimalField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("price (¥)"))
        kwargs.setdefault("min_value", Decimal("0"))
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(**kwargs)


def _fen(value) -> int:
    try:
        return yuan_to_fen(value)
    except MoneyError as error:
        raise ValidationError(gettext("Enter a price in yuan, e.g. 12.50.")) from error


# --- Category / Product / Variant -------------------------------------------------------------


class CategoryAdmin(TenantFormsMixin, MerchantScopedAdmin):
    list_display = ["name", "position"]
    list_editable = ["position"]
    search_fields = ["name"]
    fields = ["name", "position"]
    role_permissions = CATALOG_ROLES


class VariantInline(TenantInlineMixin, admin.TabularInline):
    model = Variant
    fields = ["sku", "attributes"]
    extra = 1
    role_permissions = CATALOG_ROLES


class ProductForm(forms.ModelForm):
    class Meta:
        model = Product
        fields = ["title", "category", "description", "image", "is_active"]

    def clean_image(self):
        image = self.cleaned_data.get("image")
        if image and hasattr(image, "content_type"):  # a new upload: check and re-encode it
            return normalise_photo(image)
        return image


class ProductAdmin(TenantFormsMixin, MerchantScopedAdmin):
    form = ProductForm
    list_display = ["title", "category", "is_active", "variant_count", "created_at"]
    list_filter = ["is_active", "category"]
    search_fields = ["title", "variants__sku"]
    fields = ["title", "category", "description", "image", "is_active"]
    inlines = [VariantInline]
    role_permissions = CATALOG_ROLES
    change_list_template = "admin/shops/product/change_list.html"

    @admin.display(description=_("variants"), ordering="n_variants")
    def variant_count(self, obj):
        return obj.n_variants

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("category").annotate(n_variants=Count("variants"))

    def get_urls(self):
        from django.urls import path

        from shops import importexport_views

        wrap = self.admin_site.admin_view
        return [
            path("import/", wrap(importexport_views.import_view(self)), name="shops_catalog_import"),
            path("export/", wrap(importexport_views.export_view(self)), name="shops_catalog_export"),
        ] + super().get_urls()

    def get_search_results(self, request, queryset, search_term):
        queryset, _dupes = super().get_search_results(request, queryset, search_term)
        return queryset.distinct(), False


class ListingForm(forms.ModelForm):
    price = PriceYuanField()

    class Meta:
        model = ChannelListing
        fields = ["variant", "store", "price", "is_available", "is_exclusive"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["price"] = Decimal(self.instance.price_fen) / 100

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("price") is not None:
            try:
                self.instance.price_fen = _fen(cleaned["price"])
            except ValidationError as error:
                self.add_error("price", error)
        merchant = getattr(self.instance, "merchant", None) if self.instance.merchant_id else None
        if merchant is not None:
            try:
                catalog.check_listing_parts(
                    merchant=merchant, variant=cleaned.get("variant"), store=cleaned.get("store")
                )
            except ValidationError as error:
                self.add_error(None, error)
        return cleaned


class InlineListingForm(ListingForm):
    class Meta:
        model = ChannelListing
        fields = ["store", "price", "is_available", "is_exclusive"]


class ListingInline(TenantInlineMixin, admin.TabularInline):
    """A variant's listings, priced in yuan; saved through catalog.set_listing (VariantAdmin)."""

    model = ChannelListing
    form = InlineListingForm
    fields = ["store", "price", "is_available", "is_exclusive"]
    extra = 0
    role_permissions = CATALOG_ROLES


class ListOnlineForm(forms.Form):
    price = PriceYuanField()


class CopyToStoresForm(forms.Form):
    stores = forms.ModelMultipleChoiceField(
        queryset=Store.objects.none(), widget=forms.CheckboxSelectMultiple, label=_("stores")
    )
    overwrite = forms.BooleanField(
        required=False, label=_("Overwrite prices that the stores already have for these variants")
    )


class CategoryFilter(admin.SimpleListFilter):
    title = _("category")
    parameter_name = "product__category__id__exact"

    def lookups(self, request, model_admin):
        return [(c.pk, c.name) for c in scoped_related_queryset(Category, request)]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(product__category_id=self.value())
        return queryset


class VariantAdmin(TenantFormsMixin, MerchantScopedAdmin):
    list_display = ["sku", "product", "attribute_text", "online_price"]
    list_filter = [CategoryFilter]
    search_fields = ["sku", "product__title"]
    fields = ["product", "sku", "attributes"]
    inlines = [ListingInline]
    actions = ["list_online_at_price", "copy_online_to_stores"]
    role_permissions = CATALOG_ROLES

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("product").prefetch_related("listings")

    def save_formset(self, request, form, formset, change):
        if formset.model is not ChannelListing:
            return super().save_formset(request, form, formset, change)
        # Listings go through the catalog service, like every other listing write. The three
        # lists are what the admin's change message (history) reads from a saved formset.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        with transaction.atomic():
            for inline_form in formset.forms:
                if not inline_form.has_changed() and inline_form.instance.pk:
                    continue
                data = getattr(inline_form, "cleaned_data", None) or {}
                old = inline_form.instance if inline_form.instance.pk else None
                if formset.can_delete and formset._should_delete_form(inline_form):
                    if old is not None:
                        ChannelListing.objects.filter(pk=old.pk, merchant=request.merchant).delete()
                        formset.deleted_objects.append(old)
                    continue
                if not data:
                    continue
                store = data.get("store")
                listing = catalog.set_listing(
                    merchant=request.merchant,
                    variant=form.instance,
                    store=store,
                    price_fen=inline_form.instance.price_fen,
                    is_available=data.get("is_available", False),
                    is_exclusive=data.get("is_exclusive", False),
                )
                if old is not None and old.pk != listing.pk:
                    ChannelListing.objects.filter(pk=old.pk, merchant=request.merchant).delete()
                if old is None:
                    formset.new_objects.append(listing)
                else:
                    formset.changed_objects.append((listing, inline_form.changed_data))

    @admin.display(description=_("attributes"))
    def attribute_text(self, obj):
        return ", ".join(f"{k}: {v}" for k, v in (obj.attributes or {}).items())

    @admin.display(description=_("online price"))
    def online_price(self, obj):
        listing = next((item for item in obj.listings.all() if item.store_id is None), None)
        return format_fen(listing.price_fen) if listing else "—"

    @admin.action(description=_("List selected variants online at a price…"), permissions=["change"])
    def list_online_at_price(self, request, queryset):
        form = ListOnlineForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            try:
                count = catalog.list_variants_online(
                    merchant=request.merchant,
                    variants=list(queryset),
                    price_fen=_fen(form.cleaned_data["price"]),
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                self.message_user(
                    request,
                    ngettext("%d variant is now listed online.", "%d variants are now listed online.", count)
                    % count,
                    messages.SUCCESS,
                )
                return None
        return self._intermediate(
            request,
            queryset,
            form,
            "list_online_at_price",
            gettext("List variants online at a price"),
            gettext(
                "Each selected variant is offered online at this price (existing online prices are replaced)."
            ),
        )

    @admin.action(description=_("Copy online listings to stores…"), permissions=["change"])
    def copy_online_to_stores(self, request, queryset):
        form = CopyToStoresForm(request.POST if "apply" in request.POST else None)
        form.fields["stores"].queryset = scoped_related_queryset(Store, request)
        if form.is_valid():
            try:
                count = catalog.copy_online_listings_to_stores(
                    merchant=request.merchant,
                    variants=list(queryset),
                    stores=form.cleaned_data["stores"],
                    overwrite=form.cleaned_data["overwrite"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                self.message_user(
                    request,
                    ngettext("%d store listing written.", "%d store listings written.", count) % count,
                    messages.SUCCESS,
                )
                return None
        return self._intermediate(
            request,
            queryset,
            form,
            "copy_online_to_stores",
            gettext("Copy online listings to stores"),
            gettext(
                "Each selected variant that is listed online gets a listing in the chosen stores at its "
                "online price. Variants not listed online are skipped."
            ),
        )

    def _intermediate(self, request, queryset, form, action, title, help_text):
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "help_text": help_text,
            "form": form,
            "queryset": queryset,
            "action": action,
            "opts": self.model._meta,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/shops/bulk_action.html", context)


# --- Channel listings ---------------------------------------------------------------------------


class ChannelFilter(admin.SimpleListFilter):
    title = _("channel")
    parameter_name = "channel"

    def lookups(self, request, model_admin):
        return [("online", _("Online")), ("stores", _("Stores"))]

    def queryset(self, request, queryset):
        if self.value() == "online":
            return queryset.filter(store__isnull=True)
        if self.value() == "stores":
            return queryset.filter(store__isnull=False)
        return queryset


class ChannelListingAdmin(TenantFormsMixin, MerchantScopedAdmin):
    form = ListingForm
    list_display = ["variant", "channel", "price_display", "is_available", "is_exclusive", "updated_at"]
    list_filter = [ChannelFilter, "store", "is_available", "is_exclusive"]
    search_fields = ["variant__sku", "variant__product__title"]
    list_select_related = ["variant__product", "store"]
    role_permissions = CATALOG_ROLES

    @admin.display(description=_("channel"), ordering="store__name")
    def channel(self, obj):
        return obj.store.name if obj.store_id else gettext("Online")

    @admin.display(description=_("price"), ordering="price_fen")
    def price_display(self, obj):
        return format_fen(obj.price_fen)

    def save_model(self, request, obj, form, change):
        # The service is the one writer of listings: it re-checks merchant ownership.
        listing = catalog.set_listing(
            merchant=request.merchant,
            variant=form.cleaned_data["variant"],
            store=form.cleaned_data.get("store"),
            price_fen=obj.price_fen,
            is_available=form.cleaned_data["is_available"],
            is_exclusive=form.cleaned_data["is_exclusive"],
        )
        if change and listing.pk != obj.pk:
            # The channel was changed on an existing listing: the old one goes away.
            ChannelListing.objects.filter(pk=obj.pk, merchant=request.merchant).delete()
        obj.pk, obj.merchant = listing.pk, listing.merchant
        obj._state.adding = False


# --- QR entry points --------------------------------------------------------------------------

ROTATE_WARNING = _(
    "Printed posters of these codes stop working at once: shoppers who scan them see "
    '"this code is no longer valid". Print and put up the new posters.'
)


class EntryPointForm(forms.ModelForm):
    class Meta:
        model = EntryPoint
        fields = ["kind", "store", "staff", "label"]

    def clean(self):
        cleaned = super().clean()
        if not self.instance.pk and self.instance.merchant_id:
            try:
                entry_points.validate_entry_point(
                    merchant=self.instance.merchant,
                    kind=cleaned.get("kind") or "",
                    store=cleaned.get("store"),
                    staff=cleaned.get("staff"),
                )
                if (
                    cleaned.get("kind") == EntryPoint.Kind.STAFF
                    and EntryPoint.objects.filter(
                        staff=cleaned.get("staff"), kind=EntryPoint.Kind.STAFF, is_active=True
                    ).exists()
                ):
                    raise ValidationError(
                        {"staff": gettext("This person already has a live personal code; rotate it instead.")}
                    )
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    self.add_error(field if field in self.fields else None, errors)
        return cleaned


class EntryPointAdmin(TenantFormsMixin, MerchantScopedAdmin):
    form = EntryPointForm
    change_list_template = "admin/shops/entrypoint/change_list.html"
    list_display = ["kind", "store", "staff", "label", "is_active", "poster_links"]
    list_display_links = ["kind"]
    list_filter = ["kind", "is_active", "store"]
    search_fields = ["label", "store__name", "staff__display_name"]
    list_select_related = ["store", "staff__user", "merchant"]
    actions = ["revoke", "rotate"]
    role_permissions = {
        "owner": ("view", "add", "change"),
        "manager": ("view", "add", "change"),
        "staff": ("view",),
    }

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["kind", "store", "staff", "label"]
        return ["kind", "store", "staff", "label", "scan_link", "is_active", "revoked_at", "poster_links"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["kind", "store", "staff", "scan_link", "is_active", "revoked_at", "poster_links"]

    @admin.display(description=_("scan URL"))
    def scan_link(self, obj):
        url = entry_points.scan_url(obj)
        return format_html('<a href="{}" target="_blank" rel="noopener">{}</a>', url, url)

    @admin.display(description=_("poster"))
    def poster_links(self, obj):
        if not obj.pk or not obj.is_active:
            return "—"
        links = [
            (reverse("backoffice:shops_entrypoint_poster", args=[obj.pk, fmt]), label)
            for fmt, label in (("a4.pdf", "A4"), ("a5.pdf", "A5"), ("png", "PNG"), ("svg", "SVG"))
        ]
        return format_html(
            '<span style="white-space:nowrap">{}</span>',
            format_html_join(" · ", '<a href="{}">{}</a>', links),
        )

    def save_model(self, request, obj, form, change):
        if change:
            obj.save(update_fields=["label"])
            return
        new = entry_points.create_entry_point(
            merchant=request.merchant,
            kind=form.cleaned_data["kind"],
            store=form.cleaned_data.get("store"),
            staff=form.cleaned_data.get("staff"),
            label=form.cleaned_data.get("label") or "",
        )
        obj.pk, obj.merchant, obj.token, obj.created_at = new.pk, new.merchant, new.token, new.created_at
        obj._state.adding = False

    def get_urls(self):
        from django.urls import path

        from shops import views_posters

        wrap = self.admin_site.admin_view
        return [
            path(
                "<int:object_id>/poster/<str:fmt>/",
                wrap(views_posters.backoffice_poster(self)),
                name="shops_entrypoint_poster",
            ),
        ] + super().get_urls()

    def _confirm(self, request, queryset, action, title, verb):
        if "apply" in request.POST:
            return True
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "help_text": ROTATE_WARNING,
            "warning": True,
            "form": None,
            "submit_label": verb,
            "queryset": queryset,
            "action": action,
            "opts": self.model._meta,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/shops/bulk_action.html", context)

    @admin.action(
        description=_("Revoke selected codes (printed posters stop working)…"), permissions=["change"]
    )
    def revoke(self, request, queryset):
        confirmed = self._confirm(request, queryset, "revoke", gettext("Revoke QR codes"), gettext("Revoke"))
        if confirmed is not True:
            return confirmed
        count = 0
        with transaction.atomic():
            for entry_point in queryset.filter(is_active=True):
                entry_points.revoke_entry_point(entry_point=entry_point)
                count += 1
        self.message_user(
            request,
            ngettext(
                "%d code revoked: its printed posters no longer work.",
                "%d codes revoked: their printed posters no longer work.",
                count,
            )
            % count,
            messages.WARNING,
        )
        return HttpResponseRedirect(request.get_full_path())

    @admin.action(
        description=_("Rotate selected codes (new token; old posters stop working)…"), permissions=["change"]
    )
    def rotate(self, request, queryset):
        confirmed = self._confirm(
            request,
            queryset,
            "rotate",
            gettext("Rotate QR codes"),
            gettext("Rotate and revoke the old codes"),
        )
        if confirmed is not True:
            return confirmed
        count = 0
        with transaction.atomic():
            for entry_point in queryset.filter(is_active=True):
                entry_points.rotate_entry_point(entry_point=entry_point)
                count += 1
        self.message_user(
            request,
            ngettext(
                "%d code rotated: print the new poster; the old one no longer works.",
                "%d codes rotated: print the new posters; the old ones no longer work.",
                count,
            )
            % count,
            messages.WARNING,
        )
        return HttpResponseRedirect(request.get_full_path())


backoffice_site.register(Category, CategoryAdmin)
backoffice_site.register(Product, ProductAdmin)
backoffice_site.register(Variant, VariantAdmin)
backoffice_site.register(ChannelListing, ChannelListingAdmin)
backoffice_site.register(EntryPoint, EntryPointAdmin)
