"""Journey 1: a shopper scans a staff member's code, buys online and pays in the sandbox; the
order shows as paid and is credited to the store and staff member whose code was scanned."""

from orders.models import Order
from shops import entry_points
from tests import factories
from tests.browser.conftest import screenshot


def test_scan_buy_pay_and_see_the_order_paid(live_server, phone_page, transactional_db):
    merchant = factories.MerchantFactory(name="茶语", slug="chayu")
    store = factories.StoreFactory(merchant=merchant, name="静安寺店")
    listing = factories.ListingFactory(merchant=merchant, variant__product__title="大红袍", price_fen=12800)
    staff_user = factories.member(merchant, "staff", stores=[store])
    staff = merchant.memberships.get(user=staff_user)
    code = entry_points.staff_entry_point(membership=staff)
    page = phone_page

    page.goto(f"{live_server.url}/s/{code.token}")  # what the phone's camera opens
    assert "/shop/chayu/" in page.url
    page.click(f"a[href$='/p/{listing.variant.product_id}/']")
    page.click("form.add-to-cart button[type=submit]")
    page.wait_for_load_state()
    page.click("a[href$='/cart/']")
    page.click("a[href$='/checkout/']")

    page.fill("input[name=contact_name]", "王小明")
    page.fill("input[name=contact_mobile]", "13800138000")
    page.check("input[name=fulfilment][value=pickup]")
    page.click("form.card button[type=submit]")
    page.wait_for_url("**/pay/cashier/**")
    assert "¥128.00" in page.locator("body").inner_text()
    page.click("form button[type=submit]")  # confirm in the sandbox cashier
    page.wait_for_url("**/order/**")

    order = Order.objects.get(merchant=merchant)
    assert order.status == "paid" and order.total_fen == 12800 and order.store == store
    assert page.locator(".order-status.status-paid").is_visible()
    assert "已支付" in page.locator(".order-status").inner_text()
    attribution = order.attribution
    assert (attribution.store, attribution.staff) == (store, staff)
    screenshot(page, "journey1_shopper_paid")
