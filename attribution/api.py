"""Open API views for attribution: QR scans, bindings and binding events (read-only; every
change goes through attribution.services / attribution.settlement): scans, bindings and their
history, the rebate ledger and statements."""

from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action

from attribution.models import Binding, BindingEvent, ScanEvent
from attribution.models_rebates import RebateLedgerLine, RebateStatement
from attribution.serializers import (
    BindingEventSerializer,
    BindingSerializer,
    RebateLedgerLineSerializer,
    RebateStatementSerializer,
)
from shops.api_generic import read_only_viewset

ScanEventViewSet = read_only_viewset(
    ScanEvent,
    resource="customers",
    filters=("store", "staff", "customer", "entry_point", "created_at"),
    ordering=("id", "created_at"),
    tag="attribution",
    doc="Scans of the merchant's QR codes by its customers, newest first.",
)

BindingViewSet = read_only_viewset(
    Binding,
    resource="customers",
    serializer_class=BindingSerializer,
    filters=("customer", "store", "staff", "status", "source", "bound_at", "protected_until"),
    ordering=("id", "bound_at", "protected_until"),
    tag="attribution",
    doc="Which store (and staff member) each customer belongs to. At most one active binding per "
    "customer; expired ones stay as history.",
)

BindingEventViewSet = read_only_viewset(
    BindingEvent,
    resource="customers",
    serializer_class=BindingEventSerializer,
    filters=("binding", "customer", "store", "staff", "kind", "occurred_at"),
    ordering=("id", "occurred_at"),
    tag="attribution",
    doc="Append-only history of bindings: created, moved, renewed, kept, expired — with the rule "
    "and reason that decided each.",
)

RebateLedgerLineViewSet = read_only_viewset(
    RebateLedgerLine,
    resource="rebates",
    serializer_class=RebateLedgerLineSerializer,
    filters=("order", "refund", "store", "staff", "beneficiary", "kind", "occurred_at", "settles_at"),
    ordering=("id", "occurred_at", "settles_at"),
    tag="rebates",
    doc="The append-only rebate ledger: one accrual per paid order and beneficiary, one clawback per "
    "refund. `amount_fen` = `base_fen` × `rate_bp` / 10000, rounded half up.",
)

_StatementBase = read_only_viewset(
    RebateStatement,
    resource="rebates",
    serializer_class=RebateStatementSerializer,
    filters=("store", "staff", "beneficiary", "status", "period_start"),
    ordering=("id", "period_start"),
    tag="rebates",
    doc="Rebate statements per store (and staff member) per period: draft → final → paid.",
)


class RebateStatementViewSet(_StatementBase):
    """Rebate statements per store (and staff member) per period: draft → final → paid."""

    @extend_schema(
        responses=RebateLedgerLineSerializer(many=True),
        filters=False,
        description="The ledger lines this statement adds up, newest first.",
    )
    @action(detail=True, methods=["get"], filterset_class=None)
    def lines(self, request, pk=None):
        statement = self.get_object()
        page = self.paginate_queryset(statement.lines())
        return self.get_paginated_response(RebateLedgerLineSerializer(page, many=True).data)

    def filter_queryset(self, queryset):
        if self.action == "lines":
            return queryset
        return super().filter_queryset(queryset)


def register(router) -> None:
    router.register("scans", ScanEventViewSet, basename="scan")
    router.register("bindings", BindingViewSet, basename="binding")
    router.register("binding-events", BindingEventViewSet, basename="binding-event")
    router.register("rebate-lines", RebateLedgerLineViewSet, basename="rebate-line")
    router.register("rebate-statements", RebateStatementViewSet, basename="rebate-statement")
