"""Marking the offending words in a merchant's text, for the back office and the review queue."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe


def highlight(text: str, spans: Iterable) -> SafeString:
    """`text`, HTML-escaped, with each [start, end) span wrapped in <mark class="sharing-hit">.

    Spans may be (start, end) or (start, end, rule); overlapping spans are merged; spans
    outside the text are clipped. Everything outside a mark is escaped, so merchant text
    cannot inject HTML.
    """
    text = text or ""
    cleaned = []
    for span in spans or ():
        start, end = max(0, int(span[0])), min(len(text), int(span[1]))
        rule = span[2] if len(span) > 2 else ""
        if start < end:
            cleaned.append([start, end, rule])
    cleaned.sort()
    merged: list[list] = []
    for start, end, rule in cleaned:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end, rule])
    out = []
    pos = 0
    for start, end, rule in merged:
        out.append(escape(text[pos:start]))
        out.append(format_html('<mark class="sharing-hit" title="{}">{}</mark>', rule, text[start:end]))
        pos = end
    out.append(escape(text[pos:]))
    return mark_safe("".join(str(part) for part in out))  # noqa: S308 - every piece escaped above
