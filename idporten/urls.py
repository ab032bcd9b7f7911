from __future__ import annotations

from django.urls import path

from idporten import views

app_name = "idporten"
urlpatterns = [
    path("logg-inn/", views.LoginView.as_view(), name="login"),
    path("oidc/callback/", views.CallbackView.as_view(), name="callback"),
    path("logg-ut/", views.logout, name="logout"),
    path("logget-ut/", views.logged_out, name="logged-out"),
    path("frontchannel-logout", views.frontchannel_logout, name="frontchannel-logout"),
    path("backchannel-logout", views.backchannel_logout, name="backchannel-logout"),
]
