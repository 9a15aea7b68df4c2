"""Open API serializers for coupons: campaigns, coupon definitions, issued coupons, redemptions."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from coupons.models import Campaign, Coupon, CouponDefinition, Mechanic, Redemption
from shops.api_base import ApiModelSerializer, ScopedPrimaryKeyRelatedField
from shops.api_generic import model_serializer
from shops.models import Customer, Store

MAX_FEN = 10**12

CouponSerializer = model_serializer(Coupon)
RedemptionSerializer = model_serializer(Redemption, exclude=("undone_by",))


class CampaignSerializer(ApiModelSerializer):
    mechanics = serializers.ListField(
        child=serializers.ChoiceField(choices=Mechanic.choices),
        required=False,
        max_length=len(Mechanic.choices),
        help_text="Structured sharing mechanics; checked against the sharing rules when publishing.",
    )
    landing_url = serializers.SerializerMethodField()

    class Meta:
        model = Campaign
        fields = [
            "id",
            "title",
            "description",
            "share_text",
            "landing_text",
            "mechanics",
            "starts_at",
            "ends_at",
            "status",
            "review_reason",
            "published_at",
            "landing_url",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "id",
            "status",
            "review_reason",
            "published_at",
            "landing_url",
            "created_at",
            "updated_at",
        ]

    def get_landing_url(self, obj) -> str | None:
        from shops.entry_points import scan_url

        return scan_url(obj.entry_point) if obj.entry_point_id else None


class PublishResultSerializer(serializers.Serializer):
    status = serializers.CharField(
        help_text="The campaign's status afterwards (same values as `campaign.status`)."
    )
    message = serializers.CharField(help_text="Why it was published, sent to review or blocked.")
    campaign = CampaignSerializer()


class CouponDefinitionSerializer(ApiModelSerializer):
    campaign = ScopedPrimaryKeyRelatedField(queryset=Campaign.objects.all(), allow_null=True, required=False)
    stores = ScopedPrimaryKeyRelatedField(queryset=Store.objects.all(), many=True, required=False)
    amount_fen = serializers.IntegerField(min_value=0, max_value=MAX_FEN, required=False)
    min_spend_fen = serializers.IntegerField(min_value=0, max_value=MAX_FEN, required=False)
    cap_fen = serializers.IntegerField(min_value=1, max_value=MAX_FEN, required=False, allow_null=True)
    percent_off_bp = serializers.IntegerField(
        min_value=0, max_value=9999, required=False, help_text="Percent off in basis points (1500 = 15%)."
    )
    total_quantity = serializers.IntegerField(min_value=1, max_value=10**9, required=False, allow_null=True)
    valid_days = serializers.IntegerField(min_value=1, max_value=3650, required=False, allow_null=True)
    per_customer_limit = serializers.IntegerField(min_value=1, max_value=1000, required=False)

    class Meta:
        model = CouponDefinition
        exclude = ["merchant"]
        read_only_fields = ["id", "issued_count", "created_at"]


class IssueCouponSerializer(serializers.Serializer):
    definition = ScopedPrimaryKeyRelatedField(queryset=CouponDefinition.objects.all())
    customer = ScopedPrimaryKeyRelatedField(queryset=Customer.objects.all())


class RedeemCouponSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=40, help_text="The coupon code as typed or scanned.")
    store = ScopedPrimaryKeyRelatedField(queryset=Store.objects.all())
    bill_fen = serializers.IntegerField(
        min_value=0, max_value=MAX_FEN, required=False, help_text="The bill, to check the minimum spend."
    )

    def validate_code(self, value):
        if "\x00" in value:
            raise serializers.ValidationError(_("Null characters are not allowed."))
        return value
