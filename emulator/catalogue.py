"""The public services our synthetic citizens log in to, and the eID names of ID-porten's login log.

Organisation numbers are the agencies' real ones in Enhetsregisteret, and `name` is the register's
name in upper case, which is what ID-porten's login log shows as "tjeneste" (docs/idporten.md
section 2.1). Each number was checked against public sources and passes the register's mod-11
check digit (tests/emulator/test_seeding.py asserts it). Integration ids are made up:
ID-porten's real client ids are not public.
"""

from __future__ import annotations

from dataclasses import dataclass

from emulator.types import EIDS, FEDERATED, Level

# The portal's own agency. The login-history API only shows a client the logins to services of
# its own organisation number (docs/idporten.md section 2.2), so every seeded citizen needs some
# rows here.
OWN_AGENCY_ORGNO = "991825827"
OWN_INTEGRATION_ID = "local-min-innloggingshistorikk"


@dataclass(frozen=True)
class PublicService:
    name: str  # "tjeneste": the organisation's name in Enhetsregisteret, upper case
    orgno: str
    integration_id: str  # "integrasjon_id": the client_id of the service's ID-porten client
    # How often a typical user of the service logs in, relative to the others.
    weight: float
    # Share of citizens who use the service at all.
    reach: float
    # Month (1-12) -> multiplier for seasonal peaks: the tax return in spring, study grants in
    # August, parcels from abroad before Christmas.
    season: tuple[tuple[int, float], ...] = ()

    def weight_in(self, month: int) -> float:
        return self.weight * dict(self.season).get(month, 1.0)


OWN_AGENCY = PublicService(
    "DIGITALISERINGSDIREKTORATET", OWN_AGENCY_ORGNO, OWN_INTEGRATION_ID, weight=0.6, reach=1.0
)

SERVICES: tuple[PublicService, ...] = (
    PublicService(
        "SKATTEETATEN",
        "974761076",
        "skatteetaten-min-skatt",
        weight=5.0,
        reach=1.0,
        season=((3, 5.0), (4, 4.0), (6, 1.8)),
    ),
    PublicService(
        "ARBEIDS- OG VELFERDSETATEN", "889640782", "nav-innlogging", weight=7.0, reach=0.75
    ),
    PublicService(
        "NORSK HELSENETT SF",
        "994598759",
        "helsenorge-innbygger",
        weight=8.0,
        reach=0.9,
        season=((11, 1.3), (12, 1.3), (1, 1.4), (2, 1.3)),
    ),
    PublicService(
        "STATENS LÅNEKASSE FOR UTDANNING",
        "960885406",
        "lanekassen-dine-sider",
        weight=2.5,
        reach=0.45,
        season=((8, 3.0), (1, 2.0)),
    ),
    PublicService(
        "POLITI- OG LENSMANNSETATEN",
        "915429785",
        "politiet-timebestilling-pass",
        weight=0.8,
        reach=0.35,
        season=((4, 2.5), (5, 2.5), (6, 2.0)),
    ),
    PublicService(
        "UTLENDINGSDIREKTORATET", "974760746", "udi-soknadsportal", weight=0.6, reach=0.1
    ),
    PublicService(
        "STATENS VEGVESEN",
        "971032081",
        "vegvesen-dine-kjoretoy",
        weight=1.2,
        reach=0.55,
        season=((4, 1.8), (5, 1.8)),
    ),
    PublicService("HUSBANKEN", "942114184", "husbanken-bostotte", weight=1.5, reach=0.12),
    PublicService(
        "REGISTERENHETEN I BRØNNØYSUND",
        "974760673",
        "brreg-losoreregisteret",
        weight=0.4,
        reach=0.2,
    ),
    PublicService(
        "STATENS KARTVERK",
        "971040238",
        "kartverket-se-eiendom",
        weight=0.6,
        reach=0.35,
        season=((5, 1.5), (6, 1.5), (8, 1.5)),
    ),
    PublicService("HELSEDIREKTORATET", "983544622", "helfo-mine-refusjoner", weight=1.5, reach=0.5),
    PublicService("STATENS PENSJONSKASSE", "982583462", "spk-min-side", weight=0.8, reach=0.25),
    PublicService(
        "TOLLETATEN",
        "880455702",
        "tolletaten-fortolling",
        weight=0.7,
        reach=0.3,
        season=((11, 2.5), (12, 2.0)),
    ),
    PublicService(
        "OSLO KOMMUNE",
        "958935420",
        "oslo-kommune-min-side",
        weight=2.0,
        reach=0.4,
        season=((2, 1.8), (8, 1.8)),
    ),
    OWN_AGENCY,
)

# eID names as the login log writes them (docs/idporten.md section 5). MinID is level 3.
MINID_EIDS = frozenset({"MinID PIN", "MinID OTC", "MinID app"})
# ID-porten's "nivå 4" (idporten-loa-high), what the authlevel API's `harbruktnivaa4` asks about:
# the eIDs the TestID page gives the high level. "Federated" reuses an earlier authentication
# and is no new level-4 login.
LEVEL4_EIDS = frozenset(eid.log_name for eid in EIDS if eid.level == Level.HIGH)
LOGIN_LOG_EIDS = MINID_EIDS | LEVEL4_EIDS | {FEDERATED}
