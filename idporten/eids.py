"""The eIDs ID-porten names: in `amr` at login ("Minid-PIN", "BankID Mobil") and in the login
log's `eid` ("MinID PIN", "BankID mobil", "BuyPass"). One table serves both spellings: what
the citizen calls the product, its level, and whom to contact about it.

Every amr value ID-porten documents today is here (docs/idporten.md 8.2): Minid-PIN, -OTC,
-APP, -TOTP and -WEBAUTHN, BankID, BankID Mobil, Buypass, Commfides, eIDAS, TestID and
Selfregistered-email."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from idporten.types import LevelOfAssurance


class Issuer(enum.StrEnum):
    """Whom a citizen contacts about an eID they did not use; the help page has a part for
    each (templates/portal/help.html, #not-you-<issuer>), and general advice (#not-you)."""

    MINID = "minid"
    BANKID = "bankid"
    BUYPASS = "buypass"
    COMMFIDES = "commfides"
    OTHER = "other"


@dataclass(frozen=True)
class EidProduct:
    name: str
    # None when the name alone does not tell: TestID (the tester picks), eIDAS (the notified
    # level of the foreign eID), the passport variants (unconfirmed, docs/idporten.md section 5),
    # and Federated (a single sign-on, no new authentication). E-mail login is below every
    # level: LevelOfAssurance.SELF_REGISTERED.
    level: LevelOfAssurance | None
    issuer: Issuer


_MINID = EidProduct("MinID", LevelOfAssurance.SUBSTANTIAL, Issuer.MINID)
_BANKID = EidProduct("BankID", LevelOfAssurance.HIGH, Issuer.BANKID)
_BUYPASS = EidProduct("Buypass", LevelOfAssurance.HIGH, Issuer.BUYPASS)
FEDERATED = "federated"

# Lower-cased, with hyphens as spaces (see _key): the amr values of the old and new platforms
# and the login log's names (docs/idporten.md sections 3.4 and 5).
_PRODUCTS: dict[str, EidProduct] = {
    "minid": _MINID,
    "minid pin": _MINID,
    "minid otc": _MINID,
    "minid totp": _MINID,
    "minid webauthn": _MINID,
    "minid app": EidProduct("MinID app", LevelOfAssurance.SUBSTANTIAL, Issuer.MINID),
    "minid passport": EidProduct("MinID", None, Issuer.MINID),
    "bankid": _BANKID,
    "bankid mobil": EidProduct("BankID mobil", LevelOfAssurance.HIGH, Issuer.BANKID),
    "buypass": _BUYPASS,
    "buypass passport": EidProduct("Buypass", None, Issuer.BUYPASS),
    "commfides": EidProduct("Commfides", LevelOfAssurance.HIGH, Issuer.COMMFIDES),
    "testid": EidProduct("TestID", None, Issuer.OTHER),
    "eidas": EidProduct("eIDAS", None, Issuer.OTHER),
    # The e-mail login of citizens without a Norwegian national identity number
    # (docs/idporten.md 8.3); the login log's name for it is not documented.
    "selfregistered email": EidProduct(
        "Selfregistered-email", LevelOfAssurance.SELF_REGISTERED, Issuer.OTHER
    ),
    FEDERATED: EidProduct("Federated", None, Issuer.OTHER),
}


# How the history shows the login log's values: the product as people know it, and how it was
# used where the log says so, in the citizen's language. "Federated" is no eID but a single
# sign-on (docs/idporten.md section 5); "BuyPass" is the log's spelling of Buypass, which the
# product's own name covers. Keyed as _PRODUCTS.
_DISPLAY_NAMES = {
    "minid pin": _("MinID (PIN code)"),
    "minid otc": _("MinID (code by SMS)"),
    "minid totp": _("MinID (authenticator app)"),
    "minid webauthn": _("MinID (security key)"),
    "minid app": _("MinID app"),
    "minid passport": _("MinID (passport)"),
    "bankid mobil": _("BankID on mobile"),
    "buypass passport": _("Buypass (passport)"),
    "eidas": _("Foreign eID (eIDAS)"),
    "selfregistered email": _("E-mail"),
    FEDERATED: _("Single sign-on"),
}


def _key(eid: str) -> str:
    return eid.strip().lower().replace("-", " ")


def eid_info(eid: str) -> EidProduct:
    """What is known of an eID; an unknown one keeps its own name, with no level or issuer."""
    return _PRODUCTS.get(_key(eid)) or EidProduct(eid.strip(), None, Issuer.OTHER)


def eid_product(eid: str) -> str:
    """The eID product's name; an unknown value is shown as ID-porten sent it."""
    return eid_info(eid).name


def eid_display_name(eid: str) -> str:
    """The eID of a login as the citizen reads it ("MinID OTC" is "MinID (code by SMS)"); an
    unknown value is shown as ID-porten sent it."""
    name = _DISPLAY_NAMES.get(_key(eid))
    return eid_product(eid) if name is None else str(name)


def is_federated(eid: str) -> bool:
    return _key(eid) == FEDERATED
