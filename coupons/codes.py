"""Coupon codes drawn for people and scanners: inline QR and Code128 SVGs, a printable sheet of
store codes (PDF, Chinese text in STSong-Light or WenQuanYi) and the same codes as CSV."""

from __future__ import annotations

import csv
import io
import re

import segno
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from reportlab.graphics import renderSVG
from reportlab.graphics.barcode import createBarcodeDrawing
from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from shops.money import format_fen
from shops.posters import _draw_qr, poster_font


def scan_value(code: str) -> str:
    """What the QR and the barcode carry: the code without dashes (shorter bars, same meaning:
    `normalise_code` regroups it)."""
    return code.replace("-", "")


def qr_svg(code: str, *, scale: int = 4) -> SafeString:
    return mark_safe(  # noqa: S308 - segno's markup around our own code characters
        segno.make(scan_value(code), error="m").svg_inline(
            scale=scale, dark="#111", light="#fff", omitsize=True
        )
    )


_SVG_START = re.compile(r"<svg\b")


def barcode_svg(code: str) -> SafeString:
    """A Code128 barcode as an inline <svg> scaling to its container's width."""
    drawing = createBarcodeDrawing(
        "Code128", value=scan_value(code), barHeight=48, barWidth=1.2, humanReadable=False
    )
    text = renderSVG.drawToString(drawing)
    match = _SVG_START.search(text)
    svg = text[match.start() :] if match else ""
    svg = re.sub(r'<svg width="[^"]*" height="[^"]*"', '<svg class="barcode" width="100%"', svg, count=1)
    svg = re.sub(r"<title>.*?</title>\s*<desc>.*?</desc>", "", svg, flags=re.S)
    return mark_safe(svg)  # noqa: S308 - reportlab's drawing of our own code characters


def batch_csv(batch) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["code", "coupon", "store", "valid_until", "status"])
    for coupon in batch.coupons.order_by("pk"):
        writer.writerow(
            [
                coupon.code,
                batch.definition.name,
                batch.store.name,
                timezone.localtime(coupon.valid_until).strftime("%Y-%m-%d %H:%M"),
                coupon.status,
            ]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # BOM so Excel opens Chinese correctly


COLS, ROWS = 3, 6


def batch_pdf(batch) -> bytes:
    """A4 sheets of cut-out cards, 3 × 6 per page: merchant, store, value, QR, code, validity."""
    font = poster_font()
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, pagesize=A4)
    c.setTitle(f"{batch.store.name} · {batch.definition.name}")
    width, height = A4
    margin = 10 * mm
    cell_w = (width - 2 * margin) / COLS
    cell_h = (height - 2 * margin) / ROWS
    definition = batch.definition
    value = definition.describe()
    coupons = list(batch.coupons.order_by("pk"))
    for index, coupon in enumerate(coupons):
        slot = index % (COLS * ROWS)
        if index and slot == 0:
            c.showPage()
        col, row = slot % COLS, slot // COLS
        x = margin + col * cell_w
        y = height - margin - (row + 1) * cell_h
        c.setDash(2, 2)
        c.setStrokeColorRGB(0.7, 0.7, 0.7)
        c.rect(x, y, cell_w, cell_h)
        c.setDash()
        c.setFillColorRGB(0.07, 0.07, 0.07)
        c.setFont(font, 9)
        c.drawString(x + 4 * mm, y + cell_h - 6 * mm, f"{batch.merchant.name} · {batch.store.name}"[:40])
        c.setFont(font, 11)
        c.drawString(x + 4 * mm, y + cell_h - 11 * mm, definition.name[:24])
        c.setFont(font, 8)
        c.drawString(x + 4 * mm, y + cell_h - 15 * mm, value[:40])
        qr_size = cell_h - 28 * mm
        _draw_qr(c, segno.make_qr(scan_value(coupon.code), error="m"), x + 4 * mm, y + 10 * mm, qr_size)
        c.setFont("Courier-Bold", 8)
        c.drawString(x + 4 * mm, y + 5.5 * mm, coupon.code)
        c.setFont(font, 7)
        until = timezone.localtime(coupon.valid_until).strftime("%Y-%m-%d")
        c.drawString(x + 4 * mm, y + 2 * mm, _("Valid until %(date)s · use online once") % {"date": until})
        if definition.min_spend_fen:
            c.drawRightString(x + cell_w - 3 * mm, y + 10 * mm, format_fen(definition.min_spend_fen) + "+")
    if not coupons:
        c.setFont(font, 12)
        c.drawString(margin, height - margin - 12, _("No codes in this batch."))
    c.showPage()
    c.save()
    return buffer.getvalue()


__all__ = ["Code128", "barcode_svg", "batch_csv", "batch_pdf", "qr_svg", "scan_value"]
