"""What the merchant sees of sharing decisions in the back office.

`decision_panel(campaign)` renders the latest decision: the verdict, each rule broken with
the offending words highlighted in the campaign's text, and an ops rejection reason. Use it
as a read-only field on the back-office Campaign admin:

    readonly_fields = [..., "sharing_decision"]

    @admin.display(description=_("sharing check"))
    def sharing_decision(self, obj):
        return decision_panel(obj)
"""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from coupons.sharing.highlight import highlight


def decision_context(campaign) -> dict | None:
    if campaign is None or campaign.pk is None:
        return None
    from coupons.models import SharingRule

    decision = campaign.sharing_decisions.select_related("actor").first()
    if decision is None:
        return None
    titles = {r.code: r.title for r in SharingRule.objects.all()}
    texts = []
    for field in ("title", "description", "share_text", "landing_text"):
        spans = [
            (v["span"][0], v["span"][1], v["rule"]) for v in decision.violations if v.get("field") == field
        ]
        if spans:
            texts.append((field, highlight(getattr(campaign, field, "") or "", spans)))
    findings = [
        {**v, "title": titles.get(v.get("rule"), v.get("rule")), "words": v.get("text", "")}
        for v in decision.violations
    ]
    return {"decision": decision, "findings": findings, "texts": texts}


def decision_panel(campaign) -> SafeString:
    context = decision_context(campaign)
    if context is None:
        return mark_safe("—")  # noqa: S308 - constant
    return mark_safe(render_to_string("coupons/includes/sharing_decision.html", context))  # noqa: S308 - template escapes
