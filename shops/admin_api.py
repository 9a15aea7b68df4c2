"""Back-office admins for the open API: API keys, webhook endpoints and deliveries, customer
data exports and personal-information requests. Imported at the end of shops/admin.py.

Every change goes through a service (shops.api_keys, shops.webhooks, shops.exports,
shops.privacy); the admin parses and renders.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from shops import api_keys, exports, privacy, webhooks
from shops.backoffice import MerchantScopedAdmin, MerchantScopedInline, backoffice_site
from shops.models_api import (
    API_RESOURCES,
    EVENT_TYPES,
    Access,
    ApiKey,
    DataExport,
    PersonalDataRequest,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)

OWNER_ONLY = {"owner": ("view", "add", "change"), "manager": ("view",), "staff": ()}
OWNER_MANAGER = {"owner": ("view", "add", "change"), "manager": ("view", "add", "change"), "staff": ()}


# --- API keys ------------------------------------------------------------------------------


class _ApiKeyFormBase(forms.ModelForm):
    """Name, rate and one read/write choice per resource (stored as the `scopes` dict)."""

    class Meta:
        model = ApiKey
        fields = ["name", "rate_per_minute"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance and self.instance.pk:
            for resource, _label in API_RESOURCES:
                self.fields[f"scope_{resource}"].initial = (self.instance.scopes or {}).get(resource, "")

    def clean(self):
        cleaned = super().clean()
        try:
            cleaned["scopes"] = api_keys.clean_scopes(
                {resource: cleaned.get(f"scope_{resource}", "") for resource, _label in API_RESOURCES}
            )
        except ValidationError as error:
            raise forms.ValidationError(error.messages) from error
        return cleaned


# One choice field per resource, declared on the class so the admin's fieldsets can name them.
ApiKeyForm = type(
    "ApiKeyForm",
    (_ApiKeyFormBase,),
    {
        f"scope_{resource}": forms.ChoiceField(
            label=label, choices=Access.choices, required=False, initial="read"
        )
        for resource, label in API_RESOURCES
    },
)


class ApiKeyAdmin(MerchantScopedAdmin):
    form = ApiKeyForm
    list_display = [
        "name",
        "masked_key",
        "scope_summary",
        "rate_per_minute",
        "last_used_at",
        "created_at",
        "state",
    ]
    readonly_fields = ["masked_key", "created_at", "last_used_at", "revoked_at"]
    actions = ["revoke"]
    role_permissions = OWNER_ONLY

    def get_fieldsets(self, request, obj=None):
        scope_fields = [f"scope_{resource}" for resource, _label in API_RESOURCES]
        info = ["masked_key", "created_at", "last_used_at", "revoked_at"] if obj else []
        return [
            (None, {"fields": ["name", "rate_per_minute", *info]}),
            (_("Access per resource"), {"fields": scope_fields}),
        ]

    @admin.display(description=_("key"))
    def masked_key(self, obj):
        return f"mpk_{obj.prefix}_…" if obj.prefix else "—"

    @admin.display(description=_("scopes"))
    def scope_summary(self, obj):
        return ", ".join(f"{name}:{level}" for name, level in sorted((obj.scopes or {}).items())) or "—"

    @admin.display(description=_("state"))
    def state(self, obj):
        return _("revoked") if obj.revoked_at else _("active")

    def save_model(self, request, obj, form, change):
        if change:
            obj.scopes = form.cleaned_data["scopes"]
            super().save_model(request, obj, form, change)
            return
        key, raw = api_keys.create_api_key(
            merchant=request.merchant,
            name=form.cleaned_data["name"],
            scopes=form.cleaned_data["scopes"],
            rate_per_minute=form.cleaned_data["rate_per_minute"],
            created_by=request.user,
        )
        obj.pk, obj.prefix, obj.merchant = key.pk, key.prefix, key.merchant
        obj._state.adding = False
        request._new_api_key = raw

    def response_add(self, request, obj, post_url_continue=None):
        raw = getattr(request, "_new_api_key", None)
        if raw is None:
            return super().response_add(request, obj, post_url_continue)
        context = {
            **self.admin_site.each_context(request),
            "key": obj,
            "raw_key": raw,
            "title": _("API key created"),
        }
        response = TemplateResponse(request, "api/key_created.html", context)
        response["Cache-Control"] = "no-store"
        return response

    @admin.action(description=_("Revoke selected keys (they stop working at once)"), permissions=["change"])
    def revoke(self, request, queryset):
        for key in queryset:
            api_keys.revoke_api_key(key=key)
        self.message_user(request, gettext("Keys revoked."), messages.WARNING)


# --- Webhooks --------------------------------------------------------------------------------


class WebhookEndpointForm(forms.ModelForm):
    url = forms.URLField(label=_("URL"), max_length=500, assume_scheme="https")
    events = forms.MultipleChoiceField(
        label=_("events"), choices=EVENT_TYPES, widget=forms.CheckboxSelectMultiple, required=False
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["url", "description", "events", "is_active"]

    def clean_url(self):
        url = self.cleaned_data["url"]
        try:
            webhooks.check_destination(url)
        except webhooks.UnsafeDestination as error:
            raise forms.ValidationError(
                gettext("Webhooks can only be sent to public addresses: %(reason)s") % {"reason": error}
            ) from error
        return url


class WebhookEndpointAdmin(MerchantScopedAdmin):
    form = WebhookEndpointForm
    list_display = ["url", "description", "event_list", "is_active", "created_at"]
    list_filter = ["is_active"]
    readonly_fields = ["secret", "created_at"]
    role_permissions = {**OWNER_ONLY, "owner": ("view", "add", "change", "delete")}

    def get_fields(self, request, obj=None):
        fields = ["url", "description", "events", "is_active"]
        return [*fields, "secret", "created_at"] if obj else fields

    @admin.display(description=_("events"))
    def event_list(self, obj):
        return ", ".join(obj.events or []) or "—"

    actions = ["send_test"]

    @admin.action(description=_("Send a signed test event"), permissions=["change"])
    def send_test(self, request, queryset):
        for endpoint in queryset:
            webhooks.send_test_event(endpoint=endpoint)
        self.message_user(
            request, gettext("Test event queued; see Webhook deliveries for the result."), messages.INFO
        )


class WebhookAttemptInline(MerchantScopedInline, admin.TabularInline):
    model = WebhookAttempt
    extra = 0
    can_delete = False
    fields = ["number", "manual", "started_at", "duration_ms", "status_code", "error", "response_body"]
    readonly_fields = fields
    role_permissions = {"owner": ("view",), "manager": ("view",), "staff": ()}

    def has_add_permission(self, request, obj=None):
        return False


class WebhookDeliveryAdmin(MerchantScopedAdmin):
    list_display = [
        "event_type",
        "endpoint",
        "status",
        "attempt_count",
        "last_status_code",
        "next_attempt_at",
        "created_at",
    ]
    list_filter = ["status", "endpoint"]
    list_select_related = ["event", "endpoint"]
    fields = [
        "event_type",
        "event_id",
        "endpoint",
        "status",
        "attempt_count",
        "last_status_code",
        "next_attempt_at",
        "delivered_at",
        "created_at",
        "payload",
    ]
    readonly_fields = fields
    inlines = [WebhookAttemptInline]
    actions = ["redeliver"]
    role_permissions = {"owner": ("view", "change"), "manager": ("view", "change"), "staff": ()}

    def has_add_permission(self, request, *args):
        return False

    @admin.display(description=_("event"))
    def event_type(self, obj):
        return obj.event.type

    @admin.display(description=_("event id"))
    def event_id(self, obj):
        return str(obj.event.public_id)

    @admin.display(description=_("payload"))
    def payload(self, obj):
        return format_html("<pre>{}</pre>", webhooks.event_body(obj.event).decode())

    @admin.action(description=_("Send again now"), permissions=["change"])
    def redeliver(self, request, queryset):
        results = [webhooks.redeliver(delivery=delivery) for delivery in queryset.select_related("endpoint")]
        ok = sum(1 for d in results if d is not None and d.status == WebhookDelivery.Status.SUCCEEDED)
        self.message_user(
            request,
            ngettext(
                "%(ok)d of %(n)d delivery succeeded.", "%(ok)d of %(n)d deliveries succeeded.", len(results)
            )
            % {"ok": ok, "n": len(results)},
            messages.SUCCESS if ok == len(results) else messages.WARNING,
        )


# --- Exports and personal-information requests ----------------------------------------------


class DataExportAdmin(MerchantScopedAdmin):
    list_display = [
        "__str__",
        "status",
        "progress_bar",
        "row_summary",
        "created_at",
        "finished_at",
        "download",
    ]
    fields = ["status", "progress_bar", "row_summary", "error", "created_at", "finished_at", "download"]
    readonly_fields = fields
    role_permissions = OWNER_MANAGER

    def get_fields(self, request, obj=None):
        return [] if obj is None else self.fields

    def save_model(self, request, obj, form, change):
        if change:
            return
        export = exports.request_export(merchant=request.merchant, requested_by=request.user)
        obj.pk, obj.merchant = export.pk, export.merchant
        obj._state.adding = False

    def save_related(self, request, form, formsets, change):
        """Nothing to save: the export is built in the background."""

    @admin.display(description=_("progress"))
    def progress_bar(self, obj):
        return format_html('<progress max="100" value="{}"></progress> {}%', obj.progress, obj.progress)

    @admin.display(description=_("rows"))
    def row_summary(self, obj):
        return ", ".join(f"{name}: {count}" for name, count in (obj.row_counts or {}).items()) or "—"

    @admin.display(description=_("download (link valid for one hour)"))
    def download(self, obj):
        if obj.status != DataExport.Status.DONE:
            return "—"
        return format_html('<a href="{}">{}</a>', exports.download_url(obj), gettext("Download zip"))


class PersonalDataRequestAdmin(MerchantScopedAdmin):
    list_display = ["customer", "kind", "status", "created_at", "handled_by", "handled_at"]
    list_filter = ["kind", "status"]
    fields = ["customer", "kind", "message", "status", "created_at", "handled_by", "handled_at", "note"]
    readonly_fields = ["customer", "kind", "message", "status", "created_at", "handled_by", "handled_at"]
    actions = ["fulfil", "reject"]
    role_permissions = {"owner": ("view", "change"), "manager": ("view", "change"), "staff": ()}

    def has_add_permission(self, request, *args):
        return False

    def save_model(self, request, obj, form, change):
        # Only the note is editable; status changes go through the actions (services).
        PersonalDataRequest.objects.filter(pk=obj.pk).update(note=obj.note)

    @admin.action(
        description=_("Fulfil: show the data (access) or erase it (erasure)"), permissions=["change"]
    )
    def fulfil(self, request, queryset):
        done = 0
        for pi_request in queryset:
            try:
                if pi_request.kind == PersonalDataRequest.Kind.ERASURE:
                    privacy.fulfil_erasure(request=pi_request, handled_by=request.user)
                else:
                    privacy.fulfil_access(request=pi_request, handled_by=request.user)
                done += 1
            except ValidationError as error:
                self.message_user(request, f"{pi_request}: {' '.join(error.messages)}", messages.ERROR)
        if done:
            self.message_user(request, gettext("%(n)d request(s) fulfilled.") % {"n": done}, messages.SUCCESS)

    @admin.action(description=_("Decline (uses the note as the reason)"), permissions=["change"])
    def reject(self, request, queryset):
        for pi_request in queryset:
            try:
                privacy.reject_request(request=pi_request, handled_by=request.user, note=pi_request.note)
            except ValidationError as error:
                self.message_user(request, f"{pi_request}: {' '.join(error.messages)}", messages.ERROR)


backoffice_site.register(ApiKey, ApiKeyAdmin)
backoffice_site.register(WebhookEndpoint, WebhookEndpointAdmin)
backoffice_site.register(WebhookDelivery, WebhookDeliveryAdmin)
backoffice_site.register(DataExport, DataExportAdmin)
backoffice_site.register(PersonalDataRequest, PersonalDataRequestAdmin)


# --- Ops: watch deliveries and exports across merchants --------------------------------------


@admin.register(WebhookDelivery)
class OpsWebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = [
        "event",
        "merchant",
        "endpoint",
        "status",
        "attempt_count",
        "last_status_code",
        "created_at",
    ]
    list_filter = ["status"]
    raw_id_fields = ["merchant", "endpoint", "event"]


@admin.register(ApiKey)
class OpsApiKeyAdmin(admin.ModelAdmin):
    list_display = ["name", "merchant", "prefix", "last_used_at", "revoked_at"]
    readonly_fields = ["prefix", "secret_hash"]
    raw_id_fields = ["merchant", "created_by"]
