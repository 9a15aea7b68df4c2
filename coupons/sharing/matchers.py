"""Code-defined matchers, keyed by rule code.

The rulebook in the database says which rules exist, how severe they are and what the
merchant reads; this module says how each rule is recognised. A rule whose code has no
matcher here can still be published in the rulebook (ops may add guidance first), it just
never fires. Chinese patterns run on the compact view, English ones on the spaced view
(see `coupons.sharing.normalize`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from coupons.sharing.lexicon import (
    ACQUIRE,
    ACQUIRE_REWARD,
    EN_ACQUIRE,
    EN_FEED,
    EN_NUM,
    EN_PEOPLE,
    EN_REWARD,
    EN_REWARD_SIGNAL,
    EN_SHARE_ANY,
    EN_SHARE_VERB,
    FEED,
    FORWARD,
    INVITE,
    MOMENTS,
    NUM,
    PEOPLE,
    PEOPLE_NOUN,
    REWARD_NOUN,
    REWARD_SIGNAL,
    SHARE_ACT,
    SHARE_ACT_FEED,
    SHARE_ACT_TARGETED,
    SHARE_VERB,
    alt,
    en_share_act,
    gap,
)

SHARE_FOR_REWARD = "share_for_reward"
LIKES_COLLECTION = "likes_collection"
SHARE_TO_UNLOCK = "share_to_unlock"
REWARD_GROWS = "reward_grows_with_shares"
INVITE_TO_UNLOCK = "invite_to_unlock"
COERCIVE_PLEA = "coercive_plea"
SHARE_QUOTA = "share_quota"
SHARE_REWARD_NEARBY = "share_reward_nearby"

# Campaign form mechanics → the rule each one breaks by itself.
MECHANICS: dict[str, str] = {
    "reward_requires_share": SHARE_FOR_REWARD,
    "likes_collection": LIKES_COLLECTION,
    "share_to_unlock": SHARE_TO_UNLOCK,
    "reward_grows_with_shares": REWARD_GROWS,
    "invite_to_unlock": INVITE_TO_UNLOCK,
}

# When two findings overlap in one field, the more specific rule explains it better:
# a lower number wins and the other finding is dropped.
SPECIFICITY: dict[str, int] = {
    COERCIVE_PLEA: 0,
    LIKES_COLLECTION: 1,
    REWARD_GROWS: 2,
    SHARE_TO_UNLOCK: 3,
    INVITE_TO_UNLOCK: 4,
    SHARE_FOR_REWARD: 5,
    SHARE_QUOTA: 6,
    SHARE_REWARD_NEARBY: 7,
}


@dataclass(frozen=True)
class Matcher:
    zh: tuple[re.Pattern, ...] = field(default_factory=tuple)  # on the compact view
    en: tuple[re.Pattern, ...] = field(default_factory=tuple)  # on the spaced view


def _c(*patterns: str) -> tuple[re.Pattern, ...]:
    return tuple(re.compile(p) for p in patterns)


G = gap
OTHER_ACTION_FREE_GAP = r"(?:(?!报名|下单|购买|消费|注册|关注|扫码|充值|预订|预约|买|满)[^|]){0,12}?"
EN_SHARE_ACT = en_share_act()
EN_SHARE_ACT_FEED = en_share_act(EN_FEED)
EN_SHARE_LOOSE = en_share_act(require_target=False)
EN_SHARE_ING = r"\b(?:share|shares|sharing|shared|repost|reposting|forward|forwarding|retweet|retweeting)\b"
EN_POST_FEED = rf"\b(?:post|posts|posting|posted)\b{G(25)}{EN_FEED}"

MATCHERS: dict[str, Matcher] = {
    SHARE_FOR_REWARD: Matcher(
        zh=_c(
            # 分享到朋友圈即可领取 / 转发后到店享8折 — a share aimed at the feed or at friends
            # can be further from its reward than a bare 分享 (which also means "talk about")
            rf"{SHARE_ACT_TARGETED}{G(20)}{ACQUIRE_REWARD}",
            rf"{SHARE_ACT}{G(4)}{ACQUIRE_REWARD}",
            # the condition word belongs to the nearest action: 分享技巧，报名即送 is not a share condition
            rf"{SHARE_ACT}{OTHER_ACTION_FREE_GAP}(?:即可|就能|就可|便可|后|之后|成功后|完成后|即){G(2)}{ACQUIRE_REWARD}",
            # 转发朋友圈送小吃: an acquiring verb right after the share act is the condition itself
            rf"{SHARE_ACT}(?:即|就|立|可|便|均|都|再)?(?:送|赠|领|得|获|返|减|享|抽|赢|免)",
            # 分享有礼 / 转发有奖 / 晒朋友圈还有小惊喜
            rf"{SHARE_ACT}{G(4)}(?:就|即|便|均|都|还)?(?:有|送|赠|领|得|赢)[小大好神秘精美]*(?:礼|奖|惊喜|福利|红包|优惠)",
            rf"{SHARE_ACT}{G(4)}(?:抽奖|抽大奖|免单)",
            # 免费领奶茶，只需转发朋友圈 / 领券方式：分享本文
            rf"{ACQUIRE_REWARD}{G(12)}(?:只需|只要|仅需|仅要|需要|需|要求|前提是?|条件是?|方式|方法|规则|请先|先|须|必须|才能?|之前){G(4)}{SHARE_ACT}",
            rf"{alt(REWARD_NOUN, ACQUIRE)}{G(14)}{SHARE_ACT}{G(3)}(?:即可|就行|就可以|就好|就能|即得|即送|即领|即享)",
            # 凭朋友圈截图到店享8折 / 到店出示转发截图送小菜
            rf"(?:凭|出示|展示|拿){G(6)}(?:截图|分享|转发|{FEED}){G(12)}(?:{ACQUIRE}|到店|兑换|核销|抵扣|{REWARD_NOUN})",
            rf"(?:{SHARE_ACT}|{FEED}){G(8)}截图{G(12)}(?:{ACQUIRE_REWARD}|(?:即可|就|可|便可|立即|立)(?:{ACQUIRE}|{REWARD_NOUN}))",
            # 分享到朋友圈即可免单 / 转发至朋友圈，前50名到店送冰淇淋
            rf"{SHARE_ACT}{G(12)}(?:即可|就能|就可|便可|立即|立)(?:{REWARD_NOUN})",
            rf"{SHARE_ACT_TARGETED}{G(14)}(?:(?<!赠)送(?!货|达|到|餐|给|上门)|赠送|获赠|免费领?|领取|获得)",
            # 转发抽奖 / 关注+转发抽3位 / 转评赞抽 — a lottery entry is a reward
            rf"(?:{SHARE_VERB}|转评赞|转评){G(8)}(?:抽取?|抽奖|赢取?|开奖)",
        ),
        en=_c(
            rf"{EN_SHARE_ACT}{G(30)}\b(?:to|and|then|for|will|we ll|we will|you ll|you will|n)\b{G(14)}{EN_ACQUIRE}{G(30)}{EN_REWARD}",
            rf"{EN_SHARE_VERB}(?:\s(?:this|it))?(?:\s(?:post|page|link))?\s(?:to|and|n)\s(?:a chance to\s)?(?:get|claim|receive|win|earn|enjoy|grab|score|enter)\b",
            rf"{EN_SHARE_VERB}{G(40)}\b(?:to|and|then)\s(?:a chance to\s|you ll\s|you will\s)?(?:win|enter)\b",
            rf"{EN_ACQUIRE}{G(40)}{EN_REWARD}{G(30)}\b(?:when|if|after|once|by|for)\s(?:you\s)?(?:{EN_SHARE_ING}|{EN_POST_FEED})",
            rf"{EN_REWARD}{G(30)}\b(?:for|to)\s(?:everyone|anyone|all|those|people|customers|guests|friends|the first \d+)\s(?:who|that)\s(?:{EN_SHARE_ING}|{EN_POST_FEED})",
            rf"(?:{EN_ACQUIRE}|{EN_REWARD}){G(50)}\b(?:just|simply|all you need to do is|all you have to do is|only need to|all it takes is)\s(?:{EN_SHARE_ING}|{EN_POST_FEED})",
            rf"\b(?:show|present)\s(?:us\s|the cashier\s|our staff\s|staff\s)?(?:a\s|your\s|the\s)?(?:screenshot|post|moments post|share|repost)\b{G(40)}(?:{EN_ACQUIRE}|\bfor\b)",
            rf"\b(?:like|follow|comment)\s(?:and\s|n\s)?(?:share|repost|retweet)\b{G(40)}\b(?:win|giveaway|draw|raffle|prize|enter)\b",
            rf"\bgiveaway\b{G(40)}{EN_SHARE_ANY}",
        ),
    ),
    LIKES_COLLECTION: Matcher(
        zh=_c(
            r"集(?:赞|攒|zan|z(?![a-z]))|积(?:赞|zan)|攒赞|凑赞|收集赞|(?<![a-z])jz(?![a-z])",
            rf"(?:集|攒|凑|收集|获得|达到|满|够|获){NUM}个?(?:赞|攒|zan|like)",
            rf"{NUM}个(?:赞|攒|zan)",
            r"(?:点赞|赞)(?:数|量)|(?:点赞|赞)(?:满|够|达到?|超过|最多|前\d|排名)",
        ),
        en=_c(
            rf"\b(?:collect|collecting|get|gets|gather|reach|reaches|hit|hits|receive|earn|rack up|with|over|at least)\s(?:at least\s)?{EN_NUM}\s(?:or more\s)?likes\b",
            r"\b\d+\s?likes\b",
            r"\b(?:most liked|most likes|like count|number of likes|collect(?:ing)? likes|likes collection)\b",
        ),
    ),
    SHARE_TO_UNLOCK: Matcher(
        zh=_c(
            rf"{SHARE_ACT}{G(8)}(?:才|方)(?:能|可|可以)?{G(2)}(?:查看|看|领取|领|参与|解锁|继续|使用|获得|抽奖|下载|观看|打开|阅读|进入|兑换)",
            rf"{SHARE_ACT}{G(6)}(?:即可|就能|可|便可|就可以|后)?(?:解锁|开启|揭晓|查看答案|看答案|查看结果|看结果|查看完整|看完整|查看全文|看全文|阅读全文|获取答案|获取全文|查看隐藏|看隐藏|查看剩余)",
            rf"(?:未|不|没有?)(?:{SHARE_VERB}|分享|转){G(4)}(?:无法|不能|不可|不得|不予|将无法|就不能|就无法|看不到|领不到)",
            rf"(?:解锁|查看|观看|阅读|看完整){G(12)}(?:需|需要|须|必须|要|请)(?:先)?{G(2)}{SHARE_ACT}",
        ),
        en=_c(
            rf"{EN_SHARE_ANY}{G(30)}\bto\s(?:unlock|see|view|reveal|read|access|continue|open|watch|download|find out|get the answer)\b",
            rf"\b(?:unlock|reveal|see the answer|read more|continue reading|access|view the rest|see the rest)\b{G(30)}\b(?:by|after)\s(?:{EN_SHARE_ING})",
            rf"\b(?:must|need to|have to|required to)\s(?:first\s)?(?:share|repost|forward)\b{G(30)}\b(?:before|to)\b",
            r"\bshare first\b",
            r"\b(?:only|available only|unlocked only)\s(?:after|once|when)\s(?:you\s)?(?:share|sharing|shared|repost)\b",
        ),
    ),
    REWARD_GROWS: Matcher(
        zh=_c(
            rf"(?:{SHARE_VERB}|{INVITE}|转){G(4)}越多{G(10)}越(?:多|大|高|优惠|便宜|划算|丰厚|给力)",
            rf"每(?:多|成功)?(?:{SHARE_VERB}|{INVITE}|转)(?:成功)?(?:给|到)?(?:{NUM}(?:次|位|个|人|名))?(?:{PEOPLE_NOUN}|群|{MOMENTS})?{G(8)}(?:得|送|加|多|增加|返|奖励|领|再减|再送|积|获|额外)",
            rf"(?:{SHARE_VERB}){NUM}次{G(10)}(?:{SHARE_VERB}){NUM}次",
            rf"阶梯{G(10)}(?:{SHARE_VERB}|{INVITE})|(?:{SHARE_VERB}|{INVITE}){G(10)}阶梯",
        ),
        en=_c(
            rf"\bthe more\s(?:\w+\s){{0,3}}(?:share|shares|invite|invites|refer|refers|repost|forward)\w*\b{G(40)}\bthe (?:more|bigger|higher|better|larger|greater|cheaper)\b",
            rf"\b(?:for\s)?(?:every|each)\s(?:\w+\s)?(?:share|repost|forward|retweet|friend you invite|friend you refer|referral|invite|time you share|person who shares)\b{G(30)}\b(?:get|gets|earn|earns|add|adds|extra|more|bonus|another|\d+)\b",
            r"\bper share\b",
        ),
    ),
    INVITE_TO_UNLOCK: Matcher(
        zh=_c(
            rf"{INVITE}{G(2)}{NUM}(?:位|个|名)?(?:{PEOPLE_NOUN}|人){G(14)}(?:即可|就能|就可|可|才能|便可|即|均可|都能|各|双方)?(?:解锁|{ACQUIRE_REWARD})",
            rf"{INVITE}(?:成功)?{G(2)}{PEOPLE}{G(10)}(?:助力|砍|点击|注册|关注|下单|扫码|登录|帮){G(10)}(?:解锁|{ACQUIRE_REWARD}|{REWARD_NOUN}|即可|就能)",
            rf"{INVITE}{G(2)}{PEOPLE}{G(4)}(?:助力|帮砍|砍价|砍一刀)",
            rf"(?:{INVITE}|找|叫){G(8)}砍(?:价|一刀|1刀)",
            r"(?:好友|朋友|亲友|盆友)助力|助力(?:解锁|领取|成功|即可|免费|得|值)|砍一刀|帮(?:我|忙)?砍|砍价(?:免费|0元|零元|拿|得|领)|(?:0元|零元|免费)砍",
            r"(?:邀请|邀新|拉新|邀友|推荐好友|推荐朋友)(?:有礼|有奖|返现|得|赚|领|返|送|赢)",
            rf"(?:{INVITE}|推荐){G(2)}{PEOPLE}{G(2)}(?:有礼|有奖|返现|{ACQUIRE_REWARD})",
            rf"成功邀请{G(10)}(?:解锁|{ACQUIRE_REWARD})",
            rf"(?:解锁|{ACQUIRE_REWARD}){G(10)}(?:需|需要|须|只需|只要)(?:先)?{INVITE}",
        ),
        en=_c(
            rf"\b(?:invite|refer)\s(?:{EN_NUM}\s|a\s|your\s)?(?:more\s|new\s)?(?:friends?|people|users|buddies|members)\b{G(30)}\b(?:to|and|then|you ll|you will|both|each)\b{G(12)}(?:{EN_ACQUIRE}|\bboth get\b|\beach get\b)",
            rf"\b(?:refer|invite)\s(?:a\s)?friends?\b{G(30)}{EN_REWARD_SIGNAL}",
            r"\bfriends?\s(?:help|helps)\syou\s(?:unlock|cut|bargain|get)\b",
            rf"\b(?:ask|have|get)\s{EN_NUM}\s(?:friends|people)\s(?:to\s)?(?:tap|click|help|scan|sign up|register|join)\b",
            rf"\bunlock\b{G(30)}\bby\s(?:inviting|referring)\b",
            r"\brefer a friend\b",
        ),
    ),
    COERCIVE_PLEA: Matcher(
        zh=_c(
            rf"不(?:{FORWARD}|转|分享|传|扩散)(?:的)?(?:不是|就不是|都不是|枉为|非){G(6)}(?:中国人|人|朋友|兄弟|姐妹|好人|孝子|闺蜜|铁粉|真爱|亲人|国人)",
            rf"不(?:{FORWARD}|转|分享|传|扩散){G(3)}(?:不爱国|没良心|不孝|冷血|没有心|不配|白眼狼)",
            rf"不(?:{FORWARD}|转|分享|传)(?:就|必|会|将|则|者|的人)?(?:倒霉|霉运|后悔|遭殃|出事|厄运|没有?好运|破财|生病|不得好死|全家|一辈子|三年|七年|断)",
            rf"不(?:{FORWARD}|转|分享|传){G(10)}(?:倒霉|倒大霉|霉运|遭殃|出事|厄运|没有?好运|破财|生病|不得好死|遭报应)",
            rf"(?:{FORWARD}|转|分享|转起来)(?:的人|者|了|此条|这条)?(?:必|就|会|定|一定|将|马上|立马|今年|明天|三天内|七天内|\d+天内)(?:会|能|有|得|交|走)?(?:好运|发财|幸福|平安|走运|暴富|升职|加薪|财运|福报|大吉|顺利|心想事成|有福|转运|鸿运|中奖)",
            r"(?:紧急|火速|速|急|求|务必|大家|马上|立即|立刻|赶紧|帮忙|转发|转)(?:扩散|周知)",
            r"(?:紧急|火速|务必|赶紧)(?:转发|转|分享)(?:出去|起来)?",
            rf"(?:看到|看完|收到|看过)(?:的人)?{G(4)}(?:必须|务必|一定要|马上|立刻|立即)(?:{FORWARD}|转|分享|扩散)",
            rf"(?:是|身为|作为)中国人(?:就|请|必须|都)(?:{FORWARD}|转|分享)",
            rf"(?:{FORWARD}|转)(?:给|到)?(?:你|您)?(?:身边|你爱|爱你|在乎)(?:的)?(?:每一个|所有)?人",
            rf"(?:{FORWARD}|转|分享)(?:这条|此条|这只|本条)?锦鲤|锦鲤{G(4)}(?:{FORWARD}|转)",
            rf"\d+(?:分钟|小时|秒)内(?:{FORWARD}|分享|转)",
            r"速看速转|删前速",
        ),
        en=_c(
            r"\b(?:share|forward|repost|pass)\b(?:\s(?:this|it|on))*\s(?:or|otherwise|or else)\s(?:you\s(?:will|ll)\s)?(?:have\s|get\s|face\s)?(?:\w+\s(?:years|days)\sof\s)?bad luck\b",
            rf"\bbad luck\b{G(30)}\b(?:if you (?:don t|dont|do not|fail to)|unless you)\s(?:share|forward|repost|pass)\b",
            rf"{EN_SHARE_ANY}{G(40)}\b(?:or|otherwise|or else)\b{G(20)}\b(?:bad luck|misfortune|regret it)\b",
            r"\bif you (?:don t|dont|do not) (?:share|forward|repost|pass)\b",
            rf"\burgent(?:ly)?\b{G(15)}\b(?:share|forward|spread|repost)\b",
            rf"\b(?:share|forward|spread|repost)\b{G(15)}\burgent(?:ly)?\b",
            rf"{EN_SHARE_ANY}{G(25)}\b(?:good luck|good fortune|blessings?|luck will|lucky)\b",
            r"\b(?:real|true)\s(?:chinese|patriots?|friends?|fans?)\s(?:will\s|would\s|must\s)?(?:share|forward|repost)\b",
            r"\b(?:share|forward|repost) (?:this |it )?within \d+ (?:minutes|hours|seconds)\b",
        ),
    ),
    SHARE_QUOTA: Matcher(
        zh=_c(
            rf"(?:{SHARE_VERB}|发|转)(?:到|至|给|进)?(?:{NUM})(?:个|位|名)?(?:微信)?(?:群|好友|朋友|个人|人|条)",
            rf"(?:{SHARE_VERB})(?:{NUM})次",
            rf"(?:{FEED}|{SHARE_VERB}|截图|发圈){G(12)}(?:保留|不删|勿删|不要删|不得删|不删除|置顶){G(3)}{NUM}(?:个)?(?:小时|天|h|日|分钟)",
            r"(?:不|勿|不要|不得|禁止|不能)(?:屏蔽|设置?分组|分组|设置?可见|仅自己可见|私密)",
            rf"截图(?:发给|给|私信|发送给|发至|发到|发|交给)?{G(2)}(?:客服|小编|店员|我们|店长|收银员?|前台|群主|管理员|后台|公众号)",
        ),
        en=_c(
            r"\b(?:share|forward|repost|send)\b(?:\s(?:this|it))?\s(?:with|to|in|into)\s(?:at least\s)?(?:\d+|two|three|four|five|six|seven|eight|nine|ten)\s(?:\w+\s)?(?:groups?|friends|chats?|people|contacts)\b",
            r"\bkeep\s(?:the|your|it|this)(?:\spost)?(?:\s(?:up|visible|public|online))?\sfor\s(?:at least\s)?\d+\s(?:hours|days|h)\b",
            rf"\b(?:don t|do not|dont|never)\s(?:hide|delete|block|remove)\b{G(20)}\b(?:post|it|moments)\b",
            rf"\bscreenshot\b{G(20)}\b(?:to|send|dm|message)\b{G(15)}\b(?:us|our|staff|customer service|the cashier)\b",
            r"\bsend us a screenshot\b",
        ),
    ),
    SHARE_REWARD_NEARBY: Matcher(
        zh=_c(
            rf"{SHARE_ACT_FEED}{G(16)}{REWARD_SIGNAL}",
            rf"{REWARD_SIGNAL}{G(16)}{SHARE_ACT_FEED}",
            rf"(?:{SHARE_VERB}){G(4)}(?:{REWARD_SIGNAL})",
        ),
        en=_c(
            rf"{EN_SHARE_ACT_FEED}{G(40)}{EN_REWARD_SIGNAL}",
            rf"{EN_REWARD_SIGNAL}{G(40)}{EN_SHARE_ACT_FEED}",
        ),
    ),
}

# Keep unused building blocks referenced for readers grepping the lexicon.
_ = (EN_PEOPLE, EN_SHARE_LOOSE, EN_REWARD, PEOPLE, REWARD_NOUN)
