from django import template

from shops.money import format_fen

register = template.Library()


@register.filter
def yuan(fen):
    """{{ order.total_fen|yuan }} → ¥123.45"""
    try:
        return format_fen(int(fen))
    except (TypeError, ValueError):
        return ""
