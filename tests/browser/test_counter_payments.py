"""The counter sees a face-to-face payment arrive: a shopper scans the store's pay code on their
phone, types the amount on the keypad and pays; the staff member's open counter page shows it
within one refresh, without reloading."""

from shops import entry_points
from tests import factories
from tests.browser.conftest import screenshot, sign_in


def test_a_face_to_face_payment_appears_on_the_open_counter(live_server, new_page, transactional_db):
    merchant = factories.MerchantFactory(name="茶语", slug="chayu")
    store = factories.StoreFactory(merchant=merchant, name="静安寺店")
    staff_user = factories.member(merchant, "staff", stores=[store])
    pay_code = entry_points.ensure_store_entry_points(store=store, kinds=("pay",))[0]

    counter = new_page(phone=True)
    sign_in(counter, live_server, staff_user.email, next_url="/counter/")
    feed = counter.locator("#payments-feed")
    feed.locator("p.muted").wait_for()  # first refresh done: nothing yet today
    assert "¥58.80" not in feed.inner_text()

    shopper = new_page(phone=True)
    shopper.goto(f"{live_server.url}/s/{pay_code.token}")
    for key in "58.8":
        shopper.click(f".keypad button[data-key='{key}']")
    shopper.click("#f2f-form button[type=submit]")
    shopper.wait_for_url("**/pay/cashier/**")
    shopper.click("form button[type=submit]")
    shopper.wait_for_url("**/order/**")

    feed.locator("text=¥58.80").first.wait_for(timeout=12_000)  # the feed polls every 5 s
    assert counter.url.endswith("/counter/")
    screenshot(counter, "counter_payment_arrived")
