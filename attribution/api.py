"""Open API views for attribution: QR scans, bindings and binding events (read-only; every
change goes through attribution.services). Rebate statements and lines join as they land."""

from attribution.models import Binding, BindingEvent, ScanEvent
from attribution.serializers import BindingEventSerializer, BindingSerializer
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


def register(router) -> None:
    router.register("scans", ScanEventViewSet, basename="scan")
    router.register("bindings", BindingViewSet, basename="binding")
    router.register("binding-events", BindingEventViewSet, basename="binding-event")
