""" "Was this not you?": a page per login of the citizen's history, and per lookup of them.

A login is named in its page's address by a keyed digest of what tells it apart in the history
(its time, service, eID and integration id), resolved against the citizen's own cached
history: the address holds no personal data, means nothing to a reader of a log or a browser
history, and a digest from another citizen's history finds nothing in this one (a 404).
A lookup is named by its audit record's number, which is also what the agency finds it by.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from caseworker.models import PreviewLookup
from idporten.eids import EidProduct, Issuer, eid_info, is_federated
from loginhistory.forms import QUERY_NAMES
from loginhistory.history import History, wall_seconds
from loginhistory.types import Login

DIGEST_LENGTH = 16
# Hexadecimal written with the letters a-p instead of 0-9a-f: a digest never holds a run of
# 11 digits, which a reader (and common/logging's masking) would take for a national
# identity number. With 0-9, about one digest in 40 held one.
_HEX_AS_LETTERS = str.maketrans("0123456789abcdef", "abcdefghijklmnop")
DIGEST_PATTERN = re.compile(rf"[a-p]{{{DIGEST_LENGTH}}}")
_DIGEST_SALT = "loginhistory.not_me"
# Whom to contact when the history does not name the eID's issuer: a single sign-on
# ("Federated") follows a login with one of these, and TestID or an unknown name tells nothing.
ALL_ISSUERS = (Issuer.MINID, Issuer.BANKID, Issuer.BUYPASS, Issuer.COMMFIDES)


def _digest(*, wall: int, service: str, eid: str, integration_id: str) -> str:
    # Keyed with SECRET_KEY, so that nobody can work out from a known service and time which
    # address belongs to which login. Two logins alike in all four fields (the same second, the
    # same service and eID) share a digest; the page then shows the first, which reads the same.
    message = f"{wall}|{service}|{eid}|{integration_id}"
    digest = salted_hmac(_DIGEST_SALT, message, algorithm="sha256").hexdigest()
    return digest[:DIGEST_LENGTH].translate(_HEX_AS_LETTERS)


def login_digest(login: Login) -> str:
    """The login's name in the address of its "Was this not you?" page."""
    return _digest(
        wall=wall_seconds(login.time),
        service=login.service,
        eid=login.eid,
        integration_id=login.integration_id,
    )


def login_by_digest(*, history: History, digest: str) -> Login | None:
    """The login of this history the digest names; None when there is none. Read on the
    history's columns, so that only the login found is built (10,000 rows take about 30 ms)."""
    texts = history.texts
    for row, wall in enumerate(history.times):
        found = _digest(
            wall=wall,
            service=texts[history.service[row]],
            eid=texts[history.eid[row]],
            integration_id=texts[history.integration_id[row]],
        )
        if found == digest:
            return history.login(row)
    return None


def time_with_zone(moment: datetime.datetime) -> str:
    """A time to quote to someone else: the date, the time to the second, and the offset, so
    that nobody has to guess the time zone ("1 December 2026 at 14:21:07, Norwegian time
    (UTC+01:00)")."""
    local = timezone.localtime(moment)
    return _("%(date)s at %(time)s, Norwegian time (UTC%(offset)s)") % {
        "date": formats.date_format(local, "DATE_FORMAT"),
        "time": formats.time_format(local, "H:i:s"),
        "offset": local.isoformat()[-6:],
    }


@dataclass(frozen=True)
class Detail:
    label: str
    value: str


@dataclass(frozen=True)
class LoginAdvice:
    """What the page about one login says."""

    login: Login
    product: EidProduct
    federated: bool
    # Whom to ask to block the eID: its issuer, or every issuer when the history cannot tell.
    issuers: tuple[Issuer, ...]
    when: str
    details: tuple[Detail, ...]
    # The history page filtered to the login's day: the logins around it are the first check.
    same_day_url: str


def login_advice(*, login: Login) -> LoginAdvice:
    product = eid_info(login.eid)
    day = timezone.localtime(login.time).date().isoformat()
    query = urlencode({QUERY_NAMES["date_from"]: day, QUERY_NAMES["date_to"]: day})
    when = time_with_zone(login.time)
    return LoginAdvice(
        login=login,
        product=product,
        federated=is_federated(login.eid),
        issuers=ALL_ISSUERS if product.issuer is Issuer.OTHER else (product.issuer,),
        when=when,
        details=(
            Detail(_("Time"), when),
            Detail(_("Service"), login.service),
            Detail(_("Organisation number"), login.orgno or "\N{EM DASH}"),
            # As the login log names it ("MinID PIN"): what the issuer and the service find it by.
            Detail(_("eID"), login.eid),
            Detail(_("Integration id"), login.integration_id),
        ),
        same_day_url=f"{reverse('loginhistory:overview')}?{query}",
    )


@dataclass(frozen=True)
class LookupAdvice:
    """What the page about one lookup of the citizen says."""

    lookup: PreviewLookup
    when: str
    details: tuple[Detail, ...]


def lookup_advice(*, lookup: PreviewLookup) -> LookupAdvice:
    when = time_with_zone(lookup.created_at)
    return LookupAdvice(
        lookup=lookup,
        when=when,
        details=(
            Detail(_("Time"), when),
            Detail(_("Agency"), settings.AGENCY_NAME),
            Detail(_("Reason"), lookup.reason),
            # The audit record's number: what the agency finds the lookup by.
            Detail(_("Lookup number"), str(lookup.pk)),
        ),
    )
