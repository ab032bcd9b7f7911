from __future__ import annotations

from django.urls import path

from loginhistory import views

urlpatterns = [
    path("min-side/", views.overview, name="overview"),
]
