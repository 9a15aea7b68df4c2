"""Admins for shops: the ops admin (admin.site, /ops/) and the merchant back office (/backoffice/)."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from shops import services
from shops.admin_forms import TenantFormsMixin
from shops.admin_posters import print_store_posters
from shops.backoffice import MerchantScopedAdmin, backoffice_site
from shops.images import normalise_photo
from shops.models import Customer, Invitation, Membership, Merchant, Store

# --- Ops -----------------------------------------------------------------------------------


class OpsMembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]
    filter_horizontal = ["stores"]


@admin.register(Merchant)
class OpsMerchantAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "status", "contact_email", "created_at", "status_changed_at"]
    list_filter = ["status", "require_owner_mfa"]
    search_fields = ["name", "slug", "contact_email"]
    readonly_fields = ["created_at", "status_changed_at"]
    inlines = [OpsMembershipInline]
    actions = ["approve", "suspend"]

    @admin.action(description=_("Approve selected merchants"))
    def approve(self, request, queryset):
        for merchant in queryset:
            services.approve_merchant(merchant=merchant, reason=f"approved by {request.user}")
        self.message_user(
            request,
            ngettext("%d merchant approved.", "%d merchants approved.", queryset.count()) % queryset.count(),
            messages.SUCCESS,
        )

    @admin.action(description=_("Suspend selected merchants"))
    def suspend(self, request, queryset):
        for merchant in queryset:
            services.suspend_merchant(merchant=merchant, reason=f"suspended by {request.user}")
        self.message_user(
            request,
            ngettext("%d merchant suspended.", "%d merchants suspended.", queryset.count())
            % queryset.count(),
            messages.WARNING,
        )


@admin.register(Store)
class OpsStoreAdmin(admin.ModelAdmin):
    list_display = ["name", "merchant", "code", "status", "phone"]
    list_filter = ["status", "merchant"]
    search_fields = ["name", "code", "merchant__name"]


@admin.register(Membership)
class OpsMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "merchant", "role", "is_active", "created_at"]
    list_filter = ["role", "is_active", "merchant"]
    search_fields = ["user__email", "merchant__name", "display_name"]
    autocomplete_fields = ["user", "merchant"]


@admin.register(Invitation)
class OpsInvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "merchant", "role", "created_at", "accepted_at"]
    list_filter = ["role", "merchant"]
    search_fields = ["email"]


@admin.register(Customer)
class OpsCustomerAdmin(admin.ModelAdmin):
    list_display = ["__str__", "merchant", "mobile", "created_at"]
    list_filter = ["merchant"]
    search_fields = ["name", "mobile", "email"]


# --- Merchant back office --------------------------------------------------------------------


class BrandAdmin(MerchantScopedAdmin):
    """The brand's own settings. Status is ops' business; owners edit the rest."""

    list_display = ["name", "status", "contact_email", "contact_phone", "require_owner_mfa"]
    fields = ["name", "contact_email", "contact_phone", "require_owner_mfa", "status"]
    readonly_fields = ["status"]
    role_permissions = {"owner": ("view", "change"), "manager": ("view",), "staff": ()}


class StoreForm(forms.ModelForm):
    """Store photos are checked and re-encoded (shops.images); codes are unique per brand."""

    class Meta:
        model = Store
        fields = [
            "name",
            "code",
            "status",
            "address",
            "latitude",
            "longitude",
            "opening_hours",
            "phone",
            "photo",
        ]

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if photo and hasattr(photo, "content_type"):  # a new upload, not the stored file
            return normalise_photo(photo)
        return photo


class StoreAdmin(TenantFormsMixin, MerchantScopedAdmin):
    form = StoreForm
    actions = [print_store_posters]
    list_display = ["name", "code", "status", "address", "phone", "opening_hours"]
    list_filter = ["status"]
    search_fields = ["name", "code", "address"]
    prepopulated_fields = {"code": ["name"]}
    role_permissions = {
        "owner": ("view", "add", "change", "delete"),
        "manager": ("view", "add", "change"),
        "staff": ("view",),
    }


class MembershipAdmin(MerchantScopedAdmin):
    list_display = ["__str__", "role", "is_active", "store_list", "created_at"]
    list_filter = ["role", "is_active", "stores"]
    search_fields = ["display_name", "user__email"]
    fields = ["display_name", "role", "stores", "is_active"]
    filter_horizontal = ["stores"]
    role_permissions = {"owner": ("view", "change"), "manager": ("view",), "staff": ("view",)}

    @admin.display(description=_("stores"))
    def store_list(self, obj):
        return ", ".join(store.name for store in obj.stores.all())

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user").prefetch_related("stores")


class InvitationAdmin(MerchantScopedAdmin):
    list_display = ["email", "role", "created_at", "expires_at", "accepted_at"]
    list_filter = ["role"]
    search_fields = ["email"]
    fields = ["email", "display_name", "role", "stores"]
    filter_horizontal = ["stores"]
    role_permissions = {"owner": ("view", "add", "delete"), "manager": ("view", "add"), "staff": ()}

    def save_model(self, request, obj, form, change):
        # Invitations are made by the service (validation + email after commit), never by the form.
        try:
            invitation = services.invite_member(
                merchant=request.merchant,
                invited_by=request.user,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                stores=form.cleaned_data["stores"],
                display_name=form.cleaned_data["display_name"],
            )
        except ValidationError as error:
            raise ValidationError(error.messages) from error
        obj.pk, obj.merchant, obj.token = invitation.pk, invitation.merchant, invitation.token
        obj._state.adding = False

    def save_related(self, request, form, formsets, change):
        """Stores were set by the service."""

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        merchant = request.merchant

        class InvitationForm(form):
            def clean(self):
                cleaned = super().clean()
                try:
                    services.validate_invitation(
                        merchant=merchant,
                        email=cleaned.get("email") or "",
                        role=cleaned.get("role") or "",
                        stores=cleaned.get("stores") or [],
                    )
                except ValidationError as error:
                    if hasattr(error, "error_dict"):
                        for field, errors in error.message_dict.items():
                            self.add_error(field if field in self.fields else None, errors)
                    else:
                        self.add_error(None, error)
                return cleaned

        return InvitationForm


class CustomerAdmin(MerchantScopedAdmin):
    list_display = ["__str__", "mobile", "email", "created_at"]
    search_fields = ["name", "mobile", "email"]
    fields = ["name", "mobile", "email", "created_at"]
    readonly_fields = ["created_at"]
    role_permissions = {"owner": ("view", "change"), "manager": ("view", "change"), "staff": ()}


backoffice_site.register(Merchant, BrandAdmin)
backoffice_site.register(Store, StoreAdmin)
backoffice_site.register(Membership, MembershipAdmin)
backoffice_site.register(Invitation, InvitationAdmin)
backoffice_site.register(Customer, CustomerAdmin)

# Catalog, channel listings and QR entry points (issue 3) register themselves on import.
# API keys, webhooks, exports and personal-information requests (issue 8) likewise.
from shops import admin_api, admin_catalog  # noqa: E402, F401
