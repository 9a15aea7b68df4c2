"""Regular-expression building blocks for the sharing rules.

Chinese fragments run on the `compact` view (no spaces or punctuation, simplified, lower
case); English fragments on the `spaced` view (words split by one space). "|" is a sentence
break in both views, and gaps never cross it. Written from the policy (what inducing,
forcing or coercing a share looks like), not from individual examples.
"""


def gap(n: int) -> str:
    """Up to n characters inside one sentence (lazy)."""
    return rf"[^|]{{0,{n}}}?"


def alt(*parts: str) -> str:
    return "(?:" + "|".join(parts) + ")"


# --- Chinese -------------------------------------------------------------------------------

NUM = r"(?:\d+|[一二两三四五六七八九十百几多]+)"

# 朋友圈 and the spellings used to slip past filters: 盆友圈, 朋友Q, pyq, py圈, p友圈 ...
MOMENTS = alt(
    r"[朋盆棚彭鹏碰捧p](?:[友有油又]|you|y)(?:圈|quan|q(?![a-z])|全)",
    r"(?<![a-z])pyq(?![a-z])",
    r"(?<![a-z])py圈",
    r"发圈",
)
GROUPS = alt(
    r"(?:微信|wx|vx|v信|威信|好友|家族|家庭|工作|同学|业主|小区|宝妈|妈妈|亲友|家人|各大|所有|qq|各个?)群",
    r"群聊",
    r"群里",
    NUM + r"个(?:微信)?群",
)
FEED = alt(MOMENTS, GROUPS, r"qq空间", r"空间", r"说说", r"微博", r"抖音", r"小红书", r"视频号", r"动态")
PEOPLE_NOUN = alt(
    r"微信好友",
    r"好友",
    r"朋友",
    r"盆友",
    r"亲友",
    r"闺蜜",
    r"家人",
    r"同事",
    r"小伙伴",
    r"伙伴",
    r"身边的?人",
    r"姐妹",
    r"兄弟",
    r"老铁",
    r"亲人",
    r"基友",
    r"新用户",
    r"新?会员",
    r"新客户?",
    r"新顾客",
    r"新人",
)
PEOPLE = alt(rf"(?:{NUM}(?:位|个|名)?)?{PEOPLE_NOUN}", rf"{NUM}(?:位|个|名)人")
TARGET = alt(FEED, PEOPLE)

FORWARD = alt(
    r"(?:转|zhuan)(?:发|fa(?![a-z])|f(?![a-z]))", r"(?<![a-z])zf(?![a-z])", r"转载", r"转帖", r"转推"
)
# 分享, not 双人分享套餐 / 分享装 / 经验分享会
SHARE = alt(
    r"(?<![双人庭验])(?:分|份|纷|芬)(?:享|响)(?![装套餐杯盒桶拼会版款价份包屏])",
    r"(?:分|fen)xiang",
    r"(?<![a-z])fx(?![a-z])",
)
SHARE_VERB = alt(FORWARD, SHARE)
OBJECT = (
    r"(?:(?:本|此|这|该)(?:条|篇|张|个|则)?)?"
    r"(?:文|活动|海报|链接|文章|图片|图文|页面|视频|内容|本店|我们|动态|文案|消息)?(?:出去)?"
)
POST_VERB = r"(?:发布|发表|发|晒|po|打卡|上传|贴)"
INTO = r"(?:到|至|给|进|在|去|入|于|上)?"


def share_act(target: str = TARGET, require_target: bool = False) -> str:
    """A share action: 'verb [object] [to] target', '转/发/晒 to a feed', 'in the feed, post'."""
    verb_target = rf"{SHARE_VERB}{OBJECT}{INTO}{target}"
    forms = [
        verb_target,
        rf"转{INTO}{FEED}" if target != PEOPLE else verb_target,
        rf"{POST_VERB}{INTO}{FEED}" if target != PEOPLE else verb_target,
        rf"(?:在|到)?{FEED}(?:里|中|上)?(?:{POST_VERB}|分享|转发|发图|晒图)"
        if target != PEOPLE
        else verb_target,
    ]
    if not require_target:
        forms.append(rf"{SHARE_VERB}{OBJECT}")
    return alt(*forms)


SHARE_ACT = share_act()
SHARE_ACT_FEED = share_act(FEED, require_target=True)
SHARE_ACT_TARGETED = share_act(TARGET, require_target=True)

REWARD_NOUN = alt(
    r"(?:优惠|代金|兑换|现金|折扣|满减|体验|抵用|免单|无门槛|抵扣)?[券卷劵]",
    r"红(?:包|bao)",
    r"hongbao",
    r"(?<![a-z])(?:hb|yhq)(?![a-z])",
    r"现金",
    r"奖品",
    r"奖励",
    r"奖金",
    r"大奖",
    r"礼品",
    r"礼物",
    r"礼包",
    r"礼盒",
    r"赠品",
    r"[小好大]礼",
    r"伴手礼",
    r"周边",
    r"福利",
    r"折扣",
    r"(?:\d+(?:\.\d+)?|[一二三四五六七八九])折",
    r"免单",
    r"免费",
    r"积分",
    r"金币",
    r"抽奖",
    r"半价",
    r"立减",
    r"\d+(?:元|块|rmb)",
    r"优惠",
    r"特价",
    r"小样",
    r"试用装",
    r"中奖",
    r"机会",
    r"资格",
    r"名额",
    r"[一1](?:杯|份|个|瓶|支|盒|张|袋|只|碗|串|次)",
    r"饮品",
    r"奶茶",
    r"咖啡",
    r"甜品",
    r"小菜",
    r"果盘",
    r"饮料",
    r"啤酒",
    r"蛋糕",
    r"面膜",
    r"(?:会员|年|月|季|次|储值|礼品|购物)卡",
)
# A stricter reward signal for the "nearby" review rule: promotions, not any noun.
REWARD_SIGNAL = alt(
    r"(?:优惠|代金|兑换|现金|折扣|满减|抵用)?[券卷劵]",
    r"满减",
    r"满\d+减",
    r"买[一二\d]送[一\d]",
    r"打折",
    r"特惠",
    r"红包",
    r"奖品",
    r"奖励",
    r"礼品",
    r"礼物",
    r"赠品",
    r"[小好大]礼",
    r"福利",
    r"惊喜",
    r"(?:\d+(?:\.\d+)?|[一二三四五六七八九])折",
    r"免单",
    r"免费",
    r"半价",
    r"立减",
    r"抽奖",
    r"优惠",
    r"特价",
)
ACQUIRE = alt(
    r"领取",
    r"领",
    r"获得",
    r"获赠",
    r"获取",
    r"获",
    r"得到",
    r"(?<![觉记值懂晓使])得",
    r"赠送",
    r"赠",
    r"(?<!赠)送",
    r"赢取",
    r"赢得",
    r"赢",
    r"享受",
    r"享有",
    r"(?<![分份纷芬])享",
    r"抽取",
    r"抽",
    r"兑换",
    r"换取",
    r"(?<!季)换(?!季|新|装|购)",
    r"返",
    r"减",
    r"抵扣",
    r"抵用",
    r"抵(?!达)",
    r"打(?=(?:\d+(?:\.\d+)?|[一二三四五六七八九])折)",
    r"白拿",
    r"拿",
    r"白嫖",
    r"参与抽奖",
    r"参加抽奖",
)
ACQUIRE_REWARD = alt(rf"{ACQUIRE}{gap(8)}{REWARD_NOUN}", rf"{ACQUIRE}[^|]{{0,2}}\d")

INVITE = r"(?:邀请|邀约|邀|拉上?|召集|号召)"

# --- English -------------------------------------------------------------------------------

EN_NUM = r"(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|twenty|thirty|fifty|a hundred)"
EN_FEED = (
    r"(?:(?:your|my|the|our|all|all your|\d+|two|three|four|five|ten|several)\s)?"
    r"(?:(?:wechat|weixin|social|family|friends|work)\s)?"
    r"(?:moments?|feed|timeline|stories|story|friend circle|friends circle|circle of friends|"
    r"group chats?|groups?|social media|socials|weibo|xiaohongshu|douyin|pyq)\b"
)
EN_PEOPLE = (
    r"(?:(?:your|my|the|our|all|all your|at least|\d+|two|three|four|five|ten|several)\s)*"
    r"(?:(?:wechat|close|best|new)\s)?(?:friends?|family|contacts|followers|besties|bestie|people|buddies)\b"
)
EN_TARGET = rf"(?:{EN_FEED}|{EN_PEOPLE})"
EN_SHARE_VERB = r"\b(?:share|shares|sharing|repost|reposts|reposting|re post|reshare|forward|forwarding|fwd|retweet|retweets)\b"
EN_OBJECT = (
    r"(?:\s(?:this|it|the|our|us|your)"
    r"(?:\s(?:post|page|link|article|offer|campaign|deal|coupon|message|poster|photo|picture|pic|video|news|event|promo))?)?"
)


def en_share_act(target: str = EN_TARGET, require_target: bool = True) -> str:
    with_target = rf"{EN_SHARE_VERB}(?:\s[a-z]+){{0,6}}\s(?:with|to|on|in|into|across)\s{target}"
    post = (
        r"\b(?:post|posts|posting|upload|publish)\s(?:a\s|an\s|this\s|the\s|your\s|it\s)?"
        r"(?:[a-z]+\s){0,6}"
        rf"(?:on|to|in)\s{EN_FEED}"
    )
    forms = [with_target, post]
    if not require_target:
        forms.append(rf"{EN_SHARE_VERB}{EN_OBJECT}")
    return alt(*forms)


EN_ACQUIRE = (
    r"\b(?:get|gets|getting|claim|receive|win|earn|enjoy|grab|score|unlock|redeem|collect|enter|take|snag)\b"
)
EN_REWARD = (
    r"(?:\bfree\b|\bcoupons?\b|\bvouchers?\b|\bdiscounts?\b|\b\d+\s?(?:percent\s)?off\b|\boff\b|\bgifts?\b|"
    r"\bprizes?\b|\brewards?\b|\bred (?:packet|envelope)s?\b|\bhongbao\b|\bcash ?back\b|\bcash\b|\bpoints\b|"
    r"\bgiveaway\b|\blucky draw\b|\bdraw\b|\braffle\b|\bsamples?\b|\bdrinks?\b|\bdesserts?\b|\btreats?\b|"
    r"\bbonus\b|\bentry\b|\bchance\b|\b\d+\s?(?:yuan|rmb|kuai)\b|\bbogo\b|\bhalf price\b)"
)
EN_REWARD_SIGNAL = (
    r"(?:\bfree\b|\bcoupons?\b|\bvouchers?\b|\bdiscounts?\b|\b\d+\s?(?:percent\s)?off\b|\bgifts?\b|"
    r"\bprizes?\b|\brewards?\b|\bred (?:packet|envelope)s?\b|\bcash ?back\b|\bgiveaway\b|\blucky draw\b|"
    r"\braffle\b|\bhalf price\b|\bsurprise\b)"
)
EN_SHARE_ANY = (
    r"\b(?:share|shares|sharing|shared|repost|reposts|reposting|forward|forwarding|retweet|retweets)\b"
)
