"""Fixtures shared by every test package: the local ID-porten emulator as a real server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import cache

from idporten.documents import published_documents_forget_in_process
from idporten.environments import LOCAL_SERVER_CLIENT_ID
from tests.emulator.support import Emulator, EmulatorServer
from tests.idporten.portal_flow import portal  # noqa: F401 (the portal against the emulator)


@pytest.fixture(autouse=True)
def no_published_documents_remembered() -> None:
    """Tests empty the cache between them, and so each starts with ID-porten's discovery and
    key set unread by the process too (idporten/documents.py keeps parsed copies)."""
    published_documents_forget_in_process()


@pytest.fixture
def shared_cache(settings) -> None:
    """The cache as production has it with Redis: every process sees the same one
    (settings.CACHE_IS_SHARED), so the user and "Oppslag på deg" are cached too. Emptied."""
    settings.CACHE_IS_SHARED = True
    cache.clear()


@pytest.fixture(scope="session")
def emulator_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmulatorServer]:
    server = EmulatorServer(tmp_path_factory.mktemp("emulator"))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def emulator(emulator_server: EmulatorServer) -> Iterator[Emulator]:
    """The running emulator, with faults and clock back to normal before and after each test."""
    control = Emulator(emulator_server)
    control.reset()
    yield control
    control.reset()


SERVER_CLIENT = LOCAL_SERVER_CLIENT_ID


@pytest.fixture
def authlevel_at_emulator(emulator: Emulator, settings) -> Iterator[Emulator]:
    """The authlevel API at the emulator, reached with a real JWT grant signed by the
    PKCS#12 certificate of the emulator's test PKI."""
    pki = emulator.server.pki_dir
    settings.IDPORTEN_ISSUER = emulator.issuer
    settings.IDPORTEN_AUTHLEVEL_BASE_URL = emulator.url
    settings.IDPORTEN_SERVER_CLIENT_ID = SERVER_CLIENT
    settings.IDPORTEN_KEYSTORE_PATH = str(pki / f"{SERVER_CLIENT}.p12")
    settings.IDPORTEN_KEYSTORE_PASSWORD = (pki / f"{SERVER_CLIENT}.password").read_text().strip()
    cache.clear()
    yield emulator
    cache.clear()
