"""Small server-rendered SVG charts for the portal dashboards (no JavaScript, no CDN).

Each function takes plain numbers and labels and returns a safe SVG string that scales to
its container (`viewBox`, width 100%). The view boxes are about as wide as a phone screen,
so 12-unit text stays readable without zooming. Every chart carries a `<title>` and a
`<desc>` listing its values, so screen readers get the numbers; the templates also offer
the same numbers as a table.

Values are integers (counts or fen); `fmt` turns a value into its label (e.g. `format_fen`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# Colour-blind-friendly and readable on white (contrast ≥ 3:1 for graphics).
PALETTE = ["#0b7a5a", "#2f6fbf", "#c2610c", "#7b5ea7", "#b42318", "#4d7c0f", "#0e7490", "#a16207"]
FONT_SIZE = 13
FONT = f'font-family="inherit" font-size="{FONT_SIZE}"'

Format = Callable[[int], str]


def _fmt_default(value: int) -> str:
    return f"{value:,}"


def _svg(width: int, height: int, title: str, desc: str, body: list[str]) -> SafeString:
    return mark_safe(  # noqa: S308 - every label and title is escaped below
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" preserveAspectRatio="xMinYMin meet">'
        f"<title>{escape(title)}</title><desc>{escape(desc)}</desc>" + "".join(body) + "</svg>"
    )


def _empty(title: str, message: str, width: int = 400, height: int = 80) -> SafeString:
    return _svg(
        width,
        height,
        title,
        message,
        [
            f'<rect x="0.5" y="0.5" width="{width - 1}" height="{height - 1}" rx="8" fill="#f7f8fa" '
            f'stroke="#e4e7eb"/>',
            f'<text x="{width / 2}" y="{height / 2 + 4}" text-anchor="middle" fill="#52606d" {FONT}>'
            f"{escape(message)}</text>",
        ],
    )


def axis_yuan(fen: int) -> str:
    """An axis tick in whole yuan ("¥25,000"): ticks are round numbers, so the fen part (cut
    toward zero) only ever drops digits nobody reads on an axis."""
    return f"¥{int(fen) // 100:,}"


def nice_ceiling(value: int) -> int:
    """The smallest 1, 2 or 5 × 10ⁿ at or above `value` (axis maximum); 1 for zero or less."""
    if value <= 0:
        return 1
    magnitude = 1
    while magnitude * 10 <= value:
        magnitude *= 10
    for step in (1, 2, 5, 10):
        if step * magnitude >= value:
            return step * magnitude
    return 10 * magnitude  # pragma: no cover - the loop always returns


def text_width(text: str) -> float:
    """Rough rendered width in view-box units: CJK and full-width characters take a full em,
    others about 0.6 em (good enough to decide where to cut a label)."""
    return sum(FONT_SIZE if ord(ch) > 0x2E80 else FONT_SIZE * 0.6 for ch in text)


def _truncate(label: str, limit: float) -> str:
    """Cut `label` to fit `limit` view-box units, ending with an ellipsis when cut."""
    if text_width(label) <= limit:
        return label
    while label and text_width(label + "…") > limit:
        label = label[:-1]
    return label + "…"


def bar_chart(
    items: Sequence[tuple[str, int]], *, title: str, fmt: Format = _fmt_default, empty: str = "—"
) -> SafeString:
    """Horizontal bars, one per (label, value), longest first as given; labels left, values right.

    Horizontal because store and staff names are long and phones are narrow."""
    items = list(items)
    if not items or all(value == 0 for _, value in items):
        return _empty(title, empty)
    width, label_w, value_w, row_h, gap = 400, 130, 78, 22, 8
    top = max(value for _, value in items)
    scale = (width - label_w - value_w - 8) / max(top, 1)
    body = []
    for index, (label, value) in enumerate(items):
        y = index * (row_h + gap)
        bar = max(value * scale, 1 if value else 0)
        body.append(
            f'<text x="0" y="{y + 15}" fill="#1f2933" {FONT}>{escape(_truncate(str(label), label_w - 6))}</text>'
            f'<rect x="{label_w}" y="{y + 2}" width="{bar:.1f}" height="{row_h - 4}" rx="3" '
            f'fill="{PALETTE[0]}"><title>{escape(label)}: {escape(fmt(value))}</title></rect>'
            f'<text x="{label_w + bar + 6:.1f}" y="{y + 15}" fill="#1f2933" {FONT}>{escape(fmt(value))}</text>'
        )
    height = len(items) * (row_h + gap)
    desc = "; ".join(f"{label}: {fmt(value)}" for label, value in items)
    return _svg(width, height, title, desc, body)


def _legend(names: Sequence[str], y: int) -> list[str]:
    parts, x = [], 0
    for index, name in enumerate(names):
        label = _truncate(str(name), 120)
        parts.append(
            f'<rect x="{x:.1f}" y="{y}" width="10" height="10" rx="2" fill="{PALETTE[index % len(PALETTE)]}"/>'
            f'<text x="{x + 14:.1f}" y="{y + 9}" fill="#1f2933" {FONT}>{escape(label)}</text>'
        )
        x += 26 + text_width(label)
    return parts


def _x_labels(
    labels: Sequence[str], x_of: Callable[[int], float], y: float, max_labels: int = 6
) -> list[str]:
    step = max(1, -(-len(labels) // max_labels))
    return [
        f'<text x="{x_of(i):.1f}" y="{y}" text-anchor="middle" fill="#52606d" {FONT}>{escape(labels[i])}</text>'
        for i in range(0, len(labels), step)
    ]


def _y_axis(top: int, fmt: Format, left: int, right: int, plot_top: int, plot_h: int) -> list[str]:
    parts = []
    for fraction in (0, 0.5, 1):
        y = plot_top + plot_h - plot_h * fraction
        parts.append(f'<line x1="{left}" x2="{right}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e4e7eb"/>')
        if (top * fraction) != int(top * fraction):
            continue  # half of an odd count (top = 1): a gridline without a misleading label
        parts.append(
            f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end" fill="#52606d" {FONT}>'
            f"{escape(fmt(int(top * fraction)))}</text>"
        )
    return parts


def stacked_bar_chart(
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[int]]],
    *,
    title: str,
    fmt: Format = _fmt_default,
    axis_fmt: Format | None = None,
    empty: str = "—",
) -> SafeString:
    """Vertical bars over time (one per label), each split into the given series, with a legend."""
    labels, series = list(labels), [(name, list(values)) for name, values in series]
    totals = [sum(values[i] for _, values in series) for i in range(len(labels))]
    if not labels or not any(totals):
        return _empty(title, empty)
    width, height, left, right, plot_top = 400, 210, 76, 396, 24
    plot_h = height - plot_top - 24
    top = nice_ceiling(max(totals))
    slot = (right - left) / len(labels)
    bar_w = max(min(slot * 0.7, 28), 1.5)
    body = _legend([name for name, _ in series], 0)
    body += _y_axis(top, axis_fmt or fmt, left, right, plot_top, plot_h)
    for i, label in enumerate(labels):
        y = plot_top + plot_h
        x = left + slot * i + (slot - bar_w) / 2
        for index, (name, values) in enumerate(series):
            h = plot_h * values[i] / top
            if h <= 0:
                continue
            y -= h
            body.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" '
                f'fill="{PALETTE[index % len(PALETTE)]}"><title>{escape(label)} · {escape(name)}: '
                f"{escape(fmt(values[i]))}</title></rect>"
            )
    body += _x_labels(labels, lambda i: left + slot * i + slot / 2, height - 6)
    desc = "; ".join(
        f"{label}: " + ", ".join(f"{name} {fmt(values[i])}" for name, values in series)
        for i, label in enumerate(labels)
    )
    return _svg(width, height, title, desc, body)


def line_chart(
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[int]]],
    *,
    title: str,
    fmt: Format = _fmt_default,
    axis_fmt: Format | None = None,
    empty: str = "—",
) -> SafeString:
    """One line per series over the labels (time buckets), with dots and a legend."""
    labels, series = list(labels), [(name, list(values)) for name, values in series]
    peak = max((max(values) for _, values in series if values), default=0)
    if not labels or peak <= 0:
        return _empty(title, empty)
    width, height, left, right, plot_top = 400, 210, 76, 390, 24
    plot_h = height - plot_top - 24
    top = nice_ceiling(peak)
    span = max(len(labels) - 1, 1)

    def x_of(i: int) -> float:
        return left + (right - left) * (i / span if len(labels) > 1 else 0.5)

    body = _legend([name for name, _ in series], 0)
    body += _y_axis(top, axis_fmt or fmt, left, right, plot_top, plot_h)
    for index, (name, values) in enumerate(series):
        colour = PALETTE[index % len(PALETTE)]
        points = [(x_of(i), plot_top + plot_h - plot_h * v / top) for i, v in enumerate(values)]
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        body.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
        for (x, y), label, value in zip(points, labels, values, strict=False):
            body.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" fill="{colour}"><title>{escape(label)} · '
                f"{escape(name)}: {escape(fmt(value))}</title></circle>"
            )
    body += _x_labels(labels, x_of, height - 6)
    desc = "; ".join(f"{name}: " + ", ".join(fmt(v) for v in values) for name, values in series)
    return _svg(width, height, title, desc, body)


def funnel_chart(
    steps: Sequence[tuple[str, int]], *, title: str, fmt: Format = _fmt_default, empty: str = "—"
) -> SafeString:
    """A funnel: one row per step (e.g. claimed → redeemed online / redeemed in store), its label
    with the count and share of the first step above a centred bar as wide as that share."""
    steps = list(steps)
    if not steps or steps[0][1] <= 0:
        return _empty(title, empty)
    width, bar_h, row_h = 400, 18, 46
    first = steps[0][1]
    body = []
    for index, (label, value) in enumerate(steps):
        y = index * row_h
        w = max(width * min(value, first) / first, 2 if value else 0)
        share = f"{100 * value / first:.0f}%"
        colour = PALETTE[index % len(PALETTE)]
        text = f"{_truncate(str(label), width - 150)} · {fmt(value)} ({share})"
        body.append(
            f'<text x="{width / 2}" y="{y + 13}" text-anchor="middle" fill="#1f2933" {FONT}>'
            f"{escape(text)}</text>"
            f'<rect x="{(width - w) / 2:.1f}" y="{y + 19}" width="{w:.1f}" height="{bar_h}" rx="4" '
            f'fill="{colour}" fill-opacity="0.25" stroke="{colour}"/>'
        )
    height = len(steps) * row_h
    desc = "; ".join(f"{label}: {fmt(value)}" for label, value in steps)
    return _svg(width, height, title, desc, body)
