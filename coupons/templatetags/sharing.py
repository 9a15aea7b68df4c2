"""{% load sharing %}: highlight the words a sharing decision found in a campaign's text.

    {% sharing_highlight campaign.share_text decision.violations "share_text" %}

`violations` is a decision's list (dicts with field and span, as recorded on
`SharingDecision.violations`, or checker `Violation`s).
"""

from django import template

from coupons.sharing.highlight import highlight

register = template.Library()


@register.simple_tag
def sharing_highlight(text, violations, field):
    spans = []
    for v in violations or ():
        data = v if isinstance(v, dict) else v.as_dict()
        if data.get("field") == field:
            spans.append((data["span"][0], data["span"][1], data.get("rule", "")))
    return highlight(text or "", spans)
