"""ID-porten's protocol vocabulary, as the emulator speaks it.

Sources: docs/idporten.md sections 3.2 (acr values), 3.4 (amr) and 5 (eID names in the
login log); https://docs.digdir.no/docs/idporten/oidc/oidc_protocol_id_token
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Level(enum.IntEnum):
    """The old numeric levels; the new acr names map onto them one to one."""

    # selfregistered-email: "no standardized level of assurance" (docs/idporten.md 8.2), below
    # every level a client can otherwise ask for.
    SELF_REGISTERED = 1
    LOW = 2
    SUBSTANTIAL = 3
    HIGH = 4


EMAIL_ACR = "selfregistered-email"
# New platform names (the default) and old platform names (Level3/Level4), by level. The old
# platform had no e-mail login: its acr keeps the one name it has.
NEW_ACR = {
    Level.SELF_REGISTERED: EMAIL_ACR,
    Level.LOW: "idporten-loa-low",
    Level.SUBSTANTIAL: "idporten-loa-substantial",
    Level.HIGH: "idporten-loa-high",
}
OLD_ACR = {
    Level.SELF_REGISTERED: EMAIL_ACR,
    Level.LOW: "Level2",
    Level.SUBSTANTIAL: "Level3",
    Level.HIGH: "Level4",
}
# A foreign eID's acr on the new platform (docs/idporten.md 8.2); the old one mapped eIDAS
# substantial and high to Level3 and Level4.
EIDAS_ACR = {Level.SUBSTANTIAL: "eidas-loa-substantial", Level.HIGH: "eidas-loa-high"}
# idporten-loa-low and Level2 are not offered: no eID gives the low level (docs/idporten.md 3.2).
REQUESTABLE_ACR = {
    "idporten-loa-substantial": Level.SUBSTANTIAL,
    "idporten-loa-high": Level.HIGH,
    "Level3": Level.SUBSTANTIAL,
    "Level4": Level.HIGH,
}
# In acr_values, selfregistered-email lets the citizen log in with e-mail; alone, it asks for
# nothing else (docs/idporten.md 8.3). Not in REQUESTABLE_ACR, which discovery lists.
EMAIL_LOGIN_ACR = {EMAIL_ACR: Level.SELF_REGISTERED}


def acr_name(level: Level, *, old_vocabulary: bool, amr: str = "") -> str:
    if amr == EIDAS.amr and not old_vocabulary and level in EIDAS_ACR:
        return EIDAS_ACR[level]
    return (OLD_ACR if old_vocabulary else NEW_ACR)[level]


@dataclass(frozen=True)
class Eid:
    """One eID of the TestID page: what the form posts, what the login log and `amr` say."""

    choice: str  # the `eid` form value
    log_name: str  # the login log's "eid" (docs/idporten.md section 5)
    amr: str  # the ID token's amr entry (docs/idporten.md sections 3.4 and 8.2)
    level: Level | None  # None: TestID and eIDAS, where the tester picks the level
    # False: the login carries no national identity number, and its person is one of the
    # personas without one (emulator/personas.py), not the form's `pid`.
    national: bool = True


TESTID = Eid("TestID", "TestID", "TestID", None)
# The two logins without a pid (docs/idporten.md 8.3). The login log's names for them are not
# documented; the emulator logs them by their amr.
EMAIL = Eid(
    "Selfregistered-email",
    "Selfregistered-email",
    "Selfregistered-email",
    Level.SELF_REGISTERED,
    national=False,
)
EIDAS = Eid("eIDAS", "eIDAS", "eIDAS", None, national=False)
EIDS: tuple[Eid, ...] = (
    TESTID,
    Eid("MinID", "MinID PIN", "Minid-PIN", Level.SUBSTANTIAL),
    Eid("BankID", "BankID", "BankID", Level.HIGH),
    Eid("BankID mobil", "BankID mobil", "BankID Mobil", Level.HIGH),
    Eid("Buypass", "BuyPass", "Buypass", Level.HIGH),
    Eid("Commfides", "Commfides", "Commfides", Level.HIGH),
    EMAIL,
    EIDAS,
)
EIDS_BY_CHOICE = {eid.choice: eid for eid in EIDS}
# The login log's name for a login that reused an SSO session without a new authentication.
FEDERATED = "Federated"

UI_LOCALES = ("nb", "nn", "en", "se")


class Endpoint(enum.StrEnum):
    """Endpoint names for fault injection: the paths' own names. Part 2 adds its APIs here."""

    DISCOVERY = "discovery"
    JWK = "jwk"
    AUTHORIZE = "authorize"
    TOKEN = "token"  # noqa: S105 (an endpoint name, not a secret)
    USERINFO = "userinfo"
    TOKENINFO = "tokeninfo"
    REVOKE = "revoke"
    ENDSESSION = "endsession"
    AUTHLEVEL = "authlevel"
    # Both login-history paths, the organisation's own and /all.
    LOGINHISTORY = "loginhistory"


class GenericFault(enum.StrEnum):
    LATENCY = "latency"
    HTTP_500 = "http_500"
    HTTP_502 = "http_502"
    HTTP_503 = "http_503"
    MALFORMED_JSON = "malformed_json"
    DROP_CONNECTION = "drop_connection"
    EMPTY_BODY = "empty_body"
    # Far more than any real answer: the client must stop reading, not hold a worker on it.
    HUGE_BODY = "huge_body"


class IdTokenFault(enum.StrEnum):
    """Each makes the ID token issued at /token wrong in exactly the way its name says."""

    WRONG_ISS = "wrong_iss"
    WRONG_AUD = "wrong_aud"
    MISSING_AUD = "missing_aud"
    MULTIPLE_AUD_WITHOUT_AZP = "multiple_aud_without_azp"
    MISSING_SUB = "missing_sub"
    MISSING_IAT = "missing_iat"
    IAT_IN_FUTURE = "iat_in_future"
    EXPIRED = "expired"
    BAD_SIGNATURE = "bad_signature"
    ALG_NONE = "alg_none"
    ALG_HS256 = "alg_hs256"
    NO_KID = "no_kid"
    UNKNOWN_KID = "unknown_kid"
    NONCE_MISMATCH = "nonce_mismatch"
    ACR_UNKNOWN = "acr_unknown"
    ACR_TOO_LOW = "acr_too_low"


class AuthorizeFault(enum.StrEnum):
    WRONG_ISS_PARAM = "wrong_iss_param"
    # No iss at all, though discovery promises it (RFC 9207 2.4: the client must refuse).
    NO_ISS_PARAM = "no_iss_param"


class UserinfoFault(enum.StrEnum):
    SUB_MISMATCH = "sub_mismatch"


class LoginHistoryFault(enum.StrEnum):
    """A 200 whose body a careful client must not trust as it stands."""

    # Good items mixed with ones that lack fields, have wrong types or unreadable dates.
    WRONG_SHAPED_ITEMS = "wrong_shaped_items"
    # A JSON object around the items instead of the bare array.
    NON_ARRAY_BODY = "non_array_body"


class ApiScope(enum.StrEnum):
    """The scopes of the two APIs (docs/idporten.md 1.5, 2.2 and 2.3)."""

    AUTHLEVEL_READ = "global/idporten.authlevel.read"
    USER_LOG_READ = "idporten:user.log.read"
    USER_LOG_ALL_READ = "idporten:user.log.all.read"


# Faults that only make sense at one endpoint; generic faults apply to every endpoint.
ENDPOINT_FAULTS: dict[Endpoint, tuple[str, ...]] = {
    Endpoint.TOKEN: tuple(IdTokenFault),
    Endpoint.AUTHORIZE: tuple(AuthorizeFault),
    Endpoint.USERINFO: tuple(UserinfoFault),
    Endpoint.LOGINHISTORY: tuple(LoginHistoryFault),
}


def faults_allowed_at(endpoint: Endpoint) -> tuple[str, ...]:
    return (*GenericFault, *ENDPOINT_FAULTS.get(endpoint, ()))


# The login-history API's maxhits (also stated in emulator/openapi.json). ID-porten's
# documentation gives neither the default nor the maximum (docs/idporten.md 2.3). The documented
# examples ask for 5 and 1; a page of 100 is what a client that leaves maxhits out most plausibly
# wants. The API has no paging, so the ceiling is what a whole history may need: 10,000 holds the
# heaviest persona's.
DEFAULT_MAXHITS = 100
MAX_MAXHITS = 10_000
