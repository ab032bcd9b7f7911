// The whole code flow against a running emulator with openid-client (panva), an independent
// certified OIDC client: discovery, PKCE + nonce + state, the headless TestID login, the code
// grant with its ID token checks (signature too), userinfo, refresh, introspection,
// revocation and the end-session URL. Prints a JSON summary for
// tests/emulator/test_independent_clients.py to check.
//
// node tests/emulator/openid_client_flow.mjs <issuer> <client_id> <secret> <redirect_uri> <pid> \
//     <post_logout_redirect_uri>
import * as client from "openid-client";

// A refusal by openid-client is printed as {"error": <its code>, "reason": <why>}, exit 1.
process.on("uncaughtException", (error) => {
  console.log(JSON.stringify({ error: error.code, reason: error.cause?.message ?? error.message }));
  process.exit(1);
});

const [issuer, clientId, secret, redirectUri, pid, postLogoutRedirectUri] = process.argv.slice(2);

const config = await client.discovery(
  new URL(issuer),
  clientId,
  secret,
  client.ClientSecretBasic(secret),
  // The emulator runs on plain http; the non-repudiation check verifies the ID token's
  // signature with the keys of jwks_uri, which openid-client leaves out by default.
  { execute: [client.allowInsecureRequests, client.enableNonRepudiationChecks] },
);

const pkceCodeVerifier = client.randomPKCECodeVerifier();
const expectedNonce = client.randomNonce();
const expectedState = client.randomState();
const authorizationUrl = client.buildAuthorizationUrl(config, {
  redirect_uri: redirectUri,
  scope: "openid profile",
  code_challenge: await client.calculatePKCECodeChallenge(pkceCodeVerifier),
  code_challenge_method: "S256",
  nonce: expectedNonce,
  state: expectedState,
  login_hint: `testid:${pid}_idporten-loa-substantial`,
});

// The headless login answers with a redirect straight to the client's callback.
const login = await fetch(authorizationUrl, { redirect: "manual" });
if (login.status !== 302) {
  throw new Error(`authorize answered ${login.status}: ${await login.text()}`);
}
const callbackUrl = new URL(login.headers.get("location"));

// openid-client checks state, the RFC 9207 iss parameter, PKCE and the ID token.
const tokens = await client.authorizationCodeGrant(config, callbackUrl, {
  pkceCodeVerifier,
  expectedNonce,
  expectedState,
  idTokenExpected: true,
});
const claims = tokens.claims();
const userinfo = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token);
const introspection = await client.tokenIntrospection(config, refreshed.access_token);
await client.tokenRevocation(config, refreshed.access_token);
const afterRevocation = await client.tokenIntrospection(config, refreshed.access_token);
const endSessionUrl = client.buildEndSessionUrl(config, {
  id_token_hint: tokens.id_token,
  post_logout_redirect_uri: postLogoutRedirectUri,
  state: "bye",
});

console.log(
  JSON.stringify({
    callback_iss: callbackUrl.searchParams.get("iss"),
    sub: claims.sub,
    pid: claims.pid,
    acr: claims.acr,
    userinfo_sub: userinfo.sub,
    refreshed_differs: refreshed.access_token !== tokens.access_token,
    introspection_active: introspection.active,
    introspection_sub: introspection.sub,
    active_after_revocation: afterRevocation.active,
    end_session_url: endSessionUrl.href,
  }),
);
