"""The open API's plumbing, shared by every app's `api.py`.

- `ApiKeyAuthentication`: `Authorization: Bearer mpk_…` → the key's merchant. The site's own
  pages use DRF's session authentication (CSRF enforced on writes).
- `ScopePermission`: each view names its `api_resource`; a key needs "read" for safe methods
  and "write" for the rest. Session members: everyone reads (staff only their stores), owners
  and managers write.
- `MerchantViewSetMixin`: every queryset goes through `shops.tenancy.scope_queryset` with the
  request's merchant, so another merchant's id is a 404.
- `KeyRateThrottle`: per key (per user for sessions) through the cache; 429 with Retry-After.
- `exception_handler`: one error body, `{"error": {"code", "message", "fields"}}`.
- `MidpageAutoSchema`: documents those error responses and the Idempotency-Key header.
"""

from __future__ import annotations

from datetime import UTC

import django_filters
from django import forms
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import ProtectedError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter
from rest_framework import exceptions, pagination, permissions, serializers, status, throttling
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from shops.models_api import ApiKey
from shops.tenancy import scope_queryset

# --- Authentication ----------------------------------------------------------------------


class ApiKeyAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "shops.api_auth.ApiKeyAuthentication"
    name = "apiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "mpk_<prefix>_<secret>",
            "description": "A merchant API key made in the back office (API keys), sent as "
            "`Authorization: Bearer mpk_…`. Each key is scoped per resource to read or write.",
        }


def request_tenant(request):
    """(merchant, membership) the request acts for: the key's merchant, or the signed-in member's."""
    if isinstance(request.auth, ApiKey):
        return request.auth.merchant, None
    django_request = getattr(request, "_request", request)
    return getattr(django_request, "merchant", None), getattr(django_request, "membership", None)


# --- Permissions ---------------------------------------------------------------------------


class ScopePermission(permissions.BasePermission):
    """Key scopes (read / write per resource) or, for sessions, the member's role."""

    message = _("This API key has no access to this resource.")

    def has_permission(self, request, view) -> bool:
        resource = getattr(view, "api_resource", None)
        if resource is None:
            return False
        action = getattr(view, "action", None)
        write = request.method not in permissions.SAFE_METHODS or action in getattr(view, "write_actions", ())
        if action in getattr(view, "read_actions", ()):
            write = False  # e.g. requesting an export only reads the merchant's data
        if isinstance(request.auth, ApiKey):
            return request.auth.allows(resource, write=write)
        merchant, membership = request_tenant(request)
        if merchant is None or membership is None:
            self.message = _("Sign in as a member of an active brand, or send an API key.")
            return False
        if write and not membership.sees_all_stores:
            self.message = _("Only owners and managers can change data.")
            return False
        return True


# --- Throttling ----------------------------------------------------------------------------

SESSION_RATE_PER_MINUTE = 600


class KeyRateThrottle(throttling.SimpleRateThrottle):
    """A sliding one-minute window per API key (its own rate) or per signed-in user."""

    scope = "api"

    def __init__(self):
        # The rate depends on the key, so it is set per request in allow_request.
        self.rate = None

    def get_cache_key(self, request, view):
        if isinstance(request.auth, ApiKey):
            return f"throttle_api_key_{request.auth.pk}"
        if request.user and request.user.is_authenticated:
            return f"throttle_api_user_{request.user.pk}"
        return f"throttle_api_ip_{self.get_ident(request)}"

    def allow_request(self, request, view):
        per_minute = (
            request.auth.rate_per_minute if isinstance(request.auth, ApiKey) else SESSION_RATE_PER_MINUTE
        )
        self.rate = f"{per_minute}/min"
        self.num_requests, self.duration = per_minute, 60
        return super().allow_request(request, view)


# --- Pagination ----------------------------------------------------------------------------


class CursorPagination(pagination.CursorPagination):
    """Cursor pages; a `page_size` that is not a whole number from 1 to 200 is a 400."""

    ordering = "-id"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not raw.isdigit() or not 1 <= int(raw) <= self.max_page_size:
            raise exceptions.ValidationError(
                {"page_size": [_("A whole number from 1 to %(max)s.") % {"max": self.max_page_size}]}
            )
        return int(raw)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update({"minimum": 1, "maximum": self.max_page_size})
        return parameters


# --- Filters and serializers that reject what the schema says is invalid -------------------


class StrictBooleanField(forms.Field):
    """`true` or `false` only (django-filter would silently ignore `1`, `yes` or garbage)."""

    def to_python(self, value):
        if value is None:
            return None
        lowered = str(value).lower()
        if lowered in ("true", "false"):
            return lowered == "true"
        raise forms.ValidationError(_("Use true or false."), code="invalid")

    def validate(self, value):
        """None (absent) is allowed."""


class StrictFilterSet(django_filters.FilterSet):
    """A filter sent with an empty value is an error, not "no filter" (the schema says so)."""

    def is_valid(self):
        valid = super().is_valid()
        empty = [name for name in self.filters if name in self.data and self.data.get(name) == ""]
        for name in empty:
            self.form.add_error(name, forms.ValidationError(_("Give a value or leave the parameter out.")))
        return valid and not empty


class StrictBooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField


class UtcDateTimeField(django_filters.fields.IsoDateTimeField):
    """ISO 8601 date-time, converted to UTC (PostgreSQL refuses offsets beyond ±15:59)."""

    def to_python(self, value):
        parsed = super().to_python(value)
        return parsed.astimezone(UTC) if parsed is not None and parsed.tzinfo else parsed


class UtcDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = UtcDateTimeField


class IdFilter(django_filters.NumberFilter):
    """An object id: a whole number (a foreign merchant's id simply matches nothing)."""

    field_class = forms.IntegerField


class ApiModelSerializer(serializers.ModelSerializer):
    """Text is stored as sent (no silent trimming), so length limits mean what the schema says."""

    def build_standard_field(self, field_name, model_field):
        field_class, field_kwargs = super().build_standard_field(field_name, model_field)
        if issubclass(field_class, serializers.CharField):
            field_kwargs.setdefault("trim_whitespace", False)
        return field_class, field_kwargs


# --- Errors --------------------------------------------------------------------------------


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Machine-readable error code, e.g. `invalid`, `not_found`.")
    message = serializers.CharField(help_text="Human-readable summary.")
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Field name → messages, for input that failed validation (empty otherwise).",
    )


class ErrorSerializer(serializers.Serializer):
    error = ErrorDetailSerializer()


def _flatten(detail, prefix="") -> dict[str, list[str]]:
    """DRF's nested error detail as {"field" or "field.sub" or "items.0.field": [messages]}."""
    out: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            for sub, msgs in _flatten(value, name).items():
                out.setdefault(sub, []).extend(msgs)
    elif isinstance(detail, list):
        if all(not isinstance(item, (dict, list)) for item in detail):
            out.setdefault(prefix or "non_field_errors", []).extend(str(item) for item in detail)
        else:
            for index, item in enumerate(detail):
                for sub, msgs in _flatten(item, f"{prefix}.{index}" if prefix else str(index)).items():
                    out.setdefault(sub, []).extend(msgs)
    else:
        out.setdefault(prefix or "non_field_errors", []).append(str(detail))
    return out


def error_response(code: str, message: str, http_status: int, fields=None, headers=None) -> Response:
    return Response(
        {"error": {"code": code, "message": str(message), "fields": fields or {}}},
        status=http_status,
        headers=headers,
    )


def exception_handler(exc, context):
    """Every API error in one shape. Bad input is a 400 with per-field messages, never a 500."""
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        exc = exceptions.ValidationError(detail)
    elif isinstance(exc, ProtectedError):
        exc = exceptions.ValidationError(
            {"non_field_errors": [_("This object is still used by other records and cannot be deleted.")]}
        )
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        fields = _flatten(exc.detail)
        non_field = fields.pop("non_field_errors", [])
        message = non_field[0] if non_field else _("Some fields are not valid.")
        if non_field:
            fields["non_field_errors"] = non_field
        response.data = {"error": {"code": "invalid", "message": str(message), "fields": fields}}
        return response
    detail = getattr(exc, "detail", "")
    code = detail.code if hasattr(detail, "code") else getattr(exc, "default_code", "error")
    if isinstance(exc, exceptions.Throttled):
        code = "throttled"
    response.data = {"error": {"code": str(code), "message": str(detail), "fields": {}}}
    return response


# --- Schema ----------------------------------------------------------------------------------

ERROR_CODES = {
    "400": "Invalid input: see `error.fields`.",
    "401": "Missing or invalid API key.",
    "403": "The key (or member) may not do this.",
    "404": "Not found, or not this merchant's.",
    "429": "Too many requests: wait `Retry-After` seconds.",
}

IDEMPOTENCY_KEY = OpenApiParameter(
    name="Idempotency-Key",
    location=OpenApiParameter.HEADER,
    required=True,
    type=str,
    description="A unique string per intended operation (e.g. a UUID). Retrying with the same key "
    "returns the first result instead of doing the operation twice.",
)


class MidpageAutoSchema(AutoSchema):
    """Adds the shared error responses to every operation, with the Retry-After header on 429."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        codes = dict(ERROR_CODES)
        if any(getattr(p, "name", None) == IDEMPOTENCY_KEY.name for p in self.get_override_parameters()):
            codes["422"] = "The Idempotency-Key was already used for a different request."
        for code, description in codes.items():
            if code in responses:
                continue
            response = self._get_response_for_code(ErrorSerializer, code, direction=direction)
            response["description"] = description
            if code == "429":
                response["headers"] = {
                    "Retry-After": {
                        "schema": {"type": "integer"},
                        "description": "Seconds to wait before retrying.",
                    }
                }
            responses[code] = response
        return responses


# --- Base view set -------------------------------------------------------------------------


class MerchantViewSetMixin:
    """Scopes `queryset` to the request's merchant and hands the merchant to serializers."""

    api_resource: str = ""
    write_actions: tuple[str, ...] = ()
    # Match any id in the URL, so a malformed one is this API's JSON 404, not the site's HTML page.
    lookup_value_regex = "[^/]+"

    def get_tenant(self):
        return request_tenant(self.request)

    def initial(self, request, *args, **kwargs):
        # Date-times in and out of the API are UTC (RFC 3339 with "Z"), whatever the site's zone.
        timezone.activate(UTC)
        super().initial(request, *args, **kwargs)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        timezone.deactivate()
        return response

    def get_queryset(self):
        merchant, membership = self.get_tenant()
        return scope_queryset(super().get_queryset(), merchant, membership)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        merchant, membership = self.get_tenant()
        context["merchant"] = merchant
        context["membership"] = membership
        return context

    @property
    def merchant(self):
        return self.get_tenant()[0]


class ScopedPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A reference in a request body: only the request's merchant's objects are accepted
    (another merchant's id is "does not exist", exactly like a missing one)."""

    def get_queryset(self):
        qs = super().get_queryset()
        merchant = self.context.get("merchant")
        return scope_queryset(qs, merchant, self.context.get("membership"))


def no_content() -> Response:
    return Response(status=status.HTTP_204_NO_CONTENT)


def api_not_found(request, *args, **kwargs):
    """Any other URL under /api/: the API's JSON 404 rather than the site's HTML page."""
    from django.http import JsonResponse

    return JsonResponse(
        {"error": {"code": "not_found", "message": str(_("Not found.")), "fields": {}}}, status=404
    )
