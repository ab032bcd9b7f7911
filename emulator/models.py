"""The emulator's records. People and their login log are what the two APIs answer from."""

from __future__ import annotations

from django.db import models


class Person(models.Model):
    """A citizen known to ID-porten: one who has logged in at least once."""

    pid = models.CharField(max_length=11, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.pid[:6]}*****"


class LoginEvent(models.Model):
    """One line of ID-porten's login log, as the login-history API returns it."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="logins")
    timestamp = models.DateTimeField()
    service_name = models.CharField(max_length=200)  # "tjeneste"
    eid = models.CharField(max_length=50)  # "MinID PIN", "BankID", "Federated", ...
    integration_id = models.CharField(max_length=200)  # the client_id, "integrasjon_id"
    orgno = models.CharField(max_length=9)

    class Meta:
        ordering = ["-timestamp", "-id"]
        indexes = [
            # "this person's logins, newest first" and the same "for one organisation".
            models.Index(fields=["person", "-timestamp"], name="login_person_time"),
            models.Index(fields=["person", "orgno", "-timestamp"], name="login_person_org_time"),
        ]

    def __str__(self) -> str:
        return f"{self.timestamp:%Y-%m-%d %H:%M} {self.service_name} {self.eid}"


def _empty_list() -> list[str]:
    return []


class Client(models.Model):
    """A registered OpenID client, loaded from clients.json and editable in the admin."""

    client_id = models.CharField(max_length=200, unique=True)
    # Empty for a server client of the JWT grant: its assertion authenticates it.
    client_secret = models.CharField(max_length=200, blank=True)
    redirect_uris = models.JSONField(default=_empty_list, blank=True)
    post_logout_redirect_uris = models.JSONField(default=_empty_list, blank=True)
    frontchannel_logout_uri = models.CharField(max_length=500, blank=True)
    frontchannel_logout_session_required = models.BooleanField(default=False)
    # Back-channel logout (docs/idporten.md 8.1): a logout token is POSTed here when the SSO
    # session ends. ID-porten then sets backchannel_logout_session_required: sid is always sent.
    backchannel_logout_uri = models.CharField(max_length=500, blank=True)
    orgno = models.CharField(max_length=9)
    organisation_name = models.CharField(max_length=200)
    service_name = models.CharField(max_length=200)  # the login log's "tjeneste"
    scopes = models.JSONField(default=_empty_list)
    grant_types = models.JSONField(default=_empty_list)
    token_endpoint_auth_methods = models.JSONField(default=_empty_list)
    access_token_lifetime = models.PositiveIntegerField(default=120)
    id_token_lifetime = models.PositiveIntegerField(default=120)
    refresh_token_lifetime = models.PositiveIntegerField(default=600)
    authorization_lifetime = models.PositiveIntegerField(default=7200)
    # Pre-registered public keys (JWKs with a kid) for JWT-grant assertions signed without x5c.
    jwks = models.JSONField(default=_empty_list, blank=True)

    class Meta:
        ordering = ["client_id"]

    def __str__(self) -> str:
        return self.client_id


class SigningKey(models.Model):
    """An RSA key pair. The newest unretired key signs; retired keys stay published a while."""

    kid = models.CharField(max_length=64, unique=True)
    private_key_pem = models.TextField()
    created_at = models.DateTimeField()
    retired_at = models.DateTimeField(null=True, blank=True)
    published_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.kid


class SsoSession(models.Model):
    """A citizen's single sign-on at the emulator: one authentication, reused by clients."""

    key = models.CharField(max_length=64, unique=True)  # kept in the browser's session
    sid = models.CharField(max_length=64, unique=True)  # the ID token's `sid`
    pid = models.CharField(max_length=11)
    level = models.PositiveSmallIntegerField()
    amr = models.CharField(max_length=50)
    auth_time = models.DateTimeField()
    expires_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    clients = models.ManyToManyField(Client, blank=True, related_name="sso_sessions")

    def __str__(self) -> str:
        return self.sid


class PendingAuthorization(models.Model):
    """A validated /authorize request waiting for the citizen at the TestID page."""

    key = models.CharField(max_length=64, unique=True)
    client = models.ForeignKey(Client, on_delete=models.CASCADE)
    redirect_uri = models.CharField(max_length=500)
    scope = models.CharField(max_length=500)
    state = models.CharField(max_length=500, blank=True)
    nonce = models.CharField(max_length=500, blank=True)
    code_challenge = models.CharField(max_length=128)
    level = models.PositiveSmallIntegerField()
    old_acr_vocabulary = models.BooleanField(default=False)
    locale = models.CharField(max_length=2)
    expires_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.client} pending authorization"


class Grant(models.Model):
    """One authorization of one client by one citizen: what its tokens and codes share."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE)
    sso_session = models.ForeignKey(SsoSession, null=True, on_delete=models.SET_NULL)
    # A server grant (the JWT grant) authorizes a client, not a citizen: no pid, no level.
    pid = models.CharField(max_length=11, blank=True)
    scope = models.CharField(max_length=500)
    level = models.PositiveSmallIntegerField(null=True, blank=True)
    old_acr_vocabulary = models.BooleanField(default=False)
    amr = models.CharField(max_length=50)
    auth_time = models.DateTimeField()
    locale = models.CharField(max_length=2)
    nonce = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()  # the client's authorization_lifetime
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.client} grant {self.pk}"


class AuthorizationCode(models.Model):
    code_hash = models.CharField(max_length=64, unique=True)
    grant = models.ForeignKey(Grant, on_delete=models.CASCADE, related_name="codes")
    redirect_uri = models.CharField(max_length=500)
    code_challenge = models.CharField(max_length=128)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"code for grant {self.grant_id}"


class RefreshToken(models.Model):
    token_hash = models.CharField(max_length=64, unique=True)
    grant = models.ForeignKey(Grant, on_delete=models.CASCADE, related_name="refresh_tokens")
    expires_at = models.DateTimeField()
    rotated_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"refresh token for grant {self.grant_id}"


class AccessToken(models.Model):
    """Issued access tokens by jti, so that /revoke and /tokeninfo can know about them."""

    jti = models.CharField(max_length=64, unique=True)
    grant = models.ForeignKey(Grant, on_delete=models.CASCADE, related_name="access_tokens")
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.jti


class UsedAssertion(models.Model):
    """A JWT-grant assertion already spent, kept until it expires so a replay is refused."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE)
    # SHA-256 of the jti, or of the whole assertion when it has none (docs/idporten.md 4).
    replay_key = models.CharField(max_length=64)
    expires_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["client", "replay_key"], name="assertion_used_once")
        ]

    def __str__(self) -> str:
        return f"{self.client} assertion {self.replay_key[:8]}"


class Fault(models.Model):
    """A queued misbehaviour of one endpoint; kept in the database so every thread sees it."""

    endpoint = models.CharField(max_length=40)
    fault = models.CharField(max_length=40)
    remaining = models.PositiveIntegerField(default=1)
    seconds = models.FloatField(default=0.0)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.endpoint}: {self.fault} x{self.remaining}"


class ClockOffset(models.Model):
    """One row: how far the emulator's clock runs ahead of the real one."""

    seconds = models.FloatField(default=0.0)

    def __str__(self) -> str:
        return f"{self.seconds:+.0f} s"


class DebuggerRequest(models.Model):
    """One request a client made to an OpenID endpoint, for the debugger page (dev and test
    mode only; emulator/debugger.py). Never a secret: parameters are kept by name, with values
    only for harmless ones, and tokens only decoded (header and claims), never as issued."""

    client_id = models.CharField(max_length=200)  # "unknown" when the request named none
    at = models.DateTimeField()  # the emulator's clock, as the tokens' iat
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=40)
    # [{"name": ..., "value": ... or null, "length": ... or null}], in the request's order.
    parameters = models.JSONField(default=list, blank=True)
    authentication = models.CharField(max_length=40, blank=True)  # "Basic", "Bearer", ...
    status = models.PositiveSmallIntegerField()
    error = models.CharField(max_length=100, blank=True)
    error_description = models.CharField(max_length=500, blank=True)
    # Why /authorize showed its error page instead of redirecting (emulator.debugger.PAGE_ERRORS).
    page_error = models.CharField(max_length=40, blank=True)
    # {"id_token": {"header", "claims", "signature_valid", "nonce_sent"}, "access_token": ...,
    #  "refresh_token": {"expires_in": ...}} of a 200 from /token.
    tokens = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["client_id", "-id"], name="debugger_client_newest")]

    def __str__(self) -> str:
        return f"{self.client_id} {self.method} {self.path} {self.status}"
