"""Human names for what ID-porten reports in `amr` (the eID used)."""

from __future__ import annotations

# amr values seen on the old and new platforms, lower-cased, and the product they stand for.
_PRODUCTS = {
    "minid": "MinID",
    "minid-pin": "MinID",
    "minid-otc": "MinID",
    "minid-app": "MinID app",
    "minid passport": "MinID",
    "bankid": "BankID",
    "bankid mobil": "BankID mobil",
    "bankid-mobil": "BankID mobil",
    "buypass": "Buypass",
    "buypass passport": "Buypass",
    "commfides": "Commfides",
    "testid": "TestID",
    "eidas": "eIDAS",
    "federated": "Federated",
}


def eid_product(amr: str) -> str:
    """The eID product's name; an unknown value is shown as ID-porten sent it."""
    return _PRODUCTS.get(amr.strip().lower(), amr.strip())
