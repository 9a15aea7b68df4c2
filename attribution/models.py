"""Attribution: scans of QR codes (and, in the attribution capability, bindings and rebates)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ScanEvent(models.Model):
    """One scan of a valid QR entry point by a shopper (invalid codes record nothing)."""

    tenant_path = "merchant"
    store_path = "store"

    merchant = models.ForeignKey(
        "shops.Merchant", on_delete=models.CASCADE, related_name="scans", verbose_name=_("merchant")
    )
    entry_point = models.ForeignKey(
        "shops.EntryPoint", on_delete=models.CASCADE, related_name="scans", verbose_name=_("QR entry point")
    )
    store = models.ForeignKey(
        "shops.Store",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="scans",
        verbose_name=_("store"),
    )
    staff = models.ForeignKey(
        "shops.Membership",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="scans",
        verbose_name=_("staff member"),
    )
    customer = models.ForeignKey(
        "shops.Customer", on_delete=models.CASCADE, related_name="scans", verbose_name=_("customer")
    )
    user_agent = models.CharField(_("browser"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("scanned at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("scan")
        verbose_name_plural = _("scans")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["merchant", "created_at"], name="scan_merchant_time")]

    def __str__(self) -> str:
        return f"{self.entry_point} · {self.created_at:%Y-%m-%d %H:%M}"
