"""Back office for orders (list with filters, detail with timeline, fulfil, refund, CSV export)
and the ops admin for notifications and WeChat Pay credentials. Every change calls a service."""

from __future__ import annotations

import csv

from django import forms
from django.contrib import admin, messages
from django.http import HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from orders import services
from orders.forms import RefundForm
from orders.models import (
    MerchantPaymentSettings,
    Order,
    OrderLine,
    OrderTransition,
    Payment,
    PaymentNotification,
    Refund,
    WechatPayAccount,
)
from orders.payments import wechatpay
from orders.state import IllegalTransition, can_transition
from shops.backoffice import MerchantScopedAdmin, MerchantScopedInline, backoffice_site
from shops.money import format_fen

ORDER_ROLES = {"owner": ("view", "change"), "manager": ("view", "change"), "staff": ("view",)}


class ReadOnlyInline(MerchantScopedInline, admin.TabularInline):
    extra = 0
    can_delete = False
    role_permissions = {"owner": ("view",), "manager": ("view",), "staff": ("view",)}

    def get_readonly_fields(self, request, obj=None):
        return self.fields


class OrderLineInline(ReadOnlyInline):
    model = OrderLine
    fields = ["sku", "title", "unit_price", "quantity", "line_total", "refunded_quantity"]

    @admin.display(description=_("unit price"))
    def unit_price(self, line):
        return format_fen(line.unit_price_fen)

    @admin.display(description=_("line total"))
    def line_total(self, line):
        return format_fen(line.line_total_fen)


class TimelineInline(ReadOnlyInline):
    model = OrderTransition
    fields = ["at", "from_status", "to_status", "actor_label", "note"]
    verbose_name_plural = _("timeline")


class PaymentInline(ReadOnlyInline):
    model = Payment
    fields = ["gateway", "out_trade_no", "transaction_id", "amount_fen", "status", "succeeded_at"]


class RefundInline(ReadOnlyInline):
    model = Refund
    fields = ["out_refund_no", "amount_fen", "lines", "status", "reason", "created_at", "succeeded_at"]


@admin.register(Order, site=backoffice_site)
class OrderAdmin(MerchantScopedAdmin):
    role_permissions = ORDER_ROLES
    list_display = ["number", "created_at", "channel", "store", "status", "total", "refunded", "paid_at"]
    list_filter = ["channel", "store", "status", ("created_at", admin.DateFieldListFilter)]
    search_fields = ["number", "contact_name", "contact_mobile"]
    date_hierarchy = "created_at"
    list_select_related = ["store"]
    inlines = [OrderLineInline, TimelineInline, PaymentInline, RefundInline]
    actions = ["export_csv", "fulfil_selected"]
    change_form_template = "admin/orders/order/change_form.html"
    fieldsets = [
        (None, {"fields": ["number", "status", "channel", "store", "customer", "created_at", "paid_at"]}),
        (
            _("Contact"),
            {"fields": ["contact_name", "contact_mobile", "fulfilment", "delivery_address", "notes"]},
        ),
        (_("Money"), {"fields": ["subtotal", "discount", "shipping", "total", "refunded"]}),
    ]

    def get_readonly_fields(self, request, obj=None):
        return [name for fieldset in self.fieldsets for name in fieldset[1]["fields"]]

    def has_add_permission(self, request, *args):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("subtotal"))
    def subtotal(self, order):
        return format_fen(order.subtotal_fen)

    @admin.display(description=_("discount"))
    def discount(self, order):
        return format_fen(order.discount_fen)

    @admin.display(description=_("delivery"))
    def shipping(self, order):
        return format_fen(order.shipping_fen)

    @admin.display(description=_("total"), ordering="total_fen")
    def total(self, order):
        return format_fen(order.total_fen)

    @admin.display(description=_("refunded"))
    def refunded(self, order):
        return format_fen(order.refunded_fen) if order.refunded_fen else ""

    def change_view(self, request, object_id, form_url="", extra_context=None):
        order = self.get_object(request, object_id)
        extra_context = dict(extra_context or {})
        may_change = self.has_change_permission(request, order)
        extra_context["can_fulfil"] = may_change and can_transition(order, "fulfilled")
        extra_context["can_complete"] = may_change and can_transition(order, "completed")
        extra_context["can_refund"] = (
            may_change and order.status in services.REFUNDABLE and order.refundable_fen > 0
        )
        return super().change_view(request, object_id, form_url, extra_context)

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<path:object_id>/fulfil/", wrap(self.fulfil_view), name="orders_order_fulfil"),
            path("<path:object_id>/complete/", wrap(self.complete_view), name="orders_order_complete"),
            path("<path:object_id>/refund/", wrap(self.refund_view), name="orders_order_refund"),
        ] + super().get_urls()

    def _change_url(self, order):
        return reverse("backoffice:orders_order_change", args=[order.pk])

    def _checked_order(self, request, object_id):
        order = self.get_object(request, object_id)  # 404 for another merchant's order
        if not self.has_change_permission(request, order):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        return order

    def fulfil_view(self, request, object_id):
        return self._step(request, object_id, services.fulfil_order, gettext("Order marked fulfilled."))

    def complete_view(self, request, object_id):
        return self._step(request, object_id, services.complete_order, gettext("Order completed."))

    def _step(self, request, object_id, service, done):
        order = self._checked_order(request, object_id)
        if request.method != "POST":
            return HttpResponseRedirect(self._change_url(order))
        try:
            service(order=order, actor=request.user)
            messages.success(request, done)
        except IllegalTransition as error:
            messages.error(request, str(error))
        return HttpResponseRedirect(self._change_url(order))

    def refund_view(self, request, object_id):
        order = self._checked_order(request, object_id)
        form = RefundForm(request.POST or None, order=order)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                services.request_refund(
                    order=order,
                    amount_fen=data.get("amount_fen") if data["mode"] == "amount" else None,
                    lines=data.get("lines") if data["mode"] == "lines" else None,
                    reason=data.get("reason", ""),
                    actor=request.user,
                )
            except services.RefundNotAllowed as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request, gettext("Refund requested; the order updates when the gateway confirms.")
                )
                return HttpResponseRedirect(self._change_url(order))
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Refund order %(number)s") % {"number": order.number},
            "order": order,
            "form": form,
            "opts": self.model._meta,
            "refundable": format_fen(order.refundable_fen),
        }
        return TemplateResponse(request, "admin/orders/order/refund.html", context)

    @admin.action(description=_("Export selected orders as CSV"), permissions=["view"])
    def export_csv(self, request, queryset):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="orders-{timezone.localdate():%Y%m%d}.csv"'
        response.write("\ufeff")  # Excel opens UTF-8 Chinese correctly with a BOM
        writer = csv.writer(response)
        writer.writerow(
            [
                "number",
                "created_at",
                "paid_at",
                "channel",
                "store",
                "status",
                "contact_name",
                "contact_mobile",
                "subtotal",
                "discount",
                "shipping",
                "total",
                "refunded",
            ]
        )
        for order in queryset.select_related("store").order_by("created_at"):
            writer.writerow(
                [
                    order.number,
                    timezone.localtime(order.created_at).isoformat(timespec="seconds"),
                    timezone.localtime(order.paid_at).isoformat(timespec="seconds") if order.paid_at else "",
                    order.channel,
                    order.store.name if order.store else "",
                    order.status,
                    _csv_safe(order.contact_name),
                    order.contact_mobile,
                    *(
                        f"{fen / 100:.2f}"
                        for fen in (
                            order.subtotal_fen,
                            order.discount_fen,
                            order.shipping_fen,
                            order.total_fen,
                            order.refunded_fen,
                        )
                    ),
                ]
            )
        return response

    @admin.action(description=_("Mark selected orders fulfilled"), permissions=["change"])
    def fulfil_selected(self, request, queryset):
        done, skipped = 0, 0
        for order in queryset:
            try:
                services.fulfil_order(order=order, actor=request.user)
                done += 1
            except IllegalTransition:
                skipped += 1
        messages.info(
            request,
            gettext("%(done)s fulfilled, %(skipped)s skipped (not paid).")
            % {"done": done, "skipped": skipped},
        )


def _csv_safe(value: str) -> str:
    """Spreadsheets run cells starting with = + - @ as formulas; prefix them with a quote."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


class ReadOnlyAdmin(MerchantScopedAdmin):
    role_permissions = {"owner": ("view",), "manager": ("view",), "staff": ("view",)}

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]


@admin.register(Payment, site=backoffice_site)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ["out_trade_no", "order", "gateway", "amount_fen", "status", "created_at", "succeeded_at"]
    list_filter = ["status", "gateway"]
    search_fields = ["out_trade_no", "transaction_id", "order__number"]
    list_select_related = ["order"]


@admin.register(Refund, site=backoffice_site)
class RefundAdmin(ReadOnlyAdmin):
    list_display = ["out_refund_no", "order", "amount_fen", "status", "created_at", "succeeded_at"]
    list_filter = ["status"]
    search_fields = ["out_refund_no", "order__number"]
    list_select_related = ["order"]


@admin.register(MerchantPaymentSettings, site=backoffice_site)
class PaymentSettingsAdmin(MerchantScopedAdmin):
    role_permissions = {"owner": ("view", "add", "change"), "manager": ("view",), "staff": ()}
    list_display = ["merchant", "f2f_max_fen", "shipping_fen"]
    fields = ["f2f_max_fen", "shipping_fen"]

    def has_add_permission(self, request, *args):
        exists = MerchantPaymentSettings.objects.filter(merchant=getattr(request, "merchant", None)).exists()
        return super().has_add_permission(request, *args) and not exists


# --- Ops -----------------------------------------------------------------------------------------


@admin.register(PaymentNotification)
class PaymentNotificationOpsAdmin(admin.ModelAdmin):
    list_display = ["received_at", "merchant", "gateway", "event_type", "reference", "result", "flagged"]
    list_filter = ["flagged", "result", "gateway", "event_type"]
    search_fields = ["reference"]
    readonly_fields = [f.name for f in PaymentNotification._meta.fields if f.name != "flagged"]


class WechatPayAccountForm(forms.ModelForm):
    private_key_pem = forms.CharField(
        label=_("merchant private key (PEM)"), widget=forms.Textarea, required=False
    )
    apiv3_key = forms.CharField(
        label=_("APIv3 key (32 characters)"), required=False, widget=forms.PasswordInput
    )

    class Meta:
        model = WechatPayAccount
        fields = [
            "merchant",
            "appid",
            "mchid",
            "serial_no",
            "platform_serial",
            "platform_public_key",
            "is_active",
        ]

    def clean(self):
        data = super().clean()
        creating = self.instance.pk is None
        if creating and not (data.get("private_key_pem") and data.get("apiv3_key")):
            raise forms.ValidationError(_("Enter the private key and the APIv3 key."))
        try:
            if data.get("private_key_pem"):
                wechatpay.v3.load_private_key(data["private_key_pem"])
            if data.get("platform_public_key"):
                wechatpay.v3.load_public_key(data["platform_public_key"])
        except (ValueError, TypeError) as error:
            raise forms.ValidationError(_("A key could not be read: %(error)s") % {"error": error}) from error
        if data.get("apiv3_key") and len(data["apiv3_key"].encode()) != 32:
            self.add_error("apiv3_key", _("The APIv3 key is 32 characters."))
        return data

    def save(self, commit=True):
        account = super().save(commit=False)
        from orders.payments.secrets import encrypt

        if self.cleaned_data.get("private_key_pem"):
            account.private_key_encrypted = encrypt(self.cleaned_data["private_key_pem"])
        if self.cleaned_data.get("apiv3_key"):
            account.apiv3_key_encrypted = encrypt(self.cleaned_data["apiv3_key"])
        if commit:
            account.save()
        return account


@admin.register(WechatPayAccount)
class WechatPayAccountOpsAdmin(admin.ModelAdmin):
    form = WechatPayAccountForm
    list_display = ["merchant", "mchid", "appid", "is_active"]
