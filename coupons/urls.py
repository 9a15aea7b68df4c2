from django.urls import include, path

urlpatterns: list = [
    path("", include("coupons.sharing.urls")),  # /rules/ (sharing rulebook, issue 6)
]
