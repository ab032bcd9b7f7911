"""One table of eIDs for both spellings ID-porten uses: amr at login and the login log's eid."""

from __future__ import annotations

import pytest

from idporten.eids import Issuer, eid_info, eid_product, is_federated
from idporten.types import LevelOfAssurance


@pytest.mark.parametrize(
    ("amr", "log_name", "product"),
    [
        ("Minid-PIN", "MinID PIN", "MinID"),
        ("Minid-OTC", "MinID OTC", "MinID"),
        ("Minid-APP", "MinID app", "MinID app"),
        ("BankID", "BankID", "BankID"),
        ("BankID Mobil", "BankID mobil", "BankID mobil"),
        ("Buypass", "BuyPass", "Buypass"),
        ("Commfides", "Commfides", "Commfides"),
        ("TestID", "TestID", "TestID"),
        ("eIDAS", "eIDAS", "eIDAS"),
    ],
)
def test_both_spellings_name_the_same_product(amr: str, log_name: str, product: str) -> None:
    assert eid_product(amr) == eid_product(log_name) == product
    assert eid_info(amr) == eid_info(log_name)


@pytest.mark.parametrize(
    ("eid", "level", "issuer"),
    [
        ("MinID PIN", LevelOfAssurance.SUBSTANTIAL, Issuer.MINID),
        ("Minid-TOTP", LevelOfAssurance.SUBSTANTIAL, Issuer.MINID),
        ("BankID mobil", LevelOfAssurance.HIGH, Issuer.BANKID),
        ("BuyPass", LevelOfAssurance.HIGH, Issuer.BUYPASS),
        ("Commfides", LevelOfAssurance.HIGH, Issuer.COMMFIDES),
        # The level is the tester's choice, the foreign eID's, or not confirmed: not guessed.
        ("TestID", None, Issuer.OTHER),
        ("eIDAS", None, Issuer.OTHER),
        ("MinID passport", None, Issuer.MINID),
        ("Buypass passport", None, Issuer.BUYPASS),
        ("Federated", None, Issuer.OTHER),
    ],
)
def test_each_eid_has_its_level_and_issuer(
    eid: str, level: LevelOfAssurance | None, issuer: Issuer
) -> None:
    assert (eid_info(eid).level, eid_info(eid).issuer) == (level, issuer)


def test_an_unknown_eid_keeps_its_name_and_claims_nothing() -> None:
    unknown = eid_info(" Vipps ")

    assert (unknown.name, unknown.level, unknown.issuer) == ("Vipps", None, Issuer.OTHER)


def test_federated_is_a_single_sign_on_in_any_case() -> None:
    assert is_federated("Federated") and is_federated(" federated ")
    assert not is_federated("BankID")
