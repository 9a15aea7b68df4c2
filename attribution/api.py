"""Open API views for attribution: QR scans (binding events, bindings and rebate statements are
added here as the attribution app lands them). Read-only; changes go through attribution.services."""

from attribution.models import ScanEvent
from shops.api_generic import read_only_viewset

ScanEventViewSet = read_only_viewset(
    ScanEvent,
    resource="customers",
    filters=("store", "staff", "customer", "entry_point", "created_at"),
    ordering=("id", "created_at"),
    tag="attribution",
    doc="Scans of the merchant's QR codes by its customers, newest first.",
)


def register(router) -> None:
    router.register("scans", ScanEventViewSet, basename="scan")
