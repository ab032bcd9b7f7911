from __future__ import annotations

from django.contrib import admin
from django.urls import path

from emulator.views import (
    authlevel,
    authorize,
    control,
    debugger,
    endsession,
    home,
    loginhistory,
    metadata,
    openapi,
    token,
    userinfo,
)

# ID-porten's own paths (old platform), so the portal's configuration is only the issuer.
urlpatterns = [
    path("", home.home, name="home"),
    path("healthz", home.health, name="health"),
    path(".well-known/openid-configuration", metadata.discovery, name="discovery"),
    path("jwk", metadata.jwk, name="jwk"),
    path("authorize", authorize.authorize, name="authorize"),
    path("login/<str:key>", authorize.login, name="testid-login"),
    path("token", token.token, name="token"),
    path("userinfo", userinfo.userinfo, name="userinfo"),
    path("tokeninfo", token.tokeninfo, name="tokeninfo"),
    path("revoke", token.revoke, name="revoke"),
    path("endsession", endsession.endsession, name="endsession"),
    path("authlevel/rest/v1/sikkerhetsnivaa", authlevel.sikkerhetsnivaa, name="authlevel-api"),
    path(
        "innlogginger/logg/idporten",
        loginhistory.own_organisation,
        name="loginhistory-api",
    ),
    path(
        "innlogginger/logg/idporten/all",
        loginhistory.all_organisations,
        name="loginhistory-api-all",
    ),
    path("innlogginger/health", loginhistory.health, name="loginhistory-health"),
    path("openapi.json", openapi.openapi, name="openapi"),
    path("_emulator/faults", control.faults, name="control-faults"),
    path("_emulator/clients", control.clients, name="control-clients"),
    path("_emulator/clock", control.clock, name="control-clock"),
    path("_emulator/reset", control.reset, name="control-reset"),
    path("_emulator/debugger", debugger.debugger, name="debugger"),
    path("_emulator/debugger/<str:client_id>", debugger.debugger, name="debugger-client"),
    path("admin/", admin.site.urls),
]
