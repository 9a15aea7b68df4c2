from django.urls import path

from coupons.sharing import views

urlpatterns = [
    path("rules/", views.rules_page, name="sharing-rules"),
]
