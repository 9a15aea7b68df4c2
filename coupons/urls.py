from django.urls import include, path

from coupons import views

urlpatterns: list = [
    path("", include("coupons.sharing.urls")),  # /rules/ (sharing rulebook, issue 6)
    path("c/<str:token>/", views.campaign_landing, name="campaign-landing"),
    path("shop/<slug:merchant_slug>/coupons/", views.coupon_center, name="coupon-center"),
    path("coupons/claim/<int:definition_id>/", views.claim, name="coupon-claim"),
    path("me/coupons/", views.my_coupons, name="my-coupons"),
    path("counter/redeem/", views.counter_redeem, name="counter-redeem"),
    path("counter/redeem/undo/", views.counter_redeem_undo, name="counter-redeem-undo"),
]
