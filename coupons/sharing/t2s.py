"""Traditional → Simplified characters, one to one, for the characters the rulebook reads.

A character table, not a phrase converter (OpenCC): the checker must map every normalised
character back to exactly one character of the merchant's text, so that the highlighted
span points at what they typed. Only characters that occur in the lexicons of
`coupons.sharing.lexicon` (and common neighbours) need to be here; a test checks that the
traditional spelling of every banned example in the default rulebook is still caught.
"""

_PAIRS = (
    "轉转 發发 髮发 讚赞 贊赞 攢攒 積积 獎奖 領领 優优 給给 個个 條条 連连 續续 滿满 贈赠 禮礼 請请 幫帮 "
    "擴扩 運运 楣霉 黴霉 國国 費费 單单 鎖锁 開开 紅红 點点 擊击 數数 達达 夠够 後后 憑凭 圖图 兌兑 換换 "
    "現现 時时 傳传 動动 態态 說说 間间 號号 錢钱 裡里 這这 們们 來来 為为 會会 無无 讓让 與与 對对 "
    "過过 還还 沒没 愛爱 讀读 閱阅 題题 機机 獲获 贏赢 將将 勵励 試试 禍祸 災灾 難难 詛诅 報报 應应 "
    "門门 瘋疯 湊凑 擁拥 關关 註注 隨随 額额 價价 錯错 見见 處处 絕绝 廣广 訊讯 軟软 體体 聯联 絡络 "
    "寫写 頭头 親亲 鄉乡 證证 邊边 聽听 殺杀 長长 輩辈 團团 務务 業业 產产 實实 際际 從从 顯显 "
    "贊赞 羣群 帳账 戶户 級级 層层 階阶 梯梯 減减 扣扣 歡欢 迎迎 謝谢 識识 鏈链 網网 頁页 碼码 掃扫 "
    "標标 籤签 結结 舉举 辦办 參参 與与 員员 區区 線线 選选 擇择 緊紧 急急 速速 悔悔 輩辈 遭遭 殃殃 "
    "災灾 財财 壽寿 福福 氣气 錦锦 鯉鲤 轉转 啓启 啟启 鎮镇 獨独 剩剩 餘余 隱隐 藏藏 內内 總总 "
    "飲饮 務务 館馆 飯饭 麵面 糧粮 餐餐 茶茶 點点 鍋锅 燒烧 烤烤 雞鸡 魚鱼 蝦虾 湯汤 熱热 涼凉 "
    "衛卫 齊齐 幾几 兩两 萬万 億亿 張张 雙双 雜杂 劵券 卷卷 貝贝 買买 賣卖 貨货 購购 贈赠 賞赏 獻献 "
    "豐丰 紀纪 銷销 縣县 義义 電电 話话 訂订 預预 約约 節节 慶庆 週周 劃划 溫温 馨馨 議议 責责 "
    "專专 屬属 權权 驗验 確确 認认 據据 則则 約约 規规 範范 違违 禁禁 嚴严 厲厉 勸劝 誘诱 導导 "
    "評评 論论 觀观 眾众 轟轰 猛猛 嚇吓 罵骂 詐诈 騙骗 壞坏 惡恶 運运 氣气 樂乐 歲岁 傷伤 "
    "掛挂 閨闺 蜜蜜 戲戏 遊游 鐘钟 鐵铁 車车 陽阳 陰阴 風风 雲云 門门 問问 答答 聞闻 職职 "
    "圏圈 並并 個个 麼么 嗎吗 們们 裏里 準准 備备 處处 況况 將将 現现 場场 紙纸 衝冲 贏赢 搶抢 "
)

T2S: dict[str, str] = {}
for _pair in _PAIRS.split():
    if len(_pair) == 2 and _pair[0] != _pair[1]:
        T2S[_pair[0]] = _pair[1]
