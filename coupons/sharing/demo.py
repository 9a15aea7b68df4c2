"""Demo data for the sharing policy: one campaign blocked at publish (with its recorded
decision and message), one waiting in the ops review queue, one published.

Called from coupons/demo.py's `seed(merchants)`. Idempotent: campaigns are found by
(merchant, title) and publication is attempted only for a campaign that has no decision yet.
"""

from __future__ import annotations

import contextlib

from django.core.exceptions import ValidationError

from coupons.sharing.rulebook import seed_default_rules

DEMO_CAMPAIGNS = [
    {
        "title": "集赞免费喝 · 招牌奶茶",
        "description": "朋友圈集满30个赞，凭截图到店免费领取招牌奶茶一杯！",
        "share_text": "帮我点个赞，集满30个就能免费喝奶茶～",
        "landing_text": "活动规则：转发本页到朋友圈并集满30个赞，到店出示截图领取。",
    },
    {
        "title": "周末分享季",
        "description": "周末全场饮品8折。",
        "share_text": "转发朋友圈，周末全场8折",
        "landing_text": "周六、周日全天，所有门店适用。",
    },
    {
        "title": "桂花乌龙上新",
        "description": "秋季限定桂花乌龙上市，第二杯半价。",
        "share_text": "喜欢的话，欢迎分享给好友。",
        "landing_text": "活动时间：9月1日至9月30日，全国门店适用。",
    },
]


def _publish(campaign, actor):
    """Publish through the coupons flow when it exists (it calls the sharing check)."""
    from coupons import services as coupon_services

    publish = getattr(coupon_services, "publish_campaign", None)
    if publish is not None:
        # blocked: the decision is recorded, the campaign stays a draft
        with contextlib.suppress(ValidationError):
            publish(campaign=campaign, actor=actor)
        return
    from coupons.sharing.publication import (
        STATUS_IN_REVIEW,
        STATUS_PUBLISHED,
        _set_status,
        check_for_publication,
    )

    decision = check_for_publication(campaign, actor=actor)
    if decision.needs_review:
        _set_status(campaign, STATUS_IN_REVIEW, actor=actor)
    elif decision.allowed:
        _set_status(campaign, STATUS_PUBLISHED, actor=actor)


def seed(merchants, make_campaign) -> None:
    """`make_campaign(merchant, **texts)` creates a draft campaign the coupons way."""
    from coupons.models import Campaign

    seed_default_rules()
    merchant = merchants.get("chayu") or next(iter(merchants.values()), None)
    if merchant is None:
        return
    owner = merchant.memberships.filter(role="owner").select_related("user").first()
    actor = owner.user if owner else None
    for spec in DEMO_CAMPAIGNS:
        campaign = Campaign.objects.filter(merchant=merchant, title=spec["title"]).first()
        if campaign is None:
            campaign = make_campaign(merchant, **spec)
        if not campaign.sharing_decisions.exists():
            _publish(campaign, actor)
