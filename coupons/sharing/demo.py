"""Demo data for the sharing policy: one campaign blocked at publish (with its recorded
decision and message), one waiting in the ops review queue, one published.

Called from coupons/demo.py's `seed(merchants)`. Idempotent: campaigns are found by
(merchant, title) and publication is attempted only for a campaign that has no decision yet.
"""

from __future__ import annotations

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


def seed(merchants) -> None:
    """Three demo campaigns for the first demo brand (茶语 when present), published through
    `coupons.services.publish_campaign` so the sharing check runs exactly as for a merchant."""
    from coupons import services
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
            fields = {k: v for k, v in spec.items() if k != "title"}
            campaign = services.create_campaign(merchant=merchant, title=spec["title"], actor=actor, **fields)
        if not campaign.sharing_decisions.exists():
            services.publish_campaign(campaign=campaign, actor=actor)
