// motcua as an OpenID Provider, with the openid-client package as a real relying party against
// the running server (the demo client demo-portal: public, PKCE S256): discovery, code flow,
// ID-token verification, userinfo, refresh rotation, RP-initiated logout — and the negative
// cases of the OpenID conformance suite's basic plan that a relying party can observe.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as client from 'openid-client';

const base = process.env.MOTCUA_BASE_URL?.replace(/\/+$/, '');
assert.ok(base, 'MOTCUA_BASE_URL must name a running motcua');
const redirectUri = 'http://127.0.0.1:8765/callback';
const scope = 'openid profile vn_profile offline_access';

let config;

before(async () => {
  config = await client.discovery(new URL(base), 'demo-portal', undefined, client.None(), {
    execute: [client.allowInsecureRequests],
  });
});

/** A browser session of citizen.demo, as the Cookie header value. */
async function signIn(login = 'citizen.demo') {
  const r = await fetch(`${base}/api/v1/session`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ login, password: 'Demo@2026' }),
  });
  assert.equal(r.status, 200, await r.text());
  return r.headers.get('set-cookie').split(';')[0];
}

/** Starts an authorization request as the RP would, and lets the signed-in browser answer it. */
async function authorize(cookie, overrides = {}) {
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope,
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
    ...overrides,
  });
  const r = await fetch(url, { headers: { Cookie: cookie }, redirect: 'manual' });
  return { response: r, location: r.headers.get('location'), verifier, state, nonce };
}

async function tokensFor(cookie) {
  const a = await authorize(cookie);
  assert.equal(a.response.status, 302);
  assert.ok(a.location.startsWith(redirectUri), a.location);
  const tokens = await client.authorizationCodeGrant(config, new URL(a.location), {
    pkceCodeVerifier: a.verifier,
    expectedState: a.state,
    expectedNonce: a.nonce,
    idTokenExpected: true,
  });
  return { tokens, callback: a.location, verifier: a.verifier };
}

test('discovery advertises what a relying party needs', () => {
  const m = config.serverMetadata();
  assert.equal(m.issuer, base);
  assert.ok(m.code_challenge_methods_supported.includes('S256'));
  assert.ok(m.id_token_signing_alg_values_supported.includes('RS256'));
  assert.ok(m.scopes_supported.includes('vn_profile'));
});

test('code flow with PKCE: verified ID token, userinfo with the national claims, refresh, logout', async () => {
  const cookie = await signIn();
  const { tokens } = await tokensFor(cookie);
  const claims = tokens.claims();
  assert.ok(claims.sub);
  assert.equal(claims.aud, 'demo-portal');
  assert.equal(claims.acr, '1');
  assert.deepEqual(claims.amr, ['pwd']);
  assert.ok(typeof claims.auth_time === 'number');

  const info = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
  assert.equal(info.SoDinhDanh, '001085012345');
  assert.equal(info.HoVaTen, 'Nguyễn Văn An');

  // Refresh rotates: the new token works, the old one is spent and its reuse ends the family.
  const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token);
  assert.ok(refreshed.access_token && refreshed.refresh_token);
  assert.notEqual(refreshed.refresh_token, tokens.refresh_token);
  await assert.rejects(client.refreshTokenGrant(config, tokens.refresh_token), (e) => e.error === 'invalid_grant');
  await assert.rejects(client.refreshTokenGrant(config, refreshed.refresh_token), (e) => e.error === 'invalid_grant');

  // RP-initiated logout ends the browser session and returns to the registered URI.
  const end = client.buildEndSessionUrl(config, {
    id_token_hint: tokens.id_token,
    post_logout_redirect_uri: 'http://127.0.0.1:8765/logged-out',
    state: 'bye',
  });
  const out = await fetch(end, { headers: { Cookie: cookie }, redirect: 'manual' });
  assert.equal(out.status, 302);
  assert.ok(out.headers.get('location').startsWith('http://127.0.0.1:8765/logged-out'));
  const after = await (await fetch(`${base}/api/v1/session`, { headers: { Cookie: cookie } })).json();
  assert.equal(after.signed_in, false);
});

test('an unregistered redirect_uri is never redirected to', async () => {
  const cookie = await signIn();
  const a = await authorize(cookie, { redirect_uri: 'http://127.0.0.1:8765/callback/../evil' });
  assert.equal(a.response.status, 400);
  assert.equal(a.location, null);
  const b = await authorize(cookie, { redirect_uri: 'http://attacker.invalid/callback' });
  assert.equal(b.response.status, 400);
  assert.equal(b.location, null);
});

test('a reused code is refused and the tokens issued from it are revoked', async () => {
  const cookie = await signIn();
  const { tokens, callback, verifier } = await tokensFor(cookie);
  await assert.rejects(
    client.authorizationCodeGrant(config, new URL(callback), {
      pkceCodeVerifier: verifier,
      expectedState: new URL(callback).searchParams.get('state'),
    }),
    (e) => e.error === 'invalid_grant',
  );
  await assert.rejects(client.fetchUserInfo(config, tokens.access_token, client.skipSubjectCheck), (e) => e.status === 401);
});

test('a missing or wrong PKCE verifier is refused', async () => {
  const cookie = await signIn();
  const a = await authorize(cookie);
  const code = new URL(a.location).searchParams.get('code');
  const missing = await fetch(`${base}/oauth2/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', client_id: 'demo-portal', code, redirect_uri: redirectUri }),
  });
  assert.equal(missing.status, 400);
  assert.equal((await missing.json()).error, 'invalid_grant');

  const b = await authorize(cookie);
  await assert.rejects(
    client.authorizationCodeGrant(config, new URL(b.location), {
      pkceCodeVerifier: client.randomPKCECodeVerifier(),
      expectedState: b.state,
      expectedNonce: b.nonce,
    }),
    (e) => e.error === 'invalid_grant',
  );
  // A public client cannot leave PKCE out of the authorization request either.
  const c = await authorize(cookie, { code_challenge: '', code_challenge_method: '' });
  assert.equal(c.response.status, 302);
  assert.equal(new URL(c.location).searchParams.get('error'), 'invalid_request');
});

test('the relying party detects a nonce that is not its own', async () => {
  const cookie = await signIn();
  const a = await authorize(cookie);
  await assert.rejects(
    client.authorizationCodeGrant(config, new URL(a.location), {
      pkceCodeVerifier: a.verifier,
      expectedState: a.state,
      expectedNonce: client.randomNonce(),
    }),
    (e) => e.code === 'OAUTH_JWT_CLAIM_COMPARISON_FAILED' && /"nonce"/.test(e.cause?.message ?? ''),
  );
});

test('unsigned (alg: none) and tampered tokens are refused', async () => {
  const cookie = await signIn();
  const { tokens } = await tokensFor(cookie);
  const [, payload] = tokens.access_token.split('.');
  const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'at+jwt' })).toString('base64url')}.${payload}.`;
  for (const token of [none, tokens.access_token.slice(0, -4) + 'AAAA']) {
    const info = await fetch(`${base}/oauth2/userinfo`, { headers: { Authorization: `Bearer ${token}` } });
    assert.equal(info.status, 401);
    const me = await fetch(`${base}/api/v1/me`, { headers: { Authorization: `Bearer ${token}` } });
    assert.equal(me.status, 401);
  }
});
