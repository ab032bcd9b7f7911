"""The ID-porten environments the portal knows, by name (IDPORTEN_ENVIRONMENT).

Issuers and API addresses: docs/idporten.md sections 1.1, 2.1 and 3.1. An
address ID-porten has not published is None, and the part of the portal that needs it says
the service is unavailable there. The authlevel API was retired on the new platform, and
the login-history API only ever served the old platform.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Environment:
    name: str
    issuer: str
    # Base URL under which /authlevel/rest/v1/sikkerhetsnivaa is found.
    authlevel_base_url: str | None
    # Base URL under which /innlogginger/logg/idporten is found.
    loginhistory_base_url: str | None
    production: bool


LOCAL_EMULATOR_ISSUER = "http://localhost:8001"
# The portal's client in the emulator's registry (emulator/clients.json). Usable only with
# the local environment: settings refuse it in production.
LOCAL_CLIENT_ID = "local-min-innloggingshistorikk"
LOCAL_CLIENT_SECRET = "local-emulator-secret-not-for-production"  # noqa: S105
# The portal's server client for the JWT grant, and the keystore the emulator's test PKI
# writes for it at `make run` (relative to the project; the password file lies beside it).
LOCAL_SERVER_CLIENT_ID = "local-min-innloggingshistorikk-server"
LOCAL_KEYSTORE = f"var/pki/{LOCAL_SERVER_CLIENT_ID}.p12"

ENVIRONMENTS: dict[str, Environment] = {
    env.name: env
    for env in (
        Environment(
            name="local",
            issuer=LOCAL_EMULATOR_ISSUER,
            authlevel_base_url=LOCAL_EMULATOR_ISSUER,
            loginhistory_base_url=LOCAL_EMULATOR_ISSUER,
            production=False,
        ),
        Environment(
            name="ver2",
            issuer="https://oidc-ver2.difi.no/idporten-oidc-provider/",
            authlevel_base_url="https://kontaktinfo-ws-ver2.difi.no",
            loginhistory_base_url="https://api.idporten-ver2.difi.no",
            production=False,
        ),
        Environment(
            name="yt2",
            issuer="https://oidc-yt2.difi.eon.no/idporten-oidc-provider/",
            authlevel_base_url="https://kontaktinfo-ws-yt2.difi.eon.no",
            loginhistory_base_url="https://api.idporten-yt2.difi.eon.no",
            production=False,
        ),
        Environment(
            name="prod-old",
            issuer="https://oidc.difi.no/idporten-oidc-provider/",
            # The production address of the authlevel API was never published.
            authlevel_base_url=None,
            loginhistory_base_url="https://api.idporten.difi.no",
            production=True,
        ),
        Environment(
            name="test",
            issuer="https://test.idporten.no",
            authlevel_base_url=None,
            loginhistory_base_url=None,
            production=False,
        ),
        Environment(
            name="prod",
            issuer="https://idporten.no",
            authlevel_base_url=None,
            loginhistory_base_url=None,
            production=True,
        ),
    )
}
