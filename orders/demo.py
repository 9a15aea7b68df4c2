"""Demo orders for the demo brands: online orders paid, fulfilled, completed and refunded, and
face-to-face payments at the stores, spread over the last ~90 days so dashboards show activity.

Everything goes through the real services and the sandbox's signed notifications (with the
payment time the sandbox reports), so the demo exercises the production path. Idempotent: each
order has a fixed idempotency key and is skipped when it exists.
"""

from __future__ import annotations

import random
import uuid
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from orders import services
from orders.models import Channel, Fulfilment, Order, OrderTransition, Refund
from orders.payments import sandbox
from orders.payments.notifications import handle_notification
from shops.models import ChannelListing, EntryPoint, Merchant, Store
from shops.shoppers import customer_for

ORDERS_PER_BRAND = 30
NAMES = ["王芳", "李娜", "张伟", "刘洋", "陈静", "杨磊", "赵敏", "黄丽"]
STREETS = ["南京西路", "淮海中路", "长安街", "建国路", "天河路", "人民路"]


def _customer(merchant: Merchant, n: int):
    uid = uuid.uuid5(uuid.NAMESPACE_URL, f"midpage-demo-shopper/{merchant.slug}/{n}")
    return customer_for(merchant=merchant, uid=uid)


def _pay(order: Order, at) -> None:
    payment = services.start_payment(order=order, gateway_name="sandbox")
    message = sandbox.build_payment_notification(payment, success_time=at)
    handle_notification(
        gateway_name="sandbox", merchant=order.merchant, headers=message.headers, body=message.body
    )


def _refund(order: Order, at, *, lines=None, amount_fen=None) -> None:
    refund = services.request_refund(order=order, lines=lines, amount_fen=amount_fen, reason="demo")
    refund = Refund.objects.select_related("payment").get(pk=refund.pk)
    message = sandbox.build_refund_notification(refund, success_time=at)
    handle_notification(
        gateway_name="sandbox", merchant=order.merchant, headers=message.headers, body=message.body
    )


def _backdate(order: Order, created) -> None:
    Order.objects.filter(pk=order.pk).update(created_at=created)
    OrderTransition.objects.filter(order=order, from_status="").update(at=created)


def seed(merchants: dict[str, Merchant]) -> None:
    now = timezone.now()
    for slug, merchant in merchants.items():
        rng = random.Random(f"orders/{slug}")
        online = list(
            ChannelListing.objects.filter(merchant=merchant, store__isnull=True, is_available=True)
            .select_related("variant__product")
            .order_by("pk")
        )
        stores = list(Store.objects.filter(merchant=merchant).order_by("pk"))
        pay_codes = {
            ep.store_id: ep
            for ep in EntryPoint.objects.filter(merchant=merchant, kind=EntryPoint.Kind.PAY, is_active=True)
        }
        if not online or not stores:
            continue
        for n in range(ORDERS_PER_BRAND):
            key = f"demo-{slug}-{n}"
            created = now - timedelta(days=rng.uniform(1, 90), minutes=rng.randint(0, 600))
            paid_at = created + timedelta(minutes=rng.randint(1, 10))
            outcome = rng.choices(
                ["completed", "fulfilled", "paid", "refund_line", "refund_all"], [5, 3, 2, 2, 1]
            )[0]
            f2f = n % 4 == 3
            store = rng.choice(stores)
            customer = _customer(merchant, rng.randint(0, 14))
            if Order.objects.filter(merchant=merchant, idempotency_key=key).exists():
                continue
            with transaction.atomic():
                if f2f and store.pk in pay_codes:
                    order = services.create_face_to_face_order(
                        entry_point=pay_codes[store.pk],
                        customer=customer,
                        amount_fen=rng.randint(15, 400) * 100 + rng.choice([0, 50, 80]),
                        idempotency_key=key,
                    )
                    _backdate(order, created)
                    _pay(order, paid_at)
                    continue
                picks = rng.sample(online, k=min(len(online), rng.randint(1, 3)))
                pickup = rng.random() < 0.4
                order = services.create_order(
                    merchant=merchant,
                    customer=customer,
                    channel=Channel.ONLINE,
                    store=store if pickup else None,
                    fulfilment=Fulfilment.PICKUP if pickup else Fulfilment.DELIVERY,
                    lines=[{"listing_id": listing.pk, "quantity": rng.randint(1, 2)} for listing in picks],
                    contact_name=rng.choice(NAMES),
                    contact_mobile=f"13{rng.randint(0, 9)}{rng.randint(10000000, 99999999)}",
                    delivery_address="" if pickup else f"上海市{rng.choice(STREETS)}{rng.randint(1, 999)}号",
                    idempotency_key=key,
                )
                _backdate(order, created)
                _pay(order, paid_at)
                order.refresh_from_db()
                if outcome in ("completed", "fulfilled", "refund_line"):
                    services.fulfil_order(order=order, at=paid_at + timedelta(hours=rng.randint(2, 48)))
                if outcome == "completed":
                    services.complete_order(order=order, at=paid_at + timedelta(days=rng.randint(3, 7)))
                if outcome == "refund_line":
                    line = order.lines.order_by("pk").first()
                    _refund(order, paid_at + timedelta(days=2), lines={line.pk: 1})
                if outcome == "refund_all":
                    _refund(order, paid_at + timedelta(days=1))
        # A fresh unpaid order, so the back office shows one awaiting payment.
        key = f"demo-{slug}-unpaid"
        if not Order.objects.filter(merchant=merchant, idempotency_key=key).exists():
            services.create_order(
                merchant=merchant,
                customer=_customer(merchant, 99),
                channel=Channel.ONLINE,
                fulfilment=Fulfilment.DELIVERY,
                lines=[{"listing_id": online[0].pk, "quantity": 1}],
                contact_name="演示",
                contact_mobile="13900000000",
                delivery_address="上海市人民路1号",
                idempotency_key=key,
            )
