"""Builds tests/data/sharing_eval.jsonl, the labelled evaluation set for the sharing checker.

Run: .venv/bin/python tests/data/build_sharing_eval.py  (deterministic; commit the output).

Labels come from the policy in coupons/sharing/defaults.py, written before the texts were
run through the checker. Each record: id, title/description/share_text/landing_text,
mechanics, coupon_names, `expected` (allow/review/block), `rules` (the rule codes a careful
reader of the policy would cite), `lang`, `kind` (plain/obfuscated/mechanics) and `split`:
every fourth base text (with its obfuscated variants) is `holdout`, left unread while the
rules were tuned.
"""

from __future__ import annotations

import json
from pathlib import Path

BLOCK_RULES = {
    "share_for_reward",
    "likes_collection",
    "share_to_unlock",
    "reward_grows_with_shares",
    "invite_to_unlock",
    "coercive_plea",
}

# (field, text, rules) — rules empty means allowed.
ZH_ALLOWED = [
    ("title", "新品「桂花乌龙」上市，第二杯半价，仅限本周", []),
    ("share_text", "分享给朋友一起来喝茶吧", []),
    ("share_text", "欢迎分享给好友。", []),
    ("description", "满100减20，全场通用，到店出示即可使用。", []),
    ("title", "周三会员日，全场饮品8折", []),
    ("description", "双人分享套餐立减20元，适合周末约会。", []),
    ("title", "家庭分享装上新，买二送一", []),
    ("description", "叫上闺蜜一起来，第二杯半价。", []),
    ("description", "约上好友来吃火锅，4人以上送果盘一份。", []),
    ("landing_text", "领取优惠券后可在全国门店使用，有效期30天。", []),
    ("description", "本券可转赠好友，好友领取后到门店核销。", []),
    ("share_text", "觉得好喝就给我们点个赞吧", []),
    ("share_text", "喜欢我们的新品？欢迎在朋友圈分享你的下午茶时光。", []),
    ("description", "正山小种松烟香浓郁，入口后茶香在口中慢慢扩散。", []),
    ("landing_text", "本店支持微信支付、支付宝，扫码点单更方便。", []),
    ("description", "关注公众号，第一时间获取新品资讯。", []),
    ("description", "新客首单立减5元，老客每满50减5元。", []),
    ("landing_text", "会员积分可兑换饮品，每消费1元积1分。", []),
    ("title", "店庆三周年，全场饮品第二杯1元", []),
    ("description", "茶艺分享会：周六下午茶艺老师现场教学，免费参加，名额20位。", []),
    ("share_text", "新店开业，欢迎转发给需要的朋友。地址：静安区南京西路1788号。", []),
    ("description", "秋冬新款上市，全场满399减50，线上线下同价。", []),
    ("description", "线上专享款，门店不售，下单包邮。", []),
    ("landing_text", "扫描桌上二维码即可点单，无需排队。", []),
    ("title", "补水面膜买一送一，限前100名", []),
    ("description", "生日当月到店出示会员码，免费赠送生日蛋糕一份。", []),
    ("description", "本周六晚8点直播间抽奖，送出10份新品礼盒。", []),
    ("description", "商品评价晒图返5元，好评不限字数。", []),
    ("title", "朋友圈同款连衣裙现货到店，欢迎试穿", []),
    ("share_text", "把这份美味分享给你爱的人。", []),
    ("title", "春节不打烊，年货礼盒9折预订中", []),
    ("description", "欢迎带朋友来店品尝，环境安静适合聊天。", []),
    ("landing_text", "品牌故事：我们坚持每一片茶叶都来自武夷山自有茶园。", []),
    ("description", "周末主厨会在店内分享他的私房菜谱，欢迎围观。", []),
    ("description", "凭小票到店享第二杯半价，当日有效。", []),
    ("description", "凭会员卡全场享9折，特价商品除外。", []),
    ("landing_text", "点击下方按钮领取新人礼包。", []),
    ("description", "下载APP注册领10元券。", []),
    ("share_text", "分享你的穿搭心得，和大家一起交流。", []),
    ("description", "好物分享：这款保湿面霜适合秋冬干皮，温和不刺激。", []),
    ("title", "限时秒杀，每天10点开抢", []),
    ("landing_text", "全场包邮，7天无理由退换。", []),
    ("description", "夏日特饮上市，冰爽一夏，买就送杯套。", []),
    ("description", "谢谢大家的点赞和支持！新店开业期间全场9折。", []),
    ("description", "周末亲子烘焙课，亲子同行第二人免费。", []),
    ("description", "加入会员群，不定期发放专属福利。", []),
    ("description", "你的每一次分享，都是对我们最大的鼓励。", []),
    ("landing_text", "门店地址可一键分享到微信，方便约朋友见面。", []),
    ("description", "新店试营业，所有饮品7折，欢迎大家来打卡。", []),
    ("description", "来店打卡拍照，记录美好时光。", []),
    ("title", "万圣节主题装扮，来店拍照超出片", []),
    ("description", "母亲节康乃馨礼盒，预订送手写贺卡。", []),
    ("landing_text", "本活动最终解释权归本店所有。", []),
    ("description", "外卖满30元免配送费，雨天也准时送达。", []),
    ("title", "分享装薯条加量不加价", []),
    ("description", "新品试吃：到店即可免费品尝3款新口味。", []),
    ("description", "老顾客回店消费，凭消费记录送一份甜品。", []),
    ("share_text", "好吃到想分享给全世界！", []),
    ("description", "国庆七天乐，全场满200送100代金券。", []),
    ("landing_text", "优惠券每人限领1张，不可与其他优惠同享。", []),
    ("description", "本店不定期在公众号推送活动，欢迎关注。", []),
    ("description", "热销爆款羊绒大衣，限时直降300元。", []),
    ("share_text", "这家店的拿铁真的很好喝，推荐给你。", []),
    ("description", "转发自茶语官方公众号，原文有删节。", []),
    ("description", "团建聚餐预订满10人，赠送果盘一份。", []),
    ("landing_text", "活动期间每天限量50份，先到先得。", []),
    ("description", "积分攒起来，年底兑换好礼。", []),
    ("description", "下单即送试用装小样两件。", []),
    ("share_text", "有好东西当然要和朋友分享，快来尝尝我们的新品。", []),
    ("description", "早餐套餐8元起，7点开门，上班路上来一份。", []),
    ("title", "会员专享：每月1号领取免运费券", []),
    ("description", "欢迎在朋友圈、小红书分享你的用餐体验，我们会认真看每一条反馈。", []),
    ("description", "周年庆感恩回馈，所有会员积分翻倍。", []),
    ("share_text", "看到好看的衣服，记得发给闺蜜参考一下。", []),
    ("description", "本店火锅底料可外带，送礼自用都合适。", []),
]

EN_ALLOWED = [
    ("share_text", "Share with friends if you like it.", []),
    ("share_text", "Love our new menu? Share it with your friends!", []),
    ("title", "Happy hour 5-7pm: all cocktails 20% off", []),
    ("description", "Buy one, get one free on all iced teas this weekend.", []),
    ("description", "Bring a friend to our tasting night!", []),
    ("description", "Members get double points every Wednesday.", []),
    ("description", "Sharing platters now 15% off for groups of four.", []),
    ("description", "Follow us on WeChat for the latest news.", []),
    ("share_text", "Tag us in your photos, we love seeing them!", []),
    ("landing_text", "Free Wi-Fi and charging at every table.", []),
    ("share_text", "Spread the word: our new store opens on Saturday!", []),
    ("title", "Share the joy this Christmas: festive gift boxes 10% off", []),
    ("landing_text", "Show this coupon at the counter to get 10% off.", []),
    ("description", "Get 15% off when you order through our mini program.", []),
    ("description", "The more you buy, the more you save.", []),
    ("description", "Invite your friends to our grand opening party on Friday!", []),
    ("description", "Refill your cup for free when you bring it back.", []),
    ("description", "Thanks for all the likes and lovely comments on our launch post!", []),
    ("description", "Our chef shares his favourite recipes every Sunday.", []),
    ("description", "Post a review on Dianping and tell us what you think.", []),
    ("title", "Limited edition mooncakes: pre-order now and save 20%", []),
    ("description", "Free delivery on orders over 30 yuan.", []),
    ("description", "Students get 10% off with a valid student card.", []),
    ("share_text", "Know someone who would love this? Send them the link.", []),
    ("description", "Our new autumn collection is here. Come try it on in store.", []),
    ("description", "Birthday treat: show your member code and enjoy a free slice of cake.", []),
    ("description", "Lucky draw at the counter for every purchase over 100 yuan.", []),
    ("description", "Join our member group for early access to new drinks.", []),
    ("share_text", "If you enjoyed your meal, please tell your friends about us.", []),
    ("description", "Family sharing bucket: 12 pieces for 99 yuan.", []),
    ("title", "Double 11 sale: everything 30% off online and in store", []),
    ("description", "Free samples with every skincare order.", []),
    ("description", "We love it when you share photos of your outfits with us.", []),
    ("description", "Weekday lunch set from 38 yuan, includes a drink.", []),
    ("description", "Collect stamps: buy 9 coffees and the 10th is free.", []),
    ("share_text", "Feel free to share this page with anyone planning a party.", []),
    ("description", "Get a free tote bag with any purchase over 200 yuan.", []),
    ("description", "Like what you see? Visit our flagship store on Nanjing Road.", []),
    ("description", "Exclusive online colourways, not sold in stores.", []),
]

ZH_BANNED = [
    # share_for_reward
    ("description", "转发本条到朋友圈，凭截图到店免费领取招牌奶茶一杯！", ["share_for_reward"]),
    ("description", "分享活动到3个微信群即可领取20元无门槛券", ["share_for_reward"]),
    ("description", "朋友圈晒图打卡，到店出示即送小菜一份", ["share_for_reward"]),
    ("share_text", "转发朋友圈并配文“茶语好喝”，即可获得5元代金券", ["share_for_reward"]),
    ("description", "关注+转发，抽5位粉丝送价值299元护肤礼盒", ["share_for_reward"]),
    ("title", "转发抽奖！抽3人送全年奶茶", ["share_for_reward"]),
    ("share_text", "分享给好友即可领取新人红包", ["share_for_reward"]),
    ("description", "新店开业，转发此海报到朋友圈，全场饮品享7折", ["share_for_reward"]),
    ("title", "分享有礼：转发活动页面，赢取精美周边", ["share_for_reward"]),
    ("description", "免费领取试用装，只需分享到朋友圈", ["share_for_reward"]),
    ("share_text", "想要免费甜品？转发朋友圈就行", ["share_for_reward"]),
    ("description", "凭分享截图享买一送一", ["share_for_reward"]),
    ("description", "发朋友圈晒单送面膜一片", ["share_for_reward"]),
    ("description", "把这条活动发到朋友圈，截图给店员即可免单", ["share_for_reward"]),
    ("description", "转发到家族群，送价值88元火锅代金券", ["share_for_reward"]),
    ("description", "在朋友圈分享本店，凭截图享受9折优惠", ["share_for_reward"]),
    ("title", "晒朋友圈送小吃", ["share_for_reward"]),
    ("description", "转发本文至朋友圈，前50名到店送冰淇淋", ["share_for_reward"]),
    ("landing_text", "领取方式：分享本页面到微信群，返回即可领券", ["share_for_reward"]),
    ("description", "分享给3位好友，立得15元红包", ["share_for_reward"]),
    ("description", "转发朋友圈立减10元，仅限今天", ["share_for_reward"]),
    ("share_text", "转发这条动态，抽一位宝宝送同款大衣", ["share_for_reward"]),
    ("description", "进店出示朋友圈转发记录，全单8.8折", ["share_for_reward"]),
    ("description", "转发海报到朋友圈配图3张，到店赠送精美礼品一份", ["share_for_reward"]),
    ("description", "朋友圈转发活动即可参与抽奖，100%中奖", ["share_for_reward"]),
    ("share_text", "分享到群里就送一杯柠檬茶", ["share_for_reward"]),
    # likes_collection
    ("description", "朋友圈集满30个赞，凭截图到店领取精美礼品", ["likes_collection"]),
    ("title", "集赞送饮品，赞越多送越多", ["likes_collection"]),
    ("description", "点赞数前三名免费获得新品礼盒一份", ["likes_collection"]),
    ("description", "本条动态点赞满50，送双人套餐", ["likes_collection"]),
    ("description", "集齐20个赞即可5折购买", ["likes_collection"]),
    ("share_text", "发圈集赞28个，到店免费吃烤鱼", ["likes_collection"]),
    ("description", "转发朋友圈获得58个赞，即送价值199元面膜礼盒", ["likes_collection"]),
    ("description", "晒单并获得10个赞，返现20元", ["likes_collection"]),
    # share_to_unlock
    ("landing_text", "分享到朋友圈后才能查看中奖名单", ["share_to_unlock"]),
    ("share_text", "转发给好友即可解锁隐藏菜单", ["share_to_unlock"]),
    ("landing_text", "不分享无法领取优惠券", ["share_to_unlock"]),
    ("landing_text", "查看完整攻略需先转发到朋友圈", ["share_to_unlock"]),
    ("landing_text", "测测你是哪种茶？分享后查看答案", ["share_to_unlock"]),
    ("landing_text", "转发到群后才可以参与秒杀", ["share_to_unlock"]),
    ("landing_text", "分享给好友后方可领取会员卡", ["share_to_unlock"]),
    # reward_grows_with_shares
    ("description", "分享越多优惠越多，上不封顶！", ["reward_grows_with_shares"]),
    ("description", "每邀请一位好友，红包加5元", ["reward_grows_with_shares"]),
    ("description", "每转发一次积10分，积分可兑换饮品", ["reward_grows_with_shares"]),
    ("description", "分享1次得5元，分享5次得30元", ["reward_grows_with_shares"]),
    ("description", "转发的群越多，折扣越大", ["reward_grows_with_shares"]),
    ("description", "每成功分享给一位好友，额外赠送一张满减券", ["reward_grows_with_shares"]),
    # invite_to_unlock
    ("description", "邀请3位好友助力，即可0元领取新品口红", ["invite_to_unlock"]),
    ("share_text", "找朋友帮我砍一刀，原价199的外套0元拿", ["invite_to_unlock"]),
    ("description", "邀请2位新用户注册，解锁会员专享价", ["invite_to_unlock"]),
    ("description", "邀好友得10元红包，好友也得10元", ["invite_to_unlock"]),
    ("description", "好友助力满10人，免费领取火锅套餐", ["invite_to_unlock"]),
    ("title", "邀请有礼：每成功邀请一位新会员，送一杯饮品", ["invite_to_unlock", "reward_grows_with_shares"]),
    ("description", "拉5个好友扫码关注，即可领取50元代金券", ["invite_to_unlock"]),
    ("description", "砍价免费拿：邀请好友帮砍，砍到0元直接包邮到家", ["invite_to_unlock"]),
    # coercive_plea
    ("share_text", "不转不是中国人！", ["coercive_plea"]),
    ("title", "紧急扩散！本店今晚最后一场清仓", ["coercive_plea"]),
    ("share_text", "转发这条锦鲤，好运连连", ["coercive_plea"]),
    ("share_text", "看到的人必须转发，不转发倒霉三年", ["coercive_plea"]),
    ("share_text", "转发必有好运，今年一定发财", ["coercive_plea"]),
    ("share_text", "是中国人就转发！国货之光", ["coercive_plea"]),
    ("share_text", "不分享就是不爱国，快转！", ["coercive_plea"]),
    ("share_text", "火速转发，明天就涨价！", ["coercive_plea"]),
    ("share_text", "转给你身边的每一个人，功德无量", ["coercive_plea"]),
    ("share_text", "不转后悔一辈子", ["coercive_plea"]),
    # share_quota (review)
    ("share_text", "请把活动转发到5个微信群哦", ["share_quota"]),
    ("share_text", "转发朋友圈保留2小时，不要屏蔽任何人", ["share_quota"]),
    ("share_text", "分享给10位好友，一起来支持我们", ["share_quota"]),
    ("description", "发朋友圈后截图发给客服", ["share_quota"]),
    ("share_text", "帮忙转发3个群，谢谢亲们", ["share_quota"]),
    # share_reward_nearby (review)
    ("share_text", "转发朋友圈，周末全场8折", ["share_reward_nearby"]),
    ("share_text", "新品第二杯半价，欢迎转发到朋友圈", ["share_reward_nearby"]),
    ("share_text", "晒到朋友圈，还有小惊喜哦", ["share_for_reward"]),
    ("share_text", "发到群里让大家看看，店庆全场满减", ["share_reward_nearby"]),
]

EN_BANNED = [
    ("share_text", "Share this post to your WeChat Moments and get a free drink!", ["share_for_reward"]),
    ("description", "Repost to your Moments and show us the screenshot for 10% off.", ["share_for_reward"]),
    ("description", "Like and share to enter our giveaway - 5 winners get a gift box!", ["share_for_reward"]),
    ("title", "Share to win a year of free coffee!", ["share_for_reward"]),
    ("description", "Get 20% off when you share this offer with your friends.", ["share_for_reward"]),
    ("description", "Free dessert for everyone who shares our new menu on Moments.", ["share_for_reward"]),
    ("landing_text", "Claim your free sample: just share this page to a group chat.", ["share_for_reward"]),
    ("description", "Share with 3 friends and receive a 10 yuan coupon.", ["share_for_reward"]),
    ("description", "Post a photo of your meal on Moments to get a free dessert.", ["share_for_reward"]),
    ("description", "Collect 30 likes on your Moments post to get a free cake.", ["likes_collection"]),
    ("description", "The top 3 most liked posts win a free dinner for two.", ["likes_collection"]),
    ("description", "Get 50 likes and your next coffee is on us.", ["likes_collection"]),
    ("landing_text", "Share to see your personalised skin report.", ["share_to_unlock"]),
    ("landing_text", "Unlock the secret menu by sharing this page.", ["share_to_unlock"]),
    ("landing_text", "You must share this page before you can claim the coupon.", ["share_to_unlock"]),
    (
        "description",
        "The more friends you share with, the bigger your discount.",
        ["reward_grows_with_shares"],
    ),
    ("description", "For every share you get an extra 5 points.", ["reward_grows_with_shares"]),
    ("description", "Invite 3 friends to unlock a free drink.", ["invite_to_unlock"]),
    ("description", "Refer a friend and you both get 20 yuan off.", ["invite_to_unlock"]),
    ("description", "Ask 5 friends to tap the link to unlock your coupon.", ["invite_to_unlock"]),
    ("share_text", "Share this within 10 minutes or you'll have 7 years of bad luck.", ["coercive_plea"]),
    ("share_text", "URGENT: please forward to everyone you know!", ["coercive_plea"]),
    ("share_text", "Real Chinese will share this!", ["coercive_plea"]),
    ("share_text", "Forward this and good luck will come to you.", ["coercive_plea"]),
    ("share_text", "Please share this with 5 group chats.", ["share_quota"]),
    ("share_text", "Keep the post up for 24 hours and don't hide it.", ["share_quota"]),
    ("share_text", "Share on Moments - weekend 20% off storewide.", ["share_reward_nearby"]),
    ("share_text", "Post your outfit on Moments! New arrivals 15% off this week.", ["share_reward_nearby"]),
]

# Hand-written evasions: homophones, pinyin abbreviations, traditional characters.
ZH_EVASIONS = [
    ("description", "转发盆友圈，到店免费领奶茶", ["share_for_reward"]),
    ("description", "发pyq截图给店员，立减10元", ["share_for_reward"]),
    ("description", "转到朋友Q，送小菜一份", ["share_for_reward"]),
    ("description", "集zan 20个送甜品", ["likes_collection"]),
    ("description", "jz活动：满30个赞免单", ["likes_collection"]),
    ("description", "集攒送饮料一杯", ["likes_collection"]),
    ("description", "转fa朋友圈领券", ["share_for_reward"]),
    ("description", "zf到群里送红包", ["share_for_reward"]),
    ("description", "分xiang到朋友圈即可领取优惠", ["share_for_reward"]),
    ("description", "轉發到朋友圈即可領取10元優惠券", ["share_for_reward"]),
    ("description", "集讚滿30個送精美禮品", ["likes_collection"]),
    ("share_text", "不轉不是中國人", ["coercive_plea"]),
    ("share_text", "緊急擴散！", ["coercive_plea"]),
    ("description", "邀請3位好友助力即可免費領取", ["invite_to_unlock"]),
    ("landing_text", "分享到朋友圈後才能查看答案", ["share_to_unlock"]),
    ("description", "盆友圈晒图打卡，送小礼物", ["share_for_reward"]),
    ("description", "py圈转发截图，到店兑换甜品", ["share_for_reward"]),
    ("share_text", "不zf倒霉一整年", ["coercive_plea"]),
    ("description", "转髮朋友圈立享8折", ["share_for_reward"]),
    ("description", "份享给好友即可领红包", ["share_for_reward"]),
    ("description", "转发朋友quan，送小菜", ["share_for_reward"]),
    ("description", "朋友圈集❤️满20个，送奶茶", ["likes_collection"]),
    ("description", "分享越多，hb越大", ["reward_grows_with_shares"]),
    ("description", "帮我砍1刀，免费拿", ["invite_to_unlock"]),
]

EN_EVASIONS = [
    ("share_text", "S.H.A.R.E this to your Moments and get a free drink", ["share_for_reward"]),
    ("share_text", "Ｓｈａｒｅ this post to your Moments and get a free drink", ["share_for_reward"]),
    ("share_text", "s h a r e to win a free cake!", ["share_for_reward"]),
    ("description", "Collect 2O likes... get a free coffee", ["likes_collection"]),
    ("share_text", "shar3 to unlock the hidden menu", ["share_to_unlock"]),
    ("share_text", "F0RWARD or you will have bad luck", ["coercive_plea"]),
]

MECHANICS_CASES = [
    ("title", "周末下午茶套餐", ["reward_requires_share"], ["share_for_reward"]),
    ("title", "新品试饮活动", ["likes_collection"], ["likes_collection"]),
    ("title", "隐藏菜单", ["share_to_unlock"], ["share_to_unlock"]),
    ("title", "老带新红包", ["reward_grows_with_shares"], ["reward_grows_with_shares"]),
    ("title", "拼手速领券", ["invite_to_unlock"], ["invite_to_unlock"]),
    (
        "title",
        "Weekend brunch deal",
        ["reward_requires_share", "likes_collection"],
        ["share_for_reward", "likes_collection"],
    ),
    ("title", "秋季上新", [], []),
    ("title", "Autumn menu", ["unknown_flag"], []),
]


# Written after the rules were tuned on `dev` (and `holdout` had been read once): a fresh
# set measured once and not tuned on (split "fresh").
FRESH = [
    ("zh", "description", "秋装上新，满299减40，会员再享95折", []),
    ("zh", "share_text", "如果喜欢这家小店，欢迎推荐给身边的朋友", []),
    ("zh", "description", "烤肉自助午市69元一位，晚市89元，儿童半价", []),
    ("zh", "landing_text", "优惠券领取后7天内有效，仅限堂食使用", []),
    ("zh", "description", "我们把每一杯咖啡都当作作品，欢迎来店里坐坐", []),
    ("zh", "description", "门店分享区新增绘本100册，亲子家庭免费借阅", []),
    ("zh", "title", "中秋礼盒团购，10盒起订享8.5折", []),
    ("zh", "description", "本周点赞最多的新品将成为下季常驻款，谢谢大家投票", ["likes_collection"]),
    ("zh", "description", "转发到朋友圈，凭截图到收银台领取小礼品一份", ["share_for_reward"]),
    ("zh", "share_text", "朋友圈转发本图文，即送酸梅汤一杯", ["share_for_reward"]),
    ("zh", "description", "分享给好友，好友下单你得5元红包", ["invite_to_unlock"]),
    ("zh", "description", "集满15个赞，洗剪吹免费", ["likes_collection"]),
    ("zh", "landing_text", "转发后才能看到今日秘制菜单", ["share_to_unlock"]),
    ("zh", "description", "邀请5个好友砍价，最低0元得会员年卡", ["invite_to_unlock"]),
    ("zh", "share_text", "看完马上转发，不转就没有好运了", ["coercive_plea"]),
    ("zh", "description", "转发越多，抽奖次数越多", ["reward_grows_with_shares"]),
    ("zh", "share_text", "请帮忙转发到8个群，非常感谢", ["share_quota"]),
    ("zh", "description", "分享至朋友圈并截图，可抵扣10元", ["share_for_reward"]),
    ("zh", "description", "轉發朋友圈，即可獲得精美禮品一份", ["share_for_reward"]),
    ("zh", "description", "转 发 到 盆 友 圈 ， 送 咖 啡", ["share_for_reward"]),
    ("zh", "description", "朋友圈集z 10个，甜品免费送", ["likes_collection"]),
    ("zh", "share_text", "紧急！！速速扩散！！", ["coercive_plea"]),
    ("zh", "description", "发pyq配图三张，进店打九折", ["share_for_reward"]),
    ("zh", "description", "晒单发朋友圈，返现15元", ["share_for_reward"]),
    ("en", "description", "Autumn tasting menu, 5 courses for 288 yuan.", []),
    ("en", "share_text", "Enjoyed your visit? We'd love it if you told a friend.", []),
    ("en", "description", "Members save 10% on every order, online and in store.", []),
    ("en", "description", "Book a table for four and get a free appetizer.", []),
    (
        "en",
        "description",
        "Share a photo of your latte art on Moments and get 5 yuan off your next order.",
        ["share_for_reward"],
    ),
    ("en", "description", "Repost this and tag 3 friends to win a hamper!", ["share_for_reward"]),
    ("en", "description", "Reach 40 likes on your post and the cake is free.", ["likes_collection"]),
    (
        "en",
        "landing_text",
        "Share this with a friend to reveal today's mystery discount.",
        ["share_to_unlock"],
    ),
    (
        "en",
        "description",
        "Each friend you invite adds 2 yuan to your voucher.",
        ["reward_grows_with_shares"],
    ),
    ("en", "description", "Invite two friends to help and unlock the free gift.", ["invite_to_unlock"]),
    ("en", "share_text", "Forward this to 10 people or bad luck will follow you.", ["coercive_plea"]),
]


# Written after the fixes that followed the `fresh` measurement; measured once, not tuned on.
FRESH2 = [
    ("zh", "description", "火锅节开幕，锅底全部半价，酒水买十送二", []),
    ("zh", "share_text", "和家人一起分享这份团圆的味道", []),
    ("zh", "description", "新开业的花店，欢迎大家转告亲朋好友来逛逛", []),
    ("zh", "landing_text", "到店消费满300元，可参加一次幸运转盘抽奖", []),
    ("zh", "description", "美甲新款上线，首次到店体验价68元", []),
    ("zh", "description", "本月生日的会员凭身份证到店领取生日礼", []),
    ("zh", "description", "秋季护肤讲座，美容顾问分享换季保湿技巧，报名即送小样", []),
    ("zh", "share_text", "好喝到想发朋友圈！", []),
    ("zh", "description", "把活动链接转发到3个群并截图，即可领取咖啡券", ["share_for_reward"]),
    ("zh", "description", "朋友圈发布指定文案+九宫格图片，保留一天，到店换取小蛋糕", ["share_for_reward"]),
    ("zh", "share_text", "分享本店到抖音或小红书，凭链接享受8折", ["share_for_reward"]),
    ("zh", "description", "点赞满88个，即可获得价值88元代金券", ["likes_collection"]),
    ("zh", "description", "邀请闺蜜助力3次，免费做一次美甲", ["invite_to_unlock"]),
    ("zh", "landing_text", "转发给5位好友后，才能领取抽奖机会", ["share_to_unlock"]),
    ("zh", "share_text", "不转发这条的人，今年都会倒大霉", ["coercive_plea"]),
    ("zh", "description", "每多分享一个群，多减2元，最多减20元", ["reward_grows_with_shares"]),
    ("zh", "description", "朋友圈晒出你的新发型，理发费直接打8折", ["share_for_reward"]),
    ("zh", "description", "轉發到三個群，送飲品一杯", ["share_for_reward"]),
    ("zh", "description", "转/发/朋/友/圈/免/费/领/取/面/膜", ["share_for_reward"]),
    ("en", "description", "Grand opening: all noodles half price this Friday.", []),
    ("en", "share_text", "Share your favourite dish with us in the comments!", []),
    ("en", "description", "Get a free drink with any set meal before 11am.", []),
    (
        "en",
        "description",
        "Post a story about us on WeChat Moments and take 15% off your bill.",
        ["share_for_reward"],
    ),
    (
        "en",
        "description",
        "Forward this page to two group chats to claim your voucher.",
        ["share_for_reward"],
    ),
    ("en", "description", "Get 100 likes on your photo and win a spa day.", ["likes_collection"]),
    ("en", "landing_text", "Only after you share it will the coupon code appear.", ["share_to_unlock"]),
    ("en", "description", "Invite 4 friends to join and unlock 50% off.", ["invite_to_unlock"]),
    ("en", "share_text", "Pass this on or face bad luck for a year.", ["coercive_plea"]),
]


def _spaces(text: str) -> str:
    return " ".join(text)


def _emoji(text: str) -> str:
    marks = "🔥✨🎉💯👉"
    return "".join(ch + (marks[i % len(marks)] if i % 2 == 0 else "") for i, ch in enumerate(text))


def _dots(text: str) -> str:
    return "·".join(text[:8]) + text[8:]


def _fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


_S2T = {
    "转": "轉",
    "发": "發",
    "赞": "讚",
    "领": "領",
    "优": "優",
    "惠": "惠",
    "给": "給",
    "个": "個",
    "满": "滿",
    "赠": "贈",
    "礼": "禮",
    "请": "請",
    "帮": "幫",
    "扩": "擴",
    "运": "運",
    "国": "國",
    "费": "費",
    "单": "單",
    "锁": "鎖",
    "开": "開",
    "红": "紅",
    "点": "點",
    "数": "數",
    "后": "後",
    "凭": "憑",
    "图": "圖",
    "换": "換",
    "现": "現",
    "时": "時",
    "动": "動",
    "态": "態",
    "间": "間",
    "钱": "錢",
    "这": "這",
    "们": "們",
    "来": "來",
    "为": "為",
    "会": "會",
    "无": "無",
    "让": "讓",
    "过": "過",
    "还": "還",
    "没": "沒",
    "获": "獲",
    "赢": "贏",
    "奖": "獎",
    "励": "勵",
    "试": "試",
    "邀": "邀",
    "亲": "親",
    "饮": "飲",
    "杯": "杯",
    "元": "元",
    "减": "減",
    "积": "積",
    "张": "張",
}


def _traditional(text: str) -> str:
    return "".join(_S2T.get(c, c) for c in text)


ZH_TRANSFORMS = [("spaces", _spaces), ("emoji", _emoji), ("dots", _dots), ("traditional", _traditional)]
EN_TRANSFORMS = [
    ("fullwidth", _fullwidth),
    ("spaces", lambda t: t.replace(" ", "  ")),
    ("emoji", lambda t: t.replace(" ", " 🔥 ")),
]


def build() -> list[dict]:
    records: list[dict] = []

    def add(kind, lang, field, text, rules, base, mechanics=None):
        severity = "allow"
        if rules:
            severity = "block" if set(rules) & BLOCK_RULES else "review"
        rec = {"id": f"{lang}-{len(records) + 1:03d}", field: text}
        if mechanics is not None:
            rec["mechanics"] = mechanics
        rec.update(
            {
                "expected": severity,
                "rules": sorted(rules),
                "lang": lang,
                "kind": kind,
                "split": "holdout" if base % 4 == 3 else "dev",
            }
        )
        records.append(rec)

    base = 0
    for lang, rows in (("zh", ZH_ALLOWED), ("en", EN_ALLOWED)):
        transforms = ZH_TRANSFORMS if lang == "zh" else EN_TRANSFORMS
        for i, (field, text, rules) in enumerate(rows):
            add("plain", lang, field, text, rules, base)
            if i % 3 == 0:  # normalisation must not turn ordinary copy into a violation
                name, fn = transforms[(i // 3) % len(transforms)]
                add(f"obfuscated:{name}", lang, field, fn(text), rules, base)
            base += 1
    for lang, rows, transforms in (("zh", ZH_BANNED, ZH_TRANSFORMS), ("en", EN_BANNED, EN_TRANSFORMS)):
        for i, (field, text, rules) in enumerate(rows):
            add("plain", lang, field, text, rules, base)
            name, fn = transforms[i % len(transforms)]
            add(f"obfuscated:{name}", lang, field, fn(text), rules, base)
            base += 1
    for lang, rows in (("zh", ZH_EVASIONS), ("en", EN_EVASIONS)):
        for field, text, rules in rows:
            add("obfuscated:handwritten", lang, field, text, rules, base)
            base += 1
    for split, rows in (("fresh", FRESH), ("fresh2", FRESH2)):
        for lang, field, text, rules in rows:
            add("plain", lang, field, text, rules, base)
            records[-1]["split"] = split
            base += 1
    for field, text, mechanics, rules in MECHANICS_CASES:
        add(
            "mechanics",
            "zh" if any("\u4e00" <= c <= "\u9fff" for c in text) else "en",
            field,
            text,
            rules,
            base,
            mechanics,
        )
        base += 1
    return records


if __name__ == "__main__":
    out = Path(__file__).with_name("sharing_eval.jsonl")
    rows = build()
    out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    print(f"wrote {len(rows)} records to {out}")
