"""Each role's home page in a real browser, screenshotted for review (tests/artifacts/)."""

import pytest

from tests.browser.conftest import screenshot, sign_in
from tests.portal.conftest import Brand


@pytest.fixture
def brand(transactional_db):
    return Brand()


def test_owner_lands_on_the_brand_dashboard(live_server, page, brand):
    brand.scans(brand.staff_code(brand.staff), 3)
    sign_in(page, live_server, brand.owner.email)
    assert page.url.endswith("/dashboard/")
    assert page.locator("#chart-scans-store svg").is_visible()
    page.select_option("#f-store", str(brand.xuhui.pk))
    page.click("#filters button[type=submit]")
    page.wait_for_load_state()
    assert f"store={brand.xuhui.pk}" in page.url
    screenshot(page, "home_owner")


def test_staff_lands_on_their_own_page_with_their_code(live_server, new_page, brand):
    page = new_page(phone=True)
    sign_in(page, live_server, brand.staff.email)
    assert page.url.endswith("/dashboard/")
    code = brand.staff_code(brand.staff)
    assert page.locator(f"a[href$='{code.token}']").is_visible()
    assert page.locator("#chart-scans-store").count() == 0
    screenshot(page, "home_staff")


def test_counter_shows_the_pay_code_full_screen_on_a_phone(live_server, new_page, brand):
    page = new_page(phone=True)
    sign_in(page, live_server, brand.staff.email, next_url="/counter/")
    assert page.url.endswith("/counter/")
    assert page.locator("#pay-code-panel").is_hidden()
    page.click("#pay-code-show")
    assert page.locator("#pay-code-panel svg").is_visible()
    screenshot(page, "counter_pay_code")
    page.keyboard.press("Escape")
    assert page.locator("#pay-code-panel").is_hidden()
