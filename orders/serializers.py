"""Open API serializers for orders: orders with their lines, refunds, and the create/refund inputs."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from orders.models import Channel, Fulfilment, Order, OrderLine, Refund
from shops.api_base import ScopedPrimaryKeyRelatedField
from shops.api_generic import model_serializer
from shops.models import Customer, Store

MAX_FEN = 10**12

OrderLineSerializer = model_serializer(OrderLine)
RefundSerializer = model_serializer(Refund, exclude=("requested_by",))
OrderSerializer = model_serializer(
    Order,
    exclude=("idempotency_key", "request_fingerprint"),
    extra_fields={
        "lines": OrderLineSerializer(many=True, read_only=True),
        "refunds": RefundSerializer(many=True, read_only=True),
    },
)


class OrderLineInputSerializer(serializers.Serializer):
    listing = serializers.IntegerField(min_value=1, max_value=2**62, help_text="A channel listing id.")
    quantity = serializers.IntegerField(min_value=1, max_value=99)
    seen_price_fen = serializers.IntegerField(
        min_value=0,
        max_value=MAX_FEN,
        required=False,
        help_text="The price the buyer saw; if the listing's price differs the order is refused.",
    )


class OrderCreateSerializer(serializers.Serializer):
    """An online or in-store order awaiting payment, priced from the channel listings now."""

    channel = serializers.ChoiceField(choices=[Channel.ONLINE, Channel.IN_STORE])
    store = ScopedPrimaryKeyRelatedField(
        queryset=Store.objects.all(),
        required=False,
        allow_null=True,
        help_text="The store (in-store orders, and online orders picked up in a store).",
    )
    customer = ScopedPrimaryKeyRelatedField(queryset=Customer.objects.all(), required=False, allow_null=True)
    fulfilment = serializers.ChoiceField(
        choices=[Fulfilment.DELIVERY, Fulfilment.PICKUP], required=False, default=Fulfilment.DELIVERY
    )
    contact_name = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    contact_mobile = serializers.CharField(max_length=11, required=False, allow_blank=True, default="")
    delivery_address = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
    notes = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
    lines = OrderLineInputSerializer(many=True, allow_empty=False, max_length=100)


class RefundCreateSerializer(serializers.Serializer):
    """Refund all of a paid order (empty body), an amount, or units of its lines."""

    amount_fen = serializers.IntegerField(min_value=1, max_value=MAX_FEN, required=False)
    lines = serializers.DictField(
        child=serializers.IntegerField(min_value=0, max_value=99),
        required=False,
        help_text="Order line id → quantity to refund.",
    )
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")

    def validate(self, attrs):
        if "amount_fen" in attrs and attrs.get("lines"):
            raise serializers.ValidationError(_("Give an amount or lines, not both."))
        for key in attrs.get("lines") or {}:
            if not str(key).isdigit() or len(str(key)) > 18:
                raise serializers.ValidationError({"lines": [_("Keys are order line ids.")]})
        return attrs
