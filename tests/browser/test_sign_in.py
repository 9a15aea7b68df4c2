"""The harness itself: a member signs in through the real form and lands on their home page."""

from tests.browser.conftest import screenshot, sign_in
from tests.factories import MerchantFactory, StoreFactory, member


def test_member_signs_in_and_lands_in_the_portal(live_server, page):
    merchant = MerchantFactory(name="茶语")
    store = StoreFactory(merchant=merchant)
    user = member(merchant, "manager", stores=[store])

    sign_in(page, live_server, user.email)

    assert "/accounts/login" not in page.url
    assert page.locator("body").inner_text()
    screenshot(page, "sign_in")
