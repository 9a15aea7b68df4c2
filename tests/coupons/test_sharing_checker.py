"""The pure checker: spans, obfuscation, mechanics, verdicts, and the published rulebook examples."""

import pytest

from coupons.sharing.checker import ALLOW, BLOCK, REVIEW, check, verdict
from coupons.sharing.defaults import DEFAULT_RULES
from coupons.sharing.normalize import normalize


def rules_of(violations):
    return {v.rule for v in violations}


@pytest.mark.parametrize(
    ("rule", "example"), [(r["code"], ex) for r in DEFAULT_RULES for ex in r["banned_examples"]]
)
def test_every_published_banned_example_trips_its_rule(rule, example):
    assert rule in rules_of(check({"description": example}))


@pytest.mark.parametrize("example", [ex for r in DEFAULT_RULES for ex in r["allowed_examples"]])
def test_every_published_allowed_example_passes(example):
    assert check({"description": example}) == []


def test_span_points_into_the_original_text_through_obfuscation():
    text = "新品上市！ 轉 · 發 🎉 盆.友.圈，即可領取１０元券"
    [v] = check({"share_text": text})
    assert v.rule == "share_for_reward"
    assert v.field == "share_text"
    start, end = v.span
    assert text[start:end] == v.matched_text
    assert text[start] == "轉"
    assert "領取" in v.matched_text


def test_english_span_and_fullwidth():
    text = "Hi! Ｓｈａｒｅ this post to your Moments and get a free drink"
    [v] = check({"title": text})
    assert text[v.span[0] : v.span[1]].startswith("Ｓｈａｒｅ")


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("转发朋友圈领券", "share_for_reward"),
        ("转 发 朋 友 圈 领 券", "share_for_reward"),
        ("转🔥发✨朋💯友👉圈领券", "share_for_reward"),
        ("转fa盆友圈领券", "share_for_reward"),
        ("zf到pyq领券", "share_for_reward"),
        ("转发朋友Q送小菜", "share_for_reward"),
        ("集攒送奶茶", "likes_collection"),
        ("集zan送奶茶", "likes_collection"),
        ("jz送奶茶", "likes_collection"),
        ("集讚送奶茶", "likes_collection"),
        ("集👍满20个送奶茶", "likes_collection"),
        ("不转不是中国人", "coercive_plea"),
        ("不轉發倒楣", "coercive_plea"),
        ("紧急扩散", "coercive_plea"),
        ("转发必有好运", "coercive_plea"),
        ("不转发倒霉", "coercive_plea"),
        ("shar3 to unlock the menu", "share_to_unlock"),
        ("Collect 2O likes for a free cake", "likes_collection"),
    ],
)
def test_obfuscated_spellings_are_caught(text, rule):
    assert rule in rules_of(check({"description": text}))


@pytest.mark.parametrize(
    "text",
    [
        "分享给朋友一起来喝茶吧",
        "欢迎分享给好友",
        "Share with friends if you like it.",
        "双人分享套餐立减20元",
        "正山小种入口后茶香在口中扩散",
        "全场8折。喜欢的话欢迎分享给好友。",
        "叫上闺蜜一起来，第二杯半价",
        "积分攒起来，年底兑换好礼",
        "谢谢大家的点赞和支持",
        "H5活动页上线，O2O到店自提",
    ],
)
def test_ordinary_marketing_copy_is_not_flagged(text):
    assert check({"description": text}) == []


def test_sentences_are_not_glued_together_but_obfuscation_breaks_are():
    assert check({"description": "欢迎分享到朋友圈。全场满100减20。"}) == []
    assert rules_of(check({"description": "转。发。朋。友。圈。领。券"})) == {"share_for_reward"}


def test_mechanics_flags_are_violations_with_their_index():
    found = check({"title": "周末下午茶"}, ["free_shipping", "likes_collection"])
    assert [(v.rule, v.field, v.span) for v in found] == [("likes_collection", "mechanics", (1, 2))]


def test_coupon_names_are_checked():
    [v] = check({}, [], ["转发朋友圈立减10元券"])
    assert v.field == "coupon_names.0"


def test_verdict_order_and_inactive_rules():
    blocking = check({"description": "转发朋友圈，周末全场8折。转发即送小菜"})
    assert verdict(blocking) == BLOCK
    only_review = check({"description": "转发朋友圈，周末全场8折"})
    assert verdict(only_review) == REVIEW
    assert verdict([]) == ALLOW
    # a rule ops switched off is not applied; a rule made stricter is applied as such
    assert check({"description": "集赞送奶茶"}, rules={"share_for_reward": "block"}) == []
    [v] = check({"description": "请转发到3个群"}, rules={"share_quota": "block"})
    assert v.severity == BLOCK


def test_review_finding_is_dropped_under_a_block_finding_on_the_same_words():
    found = check({"description": "转发到3个微信群即可领取20元券"})
    assert rules_of(found) == {"share_for_reward"}


def test_normalize_keeps_a_map_for_every_character():
    n = normalize("Ａ 转·发")
    assert len(n.compact.text) == len(n.compact.index)
    assert n.compact.text == "a转发"
    assert n.compact.index == (0, 2, 4)
