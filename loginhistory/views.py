"""The citizen's own pages."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from idporten.decorators import login_required_at
from idporten.eids import eid_product
from idporten.session import login_details
from idporten.types import LevelOfAssurance


@never_cache
@login_required_at(LevelOfAssurance.SUBSTANTIAL)
def overview(request: HttpRequest) -> HttpResponse:
    details = login_details(request)
    ctx = {
        "page": "overview",
        "eid": eid_product(details.eid) if details else "",
        "level": int(details.level) if details and details.level else None,
    }
    return render(request, "loginhistory/overview.html", ctx)
