"""Drive the local ID-porten emulator over HTTP: start it, control it, log in through it.

tests/conftest.py turns this into the `emulator` fixture; later issues' tests use `code_flow`
to get real tokens for a synthetic citizen.
"""

from __future__ import annotations

import base64
import hashlib
import os
import secrets
import socket
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

import jwt
import requests
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 10


@dataclass(frozen=True)
class RegisteredClient:
    client_id: str
    client_secret: str
    redirect_uri: str


# Both are registered by emulator/clients.json.
PORTAL_CLIENT = RegisteredClient(
    "local-min-innloggingshistorikk",
    "local-emulator-secret-not-for-production",
    "http://localhost:8000/oidc/callback/",
)
NAV_DEMO_CLIENT = RegisteredClient(
    "local-nav-demo", "local-nav-demo-secret-not-for-production", "http://localhost:8002/callback"
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class EmulatorServer:
    """`manage.py runserver --settings=emulator.settings` on a free port, with its own database."""

    def __init__(self, workdir: Path, *, mode: str = "test") -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.database_path = workdir / "emulator.sqlite3"
        self.stderr_path = workdir / "emulator.stderr"
        self.pki_dir = workdir / "pki"
        # Absent until a test writes it (tests/emulator/test_extra_clients.py).
        self.extra_clients_file = workdir / "extra-clients.json"
        self.extra_personas_file = workdir / "extra-personas.json"  # test_extra_personas.py
        self.env = {
            **os.environ,
            "DEBUG": "true",
            "EMULATOR_MODE": mode,
            "EMULATOR_ISSUER": self.url,
            "EMULATOR_DATABASE_URL": f"sqlite://{self.database_path}",
            "EMULATOR_PKI_DIR": str(self.pki_dir),
            "EMULATOR_EXTRA_CLIENTS_FILE": str(self.extra_clients_file),
            "EMULATOR_EXTRA_PERSONAS_FILE": str(self.extra_personas_file),
            "PYTHONUNBUFFERED": "1",
        }
        self.process: subprocess.Popen[bytes] | None = None

    def manage(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "manage.py", *args, "--settings=emulator.settings"],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            check=False,
        )

    def start(self) -> None:
        prepared = self.manage("emulator_prepare", "--verbosity=0")
        if prepared.returncode != 0:
            raise RuntimeError(f"emulator_prepare failed:\n{prepared.stderr}")
        with self.stderr_path.open("wb") as stderr:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "manage.py",
                    "runserver",
                    "--noreload",
                    "--settings=emulator.settings",
                    f"127.0.0.1:{self.port}",
                ],
                cwd=ROOT,
                env=self.env,
                stdout=subprocess.DEVNULL,
                stderr=stderr,
            )
        self._wait_until_ready()

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                break
            try:
                requests.get(f"{self.url}/.well-known/openid-configuration", timeout=1)
                return
            except requests.ConnectionError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"the emulator did not start:\n{self.stderr()}")

    def stderr(self) -> str:
        return self.stderr_path.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


class Emulator:
    """The test's handle on the running emulator and its control API."""

    def __init__(self, server: EmulatorServer) -> None:
        self.server = server
        self.url = server.url
        self.issuer = server.url
        self._clock_offset = 0.0

    def _control(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        response = requests.request(
            method, f"{self.url}/_emulator/{path}", json=body, timeout=TIMEOUT
        )
        response.raise_for_status()
        return response.json() if response.content else None

    def fault(self, endpoint: str, fault: str, count: int = 1, **params: Any) -> None:
        self._control(
            "POST", "faults", {"endpoint": endpoint, "fault": fault, "count": count, **params}
        )

    def faults(self) -> list[dict[str, Any]]:
        return self._control("GET", "faults")["faults"]

    def clear_faults(self) -> None:
        self._control("DELETE", "faults")

    def register_client(self, **fields: Any) -> None:
        self._control("POST", "clients", fields)

    def register(self, client: RegisteredClient, **fields: Any) -> None:
        """Register `client` for the code flow with its secret, under the portal's
        organisation; `fields` add to the registration or replace its defaults."""
        self.register_client(
            **{
                "client_id": client.client_id,
                "client_secret": client.client_secret,
                "redirect_uris": [client.redirect_uri],
                "orgno": "991825827",
                "organisation_name": "DIGITALISERINGSDIREKTORATET",
                "service_name": "DIGITALISERINGSDIREKTORATET",
                "scopes": ["openid", "profile"],
                "grant_types": ["authorization_code"],
                "token_endpoint_auth_methods": ["client_secret_basic"],
                **fields,
            }
        )

    def shift_clock(self, seconds: float) -> None:
        self._clock_offset += seconds
        self._control("POST", "clock", {"offset_seconds": self._clock_offset})

    def reset(self) -> None:
        self._clock_offset = 0.0
        self._control("POST", "reset")

    def now(self) -> int:
        """The emulator's clock, shifts included, in epoch seconds."""
        return int(time.time() + self._clock_offset)

    def jwks(self) -> dict[str, Any]:
        return requests.get(f"{self.url}/jwk", timeout=TIMEOUT).json()

    def login_events(self, pid: str) -> list[dict[str, Any]]:
        """The citizen's login log, newest first, read straight from the emulator's database."""
        with closing(sqlite3.connect(self.server.database_path)) as connection:
            connection.row_factory = sqlite3.Row
            rows = connection.execute(
                "SELECT e.* FROM emulator_loginevent e JOIN emulator_person p"
                " ON p.id = e.person_id WHERE p.pid = ? ORDER BY e.timestamp DESC, e.id DESC",
                (pid,),
            ).fetchall()
        return [dict(row) for row in rows]

    def code_flow(self, **kwargs: Any) -> FlowResult:
        return code_flow(self, **kwargs)


@dataclass
class AuthorizationRequest:
    client: RegisteredClient
    params: dict[str, str]
    code_verifier: str

    @property
    def state(self) -> str:
        return self.params["state"]

    @property
    def nonce(self) -> str:
        return self.params["nonce"]


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def authorization_request(
    client: RegisteredClient = PORTAL_CLIENT, **params: str | None
) -> AuthorizationRequest:
    """A correct request with PKCE S256, state and nonce; pass a parameter as None to drop it."""
    verifier, challenge = pkce_pair()
    defaults: dict[str, str | None] = {
        "response_type": "code",
        "client_id": client.client_id,
        "redirect_uri": client.redirect_uri,
        "scope": "openid profile",
        "state": secrets.token_urlsafe(16),
        "nonce": secrets.token_urlsafe(16),
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    merged = {**defaults, **params}
    return AuthorizationRequest(
        client, {k: v for k, v in merged.items() if v is not None}, verifier
    )


def follow_emulator_redirects(
    emulator: Emulator, browser: requests.Session, response: requests.Response
) -> requests.Response:
    """Follow redirects while they stay at the emulator; stop at a redirect to a client."""
    while response.is_redirect:
        target = urljoin(response.url, response.headers["Location"])
        if not target.startswith(emulator.url):
            break
        response = browser.get(target, allow_redirects=False, timeout=TIMEOUT)
    return response


def authorize(
    emulator: Emulator, browser: requests.Session, request: AuthorizationRequest
) -> requests.Response:
    response = browser.get(
        f"{emulator.url}/authorize", params=request.params, allow_redirects=False, timeout=TIMEOUT
    )
    return follow_emulator_redirects(emulator, browser, response)


def submit_login(
    browser: requests.Session, login_page: requests.Response, **form: str
) -> requests.Response:
    """Post the TestID form (pid, eid, level, persona or cancel) as a browser would."""
    return browser.post(login_page.url, data=form, allow_redirects=False, timeout=TIMEOUT)


def redirect_params(response: requests.Response) -> dict[str, str]:
    """The query parameters of a redirect to the client's redirect URI."""
    assert response.is_redirect, f"expected a redirect, got {response.status_code}"
    query = urlsplit(response.headers["Location"]).query
    return {name: values[0] for name, values in parse_qs(query).items()}


def token_request(
    emulator: Emulator,
    client: RegisteredClient,
    *,
    auth: str = "basic",
    secret: str | None = None,
    **form: str,
) -> requests.Response:
    secret = client.client_secret if secret is None else secret
    if auth == "basic":
        return requests.post(
            f"{emulator.url}/token", data=form, auth=(client.client_id, secret), timeout=TIMEOUT
        )
    return requests.post(
        f"{emulator.url}/token",
        data={**form, "client_id": client.client_id, "client_secret": secret},
        timeout=TIMEOUT,
    )


def code_token_request(
    emulator: Emulator, request: AuthorizationRequest, code: str, **overrides: str
) -> requests.Response:
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": request.client.redirect_uri,
        "code_verifier": request.code_verifier,
        **overrides,
    }
    return token_request(emulator, request.client, **form)


@dataclass
class FlowResult:
    tokens: dict[str, Any]
    request: AuthorizationRequest
    browser: requests.Session
    callback: dict[str, str] = field(default_factory=dict)


def code_flow(
    emulator: Emulator,
    *,
    client: RegisteredClient = PORTAL_CLIENT,
    pid: str = "15878510035",
    eid: str = "TestID",
    level: str | None = None,
    browser: requests.Session | None = None,
    **params: str | None,
) -> FlowResult:
    """A complete authorization code flow: authorize, TestID login (skipped when SSO answers
    silently), callback checks, and the token request. Returns the token response."""
    browser = browser or requests.Session()
    request = authorization_request(client, **params)
    response = authorize(emulator, browser, request)
    if not response.is_redirect:
        form = {"pid": pid, "eid": eid, **({"level": level} if level else {})}
        response = submit_login(browser, response, **form)
    callback = redirect_params(response)
    assert callback.get("state") == request.params.get("state"), callback
    assert "code" in callback, callback
    token_response = code_token_request(emulator, request, callback["code"])
    assert token_response.status_code == 200, token_response.text
    return FlowResult(token_response.json(), request, browser, callback)


def decode_verified(
    emulator: Emulator, token: str, *, audience: str | None = None
) -> dict[str, Any]:
    """Verify an RS256 token against the emulator's published keys, as a relying party does.

    Access tokens carry no `aud`: leave audience out for them."""
    kid = jwt.get_unverified_header(token)["kid"]
    jwk = next(key for key in emulator.jwks()["keys"] if key["kid"] == kid)
    return jwt.decode(
        token,
        jwt.PyJWK(jwk).key,
        algorithms=["RS256"],
        audience=audience,
        issuer=emulator.issuer,
        leeway=0,
    )


# --- The JWT grant (server-to-server) with the emulator's test PKI ---------------------------

SERVER_CLIENT_ID = "local-min-innloggingshistorikk-server"  # registered by clients.json
JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"


@dataclass(frozen=True)
class EnterpriseCertificate:
    """A private key and its certificate chain, leaf first, as read from a PKCS#12 file."""

    key: rsa.RSAPrivateKey
    chain: list[x509.Certificate]

    @property
    def x5c(self) -> list[str]:
        """The chain as the JWT header's x5c: base64 (not base64url) DER, RFC 7515 4.1.6."""
        return [
            base64.b64encode(certificate.public_bytes(serialization.Encoding.DER)).decode("ascii")
            for certificate in self.chain
        ]


def enterprise_certificate_load(p12: Path, password: str | None) -> EnterpriseCertificate:
    key, certificate, additional = pkcs12.load_key_and_certificates(
        p12.read_bytes(), password.encode("utf-8") if password is not None else None
    )
    assert isinstance(key, rsa.RSAPrivateKey) and certificate is not None
    return EnterpriseCertificate(key, [certificate, *additional])


def server_credentials(
    emulator: Emulator,
    *,
    client_id: str = SERVER_CLIENT_ID,
    p12: Path | None = None,
    password: str | None = None,
) -> EnterpriseCertificate:
    """The client's certificate from the emulator's test PKI (the password file beside it)."""
    pki = emulator.server.pki_dir
    if password is None:
        password = (pki / f"{client_id}.password").read_text(encoding="ascii")
    return enterprise_certificate_load(p12 or pki / f"{client_id}.p12", password)


def jwt_assertion(
    emulator: Emulator,
    key: rsa.RSAPrivateKey,
    *,
    header: dict[str, Any],
    client_id: str = SERVER_CLIENT_ID,
    scope: str = "global/idporten.authlevel.read",
    lifetime: int = 120,
    **claims: Any,
) -> str:
    """An RS256 assertion of the JWT grant, timed by the emulator's clock; pass a claim as
    None to leave it out."""
    issued = emulator.now()
    defaults: dict[str, Any] = {
        "aud": emulator.issuer,
        "iss": client_id,
        "scope": scope,
        "iat": issued,
        "exp": issued + lifetime,
        "jti": secrets.token_urlsafe(16),
    }
    payload = {name: value for name, value in {**defaults, **claims}.items() if value is not None}
    return jwt.encode(payload, key, algorithm="RS256", headers=header)


def jwt_grant_request(emulator: Emulator, assertion: str) -> requests.Response:
    return requests.post(
        f"{emulator.url}/token",
        data={"grant_type": JWT_BEARER, "assertion": assertion},
        timeout=TIMEOUT,
    )


def server_token(
    emulator: Emulator,
    *,
    scope: str = "global/idporten.authlevel.read",
    client_id: str = SERVER_CLIENT_ID,
    p12: Path | None = None,
    password: str | None = None,
) -> str:
    """A server access token (no pid) from the JWT grant, signed with the client's PKCS#12
    certificate (by default the one the emulator's test PKI made for it)."""
    credentials = server_credentials(emulator, client_id=client_id, p12=p12, password=password)
    assertion = jwt_assertion(
        emulator, credentials.key, header={"x5c": credentials.x5c}, client_id=client_id, scope=scope
    )
    response = jwt_grant_request(emulator, assertion)
    assert response.status_code == 200, response.text
    return response.json()["access_token"]
