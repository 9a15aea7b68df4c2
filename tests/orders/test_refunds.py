import pytest

from orders import services
from orders.models import Order, OrderStatus, Refund
from orders.payments import sandbox
from orders.payments.notifications import handle_notification
from tests.orders.factories import online_order, paid_order

pytestmark = pytest.mark.django_db


def test_full_refund_goes_through_the_gateway_and_marks_the_order_refunded(
    django_capture_on_commit_callbacks,
):
    order = paid_order(prices=(1000, 2500))
    with django_capture_on_commit_callbacks(execute=True):
        refund = services.request_refund(order=order, reason="changed mind")
    refund.refresh_from_db()
    order.refresh_from_db()
    assert refund.amount_fen == 3500 and refund.status == Refund.Status.SUCCEEDED and refund.refund_id
    assert order.status == OrderStatus.REFUNDED and order.refunded_fen == 3500


def test_refund_by_lines_then_by_amount_never_beyond_what_was_paid(django_capture_on_commit_callbacks):
    order = paid_order(prices=(1000, 2500), quantities=[3, 1])
    line = order.lines.get(unit_price_fen=1000)
    with django_capture_on_commit_callbacks(execute=True):
        first = services.request_refund(order=order, lines={line.pk: 2})
    order.refresh_from_db()
    assert first.amount_fen == 2000 and order.status == OrderStatus.PARTIALLY_REFUNDED
    with pytest.raises(services.RefundNotAllowed):
        services.request_refund(order=order, lines={line.pk: 2})  # only one unit left
    with pytest.raises(services.RefundNotAllowed):
        services.request_refund(order=order, amount_fen=3501)
    with django_capture_on_commit_callbacks(execute=True):
        services.request_refund(order=order, amount_fen=3500)
    order.refresh_from_db()
    assert order.status == OrderStatus.REFUNDED and order.refunded_fen == order.total_fen == 5500
    with pytest.raises(services.RefundNotAllowed):
        services.request_refund(order=order, amount_fen=1)


def test_unpaid_orders_cannot_be_refunded():
    with pytest.raises(services.RefundNotAllowed):
        services.request_refund(order=online_order())


def test_refund_notification_twice_applies_once():
    order = paid_order(prices=(1000,))
    refund = services.request_refund(order=order, amount_fen=400)  # no on_commit run: not yet sent
    refund = Refund.objects.select_related("payment").get(pk=refund.pk)
    message = sandbox.build_refund_notification(refund)
    for _ in range(2):
        status, _answer = handle_notification(
            gateway_name="sandbox", merchant=order.merchant, headers=message.headers, body=message.body
        )
        assert status == 200
    order.refresh_from_db()
    assert order.refunded_fen == 400 and order.status == OrderStatus.PARTIALLY_REFUNDED
    assert order.transitions.filter(to_status="partially_refunded").count() == 1


def test_refund_notification_with_a_different_amount_is_refused():
    order = paid_order(prices=(1000,))
    refund = Refund.objects.select_related("payment").get(
        pk=services.request_refund(order=order, amount_fen=400).pk
    )
    message = sandbox.build_refund_notification(refund, amount_fen=1000)
    status, _ = handle_notification(
        gateway_name="sandbox", merchant=order.merchant, headers=message.headers, body=message.body
    )
    assert status == 400
    order.refresh_from_db()
    assert order.refunded_fen == 0


def test_a_failed_refund_releases_its_reservation():
    order = paid_order(prices=(1000,))
    line = order.lines.get()
    refund = Refund.objects.select_related("payment").get(
        pk=services.request_refund(order=order, lines={line.pk: 1}).pk
    )
    message = sandbox.build_refund_notification(refund, status="ABNORMAL")
    handle_notification(
        gateway_name="sandbox", merchant=order.merchant, headers=message.headers, body=message.body
    )
    order.refresh_from_db()
    line.refresh_from_db()
    refund.refresh_from_db()
    assert refund.status == "failed" and order.refund_requested_fen == 0 and line.refunded_quantity == 0
    assert Order.objects.get(pk=order.pk).refundable_fen == 1000


@pytest.mark.parametrize("lines", [{"x": 1}, {"1": "two"}, {"999999": 1}])
def test_malformed_line_refunds_are_clear_errors(lines):
    order = paid_order(prices=(1000,))
    with pytest.raises(services.RefundNotAllowed):
        services.request_refund(order=order, lines=lines)
    order.refresh_from_db()
    assert order.refund_requested_fen == 0
