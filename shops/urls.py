from django.urls import include, path

from shops import views, views_posters, views_privacy, views_storefront

urlpatterns = [
    path("", views.portal_home, name="portal-home"),
    path("merchant/new/", views.merchant_create, name="merchant-create"),
    path("merchant/switch/", views.merchant_switch, name="merchant-switch"),
    path("invite/<str:token>/", views.invitation_accept, name="invitation-accept"),
    # Shopper pages (issue 3): the printed QR codes open /s/<token>.
    path("s/<str:token>", views_storefront.scan, name="scan"),
    path("s/<str:token>/", views_storefront.scan),
    path("shop/<slug:merchant_slug>/", views_storefront.storefront_home, name="storefront"),
    path(
        "shop/<slug:merchant_slug>/p/<int:product_id>/",
        views_storefront.storefront_product,
        name="storefront-product",
    ),
    # A shopper asks the brand to see or delete their personal data (issue 8).
    path("shop/<slug:merchant_slug>/privacy/", views_privacy.privacy_page, name="privacy"),
    # A signed-in staff member's own QR code and their stores' codes, ready to print.
    path("me/code/", views_posters.my_code, name="my-code"),
    path("me/code/<int:entry_point_id>/<str:fmt>/", views_posters.my_code_download, name="my-code-download"),
    # Members' portal (issue 9): dashboard, counter, printing.
    path("", include("shops.urls_portal")),
]
