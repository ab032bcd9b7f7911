"""Every app's URLs under its own namespace (portal:, idporten:, loginhistory:, caseworker:), so
that code names a page by its app and a renamed route cannot silently match another."""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

from portal import errors, views

pages = [
    path("", views.front, name="front"),
    path("hjelp/", views.help_page, name="help"),
    path("tilgjengelighet/", views.accessibility, name="accessibility"),
    path("personvern/", views.privacy, name="privacy"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
]

urlpatterns: list[URLPattern | URLResolver] = [
    path("", include((pages, "portal"))),
    path("", include("idporten.urls")),
    path("", include("loginhistory.urls")),
    path("saksbehandler/", include("caseworker.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
]
if settings.ADMIN_ENABLED:
    urlpatterns.append(path("admin/", admin.site.urls))

# Django's own pages for these are bare and in English (portal/errors.py).
handler400 = errors.bad_request
handler403 = errors.permission_denied
handler404 = errors.page_not_found
handler500 = errors.server_error
