"""The portal's URLs plus two pages for tests: one that requires the high level (step-up; the
caseworker pages will be its real users) and one that calls an API with the citizen's token
(as the history page will)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path

from idporten.decorators import login_required_at
from idporten.session import access_token
from idporten.types import LevelOfAssurance
from portal.urls import urlpatterns as portal_urlpatterns


@login_required_at(LevelOfAssurance.HIGH)
def high_level_page(request: HttpRequest) -> HttpResponse:
    return HttpResponse("high level page")


@login_required_at(LevelOfAssurance.SUBSTANTIAL)
def token_using_page(request: HttpRequest) -> HttpResponse:
    access_token(request.session)
    return HttpResponse("called the API")


urlpatterns = [
    *portal_urlpatterns,
    path("hoyt-niva/", high_level_page),
    path("med-token/", token_using_page),
]
