"""The sharing demo: one campaign blocked at publish, one in the review queue, one published."""

import pytest

from coupons.models import Campaign, SharingDecision
from coupons.sharing import demo
from tests.factories import MembershipFactory, MerchantFactory

pytestmark = pytest.mark.django_db


def test_demo_has_a_blocked_a_queued_and_a_published_campaign_and_is_idempotent():
    merchant = MerchantFactory(slug="chayu", status="active")
    MembershipFactory(merchant=merchant, role="owner")
    demo.seed({"chayu": merchant})
    demo.seed({"chayu": merchant})
    campaigns = {c.title: c for c in Campaign.objects.filter(merchant=merchant)}
    assert len(campaigns) == 3
    blocked = campaigns["集赞免费喝 · 招牌奶茶"]
    assert blocked.status == "draft"
    decision = SharingDecision.objects.get(campaign=blocked)
    assert decision.verdict == "block" and decision.actor is not None
    assert {v["rule"] for v in decision.violations} >= {"likes_collection"}
    assert campaigns["周末分享季"].status == "in_review"
    assert campaigns["桂花乌龙上新"].status == "published"
    assert SharingDecision.objects.filter(campaign__merchant=merchant).count() == 3
