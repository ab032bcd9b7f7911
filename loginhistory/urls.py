from __future__ import annotations

from django.urls import path

from loginhistory import views

urlpatterns = [
    path("min-side/", views.overview, name="overview"),
    path("min-side/oppdater/", views.refresh, name="overview-refresh"),
    path("min-side/eksport.csv", views.export_csv, name="overview-export-csv"),
    path("min-side/eksport.json", views.export_json, name="overview-export-json"),
]
