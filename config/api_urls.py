"""The open API: /api/v1/ (every app's `api.register(router)`), /api/schema/ and /api/docs/."""

from importlib import import_module

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from shops.api_base import api_not_found
from shops.views_api import export_download

API_APPS = ["shops", "orders", "coupons", "attribution"]

router = DefaultRouter()
router.include_root_view = False
for app in API_APPS:
    try:
        module = import_module(f"{app}.api")
    except ModuleNotFoundError as error:
        if error.name != f"{app}.api":
            raise
        continue
    module.register(router)

urlpatterns = [
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("exports/<str:token>/", export_download, name="export-download"),
    re_path(r"^.*$", api_not_found),
]
