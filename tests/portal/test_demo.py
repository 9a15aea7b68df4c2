"""`make run`'s demo data fills every dashboard chart with months of history, and seeding twice
changes nothing."""

import pytest
from django.db.models import Max, Min
from django.urls import reverse

from attribution.models import Binding, BindingEvent, RebateStatement, ScanEvent

pytestmark = pytest.mark.django_db


def test_demo_fills_the_dashboards_with_months_of_history(client):
    from shops.demo import seed

    seed()

    def counts():
        return [m.objects.count() for m in (ScanEvent, Binding, BindingEvent, RebateStatement)]

    before = counts()
    seed()
    assert counts() == before
    assert set(RebateStatement.objects.values_list("status", flat=True)) == {"draft", "final", "paid"}
    span = ScanEvent.objects.aggregate(first=Min("created_at"), last=Max("created_at"))
    assert (span["last"] - span["first"]).days > 45

    client.login(username="owner@chayu.demo", password="midpage-demo")
    charts = client.get(reverse("portal-dashboard"), {"period": "90d"}).context["charts"]
    empty = [c["id"] for c in charts if not c["available"] or "此期间暂无数据" in str(c["svg"])]
    assert empty == []
    rebates = dict(next(c for c in charts if c["id"] == "rebates")["rows"])
    assert rebates["已发放"] != "¥0.00"  # closed months were finalized and paid out
    client.login(username="staff@chayu.demo", password="midpage-demo")
    mine = client.get(reverse("portal-dashboard"), {"period": "90d"}).context["mine"]
    assert mine["customers_reached"] > 0 and mine["bound_customers"] > 0
