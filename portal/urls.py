from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from portal import views

urlpatterns = [
    path("", views.front, name="front"),
    path("hjelp/", views.help_page, name="help"),
    path("tilgjengelighet/", views.accessibility, name="accessibility"),
    path("personvern/", views.privacy, name="privacy"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("", include("idporten.urls")),
    path("", include("loginhistory.urls")),
    path("saksbehandler/", include("caseworker.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
