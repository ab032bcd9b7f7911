"""Fixtures shared by every test package: the local ID-porten emulator as a real server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.emulator.support import Emulator, EmulatorServer
from tests.idporten.portal_flow import portal  # noqa: F401 (the portal against the emulator)


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
