"""Coupons through the API: definitions (model rules apply), issue (limits, idempotent), redeem
once, campaigns published through the sharing check."""

import pytest

from coupons.models import Campaign, Coupon, Redemption
from tests import factories
from tests.coupons.factories import CampaignFactory, DefinitionFactory

pytestmark = pytest.mark.django_db


def test_definition_rules_are_field_errors(api, merchant):
    store = factories.StoreFactory(merchant=merchant)
    body = {
        "name": "¥10 off ¥50",
        "kind": "amount_off",
        "amount_fen": 1000,
        "min_spend_fen": 500,  # less than the amount: the model refuses it
        "channel": "in_store",
        "stores": [store.pk],
        "validity": "after_claim",
        "valid_days": 30,
    }
    response = api.post("/api/v1/coupon-definitions/", body, format="json")
    assert response.status_code == 400, response.content
    body["min_spend_fen"] = 5000
    response = api.post("/api/v1/coupon-definitions/", body, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["stores"] == [store.pk]
    foreign_store = factories.StoreFactory()
    response = api.patch(
        f"/api/v1/coupon-definitions/{response.json()['id']}/", {"stores": [foreign_store.pk]}, format="json"
    )
    assert response.status_code == 400 and "stores" in response.json()["error"]["fields"]


def test_issue_is_idempotent_and_limited(api, merchant):
    definition = DefinitionFactory(merchant=merchant, per_customer_limit=1)
    customer = factories.CustomerFactory(merchant=merchant)
    body = {"definition": definition.pk, "customer": customer.pk}
    first = api.post("/api/v1/coupons/", body, format="json", HTTP_IDEMPOTENCY_KEY="issue-1")
    assert first.status_code == 201, first.content
    again = api.post("/api/v1/coupons/", body, format="json", HTTP_IDEMPOTENCY_KEY="issue-1")
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    over = api.post("/api/v1/coupons/", body, format="json", HTTP_IDEMPOTENCY_KEY="issue-2")
    assert over.status_code == 400  # per-customer limit, the service's message
    assert Coupon.objects.filter(customer=customer).count() == 1


def test_redeem_once(api, merchant):
    store = factories.StoreFactory(merchant=merchant)
    definition = DefinitionFactory(merchant=merchant)
    customer = factories.CustomerFactory(merchant=merchant)
    issued = api.post(
        "/api/v1/coupons/",
        {"definition": definition.pk, "customer": customer.pk},
        format="json",
        HTTP_IDEMPOTENCY_KEY="i",
    ).json()
    body = {"code": issued["code"], "store": store.pk, "bill_fen": 8000}
    first = api.post("/api/v1/coupons/redeem/", body, format="json", HTTP_IDEMPOTENCY_KEY="r1")
    assert first.status_code == 201, first.content
    second = api.post("/api/v1/coupons/redeem/", body, format="json", HTTP_IDEMPOTENCY_KEY="r2")
    assert second.status_code == 400
    assert Redemption.objects.filter(coupon_id=issued["id"]).count() == 1
    assert api.get("/api/v1/redemptions/", {"coupon": issued["id"]}).json()["results"][0]["store"] == store.pk


def test_campaign_create_and_publish(api, merchant):
    response = api.post(
        "/api/v1/campaigns/", {"title": "Spring tea", "landing_text": "Come and taste"}, format="json"
    )
    assert response.status_code == 201, response.content
    campaign = response.json()
    assert campaign["status"] == "draft" and campaign["landing_url"]
    published = api.post(f"/api/v1/campaigns/{campaign['id']}/publish/")
    assert published.status_code == 200
    assert published.json()["status"] in ("published", "in_review")
    blocked = api.post(
        "/api/v1/campaigns/",
        {
            "title": "Share to win",
            "share_text": "转发朋友圈集满30个赞即可领取",
            "mechanics": ["likes_collection"],
        },
        format="json",
    ).json()
    result = api.post(f"/api/v1/campaigns/{blocked['id']}/publish/").json()
    assert result["status"] != "published"
    assert Campaign.objects.get(pk=blocked["id"]).status != "published"


def test_foreign_campaign_cannot_be_published(api):
    other = CampaignFactory(status="draft")
    assert api.post(f"/api/v1/campaigns/{other.pk}/publish/").status_code == 404
