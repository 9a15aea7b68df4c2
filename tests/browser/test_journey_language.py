"""Journey 4: a merchant owner works in English, a shopper shops in Chinese, and neither sees a
string in the other language.

"Untranslated" is checked against the catalogue itself: no English source string of several
words (a msgid that has a Chinese translation) may appear on a Chinese page, and an English
page (with English data) shows no Chinese character at all.
"""

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings

from shops import entry_points
from tests import factories
from tests.browser.conftest import screenshot, sign_in

ZH_PO = Path(settings.BASE_DIR) / "config" / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
CJK = re.compile(r"[\u4e00-\u9fff]")


def english_source_strings() -> list[str]:
    """Multi-word English strings the UI would show if a translation were missing."""
    strings = []
    for entry in polib.pofile(str(ZH_PO)):
        text = re.sub(r"%\(\w+\)[sd]|<[^>]+>|%[sd]", "\0", entry.msgid)
        for part in text.split("\0"):
            part = part.strip(" .,:;…?!()“”\"'")
            if part.count(" ") >= 1 and len(part) >= 8 and entry.msgstr:
                strings.append(part)
    return strings


@pytest.fixture
def shop(transactional_db):
    merchant = factories.MerchantFactory(name="Chayu Tea", slug="chayu")
    store = factories.StoreFactory(merchant=merchant, name="Jing'an", address="1788 West Nanjing Road")
    online = factories.ListingFactory(merchant=merchant, variant__product__title="Longjing", price_fen=16800)
    factories.ListingFactory(merchant=merchant, variant=online.variant, store=store, price_fen=15800)
    factories.ListingFactory(
        merchant=merchant, variant__product__title="Jasmine", store=store, price_fen=8800, is_exclusive=True
    )
    owner = factories.member(merchant, "owner", email="owner@chayu.test")
    staff = factories.member(merchant, "staff", stores=[store], email="staff@chayu.test")
    return merchant, store, owner, staff


def test_owner_in_english_sees_no_chinese(live_server, page, shop):
    merchant, store, owner, staff = shop
    sign_in(page, live_server, owner.email)
    with page.expect_navigation():
        page.select_option("#lang-select", "en")  # the switch submits itself
    for path in ("/dashboard/", "/counter/", "/print/"):
        page.goto(live_server.url + path)
        text = page.locator("body").inner_text()
        assert not CJK.findall(text.replace("简体中文", "")), (path, CJK.findall(text))
        assert "Dashboard" in text
    screenshot(page, "journey4_owner_english")


def test_shopper_in_chinese_sees_no_english_ui(live_server, new_page, shop):
    merchant, store, owner, staff = shop
    code = entry_points.staff_entry_point(membership=merchant.memberships.get(user=staff))
    page = new_page(locale="zh-CN", phone=True)
    page.goto(f"{live_server.url}/s/{code.token}")
    assert "/shop/chayu/" in page.url
    text = page.locator("body").inner_text()
    assert "本店专享" in text and "线上购买" in text
    sources = english_source_strings()
    assert [s for s in sources if s in text] == []
    # Product, cart and checkout too.
    page.click("a[href*='/p/']:has-text('Longjing')")
    page.click("form.add-to-cart button[type=submit]")
    page.wait_for_load_state()
    for path, expected in (("/shop/chayu/cart/", "您的购物车"), ("/shop/chayu/checkout/", "提交订单并付款")):
        page.goto(live_server.url + path)
        text = page.locator("body").inner_text()
        assert expected in text, path
        assert [s for s in sources if s in text] == [], path
    screenshot(page, "journey4_shopper_chinese")
