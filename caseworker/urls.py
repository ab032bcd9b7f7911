from __future__ import annotations

from django.urls import path

from caseworker import views

app_name = "caseworker"
urlpatterns = [
    path("", views.start, name="start"),
    path("forhandsvisning/", views.preview, name="preview"),
    path("forhandsvisning/avslutt/", views.leave, name="leave"),
    path("revisjonslogg.csv", views.audit_export, name="audit-export"),
]
