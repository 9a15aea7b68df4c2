"""Journey 2: a staff member signs in on a phone, redeems a shopper's coupon at the counter,
and the redemption shows on their dashboard (and in the brand's coupon funnel)."""

from coupons import services as coupons
from coupons.models import Redemption
from tests import factories
from tests.browser.conftest import screenshot, sign_in
from tests.coupons.factories import DefinitionFactory


def test_staff_redeem_a_coupon_and_see_it_on_their_dashboard(live_server, new_page, transactional_db):
    merchant = factories.MerchantFactory(name="茶语", slug="chayu")
    store = factories.StoreFactory(merchant=merchant, name="静安寺店")
    staff_user = factories.member(merchant, "staff", stores=[store])
    owner = factories.member(merchant, "owner")
    definition = DefinitionFactory(
        merchant=merchant, name="到店立减 ¥10", kind="cash_voucher", amount_fen=1000, min_spend_fen=0
    )
    shopper = factories.CustomerFactory(merchant=merchant, name="王小明")
    coupon = coupons.claim_coupon(definition=definition, customer=shopper)

    page = new_page(phone=True)
    sign_in(page, live_server, staff_user.email, next_url="/counter/")
    assert page.url.endswith("/counter/")
    page.fill("#coupon-code", coupon.code.lower())  # typed, as a person would
    page.click("#redeem-form button[type=submit]")
    page.wait_for_url("**/counter/redeem/**")
    page.click("form[action$='/counter/redeem/'][method=post] button[type=submit]")
    page.wait_for_load_state()
    assert page.locator(".verdict.ok").is_visible()
    redemption = Redemption.objects.get(coupon=coupon)
    assert (redemption.store, redemption.staff.user) == (store, staff_user)

    page.click("header a[href='/dashboard/']")
    page.wait_for_url("**/dashboard/")
    mine = page.locator("#my-redemptions").inner_text()
    assert coupon.code in mine and "到店立减 ¥10" in mine
    screenshot(page, "journey2_staff_dashboard")

    owner_page = new_page()
    sign_in(owner_page, live_server, owner.email)
    funnel = owner_page.locator("#chart-coupon-funnel").inner_text()
    assert "门店核销 · 1 (100%)" in funnel
