from __future__ import annotations

from django.urls import path

from loginhistory import views

app_name = "loginhistory"
urlpatterns = [
    path("min-side/", views.overview, name="overview"),
    path("min-side/oppdater/", views.refresh, name="refresh"),
    path("min-side/eksport.csv", views.export_csv, name="export-csv"),
    path("min-side/eksport.json", views.export_json, name="export-json"),
]
