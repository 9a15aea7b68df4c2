from django.urls import path

from shops import views

urlpatterns = [
    path("", views.portal_home, name="portal-home"),
    path("merchant/new/", views.merchant_create, name="merchant-create"),
    path("merchant/switch/", views.merchant_switch, name="merchant-switch"),
    path("invite/<str:token>/", views.invitation_accept, name="invitation-accept"),
]
