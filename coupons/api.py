"""Open API views for coupons: campaigns (create, edit, publish through the sharing check, end),
coupon definitions (read/write), issued coupons (issue to a customer, redeem at a counter) and
redemptions. Every change is a coupons.services call (definitions are validated by the model's
own rules, as in the back office)."""

from __future__ import annotations

from django.db import transaction
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from coupons import serializers as s
from coupons import services
from coupons.models import Campaign, Coupon, CouponDefinition, Redemption
from shops.api import ApiViewSetMixin
from shops.api_base import IDEMPOTENCY_KEY
from shops.api_generic import model_filterset, read_only_viewset
from shops.idempotency import idempotent

WRITE_METHODS = ["get", "post", "patch", "put", "head", "options"]


@extend_schema_view(
    publish=extend_schema(request=None, responses={200: s.PublishResultSerializer}),
    end=extend_schema(request=None, responses={200: s.CampaignSerializer}),
)
@extend_schema(tags=["coupons"])
class CampaignViewSet(ApiViewSetMixin, viewsets.ModelViewSet):
    """Campaigns with a landing page offering coupons. Publishing runs the sharing check: the
    campaign is published, sent to review, or stays a draft with the reasons."""

    api_resource = "coupons"
    write_actions = ("publish", "end")
    queryset = Campaign.objects.select_related("entry_point")
    serializer_class = s.CampaignSerializer
    filterset_class = model_filterset(Campaign, ["status", "starts_at"])
    ordering_fields = ["id", "created_at", "starts_at"]
    http_method_names = WRITE_METHODS

    def perform_create(self, serializer):
        serializer.instance = services.create_campaign(
            merchant=self.merchant, actor=None, **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = services.update_campaign(
            campaign=serializer.instance, actor=None, **serializer.validated_data
        )

    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        campaign = self.get_object()
        result = services.publish_campaign(campaign=campaign, actor=None)
        campaign.refresh_from_db()
        body = {
            "status": campaign.status,
            "message": str(result.message),
            "campaign": self.get_serializer(campaign).data,
        }
        return Response(body)

    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        campaign = services.end_campaign(campaign=self.get_object(), actor=None)
        return Response(self.get_serializer(campaign).data)


@extend_schema(tags=["coupons"])
class CouponDefinitionViewSet(ApiViewSetMixin, viewsets.ModelViewSet):
    """What a coupon is worth, where and when it can be used, and how many exist."""

    api_resource = "coupons"
    queryset = CouponDefinition.objects.prefetch_related("stores")
    serializer_class = s.CouponDefinitionSerializer
    filterset_class = model_filterset(CouponDefinition, ["campaign", "kind", "channel", "is_active"])
    ordering_fields = ["id", "created_at"]
    http_method_names = WRITE_METHODS

    def _save(self, serializer, **extra):
        data = dict(serializer.validated_data)
        stores = data.pop("stores", None)
        with transaction.atomic():
            instance = serializer.instance or CouponDefinition(merchant=self.merchant)
            for key, value in {**data, **extra}.items():
                setattr(instance, key, value)
            instance.full_clean(exclude=["stores"])  # the model's rules and constraints, as the back office
            instance.save()
            if stores is not None:
                instance.stores.set(stores)
        serializer.instance = instance

    def perform_create(self, serializer):
        self._save(serializer)

    def perform_update(self, serializer):
        self._save(serializer)


@extend_schema_view(
    create=extend_schema(
        parameters=[IDEMPOTENCY_KEY], request=s.IssueCouponSerializer, responses={201: s.CouponSerializer}
    ),
    redeem=extend_schema(
        parameters=[IDEMPOTENCY_KEY],
        request=s.RedeemCouponSerializer,
        responses={201: s.RedemptionSerializer},
    ),
)
@extend_schema(tags=["coupons"])
class CouponViewSet(
    ApiViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Issued coupons. POST issues one to a customer (limits and stock enforced); `redeem` uses a
    code at a store's counter (once, even under races)."""

    api_resource = "coupons"
    write_actions = ("redeem",)
    queryset = Coupon.objects.select_related("definition")
    serializer_class = s.CouponSerializer
    filterset_class = model_filterset(Coupon, ["definition", "customer", "store", "status", "claimed_at"])
    ordering_fields = ["id", "claimed_at"]

    def create(self, request, *args, **kwargs):
        data = s.IssueCouponSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)

        def operation():
            coupon = services.claim_coupon(
                definition=data.validated_data["definition"], customer=data.validated_data["customer"]
            )
            return Response(s.CouponSerializer(coupon).data, status=201)

        return idempotent(request, self.merchant, operation)

    @action(detail=False, methods=["post"])
    def redeem(self, request):
        data = s.RedeemCouponSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        values = data.validated_data

        def operation():
            redemption = services.redeem_at_counter(
                merchant=self.merchant,
                code=values["code"],
                store=values["store"],
                staff=None,
                bill_fen=values.get("bill_fen"),
            )
            return Response(s.RedemptionSerializer(redemption).data, status=201)

        return idempotent(request, self.merchant, operation)


RedemptionViewSet = read_only_viewset(
    Redemption,
    resource="coupons",
    serializer_class=s.RedemptionSerializer,
    filters=("coupon", "channel", "store", "staff", "at"),
    ordering=("id", "at"),
    tag="coupons",
    doc="Coupon redemptions online and at the counter (an undone counter redemption has `undone_at`).",
)


def register(router) -> None:
    router.register("campaigns", CampaignViewSet, basename="campaign")
    router.register("coupon-definitions", CouponDefinitionViewSet, basename="coupon-definition")
    router.register("coupons", CouponViewSet, basename="coupon")
    router.register("redemptions", RedemptionViewSet, basename="redemption")
