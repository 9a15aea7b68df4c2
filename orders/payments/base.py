"""The interface every payment gateway implements."""

from __future__ import annotations

from typing import Protocol


class GatewayError(Exception):
    """The gateway refused or could not be reached; nothing was charged or refunded."""


class Gateway(Protocol):
    name: str

    def start_payment(self, payment, *, request=None) -> str:
        """Ask the gateway to collect `payment`; return the URL the shopper goes to next."""

    def query_payment(self, payment) -> dict | None:
        """The gateway's transaction record for `payment` (as in a notification), or None if
        this gateway cannot be asked."""

    def request_refund(self, refund) -> None:
        """Ask the gateway to refund; the outcome arrives later as a notification."""

    def notification_keys(self, merchant) -> tuple[dict, bytes]:
        """(platform serial → public key, APIv3 key) to verify and decrypt `merchant`'s notifications."""
