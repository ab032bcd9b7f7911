"""The portal's URLs plus one page that requires the high level, for the step-up test.
(The caseworker pages will be the real users of step-up.)"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path

from idporten.decorators import login_required_at
from idporten.types import LevelOfAssurance
from portal.urls import urlpatterns as portal_urlpatterns


@login_required_at(LevelOfAssurance.HIGH)
def high_level_page(request: HttpRequest) -> HttpResponse:
    return HttpResponse("high level page")


urlpatterns = [*portal_urlpatterns, path("hoyt-niva/", high_level_page)]
