from django.urls import path

from orders import views

urlpatterns = [
    path("cart/add/", views.cart_add, name="cart-add"),
    path("shop/<slug:merchant_slug>/cart/", views.cart, name="cart"),
    path("shop/<slug:merchant_slug>/checkout/", views.checkout, name="checkout"),
    path("order/<str:token>/", views.order_status, name="order-status"),
    path("order/<str:token>/pay/", views.order_pay, name="order-pay"),
    path("order/<str:token>/cancel/", views.order_cancel, name="order-cancel"),
    path("pay/cashier/<str:out_trade_no>/", views.sandbox_cashier, name="sandbox-cashier"),
    path("pay/wechat/<str:out_trade_no>/", views.wechat_native, name="wechat-native"),
    path("pay/notify/<slug:gateway>/<slug:merchant_slug>/", views.payment_notify, name="payment-notify"),
    path("pay/<str:token>/", views.f2f_pay, name="f2f-pay"),
    path("counter/payments/", views.counter_payments, name="counter-payments"),
]
