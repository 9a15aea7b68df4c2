"""How to make one object of each back-office model for a given merchant and store.

The tenant walk uses this registry. Registering a new model on the back office without
adding a maker here makes the walk fail, so isolation is checked without anyone remembering.
"""

from collections.abc import Callable

from tests import factories

Maker = Callable[..., object]
MAKERS: dict[str, Maker] = {}


def maker(label: str):
    """Register fn(merchant, store) -> instance for the model `app_label.ModelName`."""

    def register(fn: Maker) -> Maker:
        MAKERS[label.lower()] = fn
        return fn

    return register


@maker("shops.Merchant")
def _merchant(merchant, store):
    return merchant


@maker("shops.Store")
def _store(merchant, store):
    return store


@maker("shops.Membership")
def _membership(merchant, store):
    return factories.MembershipFactory(merchant=merchant, role="staff", stores=[store])


@maker("shops.Invitation")
def _invitation(merchant, store):
    return factories.InvitationFactory(merchant=merchant, stores=[store])


@maker("shops.Customer")
def _customer(merchant, store):
    return factories.CustomerFactory(merchant=merchant)


@maker("shops.Category")
def _category(merchant, store):
    return factories.CategoryFactory(merchant=merchant)


@maker("shops.Product")
def _product(merchant, store):
    return factories.ProductFactory(merchant=merchant)


@maker("shops.Variant")
def _variant(merchant, store):
    return factories.VariantFactory(merchant=merchant)


@maker("shops.ChannelListing")
def _listing(merchant, store):
    return factories.ListingFactory(merchant=merchant, store=store)


@maker("shops.EntryPoint")
def _entry_point(merchant, store):
    return factories.EntryPointFactory(merchant=merchant, store=store)


@maker("shops.PosterBatch")
def _poster_batch(merchant, store):
    from shops.models import PosterBatch

    batch = PosterBatch.objects.create(merchant=merchant)
    batch.stores.set([store])
    return batch


# --- Open API (issue 8) --------------------------------------------------------------------


@maker("shops.ApiKey")
def _api_key(merchant, store):
    from shops.api_keys import create_api_key

    return create_api_key(merchant=merchant, name="walk key", scopes={"stores": "read"})[0]


@maker("shops.WebhookEndpoint")
def _webhook_endpoint(merchant, store):
    from shops.models_api import WebhookEndpoint

    return WebhookEndpoint.objects.create(
        merchant=merchant, url="https://hooks.example.com/x", events=["order.paid"]
    )


@maker("shops.WebhookDelivery")
def _webhook_delivery(merchant, store):
    from shops.models_api import Event, WebhookDelivery

    endpoint = _webhook_endpoint(merchant, store)
    event = Event.objects.create(merchant=merchant, type="order.paid", data={})
    return WebhookDelivery.objects.create(merchant=merchant, endpoint=endpoint, event=event)


@maker("shops.DataExport")
def _data_export(merchant, store):
    from shops.models_api import DataExport

    return DataExport.objects.create(merchant=merchant)


@maker("shops.PersonalDataRequest")
def _pi_request(merchant, store):
    from shops.models_api import PersonalDataRequest

    customer = factories.CustomerFactory(merchant=merchant)
    return PersonalDataRequest.objects.create(merchant=merchant, customer=customer, kind="access")


@maker("attribution.ScanEvent")
def _scan_event(merchant, store):
    from attribution.models import ScanEvent

    entry_point = factories.EntryPointFactory(merchant=merchant, store=store)
    customer = factories.CustomerFactory(merchant=merchant)
    return ScanEvent.objects.create(
        merchant=merchant, entry_point=entry_point, store=store, customer=customer
    )


# --- Orders and payments (issue 4) ----------------------------------------------------------


@maker("orders.Order")
def _order(merchant, store):
    from orders.models import Channel, Order

    return Order.objects.create(
        merchant=merchant, store=store, channel=Channel.FACE_TO_FACE, subtotal_fen=1000, total_fen=1000
    )


@maker("orders.Payment")
def _payment(merchant, store):
    from orders.models import Payment

    return Payment.objects.create(order=_order(merchant, store), gateway="sandbox", amount_fen=1000)


@maker("orders.Refund")
def _refund(merchant, store):
    from orders.models import Order, Refund

    payment = _payment(merchant, store)
    payment.status, payment.transaction_id = "succeeded", f"TX{payment.pk}"
    payment.save()
    Order.objects.filter(pk=payment.order_id).update(status="paid", refund_requested_fen=500)
    return Refund.objects.create(order=payment.order, payment=payment, amount_fen=500)


@maker("orders.MerchantPaymentSettings")
def _payment_settings(merchant, store):
    from orders.models import MerchantPaymentSettings

    return MerchantPaymentSettings.objects.get_or_create(merchant=merchant)[0]


# --- Attribution and rebates (issue 7) -----------------------------------------------------


def _attributed_world(merchant, store):
    """A staff member of `store`, a customer bound to them and one paid online order, accrued."""
    from datetime import timedelta

    from django.utils import timezone

    from attribution.services import touch
    from attribution.settlement import accrue, policy_for
    from tests.attribution.factories import paid_order

    staff = factories.MembershipFactory(merchant=merchant, role="staff", stores=[store])
    customer = factories.CustomerFactory(merchant=merchant)
    at = timezone.now() - timedelta(hours=1)
    event = touch(
        merchant=merchant, customer=customer, store=store, staff=staff, source="scan", occurred_at=at
    )
    order = paid_order(merchant, customer, lines=[(None, 10000, 1)], paid_at=at)
    policy_for(merchant)
    accrue(merchant=merchant)
    return {"staff": staff, "customer": customer, "event": event, "order": order}


@maker("attribution.Binding")
def _binding(merchant, store):
    return _attributed_world(merchant, store)["event"].binding


@maker("attribution.BindingEvent")
def _binding_event(merchant, store):
    return _attributed_world(merchant, store)["event"]


@maker("attribution.OrderAttribution")
def _order_attribution(merchant, store):
    return _attributed_world(merchant, store)["order"].attribution


@maker("attribution.AttributionPolicy")
def _attribution_policy(merchant, store):
    from attribution.services import policy_for

    return policy_for(merchant)


@maker("attribution.RebatePolicy")
def _rebate_policy(merchant, store):
    from attribution.settlement import policy_for

    return policy_for(merchant)


@maker("attribution.RebateLedgerLine")
def _ledger_line(merchant, store):
    from attribution.models import RebateLedgerLine

    order = _attributed_world(merchant, store)["order"]
    return RebateLedgerLine.objects.filter(order=order, beneficiary="store").get()


@maker("attribution.RebateStatement")
def _statement(merchant, store):
    from attribution.models import RebateStatement
    from attribution.settlement import refresh_drafts

    _attributed_world(merchant, store)
    refresh_drafts(merchant=merchant)
    return RebateStatement.objects.filter(merchant=merchant, store=store, beneficiary="store").get()


@maker("attribution.RebateDispute")
def _dispute(merchant, store):
    from attribution.settlement import dispute_line

    return dispute_line(line=_ledger_line(merchant, store), comment="This order was not ours")


@maker("attribution.RebateRun")
def _run(merchant, store):
    from attribution.models import RebateRun

    return RebateRun.objects.create(merchant=merchant, kind="accrue", steps_total=4)


# --- Coupons and campaigns (issue 5) --------------------------------------------------------------


@maker("coupons.Campaign")
def _campaign(merchant, store):
    from tests.coupons.factories import CampaignFactory

    return CampaignFactory(merchant=merchant)


@maker("coupons.CouponDefinition")
def _coupon_definition(merchant, store):
    from tests.coupons.factories import DefinitionFactory

    definition = DefinitionFactory(merchant=merchant)
    definition.stores.add(store)
    return definition


@maker("coupons.Coupon")
def _coupon(merchant, store):
    from tests.coupons.factories import CouponFactory, DefinitionFactory

    return CouponFactory(definition=DefinitionFactory(merchant=merchant), store=store)


@maker("coupons.Redemption")
def _redemption(merchant, store):
    from coupons.services import redeem_at_counter
    from tests.coupons.factories import CouponFactory, DefinitionFactory

    coupon = CouponFactory(definition=DefinitionFactory(merchant=merchant), store=store)
    return redeem_at_counter(merchant=merchant, code=coupon.code, store=store, staff=None)


@maker("coupons.StoreCodeBatch")
def _store_code_batch(merchant, store):
    from coupons.services import issue_store_codes
    from tests.coupons.factories import DefinitionFactory

    return issue_store_codes(definition=DefinitionFactory(merchant=merchant), store=store, quantity=2)
