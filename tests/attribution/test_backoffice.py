"""Back office: statements with traceable lines and CSV, staff see their own, disputes answered by
the brand, bindings passed on when a staff member leaves, the customer's binding history."""

import csv
import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from attribution.models import Binding, RebateDispute, RebateLedgerLine, RebatePolicy, RebateStatement
from attribution.services import touch
from attribution.settlement import accrue, close_period
from tests import factories
from tests.attribution.factories import paid_order, staff_member

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
SEPT = datetime(2026, 9, 1, tzinfo=SH)
NOW = datetime(2026, 10, 10, tzinfo=SH)


@pytest.fixture
def world():
    merchant = factories.MerchantFactory()
    store = factories.StoreFactory(merchant=merchant)
    alice, bob = staff_member(merchant, store), staff_member(merchant, store)
    RebatePolicy.objects.create(merchant=merchant, store_rate_bp=300, staff_rate_bp=100)
    orders = []
    for staff in (alice, bob):
        customer = factories.CustomerFactory(merchant=merchant)
        touch(merchant=merchant, customer=customer, store=store, staff=staff, source="scan", occurred_at=SEPT)
        orders.append(
            paid_order(merchant, customer, lines=[(None, 10000, 1)], paid_at=SEPT + timedelta(days=3))
        )
    accrue(merchant=merchant, now=NOW)
    close_period(merchant=merchant, period_start=SEPT, now=NOW)
    owner = factories.member(merchant, "owner")
    return {
        "merchant": merchant,
        "store": store,
        "alice": alice,
        "bob": bob,
        "orders": orders,
        "owner": owner,
    }


def _changelist(client, model):
    return client.get(reverse(f"backoffice:attribution_{model}_changelist"))


def test_staff_see_only_their_own_statements_and_lines(client, world):
    client.force_login(world["alice"].user)
    statements = list(_changelist(client, "rebatestatement").context["cl"].queryset)
    assert [s.staff for s in statements] == [world["alice"]]
    lines = list(_changelist(client, "rebateledgerline").context["cl"].queryset)
    assert {line.staff for line in lines} == {world["alice"]}
    bobs = RebateStatement.objects.get(staff=world["bob"])
    assert (
        client.get(reverse("backoffice:attribution_rebatestatement_csv", args=[bobs.pk])).status_code == 404
    )


def test_statement_page_and_csv_trace_every_line(client, world):
    client.force_login(world["owner"])
    statement = RebateStatement.objects.get(beneficiary="store")
    page = client.get(reverse("backoffice:attribution_rebatestatement_change", args=[statement.pk]))
    html = page.content.decode()
    assert world["orders"][0].number in html and world["orders"][1].number in html
    response = client.get(reverse("backoffice:attribution_rebatestatement_csv", args=[statement.pk]))
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert sorted(row["order"] for row in rows) == sorted(o.number for o in world["orders"])
    assert sum(int(row["amount_fen"]) for row in rows) == statement.total_fen == 600
    assert all(row["binding_event"] and row["rule"] for row in rows)


def test_a_dispute_is_raised_by_staff_and_answered_by_the_brand(client, world):
    line = RebateLedgerLine.objects.get(staff=world["alice"])
    client.force_login(world["alice"].user)
    add = reverse("backoffice:attribution_rebatedispute_add")
    assert client.post(add, {"line": line.pk, "comment": "Customer was mine before"}).status_code == 302
    dispute = RebateDispute.objects.get()
    assert dispute.raised_by == world["alice"].user and dispute.status == "open"
    # Bob cannot dispute Alice's line: it is not offered.
    client.force_login(world["bob"].user)
    assert client.post(add, {"line": line.pk, "comment": "mine"}).status_code == 200
    assert RebateDispute.objects.count() == 1
    client.force_login(world["owner"])
    change = reverse("backoffice:attribution_rebatedispute_change", args=[dispute.pk])
    assert client.post(change, {"answer": "Checked: the scan on 1 Sept is yours."}).status_code == 302
    dispute.refresh_from_db()
    assert dispute.status == "answered" and dispute.answered_by == world["owner"]


def test_a_manager_passes_a_leavers_customers_to_a_colleague(client, world):
    manager = factories.member(world["merchant"], "manager")
    client.force_login(manager)
    binding = Binding.objects.get(staff=world["alice"])
    url = reverse("backoffice:attribution_binding_changelist")
    page = client.post(url, {"action": "pass_to_staff", "_selected_action": [binding.pk]})
    assert page.status_code == 200 and "to_staff" in page.content.decode()
    client.post(
        url,
        {
            "action": "pass_to_staff",
            "_selected_action": [binding.pk],
            "to_staff": world["bob"].pk,
            "apply": "1",
        },
    )
    binding.refresh_from_db()
    assert binding.staff == world["bob"]
    event = binding.events.get(kind="reassigned")
    assert event.actor == manager and event.from_staff == world["alice"]


def test_the_customers_record_says_who_brought_them(client, world):
    client.force_login(world["owner"])
    customer = world["orders"][0].customer
    html = client.get(reverse("backoffice:shops_customer_change", args=[customer.pk])).content.decode()
    assert world["store"].name in html and str(world["alice"]) in html


def test_ops_watch_rebate_runs_statements_and_bindings(client, world):
    from attribution.settlement import run_accrual

    run_accrual(merchant=world["merchant"], now=NOW)
    client.force_login(factories.UserFactory(is_staff=True, is_superuser=True))
    for model in ("rebaterun", "rebatestatement", "binding"):
        response = client.get(f"/ops/attribution/{model}/")
        assert response.status_code == 200, model
    client.force_login(world["owner"])
    page = client.get(reverse("backoffice:attribution_rebaterun_changelist")).content.decode()
    assert "3/3 (100%)" in page
