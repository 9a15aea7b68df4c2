"""The site's URLs plus the benchmark baseline: a bare view doing one indexed query."""

from django.http import HttpResponse
from django.urls import path

from config.urls import urlpatterns as site_urlpatterns
from shops.models import Merchant


def bare(request):
    pk = Merchant.objects.filter(slug="bench").values_list("pk", flat=True).first()  # unique index
    return HttpResponse(f"ok {pk}", content_type="text/plain")


urlpatterns = [path("bench/bare/", bare), *site_urlpatterns]
