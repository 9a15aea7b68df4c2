"""The dashboard charts on real activity: orders by channel, bound online sales by store and
staff, new bindings, the coupon funnel and rebates — built through the apps' own services."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from attribution import settlement
from attribution.services import touch
from coupons import services as coupons
from shops.models import Membership
from tests import factories
from tests.attribution.factories import paid_order, refund
from tests.coupons.factories import DefinitionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def activity(brand):
    """Two customers bound to 小陈 at 静安寺店 and one to 徐家汇店; online and counter sales;
    coupons claimed and redeemed online and in store; rebates accrued."""
    now = timezone.now()
    merchant = brand.merchant
    chen = Membership.objects.get(user=brand.staff)
    chen.display_name = "小陈"
    chen.save()
    liu = Membership.objects.get(user=brand.staff2)
    a, b, c = (factories.CustomerFactory(merchant=merchant) for _ in range(3))
    earlier = now - dt.timedelta(days=3)
    touch(merchant=merchant, customer=a, store=brand.jingan, staff=chen, source="scan", occurred_at=earlier)
    touch(merchant=merchant, customer=b, store=brand.jingan, staff=chen, source="scan", occurred_at=earlier)
    touch(merchant=merchant, customer=c, store=brand.xuhui, staff=liu, source="scan", occurred_at=earlier)
    day = now - dt.timedelta(days=2)
    paid_order(merchant, a, lines=[(None, 10000, 1)], paid_at=day)  # ¥100 online, bound to 静安
    second = paid_order(merchant, b, lines=[(None, 5000, 2)], paid_at=day)  # ¥100, half refunded
    refund(second, 5000, day + dt.timedelta(hours=1))
    paid_order(merchant, c, lines=[(None, 3000, 1)], paid_at=day)  # ¥30 bound to 徐家汇
    paid_order(
        merchant, None, lines=[(None, 2000, 1)], paid_at=day, channel="face_to_face", store=brand.jingan
    )
    definition = DefinitionFactory(merchant=merchant, per_customer_limit=1)
    for customer in (a, b, c):
        coupons.claim_coupon(definition=definition, customer=customer)
    first = definition.coupons.filter(customer=a).get()
    coupons.redeem_at_counter(merchant=merchant, code=first.code, store=brand.jingan, staff=chen)
    settlement.accrue(merchant=merchant, now=now)
    return brand


def _charts(client, user, **params):
    client.force_login(user)
    response = client.get(reverse("portal-dashboard"), params)
    assert response.status_code == 200
    return response, {c["id"]: c for c in response.context["charts"]}


def test_owner_charts_show_the_activity(client, activity):
    response, charts = _charts(client, activity.owner, period="7d")
    assert all(c["available"] for c in charts.values())
    # Net of the ¥50 refund: 静安 ¥100 + ¥50, 徐家汇 ¥30.
    assert charts["bound-sales-store"]["rows"] == [("静安寺店", "¥150.00"), ("徐家汇店", "¥30.00")]
    assert charts["bound-sales-staff"]["rows"][0] == ("小陈", "¥150.00")
    channel_rows = dict(charts["sales-channel"]["rows"])
    assert channel_rows == {"线上": "¥230.00", "面对面": "¥20.00"}
    assert dict(charts["bindings-store"]["rows"]) == {"静安寺店": 2, "徐家汇店": 1}
    funnel = [value for _label, value in charts["coupon-funnel"]["rows"]]
    assert funnel == [3, 0, 1]
    rebates = dict(charts["rebates"]["rows"])
    assert rebates["已计提"] != "¥0.00"
    html = response.content.decode()
    for cid in charts:
        assert f'id="chart-{cid}"' in html


def test_store_filter_applies_to_every_chart(client, activity):
    _response, charts = _charts(client, activity.owner, period="7d", store=activity.xuhui.pk)
    assert charts["bound-sales-store"]["rows"] == [("徐家汇店", "¥30.00")]
    assert dict(charts["bindings-store"]["rows"]) == {"徐家汇店": 1}
    assert "面对面" not in dict(charts["sales-channel"]["rows"])


def test_staff_see_their_bound_customers_rebates_and_redemptions(client, activity):
    client.force_login(activity.staff)
    mine = client.get(reverse("portal-dashboard")).context["mine"]
    assert mine["bound_customers"] == 2
    assert mine["redemptions_this_month"] == 1
    assert mine["rebates_this_month"] > 0
    # "All my customers" opens the back office's binding list filtered to them.
    html = client.get(reverse("portal-dashboard")).content.decode()
    chen = Membership.objects.get(user=activity.staff)
    link = f"/backoffice/attribution/binding/?staff__id__exact={chen.pk}&status__exact=active"
    assert link.replace("&", "&amp;") in html
    listing = client.get(link)
    assert listing.status_code == 200 and listing.context["cl"].result_count == 2


def test_each_chart_is_one_query_whatever_the_volume(client, activity, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    client.force_login(activity.owner)
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("portal-dashboard"), {"period": "90d"})
    from django.core.cache import cache

    cache.clear()
    merchant = activity.merchant
    for _ in range(15):
        customer = factories.CustomerFactory(merchant=merchant)
        touch(merchant=merchant, customer=customer, store=activity.xuhui, source="scan")
        paid_order(merchant, customer, lines=[(None, 1000, 1)], paid_at=timezone.now())
    with CaptureQueriesContext(connection) as large:
        client.get(reverse("portal-dashboard"), {"period": "90d"})
    assert len(large.captured_queries) == len(small.captured_queries)
    # session, user, membership, stores + 7 charts (rebates reads ledger and statements: 2)
    assert len(large.captured_queries) <= 4 + 8
