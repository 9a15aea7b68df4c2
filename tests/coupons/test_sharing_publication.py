"""Publish-time sharing decisions, re-checks after edits, the ops review queue and /rules/."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse

from coupons.models import RulebookVersion, SharingDecision, SharingRule
from coupons.sharing import check_for_publication
from coupons.sharing.publication import approve_campaign, recheck_after_edit, reject_campaign
from coupons.sharing.rulebook import active_rules, save_rule
from tests.coupons.factories import CampaignFactory as make_campaign

pytestmark = pytest.mark.django_db


@pytest.fixture
def ops_user():
    return get_user_model().objects.create_user(
        username="ops", email="ops@midpage.local", password="x", is_staff=True, is_superuser=True
    )


def test_default_rulebook_is_seeded_as_version_1():
    rules, version = active_rules()
    assert version == 1
    assert rules["share_for_reward"] == "block"
    assert rules["share_quota"] == "review"
    assert SharingRule.objects.count() == 8


def test_blocked_campaign_is_told_which_rule_and_words_and_it_is_recorded(ops_user):
    campaign = make_campaign(share_text="新品上市！转发到朋友圈即可领取10元券")
    decision = check_for_publication(campaign, actor=ops_user)
    assert decision.blocked
    message = decision.message()
    assert "禁止以奖励诱导分享" in message or "No rewards for sharing" in message
    assert "转发到朋友圈即可领取10元" in message
    record = SharingDecision.objects.get(campaign=campaign)
    assert (record.trigger, record.verdict, record.rulebook_version, record.actor) == (
        "publish",
        "block",
        1,
        ops_user,
    )
    assert record.violations[0]["rule"] == "share_for_reward"
    assert record.violations[0]["field"] == "share_text"


def test_review_and_allow_verdicts():
    assert check_for_publication(make_campaign(share_text="请转发到3个微信群")).needs_review
    assert check_for_publication(make_campaign(share_text="欢迎分享给好友")).allowed


def test_mechanics_flags_block():
    campaign = make_campaign(share_text="周末快乐", mechanics=["likes_collection"])
    decision = check_for_publication(campaign)
    assert decision.blocked
    assert decision.violations[0].field == "mechanics"


def test_ops_edit_makes_a_new_version_and_the_checker_follows_it(ops_user):
    rule = SharingRule.objects.get(code="share_quota")
    rule.severity = "block"
    save_rule(rule=rule, actor=ops_user)
    assert RulebookVersion.objects.first().number == 2
    decision = check_for_publication(make_campaign(share_text="请转发到3个微信群"))
    assert decision.blocked and decision.rulebook_version == 2
    rule.active = False
    save_rule(rule=rule, actor=ops_user)
    assert check_for_publication(make_campaign(share_text="请转发到3个微信群")).allowed


def test_approve_publishes_and_records(ops_user):
    campaign = make_campaign(share_text="请转发到3个微信群", status="in_review")
    approve_campaign(campaign=campaign, actor=ops_user)
    campaign.refresh_from_db()
    assert campaign.status == "published"
    approval = SharingDecision.objects.get(campaign=campaign, trigger="approve")
    assert approval.actor == ops_user and approval.verdict == "allow"


def test_reject_needs_a_reason_and_the_merchant_sees_it(ops_user):
    campaign = make_campaign(share_text="请转发到3个微信群", status="in_review")
    with pytest.raises(ValidationError):
        reject_campaign(campaign=campaign, actor=ops_user, reason="  ")
    campaign.refresh_from_db()
    assert campaign.status == "in_review"
    reject_campaign(campaign=campaign, actor=ops_user, reason="请去掉转发数量要求")
    campaign.refresh_from_db()
    assert campaign.status == "rejected"
    from coupons.sharing.publication import latest_rejection

    assert latest_rejection(campaign).reason == "请去掉转发数量要求"


def test_ops_cannot_approve_what_the_rulebook_blocks(ops_user):
    campaign = make_campaign(share_text="集赞送奶茶", status="in_review")
    with pytest.raises(ValidationError):
        approve_campaign(campaign=campaign, actor=ops_user)
    campaign.refresh_from_db()
    assert campaign.status == "in_review"


def test_only_campaigns_in_review_can_be_decided(ops_user):
    campaign = make_campaign(share_text="欢迎分享", status="draft")
    with pytest.raises(ValidationError):
        approve_campaign(campaign=campaign, actor=ops_user)
    with pytest.raises(ValidationError):
        reject_campaign(campaign=campaign, actor=ops_user, reason="no")


def test_editing_a_live_campaign_rechecks_and_a_new_finding_goes_back_to_review(ops_user):
    campaign = make_campaign(share_text="欢迎分享给好友", status="published")
    recheck_after_edit(campaign=campaign, actor=ops_user)
    campaign.refresh_from_db()
    assert campaign.status == "published"
    campaign.share_text = "转发朋友圈，周末全场8折"
    campaign.save()
    decision = recheck_after_edit(campaign=campaign, actor=ops_user)
    campaign.refresh_from_db()
    assert decision.needs_review and campaign.status == "in_review"
    # ops approve; an unrelated edit keeps the approved finding and stays live
    approve_campaign(campaign=campaign, actor=ops_user)
    campaign.refresh_from_db()
    campaign.title = campaign.title + "（新）"
    campaign.save()
    recheck_after_edit(campaign=campaign, actor=ops_user)
    campaign.refresh_from_db()
    assert campaign.status == "published"
    # a new finding takes it back to review
    campaign.description = "集赞送奶茶"
    campaign.save()
    recheck_after_edit(campaign=campaign, actor=ops_user)
    campaign.refresh_from_db()
    assert campaign.status == "in_review"
    triggers = list(SharingDecision.objects.filter(campaign=campaign).values_list("trigger", flat=True))
    assert triggers.count("edit") == 4


def test_rules_page_in_both_languages(client):
    response = client.get("/rules/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    body = response.content.decode()
    assert "禁止以奖励诱导分享" in body
    assert "转发到朋友圈即可领取10元无门槛券" in body
    client.cookies["django_language"] = "en"
    response = client.get("/rules/", HTTP_ACCEPT_LANGUAGE="en")
    body = response.content.decode()
    assert "No rewards for sharing" in body
    assert "Share with friends if you like it." in body


def test_review_queue_approve_and_reject_through_the_ops_admin(client, ops_user):
    client.force_login(ops_user)
    waiting = make_campaign(title="茶语周末", share_text="请转发到3个微信群", status="in_review")
    other = make_campaign(title="茶语新品", share_text="发朋友圈后截图发给客服", status="in_review")
    make_campaign(title="已发布", share_text="欢迎分享", status="published")
    changelist = client.get(reverse("admin:coupons_campaignreview_changelist"))
    assert changelist.status_code == 200
    assert "茶语周末" in changelist.content.decode() and "已发布" not in changelist.content.decode()
    url = reverse("admin:coupons_campaignreview_review", args=[waiting.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert '<mark class="sharing-hit"' in page.content.decode()
    response = client.post(url, {"approve": "1"})
    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.status == "published"
    url = reverse("admin:coupons_campaignreview_review", args=[other.pk])
    response = client.post(url, {"reject": "1", "reason": ""})
    assert response.status_code == 200  # the form asks for a reason
    other.refresh_from_db()
    assert other.status == "in_review"
    client.post(url, {"reject": "1", "reason": "截图要求违反分享规则"})
    other.refresh_from_db()
    assert other.status == "rejected"


def test_ops_edit_rule_in_admin_bumps_version(client, ops_user):
    client.force_login(ops_user)
    assert client.get(reverse("admin:coupons_sharingrule_changelist")).status_code == 200
    assert client.get(reverse("admin:coupons_sharingdecision_changelist")).status_code == 200
    assert client.get(reverse("admin:coupons_rulebookversion_changelist")).status_code == 200
    rule = SharingRule.objects.get(code="share_reward_nearby")
    url = reverse("admin:coupons_sharingrule_change", args=[rule.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "title_zh": rule.title_zh,
            "title_en": rule.title_en,
            "explanation_zh": rule.explanation_zh,
            "explanation_en": rule.explanation_en,
            "allowed_examples": "全场8折。\n欢迎分享",
            "banned_examples": "\n".join(rule.banned_examples),
            "severity": "review",
            "active": "",
            "position": rule.position,
        },
    )
    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.active is False and rule.version == 2
    assert rule.allowed_examples == ["全场8折。", "欢迎分享"]
    assert client.get(reverse("admin:coupons_sharingrule_delete", args=[rule.pk])).status_code == 403


def test_highlight_escapes_merchant_text():
    from coupons.sharing.highlight import highlight

    html = str(highlight("<b>转发</b>领券", [(3, 5, "share_for_reward")]))
    assert html.startswith("&lt;b&gt;")
    assert '<mark class="sharing-hit" title="share_for_reward">转发</mark>' in html


def test_back_office_panel_shows_rule_words_and_rejection_reason(ops_user):
    from coupons.sharing.backoffice import decision_panel

    campaign = make_campaign(share_text="新品！转发到朋友圈即可领取10元券")
    assert str(decision_panel(campaign)) == "—"
    check_for_publication(campaign, actor=ops_user)
    html = str(decision_panel(campaign))
    assert "禁止以奖励诱导分享" in html or "No rewards for sharing" in html
    assert '<mark class="sharing-hit" title="share_for_reward">转发到朋友圈即可领取10元</mark>' in html
    campaign.status = "in_review"
    campaign.save()
    reject_campaign(campaign=campaign, actor=ops_user, reason="请删除转发领券的要求")
    assert "请删除转发领券的要求" in str(decision_panel(campaign))


def test_coupon_names_of_the_campaign_are_checked_and_publish_flow_refuses():
    from coupons import services
    from tests.coupons.factories import DefinitionFactory

    campaign = make_campaign(status="draft", share_text="秋季新品")
    DefinitionFactory(merchant=campaign.merchant, campaign=campaign, name="转发朋友圈立减10元券")
    result = services.publish_campaign(campaign=campaign, actor=None)
    campaign.refresh_from_db()
    assert campaign.status == "draft"
    assert result.blocked
    assert "转发朋友圈立减10元" in result.message
    record = SharingDecision.objects.get(campaign=campaign)
    assert record.violations[0]["field"] == "coupon_names.0"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_rule_edits_get_consecutive_versions():
    import threading

    from django.db import connection

    from coupons.sharing.rulebook import seed_default_rules

    seed_default_rules()
    codes = list(SharingRule.objects.values_list("code", flat=True))
    errors = []
    barrier = threading.Barrier(len(codes))

    def edit(code):
        try:
            rule = SharingRule.objects.get(code=code)
            rule.position += 10
            barrier.wait()
            save_rule(rule=rule, note=f"{code} moved")
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=edit, args=(code,)) for code in codes]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    numbers = sorted(RulebookVersion.objects.values_list("number", flat=True))
    assert numbers == list(range(1, len(codes) + 2))
    assert sorted(SharingRule.objects.values_list("version", flat=True)) == list(range(2, len(codes) + 2))
