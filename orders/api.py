"""Open API views for orders: read orders and refunds, create an order (Idempotency-Key),
refund one. Thin: every change is an orders.services call."""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from orders import services
from orders.models import Order, OrderLine, Refund
from orders.serializers import (
    OrderCreateSerializer,
    OrderSerializer,
    RefundCreateSerializer,
    RefundSerializer,
)
from shops.api import ApiViewSetMixin
from shops.api_base import IDEMPOTENCY_KEY
from shops.api_generic import model_filterset, read_only_viewset
from shops.idempotency import KeyReused, idempotent

ORDER_KEY_MAX = 80  # orders.Order.idempotency_key


def _order_error(error: services.OrderError):
    """The service's own words as a 400 (or 422 for a reused key), with per-line problems."""
    if isinstance(error, services.IdempotencyConflict):
        return KeyReused(str(error))
    fields = {"non_field_errors": [str(error)]}
    if isinstance(error, services.CheckoutProblems):
        fields["lines"] = [
            f"{p.listing_id}: {p.kind}" + (f" (now {p.price_fen} fen)" if p.price_fen is not None else "")
            for p in error.problems
        ]
    return exceptions.ValidationError(fields)


@extend_schema_view(
    create=extend_schema(
        parameters=[IDEMPOTENCY_KEY], request=OrderCreateSerializer, responses={201: OrderSerializer}
    ),
    refund=extend_schema(
        parameters=[IDEMPOTENCY_KEY], request=RefundCreateSerializer, responses={202: RefundSerializer}
    ),
)
@extend_schema(tags=["orders"])
class OrderViewSet(
    ApiViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Orders with their lines and refunds. Amounts are integer fen."""

    api_resource = "orders"
    write_actions = ("refund",)
    queryset = Order.objects.prefetch_related(
        Prefetch("lines", queryset=OrderLine.objects.order_by("pk")), "refunds"
    )
    serializer_class = OrderSerializer
    filterset_class = model_filterset(
        Order, ["status", "channel", "store", "customer", "created_at", "paid_at", "number"]
    )
    ordering_fields = ["id", "created_at", "paid_at", "total_fen"]

    def create(self, request, *args, **kwargs):
        key = request.headers.get("Idempotency-Key", "")
        if not key.strip() or len(key) > ORDER_KEY_MAX or "\x00" in key:
            raise exceptions.ValidationError(
                {"Idempotency-Key": [_("Send a unique Idempotency-Key header (at most 80 characters).")]}
            )
        data = OrderCreateSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        values = data.validated_data
        replay = Order.objects.filter(merchant=self.merchant, idempotency_key=key).exists()
        try:
            order = services.create_order(
                merchant=self.merchant,
                customer=values.get("customer"),
                channel=values["channel"],
                store=values.get("store"),
                fulfilment=values["fulfilment"],
                contact_name=values["contact_name"],
                contact_mobile=values["contact_mobile"],
                delivery_address=values["delivery_address"],
                notes=values["notes"],
                lines=[
                    {
                        "listing_id": line["listing"],
                        "quantity": line["quantity"],
                        **({"seen_price_fen": line["seen_price_fen"]} if "seen_price_fen" in line else {}),
                    }
                    for line in values["lines"]
                ],
                idempotency_key=key,
            )
        except services.OrderError as error:
            raise _order_error(error) from error
        body = self.get_serializer(self.get_queryset().get(pk=order.pk)).data
        headers = {"Idempotent-Replayed": "true"} if replay else {}
        return Response(body, status=201, headers=headers)

    @action(detail=True, methods=["post"])
    def refund(self, request, pk=None):
        """Refund a paid order: all of it, an amount, or units of lines. Sent to the payment
        gateway after commit; the refund's status follows the gateway's answer."""
        order = self.get_object()
        data = RefundCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data

        def operation():
            try:
                refund = services.request_refund(
                    order=order,
                    amount_fen=values.get("amount_fen"),
                    lines=values.get("lines") or None,
                    reason=values["reason"],
                )
            except services.OrderError as error:
                raise _order_error(error) from error
            return Response(RefundSerializer(refund).data, status=202)

        return idempotent(request, self.merchant, operation)


RefundViewSet = read_only_viewset(
    Refund,
    resource="orders",
    serializer_class=RefundSerializer,
    filters=("order", "status", "created_at"),
    ordering=("id", "created_at"),
    tag="orders",
    doc="Refunds of the merchant's orders (pending until the payment gateway confirms).",
)


def register(router) -> None:
    router.register("orders", OrderViewSet, basename="order")
    router.register("refunds", RefundViewSet, basename="refund")
