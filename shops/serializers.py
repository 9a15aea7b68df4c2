"""Open API serializers for shops: stores, catalog, QR entry points and customers.

Writes go through the catalog and entry-point services; serializers only parse and shape.
References in bodies accept only the request merchant's objects (ScopedPrimaryKeyRelatedField).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from shops.api_base import ApiModelSerializer, ScopedPrimaryKeyRelatedField
from shops.models import Category, ChannelListing, Customer, EntryPoint, Membership, Product, Store, Variant
from shops.models_api import DataExport

MAX_FEN = 10**12  # ten billion yuan: far above any real price, far below the database's limit


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise serializers.ValidationError(_("Null characters are not allowed."))
    return value


class StoreSerializer(ApiModelSerializer):
    class Meta:
        model = Store
        fields = [
            "id",
            "name",
            "code",
            "address",
            "latitude",
            "longitude",
            "opening_hours",
            "phone",
            "status",
            "created_at",
        ]
        read_only_fields = ["id", "created_at"]

    def validate_code(self, value):
        merchant = self.context["merchant"]
        clash = Store.objects.filter(merchant=merchant, code=value)
        if self.instance is not None:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise serializers.ValidationError(_("Another store of your brand has this code."))
        return value


class CategorySerializer(ApiModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "name", "position"]
        read_only_fields = ["id"]

    def validate_name(self, value):
        clash = Category.objects.filter(merchant=self.context["merchant"], name=value)
        if self.instance is not None:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise serializers.ValidationError(_("Another category has this name."))
        return value


class AttributesField(serializers.DictField):
    """{"size": "M", "colour": "red"}: short text keys and values only."""

    child = serializers.CharField(max_length=100, allow_blank=True)

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if len(value) > 20:
            raise serializers.ValidationError(_("At most 20 attributes."))
        for key, item in value.items():
            if len(str(key)) > 40 or "\x00" in str(key) or "\x00" in item:
                raise serializers.ValidationError(
                    _("Attribute names are at most 40 characters, without nulls.")
                )
        return value


class VariantSerializer(ApiModelSerializer):
    product = ScopedPrimaryKeyRelatedField(queryset=Product.objects.all())
    attributes = AttributesField(required=False)

    class Meta:
        model = Variant
        fields = ["id", "product", "sku", "attributes"]
        read_only_fields = ["id"]

    def validate_sku(self, value):
        clash = Variant.objects.filter(merchant=self.context["merchant"], sku=value)
        if self.instance is not None:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise serializers.ValidationError(_("Another variant of your brand has this SKU code."))
        return value


class ProductVariantSerializer(ApiModelSerializer):
    class Meta:
        model = Variant
        fields = ["id", "sku", "attributes"]
        read_only_fields = fields


class ProductSerializer(ApiModelSerializer):
    category = ScopedPrimaryKeyRelatedField(queryset=Category.objects.all(), allow_null=True, required=False)
    variants = ProductVariantSerializer(many=True, read_only=True)

    class Meta:
        model = Product
        fields = ["id", "title", "description", "category", "is_active", "created_at", "variants"]
        read_only_fields = ["id", "created_at", "variants"]


class ChannelListingSerializer(ApiModelSerializer):
    variant = ScopedPrimaryKeyRelatedField(queryset=Variant.objects.all())
    store = ScopedPrimaryKeyRelatedField(
        queryset=Store.objects.all(), allow_null=True, required=False, help_text="null = the online store."
    )
    price_fen = serializers.IntegerField(
        min_value=0, max_value=MAX_FEN, help_text="Price in fen (1/100 yuan)."
    )

    class Meta:
        model = ChannelListing
        fields = ["id", "variant", "store", "price_fen", "is_available", "is_exclusive", "updated_at"]
        read_only_fields = ["id", "updated_at"]
        validators = []  # one listing per channel: shops.catalog.set_listing updates instead


class ChannelListingUpdateSerializer(ChannelListingSerializer):
    """On update the channel (variant, store) is fixed; change price and flags."""

    variant = serializers.PrimaryKeyRelatedField(read_only=True)
    store = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)


class EntryPointSerializer(ApiModelSerializer):
    store = ScopedPrimaryKeyRelatedField(queryset=Store.objects.all(), allow_null=True, required=False)
    staff = ScopedPrimaryKeyRelatedField(queryset=Membership.objects.all(), allow_null=True, required=False)
    scan_url = serializers.SerializerMethodField()

    class Meta:
        model = EntryPoint
        fields = [
            "id",
            "kind",
            "store",
            "staff",
            "label",
            "token",
            "scan_url",
            "is_active",
            "revoked_at",
            "replaced_by",
            "created_at",
        ]
        read_only_fields = ["id", "token", "scan_url", "is_active", "revoked_at", "replaced_by", "created_at"]
        validators = []  # the rules (one live code per staff member…) live in shops.entry_points

    @extend_schema_field(serializers.URLField())
    def get_scan_url(self, obj) -> str:
        from shops.entry_points import scan_url

        return scan_url(obj)


def _binding_serializer():
    from attribution.serializers import BindingSerializer

    return BindingSerializer


class CustomerSerializer(ApiModelSerializer):
    bindings = serializers.SerializerMethodField(help_text="The customer's store bindings, newest first.")
    email = serializers.CharField(read_only=True, help_text="Email address, or empty.")

    class Meta:
        model = Customer
        fields = ["id", "name", "mobile", "email", "created_at", "erased_at", "bindings"]
        read_only_fields = fields

    @extend_schema_field(_binding_serializer()(many=True))
    def get_bindings(self, obj) -> list[dict]:
        rows = getattr(obj, "api_bindings", None)
        if rows is None:
            rows = obj.bindings.order_by("-bound_at")[:50]
        return _binding_serializer()(rows, many=True).data


class DataExportSerializer(ApiModelSerializer):
    download_url = serializers.SerializerMethodField(
        help_text="When ready: a link to the zip (CSV per table + data.json), valid for one hour."
    )

    class Meta:
        model = DataExport
        fields = [
            "id",
            "status",
            "progress",
            "row_counts",
            "error",
            "created_at",
            "finished_at",
            "download_url",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_download_url(self, obj) -> str | None:
        from shops.exports import download_url

        if obj.status != DataExport.Status.DONE:
            return None
        request = self.context.get("request")
        url = download_url(obj)
        return request.build_absolute_uri(url) if request else url
