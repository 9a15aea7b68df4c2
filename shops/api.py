"""Open API views for shops: stores, categories, products, variants, channel listings,
QR entry points and customers. Thin: scoped querysets in, services for every change."""

from __future__ import annotations

import django_filters
from django.db import transaction
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from attribution.models import Binding
from shops import catalog, entry_points, exports
from shops import serializers as s
from shops.api_base import (
    CursorPagination,
    IdFilter,
    KeyRateThrottle,
    MerchantViewSetMixin,
    ScopePermission,
    StrictBooleanFilter,
    StrictFilterSet,
    UtcDateTimeFilter,
)
from shops.models import Category, ChannelListing, Customer, EntryPoint, Product, Store, Variant
from shops.models_api import DataExport
from shops.views_posters import FORMATS as POSTER_FORMATS
from shops.views_posters import poster_response


class ApiViewSetMixin(MerchantViewSetMixin):
    """Scoped queryset, key scopes, per-key throttling, cursor pages, filters and ordering."""

    permission_classes = [IsAuthenticated, ScopePermission]
    throttle_classes = [KeyRateThrottle]
    pagination_class = CursorPagination
    filter_backends = [django_filters.rest_framework.DjangoFilterBackend, OrderingFilter]
    ordering_fields = ["id"]


# --- Filters: ids as plain numbers (a foreign id simply matches nothing) ---------------------


class StoreFilter(StrictFilterSet):
    status = django_filters.ChoiceFilter(choices=Store.Status.choices)
    code = django_filters.CharFilter()
    name = django_filters.CharFilter(lookup_expr="icontains")

    class Meta:
        model = Store
        fields = ["status", "code", "name"]


class ProductFilter(StrictFilterSet):
    category = IdFilter(field_name="category_id")
    is_active = StrictBooleanFilter()
    title = django_filters.CharFilter(lookup_expr="icontains")

    class Meta:
        model = Product
        fields = ["category", "is_active", "title"]


class VariantFilter(StrictFilterSet):
    product = IdFilter(field_name="product_id")
    sku = django_filters.CharFilter()

    class Meta:
        model = Variant
        fields = ["product", "sku"]


class ListingFilter(StrictFilterSet):
    variant = IdFilter(field_name="variant_id")
    store = IdFilter(field_name="store_id")
    online = StrictBooleanFilter(field_name="store", lookup_expr="isnull", label="Online listings only")
    is_available = StrictBooleanFilter()

    class Meta:
        model = ChannelListing
        fields = ["variant", "store", "online", "is_available"]


class EntryPointFilter(StrictFilterSet):
    kind = django_filters.ChoiceFilter(choices=EntryPoint.Kind.choices)
    store = IdFilter(field_name="store_id")
    is_active = StrictBooleanFilter()

    class Meta:
        model = EntryPoint
        fields = ["kind", "store", "is_active"]


class CustomerFilter(StrictFilterSet):
    mobile = django_filters.CharFilter()
    created_after = UtcDateTimeFilter(field_name="created_at", lookup_expr="gte")

    class Meta:
        model = Customer
        fields = ["mobile", "created_after"]


# --- Views -----------------------------------------------------------------------------------

WRITE_METHODS = ["get", "post", "patch", "put", "head", "options"]


@extend_schema(tags=["stores"])
class StoreViewSet(ApiViewSetMixin, viewsets.ModelViewSet):
    """A merchant's physical shops. Close a store with `status=closed` (stores are not deleted)."""

    api_resource = "stores"
    queryset = Store.objects.all()
    serializer_class = s.StoreSerializer
    filterset_class = StoreFilter
    ordering_fields = ["id", "name", "code", "created_at"]
    http_method_names = WRITE_METHODS

    def perform_create(self, serializer):
        serializer.save(merchant=self.merchant)


@extend_schema(tags=["catalog"])
class CategoryViewSet(ApiViewSetMixin, viewsets.ModelViewSet):
    api_resource = "catalog"
    queryset = Category.objects.all()
    serializer_class = s.CategorySerializer
    ordering_fields = ["id", "name", "position"]
    http_method_names = WRITE_METHODS

    def perform_create(self, serializer):
        serializer.save(merchant=self.merchant)


@extend_schema(tags=["catalog"])
class ProductViewSet(ApiViewSetMixin, viewsets.ModelViewSet):
    """Products and their variants. Retire a product with `is_active=false`."""

    api_resource = "catalog"
    queryset = Product.objects.prefetch_related("variants")
    serializer_class = s.ProductSerializer
    filterset_class = ProductFilter
    ordering_fields = ["id", "title", "created_at"]
    http_method_names = WRITE_METHODS

    def perform_create(self, serializer):
        serializer.save(merchant=self.merchant)


@extend_schema(tags=["catalog"])
class VariantViewSet(ApiViewSetMixin, viewsets.ModelViewSet):
    """Sellable SKUs; the SKU code is unique within the merchant."""

    api_resource = "catalog"
    queryset = Variant.objects.select_related("product")
    serializer_class = s.VariantSerializer
    filterset_class = VariantFilter
    ordering_fields = ["id", "sku"]
    http_method_names = WRITE_METHODS

    def perform_create(self, serializer):
        serializer.save(merchant=self.merchant)


@extend_schema_view(
    update=extend_schema(request=s.ChannelListingUpdateSerializer, responses=s.ChannelListingSerializer),
    partial_update=extend_schema(
        request=s.ChannelListingUpdateSerializer, responses=s.ChannelListingSerializer
    ),
)
@extend_schema(tags=["catalog"])
class ChannelListingViewSet(ApiViewSetMixin, viewsets.ModelViewSet):
    """A variant offered in one channel (online when `store` is null) at its own price.

    Creating a listing for a channel that already has one updates it (one per variant and channel).
    """

    api_resource = "catalog"
    queryset = ChannelListing.objects.all()
    serializer_class = s.ChannelListingSerializer
    filterset_class = ListingFilter
    ordering_fields = ["id", "price_fen", "updated_at"]

    def get_serializer_class(self):
        if self.action in ("update", "partial_update"):
            return s.ChannelListingUpdateSerializer
        return s.ChannelListingSerializer

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = catalog.set_listing(
            merchant=self.merchant,
            variant=data["variant"],
            store=data.get("store"),
            price_fen=data["price_fen"],
            is_available=data.get("is_available", True),
            is_exclusive=data.get("is_exclusive", False),
        )

    def perform_update(self, serializer):
        listing, data = serializer.instance, serializer.validated_data
        serializer.instance = catalog.set_listing(
            merchant=self.merchant,
            variant=listing.variant,
            store=listing.store,
            price_fen=data.get("price_fen", listing.price_fen),
            is_available=data.get("is_available", listing.is_available),
            is_exclusive=data.get("is_exclusive", listing.is_exclusive),
        )


@extend_schema(tags=["entry points"])
class EntryPointViewSet(
    ApiViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Printed QR codes. Tokens never change: rotate a code to replace it by a new one."""

    api_resource = "entry_points"
    queryset = EntryPoint.objects.all()
    serializer_class = s.EntryPointSerializer
    filterset_class = EntryPointFilter
    ordering_fields = ["id", "created_at"]
    write_actions = ("rotate", "revoke")

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = entry_points.create_entry_point(
            merchant=self.merchant,
            kind=data["kind"],
            store=data.get("store"),
            staff=data.get("staff"),
            label=data.get("label", ""),
        )

    @extend_schema(request=None, responses={201: s.EntryPointSerializer})
    @action(detail=True, methods=["post"])
    def rotate(self, request, pk=None):
        """Replace this code by a new one (new token) and revoke it; returns the new code."""
        with transaction.atomic():
            new = entry_points.rotate_entry_point(entry_point=self.get_object())
        return Response(self.get_serializer(new).data, status=201)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "file_format",
                str,
                enum=list(POSTER_FORMATS),
                default="a4.pdf",
                description="A4 or A5 printable poster (PDF), or the bare QR code (PNG, SVG).",
            )
        ],
        responses={
            (200, "application/pdf"): OpenApiTypes.BINARY,
            (200, "image/png"): OpenApiTypes.BINARY,
            (200, "image/svg+xml"): OpenApiTypes.BINARY,
        },
    )
    @action(detail=True, methods=["get"])
    def poster(self, request, pk=None):
        """The printable poster (or bare QR code) of a live code; a revoked code is 404."""
        file_format = request.query_params.get("file_format", "a4.pdf")
        if file_format not in POSTER_FORMATS:
            raise ValidationError({"file_format": [_("One of: %s.") % ", ".join(POSTER_FORMATS)]})
        return poster_response(self.get_object(), file_format)

    def perform_content_negotiation(self, request, force=False):
        # Posters are files: any Accept header gets the file (errors still come back as JSON).
        return super().perform_content_negotiation(request, force=force or self.action == "poster")

    @extend_schema(request=None, responses={200: s.EntryPointSerializer})
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        """Stop this code working at once."""
        revoked = entry_points.revoke_entry_point(entry_point=self.get_object())
        return Response(self.get_serializer(revoked).data)


@extend_schema(tags=["customers"])
class CustomerViewSet(ApiViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """The merchant's customers (shoppers who scanned, claimed or bought) with their bindings."""

    api_resource = "customers"
    queryset = Customer.objects.prefetch_related(
        Prefetch("bindings", queryset=Binding.objects.order_by("-bound_at"), to_attr="api_bindings")
    )
    serializer_class = s.CustomerSerializer
    filterset_class = CustomerFilter
    ordering_fields = ["id", "created_at"]


@extend_schema_view(create=extend_schema(request=None, responses={202: s.DataExportSerializer}))
@extend_schema(tags=["customers"])
class DataExportViewSet(
    ApiViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """All of the merchant's customer data as a zip of CSV and JSON, built in the background.

    POST starts one (no body); poll it until `status` is `done`, then fetch `download_url`."""

    api_resource = "customers"
    read_actions = ("create",)
    queryset = DataExport.objects.all()
    serializer_class = s.DataExportSerializer
    ordering_fields = ["id", "created_at"]

    def create(self, request, *args, **kwargs):
        export = exports.request_export(merchant=self.merchant)
        return Response(self.get_serializer(export).data, status=202)


def register(router) -> None:
    router.register("stores", StoreViewSet, basename="store")
    router.register("categories", CategoryViewSet, basename="category")
    router.register("products", ProductViewSet, basename="product")
    router.register("variants", VariantViewSet, basename="variant")
    router.register("listings", ChannelListingViewSet, basename="listing")
    router.register("entry-points", EntryPointViewSet, basename="entry-point")
    router.register("customers", CustomerViewSet, basename="customer")
    router.register("exports", DataExportViewSet, basename="export")
