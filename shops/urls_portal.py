"""Portal pages for members (issue 9): dashboard (the home), counter, printing."""

from django.urls import path

from shops import views_portal

urlpatterns = [
    path("dashboard/", views_portal.dashboard_view, name="portal-dashboard"),
    path("counter/", views_portal.counter_view, name="counter"),
    path("print/", views_portal.print_view, name="portal-print"),
]
