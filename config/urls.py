from django.contrib import admin
from django.urls import include, path

from config.health import healthz

urlpatterns = [
    path("", include("people.urls")),
    path("accounts/", include("people.account_urls")),
    path("ladders/", include("ladders.urls")),
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
]

handler500 = "config.errors.server_error"
