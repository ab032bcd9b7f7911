from __future__ import annotations

from django.urls import path

from loginhistory import views

app_name = "loginhistory"
urlpatterns = [
    path("min-side/", views.overview, name="overview"),
    path("min-side/oppdater/", views.refresh, name="refresh"),
    path("min-side/eksport.csv", views.export_csv, name="export-csv"),
    path("min-side/eksport.json", views.export_json, name="export-json"),
    # "Was this not you?": a login named by its digest (loginhistory/not_me.py), never by
    # anything personal; a lookup by its audit record's number.
    path("min-side/var-ikke-meg/<str:digest>/", views.not_me, name="not-me"),
    path("min-side/oppslag/<int:lookup_id>/", views.lookup_not_me, name="lookup-not-me"),
]
