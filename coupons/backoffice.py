"""Back-office admins for campaigns, coupon definitions, issued coupons, redemptions and store
code batches, plus the campaign reports. Every change goes through coupons.services."""

from __future__ import annotations

import csv
import datetime as dt
import io

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from coupons import codes, selectors, services
from coupons.models import Campaign, Coupon, CouponDefinition, Mechanic, Redemption, StoreCodeBatch
from shops import charts
from shops.backoffice import MerchantScopedAdmin, backoffice_site
from shops.images import normalise_photo
from shops.models import Store
from shops.money import format_fen
from shops.tenancy import scope_queryset


class CampaignForm(forms.ModelForm):
    mechanics = forms.MultipleChoiceField(
        label=_("mechanics"),
        choices=Mechanic.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Mechanics that reward or force sharing break the sharing rules (see /rules/)."),
    )

    class Meta:
        model = Campaign
        fields = [
            "title",
            "description",
            "share_text",
            "share_image",
            "landing_text",
            "mechanics",
            "starts_at",
            "ends_at",
        ]

    def clean_share_image(self):
        image = self.cleaned_data.get("share_image")
        if image and hasattr(image, "content_type"):  # a new upload, not the stored file
            return normalise_photo(image)
        return image


def _scan_url(request, campaign: Campaign) -> str:
    if not campaign.entry_point_id:
        return ""
    return request.build_absolute_uri(reverse("scan", args=[campaign.entry_point.token]))


def _period(request) -> tuple[dt.datetime, dt.datetime, int]:
    try:
        days = max(1, min(int(request.GET.get("days", 30)), 366))
    except ValueError:
        days = 30
    end = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0) + dt.timedelta(days=1)
    return end - dt.timedelta(days=days), end, days


@admin.action(description=_("Publish (runs the sharing check)"), permissions=["change"])
def publish_selected(model_admin, request, queryset):
    for campaign in queryset:
        try:
            result = services.publish_campaign(campaign=campaign, actor=request.user)
        except ValidationError as exc:
            model_admin.message_user(request, f"{campaign}: {exc.messages[0]}", messages.ERROR)
            continue
        level = (
            messages.SUCCESS if result.published else (messages.ERROR if result.blocked else messages.WARNING)
        )
        model_admin.message_user(request, f"{campaign}: {result.message}", level)


@admin.action(description=_("End the campaign"), permissions=["change"])
def end_selected(model_admin, request, queryset):
    for campaign in queryset:
        try:
            services.end_campaign(campaign=campaign, actor=request.user)
        except ValidationError as exc:
            model_admin.message_user(request, f"{campaign}: {exc.messages[0]}", messages.ERROR)
        else:
            model_admin.message_user(request, gettext("%(c)s has ended.") % {"c": campaign}, messages.SUCCESS)


class CampaignAdmin(MerchantScopedAdmin):
    form = CampaignForm
    list_display = ["title", "status", "starts_at", "ends_at", "report_link"]
    list_filter = ["status"]
    search_fields = ["title"]
    actions = [publish_selected, end_selected]
    readonly_fields = ["status", "review_reason", "published_at", "landing", "sharing_decision", "history"]

    @admin.display(description=_("report"))
    def report_link(self, obj):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("backoffice:coupons_campaign_report", args=[obj.pk]),
            gettext("Report"),
        )

    @admin.display(description=_("landing page"))
    def landing(self, obj):
        if not obj or not obj.entry_point_id:
            return "—"
        url = _scan_url(self.request, obj)
        return format_html(
            '<a href="{}">{}</a><div style="width:140px">{}</div>', url, url, codes.qr_svg(url)
        )

    @admin.display(description=_("sharing check"))
    def sharing_decision(self, obj):
        try:
            from coupons.sharing.backoffice import decision_panel
        except ImportError:  # pragma: no cover
            return "—"
        return decision_panel(obj)

    @admin.display(description=_("status history"))
    def history(self, obj):
        if not obj or not obj.pk:
            return "—"
        rows = [
            format_html(
                "<li>{} · {} → {}{}{}</li>",
                timezone.localtime(c.at).strftime("%Y-%m-%d %H:%M"),
                c.from_status or "—",
                c.to_status,
                format_html(" · {}", c.actor) if c.actor_id else "",
                format_html(" · {}", c.reason) if c.reason else "",
            )
            for c in obj.status_changes.select_related("actor")[:20]
        ]
        return format_html("<ul>{}</ul>", format_html("".join(str(r) for r in rows))) if rows else "—"

    def get_form(self, request, obj=None, change=False, **kwargs):
        self.request = request
        return super().get_form(request, obj, change, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        self.request = request
        return super().get_readonly_fields(request, obj)

    def save_model(self, request, obj, form, change):
        fields = {
            name: form.cleaned_data.get(name)
            for name in CampaignForm.Meta.fields
            if name in form.cleaned_data
        }
        fields["mechanics"] = list(fields.get("mechanics") or [])
        if change:
            if obj.merchant_id != request.merchant.pk:
                raise Http404
            for key, value in fields.items():
                setattr(obj, key, value)
            services.update_campaign(campaign=obj, actor=request.user)
        else:
            title = fields.pop("title")
            created = services.create_campaign(
                merchant=request.merchant, title=title, actor=request.user, **fields
            )
            obj.pk = created.pk
            obj.__dict__.update({k: v for k, v in created.__dict__.items() if not k.startswith("_")})

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("report/", wrap(self.report_view), name="coupons_campaign_report_all"),
            path("<int:campaign_id>/report/", wrap(self.report_view), name="coupons_campaign_report"),
            *super().get_urls(),
        ]

    def report_view(self, request, campaign_id: int | None = None):
        """Per campaign (or all campaigns): figures, by store, a daily chart; ?format=csv exports."""
        if not self.has_view_permission(request):
            raise Http404
        campaign = None
        if campaign_id is not None:
            campaign = self.get_queryset(request).filter(pk=campaign_id).select_related("entry_point").first()
            if campaign is None:
                raise Http404
        start, end, days = _period(request)
        data = selectors.report(
            merchant=request.merchant, membership=request.membership, campaign=campaign, start=start, end=end
        )
        if request.GET.get("format") == "csv":
            return _report_csv(data, campaign)
        labels = [d["day"].strftime("%m-%d") for d in data.daily]
        chart = charts.stacked_bar_chart(
            labels,
            [
                (gettext("Claimed"), [d["claims"] for d in data.daily]),
                (gettext("Redeemed in store"), [d["in_store"] for d in data.daily]),
                (gettext("Redeemed online"), [d["online"] for d in data.daily]),
            ],
            title=gettext("Claims and redemptions per day"),
            empty=gettext("Nothing in this period."),
        )
        store_chart = charts.bar_chart(
            [
                (row["store"] or gettext("Online (no store)"), row["in_store"] + row["online"])
                for row in data.by_store
            ],
            title=gettext("Redemptions by store"),
            empty=gettext("Nothing in this period."),
        )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("Report: %(c)s") % {"c": campaign}
            if campaign
            else gettext("Coupon report by store"),
            "campaign": campaign,
            "data": data,
            "days": days,
            "chart": chart,
            "store_chart": store_chart,
            "figures": [
                (gettext("Views"), f"{data.views:,}" if campaign else "—"),
                (gettext("Claimed"), f"{data.claims:,}"),
                (gettext("Redeemed in store"), f"{data.redeemed_in_store:,}"),
                (gettext("Redeemed online"), f"{data.redeemed_online:,}"),
                (gettext("Discount given"), format_fen(data.discount_fen)),
                (gettext("Orders with a coupon"), f"{data.orders:,}"),
                (gettext("Revenue with a coupon"), format_fen(data.revenue_fen)),
            ],
        }
        return TemplateResponse(request, "admin/coupons/report.html", context)


def _report_csv(data, campaign) -> HttpResponse:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "section",
            "key",
            "views",
            "claims",
            "handed_out",
            "redeemed_in_store",
            "redeemed_online",
            "discount_fen",
            "orders",
            "revenue_fen",
        ]
    )
    writer.writerow(
        [
            "total",
            campaign.title if campaign else "all",
            data.views,
            data.claims,
            "",
            data.redeemed_in_store,
            data.redeemed_online,
            data.discount_fen,
            data.orders,
            data.revenue_fen,
        ]
    )
    for row in data.by_store:
        writer.writerow(
            [
                "store",
                row["store"] or "online",
                "",
                "",
                row["handed_out"],
                row["in_store"],
                row["online"],
                row["discount_fen"],
                row["orders"],
                row["revenue_fen"],
            ]
        )
    for row in data.daily:
        writer.writerow(
            ["day", row["day"].isoformat(), "", row["claims"], "", row["in_store"], row["online"], "", "", ""]
        )
    response = HttpResponse(
        ("\ufeff" + out.getvalue()).encode("utf-8"), content_type="text/csv; charset=utf-8"
    )
    name = f"campaign-{campaign.pk}-report.csv" if campaign else "coupons-report.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


class StoreCodesForm(forms.Form):
    store = forms.ModelChoiceField(queryset=Store.objects.none(), label=_("store"))
    quantity = forms.IntegerField(
        label=_("how many codes"), min_value=1, max_value=services.MAX_BATCH, initial=50
    )


@admin.action(description=_("Generate single-use codes for a store…"), permissions=["change"])
def generate_store_codes(model_admin, request, queryset):
    """Choose a store and a number; the codes are made at once (PDF sheet and CSV on the batch)."""
    if queryset.count() != 1:
        model_admin.message_user(request, gettext("Choose exactly one coupon."), messages.ERROR)
        return None
    definition = queryset.get()
    form = StoreCodesForm(request.POST if "apply" in request.POST else None)
    form.fields["store"].queryset = scope_queryset(Store.objects.all(), request.merchant, request.membership)
    if form.is_valid():
        try:
            batch = services.issue_store_codes(
                definition=definition,
                store=form.cleaned_data["store"],
                quantity=form.cleaned_data["quantity"],
                actor=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            model_admin.message_user(request, gettext("Codes made."), messages.SUCCESS)
            return HttpResponseRedirect(reverse("backoffice:coupons_storecodebatch_change", args=[batch.pk]))
    context = {
        **model_admin.admin_site.each_context(request),
        "title": gettext("Generate single-use codes for a store"),
        "help_text": gettext(
            "Each code can be used once. An online order that uses one is credited to the store. "
            "They count against the coupon's total quantity."
        ),
        "form": form,
        "queryset": queryset,
        "action": "generate_store_codes",
        "submit_label": gettext("Generate"),
        "opts": model_admin.model._meta,
        "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, "admin/shops/bulk_action.html", context)


class CouponDefinitionAdmin(MerchantScopedAdmin):
    list_display = [
        "name",
        "campaign",
        "kind",
        "channel",
        "issued_count",
        "total_quantity",
        "per_customer_limit",
        "is_active",
    ]
    list_filter = ["kind", "channel", "is_active", "campaign"]
    search_fields = ["name"]
    readonly_fields = ["issued_count"]
    filter_horizontal = ["stores"]
    actions = [generate_store_codes]
    fieldsets = [
        (None, {"fields": ["campaign", "name", "kind", "channel", "stores", "is_active"]}),
        (_("Value"), {"fields": ["amount_fen", "min_spend_fen", "percent_off_bp", "cap_fen", "stacks"]}),
        (_("Validity"), {"fields": ["validity", "valid_from", "valid_until", "valid_days"]}),
        (
            _("Limits"),
            {
                "fields": [
                    "total_quantity",
                    "issued_count",
                    "per_customer_limit",
                    "restore_on_refund",
                    "asks_mobile",
                ]
            },
        ),
    ]


class CouponAdmin(MerchantScopedAdmin):
    list_display = ["code", "definition", "customer", "status", "store", "claimed_at", "valid_until"]
    list_filter = ["status", "definition", "store"]
    search_fields = ["code"]
    list_select_related = ["definition", "customer", "store"]
    readonly_fields = [
        "code",
        "definition",
        "customer",
        "seq",
        "store",
        "batch",
        "claimed_at",
        "valid_from",
        "valid_until",
        "status",
        "order_pk",
        "discount_fen",
        "status_changed_at",
    ]

    def has_add_permission(self, request, *args):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class RedemptionAdmin(MerchantScopedAdmin):
    list_display = ["coupon", "channel", "store", "staff", "discount_fen", "at", "undone_at"]
    list_filter = ["channel", "store"]
    search_fields = ["coupon__code"]
    list_select_related = ["coupon", "store", "staff__user"]
    readonly_fields = [
        "coupon",
        "channel",
        "store",
        "staff",
        "order_pk",
        "discount_fen",
        "at",
        "undone_at",
        "undone_by",
    ]

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class StoreCodeBatchAdmin(MerchantScopedAdmin):
    list_display = ["definition", "store", "quantity", "created_at", "downloads"]
    list_filter = ["store"]
    readonly_fields = ["definition", "store", "quantity", "created_by", "created_at", "downloads"]

    @admin.display(description=_("download"))
    def downloads(self, obj):
        if not obj or not obj.pk:
            return "—"
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">CSV</a>',
            reverse("backoffice:coupons_storecodebatch_file", args=[obj.pk, "pdf"]),
            gettext("Printable sheet (PDF)"),
            reverse("backoffice:coupons_storecodebatch_file", args=[obj.pk, "csv"]),
        )

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_urls(self):
        return [
            path(
                "<int:batch_id>/file.<str:fmt>",
                self.admin_site.admin_view(self.file_view),
                name="coupons_storecodebatch_file",
            ),
            *super().get_urls(),
        ]

    def file_view(self, request, batch_id: int, fmt: str):
        batch = (
            self.get_queryset(request)
            .select_related("merchant", "store", "definition")
            .filter(pk=batch_id)
            .first()
        )
        if batch is None or fmt not in ("pdf", "csv") or not self.has_view_permission(request):
            raise Http404
        if fmt == "pdf":
            response = HttpResponse(codes.batch_pdf(batch), content_type="application/pdf")
        else:
            response = HttpResponse(codes.batch_csv(batch), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="store-codes-{batch.pk}.{fmt}"'
        return response


backoffice_site.register(Campaign, CampaignAdmin)
backoffice_site.register(CouponDefinition, CouponDefinitionAdmin)
backoffice_site.register(Coupon, CouponAdmin)
backoffice_site.register(Redemption, RedemptionAdmin)
backoffice_site.register(StoreCodeBatch, StoreCodeBatchAdmin)
