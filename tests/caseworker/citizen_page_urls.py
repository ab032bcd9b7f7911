"""The portal's URLs plus a stand-in for the citizen's page with "Oppslag på deg" on it, until
the login-history page (loginhistory/) includes the tag itself."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.urls import path

from idporten.decorators import login_required_at
from idporten.types import LevelOfAssurance
from portal.urls import urlpatterns as portal_urlpatterns

PAGE = engines["django"].from_string(
    '{% extends "base.html" %}{% load caseworker_tags %}'
    "{% block title %}Oppslag{% endblock %}"
    '{% block content %}<h1 class="ds-heading">Min side</h1>{% lookups_of_me %}{% endblock %}'
)


@login_required_at(LevelOfAssurance.SUBSTANTIAL)
def citizen_page(request: HttpRequest) -> HttpResponse:
    return HttpResponse(PAGE.render({"page": "lookups"}, request))


urlpatterns = [*portal_urlpatterns, path("test/oppslag-pa-deg/", citizen_page)]
