"""Journey 3: a store manager signs in, prints the store's poster (a PDF downloads), opens this
month's rebate statement and exports its lines as CSV."""

import datetime as dt

from django.utils import timezone

from attribution import settlement
from attribution.services import touch
from shops import entry_points
from tests import factories
from tests.attribution.factories import paid_order
from tests.browser.conftest import screenshot, sign_in


def test_print_the_store_poster_then_export_the_months_statement(live_server, page, transactional_db):
    merchant = factories.MerchantFactory(name="茶语", slug="chayu")
    store = factories.StoreFactory(merchant=merchant, name="静安寺店")
    manager = factories.member(merchant, "manager", stores=[store])
    staff_user = factories.member(merchant, "staff", stores=[store])
    staff = merchant.memberships.get(user=staff_user)
    store_code = entry_points.ensure_store_entry_points(store=store)[0]
    # A customer bound to the store bought online a minute ago; the rebate run has accrued it.
    now = timezone.now()
    customer = factories.CustomerFactory(merchant=merchant)
    touch(merchant=merchant, customer=customer, store=store, staff=staff, source="scan")
    order = paid_order(merchant, customer, lines=[(None, 20000, 1)], paid_at=now - dt.timedelta(minutes=1))
    settlement.accrue(merchant=merchant, now=now)
    assert settlement.refresh_drafts(merchant=merchant, now=now) >= 1

    sign_in(page, live_server, manager.email)
    page.click(".quick-links a[href='/print/']")
    link = page.locator(f"a[href*='/entrypoint/{store_code.pk}/poster/a4.pdf/']")
    with page.expect_download() as download_info:
        link.click()
    pdf = download_info.value
    assert pdf.suggested_filename.endswith(".pdf")
    with open(pdf.path(), "rb") as fh:
        assert fh.read(5) == b"%PDF-"

    page.goto(live_server.url + "/dashboard/")
    page.click(".quick-links a[href*='rebatestatement']")
    page.locator("#result_list a[href*='/rebatestatement/']").first.click()
    page.wait_for_load_state()
    assert order.number in page.locator("body").inner_text()
    with page.expect_download() as download_info:
        page.click("a[href$='/csv/']")
    csv_file = download_info.value
    assert csv_file.suggested_filename.endswith(".csv")
    with open(csv_file.path(), encoding="utf-8-sig") as fh:
        text = fh.read()
    assert order.number in text
    screenshot(page, "journey3_manager_statement")
