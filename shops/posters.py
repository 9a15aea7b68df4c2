"""Printable QR posters (PDF, A4/A5) and the bare code (PNG at 300 dpi, SVG).

The code is drawn as vector squares, so it stays sharp at any print resolution; on A4 it is
11 cm wide (A5: 7.8 cm), which a phone reads from arm's length. Error correction level Q
survives a scuffed or partly covered poster.

The poster is bilingual on purpose: one printed sheet serves every shopper, so its call to
action is printed in Chinese and English whatever the language of the person who prints it.
"""

from __future__ import annotations

import io
import math
import os
from collections.abc import Callable, Iterable
from functools import lru_cache

import segno
from reportlab.lib.colors import HexColor, white
from reportlab.lib.pagesizes import A4, A5
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen import canvas

from shops.entry_points import scan_url
from shops.models import EntryPoint

PAPER = {"A4": A4, "A5": A5}
QR_ERROR = "q"
QR_WIDTH_ON_A4 = 110 * mm
PNG_DPI = 300
PNG_WIDTH_CM = 8
BRAND_COLOUR = HexColor("#0b7a5a")
INK = HexColor("#1f2933")
MUTED = HexColor("#52606d")

# (Chinese, English) calls to action per kind of code.
CALL_TO_ACTION = {
    EntryPoint.Kind.STORE: ("扫码进店 线上选购", "Scan to shop with this store"),
    EntryPoint.Kind.STAFF: ("扫码找我 专属导购", "Scan to shop with me"),
    EntryPoint.Kind.PAY: ("扫码付款", "Scan to pay"),
    EntryPoint.Kind.CAMPAIGN: ("扫码领取优惠", "Scan to get the offer"),
}
FONT_CANDIDATES = [
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
]


@lru_cache(maxsize=1)
def poster_font() -> str:
    """A font with Chinese glyphs: WenQuanYi (embedded, prints anywhere) when installed,
    otherwise reportlab's built-in CID font STSong-Light."""
    from reportlab.pdfbase.ttfonts import TTFont

    for path in FONT_CANDIDATES:
        if os.path.exists(path):
            try:
                pdfmetrics.registerFont(TTFont("MidpageCJK", path, subfontIndex=0))
                return "MidpageCJK"
            except Exception:  # noqa: S112 - a broken font file: try the next candidate
                continue
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return "STSong-Light"


def qr_code(url: str) -> segno.QRCode:
    return segno.make_qr(url, error=QR_ERROR, boost_error=False)


def code_png(entry_point: EntryPoint) -> bytes:
    """The bare code as a PNG, 300 dpi, at least 8 cm wide (quiet zone included)."""
    qr = qr_code(scan_url(entry_point))
    modules = qr.symbol_size(border=4)[0]
    scale = math.ceil(PNG_WIDTH_CM / 2.54 * PNG_DPI / modules)
    out = io.BytesIO()
    qr.save(out, kind="png", scale=scale, border=4, dpi=PNG_DPI)
    return out.getvalue()


def code_svg(entry_point: EntryPoint) -> bytes:
    """The bare code as SVG (for designers: scales to any size)."""
    out = io.BytesIO()
    qr_code(scan_url(entry_point)).save(out, kind="svg", scale=10, border=4, title=scan_url(entry_point))
    return out.getvalue()


def code_svg_inline(entry_point: EntryPoint) -> str:
    """The bare code as an <svg> element for embedding in a page."""
    return qr_code(scan_url(entry_point)).svg_inline(scale=6, border=4, omitsize=True)


def _draw_qr(c: canvas.Canvas, qr: segno.QRCode, x: float, y: float, width: float) -> None:
    """Draw the symbol (no quiet zone) with its lower-left corner at (x, y): one path of
    horizontal runs of dark modules."""
    matrix = qr.matrix
    n = len(matrix)
    module = width / n
    path = c.beginPath()
    for row_index, row in enumerate(matrix):
        top = y + width - (row_index + 1) * module
        col = 0
        while col < n:
            if row[col]:
                start = col
                while col < n and row[col]:
                    col += 1
                # A hair of overlap closes the seams some renderers leave between squares.
                path.rect(x + start * module, top - 0.01, (col - start) * module + 0.01, module + 0.02)
            else:
                col += 1
    c.setFillColor(INK)
    c.drawPath(path, fill=1, stroke=0)


def _fit(c: canvas.Canvas, text: str, font: str, size: float, max_width: float) -> float:
    width = c.stringWidth(text, font, size)
    return size if width <= max_width else size * max_width / width


def _staff_name(entry_point: EntryPoint) -> str:
    return entry_point.staff.name if entry_point.staff_id else ""


def draw_poster(c: canvas.Canvas, entry_point: EntryPoint, paper: str = "A4") -> None:
    """One poster page for `entry_point` on the canvas (the caller calls showPage)."""
    font = poster_font()
    page_w, page_h = PAPER[paper]
    s = page_w / A4[0]  # A5 is A4 scaled down
    margin = 14 * mm * s
    text_w = page_w - 2 * margin
    cx = page_w / 2

    # Brand band.
    band_h = 34 * mm * s
    c.setFillColor(BRAND_COLOUR)
    c.rect(0, page_h - band_h, page_w, band_h, fill=1, stroke=0)
    c.setFillColor(white)
    brand = entry_point.merchant.name
    size = _fit(c, brand, font, 30 * s, text_w)
    c.setFont(font, size)
    c.drawCentredString(cx, page_h - band_h / 2 - size * 0.35, brand)

    # Who the code is for.
    y = page_h - band_h - 20 * mm * s
    c.setFillColor(INK)
    if entry_point.store_id:
        size = _fit(c, entry_point.store.name, font, 26 * s, text_w)
        c.setFont(font, size)
        c.drawCentredString(cx, y, entry_point.store.name)
        y -= 11 * mm * s
    staff = _staff_name(entry_point)
    if staff:
        line = f"导购 Shopping guide · {staff}"
        size = _fit(c, line, font, 18 * s, text_w)
        c.setFont(font, size)
        c.setFillColor(MUTED)
        c.drawCentredString(cx, y, line)
        y -= 9 * mm * s
    elif entry_point.label and entry_point.kind == EntryPoint.Kind.CAMPAIGN:
        size = _fit(c, entry_point.label, font, 18 * s, text_w)
        c.setFont(font, size)
        c.drawCentredString(cx, y, entry_point.label)
        y -= 9 * mm * s

    # The code, centred, with a thin frame outside its quiet zone.
    qr_w = QR_WIDTH_ON_A4 * s
    qr = qr_code(scan_url(entry_point))
    quiet = 4 * qr_w / len(qr.matrix)
    qr_top = min(y - 4 * mm * s, page_h - band_h - 62 * mm * s)
    qr_y = qr_top - qr_w - quiet
    c.setStrokeColor(BRAND_COLOUR)
    c.setLineWidth(1.2 * s)
    c.roundRect(
        cx - qr_w / 2 - quiet, qr_y - quiet, qr_w + 2 * quiet, qr_w + 2 * quiet, 6 * mm * s, fill=0, stroke=1
    )
    _draw_qr(c, qr, cx - qr_w / 2, qr_y, qr_w)

    # Call to action, Chinese then English.
    zh, en = CALL_TO_ACTION.get(entry_point.kind, CALL_TO_ACTION[EntryPoint.Kind.STORE])
    y = qr_y - quiet - 16 * mm * s
    c.setFillColor(BRAND_COLOUR)
    size = _fit(c, zh, font, 34 * s, text_w)
    c.setFont(font, size)
    c.drawCentredString(cx, y, zh)
    y -= 11 * mm * s
    c.setFillColor(INK)
    size = _fit(c, en, font, 18 * s, text_w)
    c.setFont(font, size)
    c.drawCentredString(cx, y, en)

    # Footer: the address for typing by hand, and which code this is (for whoever replaces it).
    c.setFillColor(MUTED)
    url = scan_url(entry_point)
    size = _fit(c, url, font, 8.5 * s, text_w)
    c.setFont(font, size)
    c.drawCentredString(cx, margin + 6 * mm * s, url)
    c.setFont(font, 7 * s)
    c.drawCentredString(
        cx,
        margin,
        f"Midpage · {entry_point.get_kind_display()} · #{entry_point.pk} · {entry_point.created_at:%Y-%m-%d}",
    )


def posters_pdf(
    entry_points: Iterable[EntryPoint],
    paper: str = "A4",
    *,
    progress: Callable[[int], None] | None = None,
    title: str = "QR posters",
) -> bytes:
    """A PDF with one poster page per entry point. `progress(n)` is called after each page.

    Pass entry points with `merchant`, `store` and `staff__user` selected to avoid a query per page."""
    if paper not in PAPER:
        raise ValueError(f"unknown paper size {paper!r}")
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=PAPER[paper], pageCompression=1)
    c.setTitle(title)
    c.setAuthor("Midpage")
    count = 0
    for entry_point in entry_points:
        draw_poster(c, entry_point, paper)
        c.showPage()
        count += 1
        if progress:
            progress(count)
    if count == 0:
        c.showPage()
    c.save()
    return out.getvalue()


def poster_filename(entry_point: EntryPoint, ext: str) -> str:
    parts = [
        entry_point.merchant.slug,
        entry_point.store.code if entry_point.store_id else "",
        entry_point.kind,
    ]
    if entry_point.staff_id:
        parts.append(f"staff{entry_point.staff_id}")
    parts.append(str(entry_point.pk))
    return "-".join(p for p in parts if p) + f".{ext}"
