from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from shops.backoffice import backoffice_site

admin.site.site_header = "Midpage ops"
admin.site.site_title = "Midpage ops"
admin.site.index_title = "Platform operations"

urlpatterns = [
    path("ops/", admin.site.urls),
    path("api/", include("config.api_urls")),
    path("backoffice/", backoffice_site.urls),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("", include("orders.urls")),
    path("", include("coupons.urls")),
    path("", include("attribution.urls")),
    path("", include("shops.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
