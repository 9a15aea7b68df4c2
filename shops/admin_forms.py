"""Back-office form helpers: the merchant is on the instance before validation."""

from shops.backoffice import MerchantScopedInline


def _bump(request) -> None:
    from shops.storefront import bump_catalog_version

    if getattr(request, "merchant", None) is not None:
        bump_catalog_version(request.merchant.pk)


def tenant_form(form_class, merchant):
    """`form_class` with the merchant set on its instance before validation, so that database
    constraints naming the merchant (SKU unique per brand…) are checked by the form instead of
    surfacing as an IntegrityError (the merchant field itself is never on the form)."""

    class TenantForm(form_class):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            if (
                merchant is not None
                and hasattr(self.instance, "merchant_id")
                and not self.instance.merchant_id
            ):
                self.instance.merchant = merchant

        def _get_validation_exclusions(self):
            return super()._get_validation_exclusions() - {"merchant"}

    TenantForm.__name__ = form_class.__name__
    return TenantForm


class TenantFormsMixin:
    """For admins: tenant-aware forms, and the merchant set on new inline objects. Any change
    made here invalidates the merchant's cached storefront."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        _bump(request)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        _bump(request)

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        _bump(request)

    def get_form(self, request, obj=None, **kwargs):
        return tenant_form(super().get_form(request, obj, **kwargs), request.merchant)

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            obj.delete()
        for instance in instances:
            if hasattr(instance, "merchant_id"):
                instance.merchant = request.merchant
            instance.save()
        formset.save_m2m()
        _bump(request)


class TenantInlineMixin(MerchantScopedInline):
    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form = tenant_form(formset.form, request.merchant)
        return formset
