"""The default sharing rulebook, version 1: what a merchant may and may not ask of shoppers.

Seeded into the database by a data migration (and `seed_default_rules()`); ops edit the
rules from then on. Each rule's banned examples must trip its matcher and its allowed
examples must pass (tests/coupons/test_sharing_checker.py checks both), so the published
rulebook and the checker cannot drift apart silently.

Policy decisions written down here:
- 转发抽奖 / "share to enter the draw": a lottery entry is a reward, so it breaks
  `share_for_reward` (block).
- Referral rewards ("invite a friend, both get ¥10"; 邀请好友助力, 砍一刀) break
  `invite_to_unlock` (block): the shopper is paid to push the campaign into chats.
- A plain invitation ("欢迎分享给好友", "share with friends if you like it") is allowed,
  including next to a promotion in another sentence.
- Bringing a friend in person ("叫上闺蜜一起来，第二杯半价") is not sharing and is allowed.
"""

BLOCK = "block"
REVIEW = "review"

DEFAULT_RULES: list[dict] = [
    {
        "code": "share_for_reward",
        "severity": BLOCK,
        "title_zh": "禁止以奖励诱导分享",
        "title_en": "No rewards for sharing",
        "explanation_zh": (
            "不得以优惠券、红包、赠品、折扣、积分、抽奖资格等任何利益，换取用户把活动分享、转发到朋友圈、"
            "微信群或好友，也不得要求出示分享截图来领取优惠。转发抽奖同样属于以奖励诱导分享。"
        ),
        "explanation_en": (
            "Do not give coupons, red packets, gifts, discounts, points or a lottery entry in exchange for "
            "sharing the campaign to Moments, group chats or friends, and do not ask for a screenshot of a share "
            "to redeem an offer. 'Share to enter the draw' is a reward for sharing too."
        ),
        "allowed_examples": [
            "喜欢就分享给好友吧",
            "Share with friends if you like it.",
            "到店出示会员码享9折",
        ],
        "banned_examples": [
            "转发到朋友圈即可领取10元无门槛券",
            "凭朋友圈截图到店享8折",
            "关注并转发本条微博，抽3位送新品礼盒",
            "Share this post to your Moments and get a free drink!",
        ],
    },
    {
        "code": "likes_collection",
        "severity": BLOCK,
        "title_zh": "禁止集赞",
        "title_en": "No collecting likes",
        "explanation_zh": "不得要求用户在朋友圈集赞、按点赞数量发放奖励或排名。",
        "explanation_en": "Do not ask shoppers to collect likes on a post, or reward them by the number of likes.",
        "allowed_examples": ["觉得好喝就给我们点个赞吧", "If you enjoyed your meal, leave us a review."],
        "banned_examples": [
            "朋友圈集满38个赞，到店免费领奶茶一杯",
            "集赞送甜品",
            "Collect 20 likes on your post and get a free dessert",
        ],
    },
    {
        "code": "share_to_unlock",
        "severity": BLOCK,
        "title_zh": "禁止分享后才能查看或领取",
        "title_en": "No share to unlock",
        "explanation_zh": "不得把分享作为查看内容、参与活动、领取优惠券或继续下一步的前提。",
        "explanation_en": (
            "Do not make sharing a condition for seeing content, joining the campaign, getting a coupon or "
            "going on to the next step."
        ),
        "allowed_examples": ["点击查看完整菜单", "Tap to see the full menu."],
        "banned_examples": [
            "分享到朋友圈后才能领取优惠券",
            "转发即可解锁隐藏菜单",
            "Share to unlock the secret menu",
        ],
    },
    {
        "code": "reward_grows_with_shares",
        "severity": BLOCK,
        "title_zh": "禁止分享越多奖励越多",
        "title_en": "No rewards that grow with shares",
        "explanation_zh": "不得设置随分享次数、邀请人数增加的阶梯奖励。",
        "explanation_en": "Do not offer rewards that grow with the number of shares or of friends invited.",
        "allowed_examples": ["消费越多积分越多", "The more you buy, the more you save."],
        "banned_examples": [
            "分享越多，红包越大",
            "每转发一个群多送5元",
            "The more you share, the bigger your discount!",
        ],
    },
    {
        "code": "invite_to_unlock",
        "severity": BLOCK,
        "title_zh": "禁止邀请助力、砍价解锁",
        "title_en": "No invite or 'help' to unlock",
        "explanation_zh": (
            "不得要求用户邀请好友助力、砍价、点击或注册来解锁内容或领取优惠，也不得以奖励推动用户邀请好友。"
            "邀请好友到店同行、第二份半价等线下优惠不受限制。"
        ),
        "explanation_en": (
            "Do not ask shoppers to get friends to help, bargain, tap or sign up so that they can unlock content "
            "or a coupon, and do not pay shoppers for inviting friends. Bringing a friend along in person is fine."
        ),
        "allowed_examples": [
            "约上好友一起来店里品茶",
            "叫上闺蜜一起来，第二杯半价",
            "Bring a friend to our tasting night!",
        ],
        "banned_examples": [
            "邀请3位好友助力即可免费领取",
            "找好友帮砍一刀，0元拿新品",
            "Invite 3 friends to unlock your coupon",
        ],
    },
    {
        "code": "coercive_plea",
        "severity": BLOCK,
        "title_zh": "禁止胁迫、夸张诱导转发",
        "title_en": "No threats or urgent pleas to forward",
        "explanation_zh": (
            "不得用胁迫、恐吓、夸张或煽动性的语言要求转发，例如“不转不是中国人”“紧急扩散”“转发必有好运”“不转发倒霉”。"
        ),
        "explanation_en": (
            "Do not pressure people to forward with threats, superstition or false urgency, such as 'share or "
            "you will have bad luck', 'urgent, forward now', 'forward for good luck'."
        ),
        "allowed_examples": ["新店开业，欢迎转发给需要的朋友", "Tell your friends about us!"],
        "banned_examples": [
            "不转不是中国人",
            "紧急扩散！",
            "转发必有好运",
            "Share this or you'll have bad luck",
        ],
    },
    {
        "code": "share_quota",
        "severity": REVIEW,
        "title_zh": "要求转发数量或分享凭证（人工审核）",
        "title_en": "Share quotas or proof of sharing (reviewed by ops)",
        "explanation_zh": (
            "要求转发到指定数量的群或好友、朋友圈保留多少小时、不得屏蔽分组、截图发给客服等，即使没有写明奖励，"
            "也会交由平台人工审核。"
        ),
        "explanation_en": (
            "Asking for a number of groups or friends, for a post to stay up for some hours, not to hide it, or "
            "for a screenshot to staff goes to ops review even when no reward is stated."
        ),
        "allowed_examples": ["欢迎转发给身边爱喝茶的朋友"],
        "banned_examples": ["请转发到3个微信群", "发朋友圈保留24小时，截图发给客服"],
    },
    {
        "code": "share_reward_nearby",
        "severity": REVIEW,
        "title_zh": "分享请求紧挨优惠（人工审核）",
        "title_en": "Share request next to an offer (reviewed by ops)",
        "explanation_zh": (
            "在同一句话里请用户转发到朋友圈或群，同时出现优惠、赠品等字样，但没有写明是否以分享为条件的，"
            "由平台人工审核。把分享邀请和优惠分开写，并说明优惠不以分享为条件，即可避免审核。"
        ),
        "explanation_en": (
            "A request to post to Moments or groups in the same sentence as an offer, without saying whether the "
            "offer depends on it, is reviewed by ops. Keep the invitation and the offer in separate sentences."
        ),
        "allowed_examples": ["全场8折。喜欢的话欢迎分享给好友。"],
        "banned_examples": ["转发朋友圈，周末全场8折", "Post on Moments, weekend gifts for everyone"],
    },
]
