from __future__ import annotations

from tests.idporten.portal_flow import portal  # noqa: F401 (the fixture, for this package)
