"""Attribution and rebates in the merchant back office (/backoffice/) and for ops (/ops/).

Bindings with their event history (and on each customer's record), the brand's policies
(owners), statements with their lines and CSV export, ledger lines, disputes and runs.
Staff members see their own statements and lines; managers and owners the whole brand.
Every change goes through attribution.services / attribution.settlement.
"""

from __future__ import annotations

import csv

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from attribution import services, settlement
from attribution.models import (
    AttributionPolicy,
    Binding,
    BindingEvent,
    OrderAttribution,
    RebateCategoryRate,
    RebateDispute,
    RebateLedgerLine,
    RebatePolicy,
    RebateRun,
    RebateStatement,
)
from shops.backoffice import MerchantScopedAdmin, MerchantScopedInline, backoffice_site
from shops.models import Customer, Membership
from shops.money import format_fen

READ_ONLY = {"owner": ("view",), "manager": ("view",), "staff": ("view",)}


class ReadOnlyMixin:
    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields if f.name != self.tenant_field]


def _own_only(qs, request, staff_field="staff"):
    """Staff see only what is theirs; owners and managers see the whole (scoped) brand."""
    membership = getattr(request, "membership", None)
    if membership is not None and membership.role == Membership.Role.STAFF:
        return qs.filter(**{staff_field: membership})
    return qs


# --- Bindings --------------------------------------------------------------------------------------


class BindingEventInline(MerchantScopedInline, admin.TabularInline):
    model = BindingEvent
    fk_name = "binding"
    extra = 0
    can_delete = False
    fields = [
        "occurred_at",
        "kind",
        "store",
        "staff",
        "touch_source",
        "touch_store",
        "touch_staff",
        "reason",
        "actor",
    ]
    readonly_fields = fields
    ordering = ["-occurred_at", "-id"]
    role_permissions = READ_ONLY

    def has_add_permission(self, request, obj=None):
        return False


class CustomerBindingEventInline(BindingEventInline):
    """On the customer's record: who brought this customer, when, and why the binding says so."""

    fk_name = "customer"
    verbose_name = _("binding history")
    verbose_name_plural = _("who brought this customer (binding history)")
    fields = ["occurred_at", "kind", "store", "staff", "touch_source", "reference", "reason", "rule"]
    readonly_fields = fields


class ReassignForm(forms.Form):
    to_staff = forms.ModelChoiceField(queryset=Membership.objects.none(), label=_("pass to"))

    def __init__(self, *args, merchant=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_staff"].queryset = Membership.objects.filter(
            merchant=merchant, is_active=True, role=Membership.Role.STAFF
        )


class BindingAdmin(ReadOnlyMixin, MerchantScopedAdmin):
    list_display = ["customer", "store", "staff", "source", "status", "bound_at", "protected_until"]
    list_filter = ["status", "source", "store", "staff"]
    search_fields = ["customer__name", "customer__mobile"]
    inlines = [BindingEventInline]
    actions = ["pass_to_store", "pass_to_staff"]
    role_permissions = {"owner": ("view", "change"), "manager": ("view", "change"), "staff": ("view",)}

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("customer", "store", "staff__user")

    def has_add_permission(self, request, *args):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Staff member left: the customers stay with their store"))
    def pass_to_store(self, request, queryset):
        count = 0
        for membership in Membership.objects.filter(pk__in=queryset.exclude(staff=None).values("staff")):
            count += services.release_staff_customers(membership=membership, actor=request.user)
        self.message_user(
            request,
            ngettext("%d customer passed to the store.", "%d customers passed to their store.", count)
            % count,
        )

    @admin.action(description=_("Pass the customers to another staff member"))
    def pass_to_staff(self, request, queryset):
        form = ReassignForm(request.POST if "apply" in request.POST else None, merchant=request.merchant)
        if form.is_valid():
            count = 0
            try:
                for membership in Membership.objects.filter(
                    pk__in=queryset.exclude(staff=None).values("staff")
                ):
                    count += services.reassign_staff_customers(
                        from_staff=membership,
                        to_staff=form.cleaned_data["to_staff"],
                        actor=request.user,
                        bindings=list(queryset.filter(staff=membership)),
                    )
            except ValidationError as error:
                self.message_user(request, "; ".join(error.messages), messages.ERROR)
                return None
            self.message_user(
                request, ngettext("%d customer passed on.", "%d customers passed on.", count) % count
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Pass the customers to another staff member"),
            "help_text": gettext(
                "Each selected customer's binding passes to the chosen staff member (a binding event "
                "records who did it). Bindings without a staff member are left as they are."
            ),
            "form": form,
            "queryset": queryset,
            "action": "pass_to_staff",
            "opts": self.model._meta,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/shops/bulk_action.html", context)


class BindingEventAdmin(ReadOnlyMixin, MerchantScopedAdmin):
    list_display = ["occurred_at", "customer", "kind", "store", "staff", "touch_source", "reason"]
    list_filter = ["kind", "touch_source", "store"]
    search_fields = ["customer__name", "customer__mobile", "reference"]
    role_permissions = READ_ONLY

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("customer", "store", "staff__user")


class OrderAttributionAdmin(ReadOnlyMixin, MerchantScopedAdmin):
    list_display = ["order", "paid_at", "basis", "store", "staff", "rule", "earns_rebate"]
    list_filter = ["basis", "earns_rebate", "store"]
    search_fields = ["order__number"]
    role_permissions = READ_ONLY

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("order", "store", "staff__user")


# --- Policies (owners) ----------------------------------------------------------------------------

OWNER_EDITS = {"owner": ("view", "add", "change"), "manager": ("view",), "staff": ()}


class AttributionPolicyAdmin(MerchantScopedAdmin):
    list_display = ["__str__", "model", "protection_days", "on_expiry", "updated_at"]
    fields = ["model", "protection_days", "on_expiry"]
    role_permissions = OWNER_EDITS

    def has_add_permission(self, request, *args):
        return (
            super().has_add_permission(request)
            and not AttributionPolicy.objects.filter(merchant=request.merchant).exists()
        )


class RebateCategoryRateInline(MerchantScopedInline, admin.TabularInline):
    model = RebateCategoryRate
    extra = 0
    role_permissions = {"owner": ("view", "add", "change", "delete"), "manager": ("view",), "staff": ()}


class RebatePolicyAdmin(MerchantScopedAdmin):
    list_display = ["__str__", "store_rate_bp", "staff_rate_bp", "period", "clawback_days", "minimum_payout"]
    fields = [
        "store_rate_bp",
        "staff_rate_bp",
        "period",
        "clawback_days",
        "minimum_payout_fen",
        "excluded_products",
    ]
    filter_horizontal = ["excluded_products"]
    inlines = [RebateCategoryRateInline]
    role_permissions = OWNER_EDITS

    @admin.display(description=_("minimum payout"))
    def minimum_payout(self, obj):
        return format_fen(obj.minimum_payout_fen)

    def has_add_permission(self, request, *args):
        return (
            super().has_add_permission(request)
            and not RebatePolicy.objects.filter(merchant=request.merchant).exists()
        )


# --- Statements, lines, disputes, runs ------------------------------------------------------------

CSV_HEADER = [
    "statement",
    "period_start",
    "beneficiary",
    "store",
    "staff",
    "line",
    "kind",
    "order",
    "refund",
    "occurred_at",
    "settles_at",
    "base_fen",
    "rate_bp",
    "amount_fen",
    "binding",
    "binding_event",
    "rule",
]


def statements_csv(statements) -> HttpResponse:
    """Every line of the statements, traceable to order, refund, binding event and rule."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="rebate-statement.csv"'
    response.write("\ufeff")  # Excel opens UTF-8 Chinese correctly with a BOM
    writer = csv.writer(response)
    writer.writerow(CSV_HEADER)
    for statement in statements:
        lines = (
            statement.lines().select_related("order", "refund", "attribution").order_by("settles_at", "id")
        )
        for line in lines:
            writer.writerow(
                [
                    statement.pk,
                    timezone.localtime(statement.period_start).date().isoformat(),
                    statement.beneficiary,
                    statement.store,
                    statement.staff or "",
                    line.pk,
                    line.kind,
                    line.order.number,
                    line.refund.out_refund_no if line.refund_id else "",
                    line.occurred_at.isoformat(),
                    line.settles_at.isoformat(),
                    line.base_fen,
                    "" if line.rate_bp is None else line.rate_bp,
                    line.amount_fen,
                    line.attribution.binding_id or "",
                    line.attribution.binding_event_id or "",
                    line.attribution.rule,
                ]
            )
    return response


class RebateStatementAdmin(ReadOnlyMixin, MerchantScopedAdmin):
    list_display = [
        "period_start",
        "beneficiary",
        "store",
        "staff",
        "status",
        "line_count",
        "lines_total",
        "carried_in",
        "payable",
        "carried_out",
    ]
    list_filter = ["status", "beneficiary", "store"]
    actions = ["export_csv", "mark_paid"]
    role_permissions = {"owner": ("view", "change"), "manager": ("view",), "staff": ("view",)}

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "csv_link", "lines_table"]

    def get_queryset(self, request):
        return _own_only(super().get_queryset(request), request).select_related("store", "staff__user")

    def has_add_permission(self, request, *args):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not self._role_allows(request, "change"):
            actions.pop("mark_paid", None)
        return actions

    @admin.display(description=_("lines"))
    def lines_total(self, obj):
        return format_fen(obj.lines_total_fen)

    @admin.display(description=_("carried in"))
    def carried_in(self, obj):
        return format_fen(obj.carried_in_fen)

    @admin.display(description=_("payable"))
    def payable(self, obj):
        return format_fen(obj.payable_fen)

    @admin.display(description=_("carried over"))
    def carried_out(self, obj):
        return format_fen(obj.carried_out_fen)

    @admin.display(description=_("CSV"))
    def csv_link(self, obj):
        url = reverse("backoffice:attribution_rebatestatement_csv", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, gettext("Download the lines (CSV)"))

    @admin.display(description=_("ledger lines"))
    def lines_table(self, obj):
        lines = (
            obj.lines()
            .select_related("order", "refund", "attribution__binding_event")
            .order_by("settles_at", "id")
        )
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
            '<td><a href="{}">{}</a></td></tr>',
            (
                (
                    line.occurred_at.strftime("%Y-%m-%d %H:%M"),
                    line.get_kind_display(),
                    line.order.number,
                    format_fen(line.base_fen),
                    "—" if line.rate_bp is None else f"{line.rate_bp / 100:g}%",
                    format_fen(line.amount_fen),
                    line.attribution.binding_event or "—",
                    reverse("backoffice:attribution_rebatedispute_add") + f"?line={line.pk}",
                    gettext("Dispute"),
                )
                for line in lines[:500]
            ),
        )
        head = format_html(
            "<tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th></th></tr>",
            gettext("occurred"),
            gettext("kind"),
            gettext("order"),
            gettext("base"),
            gettext("rate"),
            gettext("rebate"),
            gettext("binding event"),
        )
        return format_html("<table>{}{}</table>", head, rows)

    def get_urls(self):
        return [
            path(
                "<path:object_id>/csv/",
                self.admin_site.admin_view(self.csv_view),
                name="attribution_rebatestatement_csv",
            ),
            *super().get_urls(),
        ]

    def csv_view(self, request, object_id):
        statement = self.get_object(request, object_id)  # scoped: 404 for anything not ours
        if not self.has_view_permission(request, statement):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        return statements_csv([statement])

    @admin.action(description=_("Export the lines as CSV"))
    def export_csv(self, request, queryset):
        return statements_csv(queryset.order_by("period_start", "id"))

    @admin.action(description=_("Mark as paid"))
    def mark_paid(self, request, queryset):
        count = 0
        for statement in queryset:
            try:
                settlement.mark_statement_paid(statement=statement, actor=request.user)
                count += 1
            except ValidationError as error:
                self.message_user(request, f"{statement}: {'; '.join(error.messages)}", messages.WARNING)
        self.message_user(request, ngettext("%d statement paid.", "%d statements paid.", count) % count)


class RebateLedgerLineAdmin(ReadOnlyMixin, MerchantScopedAdmin):
    list_display = ["occurred_at", "kind", "beneficiary", "store", "staff", "order", "base_fen", "amount_fen"]
    list_filter = ["kind", "beneficiary", "store"]
    search_fields = ["order__number"]
    role_permissions = READ_ONLY

    def get_queryset(self, request):
        return _own_only(super().get_queryset(request), request).select_related(
            "order", "store", "staff__user"
        )


class DisputeForm(forms.ModelForm):
    class Meta:
        model = RebateDispute
        fields = ["line", "comment", "answer"]


class RebateDisputeAdmin(MerchantScopedAdmin):
    """Stores and staff raise a dispute on a line (comment); the brand (owner) answers it."""

    form = DisputeForm
    list_display = ["__str__", "line", "status", "raised_by", "created_at", "answered_at"]
    list_filter = ["status"]
    role_permissions = {
        "owner": ("view", "add", "change"),
        "manager": ("view", "add"),
        "staff": ("view", "add"),
    }

    def get_queryset(self, request):
        return _own_only(super().get_queryset(request), request, "line__staff")

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["line", "comment"]
        return ["line", "comment", "raised_by", "status", "answer", "answered_by", "answered_at"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        readonly = ["line", "comment", "raised_by", "status", "answered_by", "answered_at"]
        if not self._role_allows(request, "change"):
            readonly.append("answer")
        return readonly

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "line":
            field.queryset = _own_only(field.queryset, request)
        return field

    def get_changeform_initial_data(self, request):
        return {"line": request.GET.get("line")}

    def save_model(self, request, obj, form, change):
        # Through the services, never the form: a new dispute, or the brand's answer.
        if not change:
            dispute = settlement.dispute_line(
                line=form.cleaned_data["line"], comment=form.cleaned_data["comment"], user=request.user
            )
        else:
            dispute = settlement.answer_dispute(
                dispute=obj, answer=form.cleaned_data.get("answer", ""), user=request.user
            )
        obj.pk = dispute.pk
        obj._state.adding = False

    def save_related(self, request, form, formsets, change):
        """Nothing else to save."""


class RebateRunAdmin(ReadOnlyMixin, MerchantScopedAdmin):
    list_display = [
        "started_at",
        "kind",
        "status",
        "progress",
        "step",
        "lines_created",
        "statements_written",
        "finished_at",
    ]
    list_filter = ["kind", "status"]
    role_permissions = {"owner": ("view",), "manager": ("view",), "staff": ()}

    @admin.display(description=_("progress"))
    def progress(self, obj):
        return f"{obj.steps_done}/{obj.steps_total} ({obj.percent}%)"


backoffice_site.register(Binding, BindingAdmin)
backoffice_site.register(BindingEvent, BindingEventAdmin)
backoffice_site.register(OrderAttribution, OrderAttributionAdmin)
backoffice_site.register(AttributionPolicy, AttributionPolicyAdmin)
backoffice_site.register(RebatePolicy, RebatePolicyAdmin)
backoffice_site.register(RebateStatement, RebateStatementAdmin)
backoffice_site.register(RebateLedgerLine, RebateLedgerLineAdmin)
backoffice_site.register(RebateDispute, RebateDisputeAdmin)
backoffice_site.register(RebateRun, RebateRunAdmin)

# The customer's record (shops' CustomerAdmin) shows who brought the customer.
_customer_admin = backoffice_site._registry.get(Customer)
if _customer_admin is not None and CustomerBindingEventInline not in _customer_admin.inlines:
    _customer_admin.inlines = [*_customer_admin.inlines, CustomerBindingEventInline]


# --- Ops ------------------------------------------------------------------------------------------


@admin.register(RebateRun)
class OpsRebateRunAdmin(admin.ModelAdmin):
    list_display = [
        "started_at",
        "merchant",
        "kind",
        "status",
        "steps_done",
        "steps_total",
        "step",
        "heartbeat_at",
        "finished_at",
    ]
    list_filter = ["kind", "status", "merchant"]
    readonly_fields = [f.name for f in RebateRun._meta.fields]


@admin.register(RebateStatement)
class OpsRebateStatementAdmin(admin.ModelAdmin):
    list_display = [
        "period_start",
        "merchant",
        "beneficiary",
        "store",
        "staff",
        "status",
        "total_fen",
        "payable_fen",
    ]
    list_filter = ["status", "beneficiary", "merchant"]
    readonly_fields = [f.name for f in RebateStatement._meta.fields]


@admin.register(Binding)
class OpsBindingAdmin(admin.ModelAdmin):
    list_display = ["customer", "merchant", "store", "staff", "status", "protected_until"]
    list_filter = ["status", "merchant"]
    readonly_fields = [f.name for f in Binding._meta.fields]
