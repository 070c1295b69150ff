import { describe, expect, it } from 'vitest';
import type { Severity } from '@/lib/analysis/types';
import { leftHalfHash } from '@/lib/crypto/sha';
import type { Exchange } from '@/lib/model';
import { ANALYZE_IDS } from './catalogue';
import {
  APP,
  AS,
  INTERACTION,
  START,
  allDiagnostics,
  authorizeUrl,
  discovery,
  frontChannelLogout,
  jarEvents,
  login,
  logout,
  refresh,
  run,
  samlLogin,
  scenario,
  seconds,
  silentAuth,
  type Scenario,
} from './scenarios';

type Expected = [Severity, Exchange[]];

interface FiredCase {
  id: string;
  label: string;
  build: () => { s: Scenario; fires: Expected[] };
}

const must = (e: Exchange | undefined): Exchange => {
  if (!e) throw new Error('the scenario has no hop of that name');
  return e;
};
/** The named hops of a scenario. */
const at = (s: Scenario, ...names: string[]): Exchange[] => names.map((n) => must(s.names[n]));

/** Builds a scenario and says which hops each expected diagnostic points at. */
function build(
  make: (s: Scenario) => void,
  fires: (s: Scenario) => Expected[],
): () => { s: Scenario; fires: Expected[] } {
  return () => {
    const s = scenario();
    make(s);
    return { s, fires: fires(s) };
  };
}

const HYBRID = {
  responseType: 'code id_token',
  responseMode: 'form_post' as const,
  txCookie: 'shop.tx=t1; Path=/; HttpOnly; Secure; SameSite=None',
};
const SAML_REQUESTER = 'urn:oasis:names:tc:SAML:2.0:status:Requester';

/** A login that loops: the app never keeps its session, so every visit starts a new login. */
function redirectLoop(s: Scenario): Exchange[] {
  const accounts: Exchange[] = [];
  for (let i = 1; i <= 3; i++) {
    accounts.push(
      s.t.go('GET', `${APP}/account`, {
        redirect: `${APP}/login`,
        ...(i === 1 ? { newRequest: true } : {}),
      }),
    );
    const authz = authorizeUrl({ state: `S${i}` });
    const callback = `${APP}/callback?code=K${i}&state=S${i}&iss=${encodeURIComponent(AS)}`;
    s.t.go('GET', `${APP}/login`, { redirect: authz });
    s.t.go('GET', authz, { status: 303, redirect: callback });
    s.t.go('GET', callback, { redirect: `${APP}/account` });
  }
  s.t.go('GET', `${APP}/account`);
  return accounts;
}

// Every rule of the catalogue (protocol.md section 4) fired by one mutation of clean traffic.
const FIRED: FiredCase[] = [
  {
    id: 'STATE_MISSING',
    label: 'no state; PKCE and nonce still protect the callback',
    build: build(
      (s) => login(s, { state: null }),
      (s) => [['warning', at(s, 'authorize')]],
    ),
  },
  {
    id: 'STATE_MISSING',
    label: 'no state, no PKCE and no nonce',
    build: build(
      (s) => login(s, { state: null, pkce: null, nonce: null }),
      (s) => [['error', at(s, 'authorize')]],
    ),
  },
  {
    id: 'STATE_MISMATCH',
    label: 'the callback carries another state',
    build: build(
      (s) => login(s, { callbackState: 'S-forged' }),
      (s) => [['error', at(s, 'authorize', 'callback')]],
    ),
  },
  {
    id: 'STATE_MISMATCH',
    label: 'the callback carries no state',
    build: build(
      (s) => login(s, { callbackState: null }),
      (s) => [['error', at(s, 'authorize', 'callback')]],
    ),
  },
  {
    id: 'STATE_REUSED',
    label: 'two logins send the same state',
    build: () => {
      const s = scenario();
      const first = login(s);
      const second = login(s, { sso: true, code: 'K2' });
      return { s, fires: [['warning', [must(first['authorize']), must(second['authorize'])]]] };
    },
  },
  {
    id: 'NONCE_MISSING',
    label: 'code flow without nonce (info)',
    build: build(
      (s) => login(s, { nonce: null }),
      (s) => [['info', at(s, 'authorize')]],
    ),
  },
  {
    id: 'NONCE_MISSING',
    label: 'an ID token from the authorization endpoint without nonce (error)',
    build: build(
      (s) => login(s, { ...HYBRID, nonce: null }),
      (s) => [['error', at(s, 'authorize')]],
    ),
  },
  {
    id: 'NONCE_MISMATCH',
    label: 'the ID token of the token response carries another nonce',
    build: build(
      (s) => login(s, { spa: true, idToken: { claims: { nonce: 'N-replayed' } } }),
      (s) => [['error', at(s, 'authorize', 'token')]],
    ),
  },
  {
    id: 'NONCE_MISMATCH',
    label: 'the form_post ID token carries another nonce',
    build: build(
      (s) => login(s, { ...HYBRID, idToken: { claims: { nonce: 'N-replayed' } } }),
      (s) => [['error', at(s, 'authorize', 'callback')]],
    ),
  },
  {
    id: 'IMPLICIT_GRANT',
    label: 'response_type=id_token token',
    build: build(
      (s) => login(s, { responseType: 'id_token token', responseMode: 'fragment' }),
      (s) => [['warning', at(s, 'authorize')]],
    ),
  },
  {
    id: 'TOKEN_IN_QUERY',
    label: 'an access token returned in the query',
    build: build(
      (s) => login(s, { responseType: 'token', responseMode: 'query' }),
      (s) => [['error', at(s, 'callback')]],
    ),
  },
  {
    id: 'PKCE_MISSING',
    label: 'a confidential client without PKCE (warning)',
    build: build(
      (s) => login(s, { pkce: null }),
      (s) => [['warning', at(s, 'authorize')]],
    ),
  },
  {
    id: 'PKCE_MISSING',
    label: 'a public client (token call from the page) without PKCE (error)',
    build: build(
      (s) => login(s, { pkce: null, spa: true, verifier: null }),
      (s) => [['error', at(s, 'authorize')]],
    ),
  },
  {
    id: 'PKCE_PLAIN',
    label: 'code_challenge_method=plain',
    build: build(
      (s) => login(s, { pkce: 'plain' }),
      (s) => [['warning', at(s, 'authorize')]],
    ),
  },
  {
    id: 'PKCE_PLAIN',
    label: 'code_challenge without a method (means plain)',
    build: build(
      (s) => login(s, { pkce: 'no-method' }),
      (s) => [['warning', at(s, 'authorize')]],
    ),
  },
  {
    id: 'PKCE_MISMATCH',
    label: 'the verifier does not hash to the challenge',
    build: build(
      (s) => login(s, { spa: true, verifier: 'another-verifier-0123456789-abcdefghijklmnopq' }),
      (s) => [['error', at(s, 'authorize', 'token')]],
    ),
  },
  {
    id: 'PKCE_MISMATCH',
    label: 'a verifier for a request that had no challenge',
    build: build(
      (s) => login(s, { spa: true, pkce: null }),
      (s) => [['error', at(s, 'authorize', 'token')]],
    ),
  },
  {
    id: 'ISS_PARAM_MISSING',
    label: 'a query callback without iss',
    build: build(
      (s) => login(s, { iss: null }),
      (s) => [['warning', at(s, 'callback')]],
    ),
  },
  {
    id: 'ISS_PARAM_MISSING',
    label: 'a fragment callback with only an access token and no iss',
    build: build(
      (s) => login(s, { responseType: 'token', responseMode: 'fragment', iss: null }),
      (s) => [['warning', at(s, 'callback')]],
    ),
  },
  {
    id: 'ISS_PARAM_MISSING',
    label: 'no iss although the metadata says the AS sends it (error)',
    build: build(
      (s) => {
        discovery(s, { authorization_response_iss_parameter_supported: true });
        login(s, { iss: null });
      },
      (s) => [['error', at(s, 'callback')]],
    ),
  },
  {
    id: 'ISS_PARAM_MISMATCH',
    label: 'iss names another server',
    build: build(
      (s) => login(s, { iss: 'https://evil.example' }),
      (s) => [['error', at(s, 'authorize', 'callback')]],
    ),
  },
  {
    id: 'ISS_PARAM_MISMATCH',
    label: 'iss names a look-alike host that starts with the AS origin',
    build: build(
      (s) => login(s, { iss: 'https://login.example.evil.com' }),
      (s) => [['error', at(s, 'authorize', 'callback')]],
    ),
  },
  {
    id: 'ISS_PARAM_MISMATCH',
    label: 'iss differs from the discovered issuer (another tenant on the same host)',
    build: build(
      (s) => {
        discovery(s, { issuer: `${AS}/tenant-a` });
        login(s, { iss: `${AS}/tenant-b` });
      },
      (s) => [['error', at(s, 'authorize', 'callback')]],
    ),
  },
  {
    id: 'IDT_ISS_MISMATCH',
    label: 'the form_post ID token comes from another issuer',
    build: build(
      (s) => login(s, { ...HYBRID, idToken: { claims: { iss: 'https://evil.example' } } }),
      (s) => [['error', at(s, 'callback')]],
    ),
  },
  {
    id: 'IDT_ISS_MISMATCH',
    label: 'the ID token of the token response comes from another issuer',
    build: build(
      (s) => login(s, { spa: true, idToken: { claims: { iss: 'https://evil.example' } } }),
      (s) => [['error', at(s, 'token')]],
    ),
  },
  {
    id: 'IDT_ISS_MISMATCH',
    label: 'the ID token iss differs from the discovered issuer',
    build: build(
      (s) => {
        discovery(s, { issuer: `${AS}/tenant-a` });
        login(s, {
          spa: true,
          iss: `${AS}/tenant-a`,
          idToken: { claims: { iss: `${AS}/tenant-b` } },
        });
      },
      (s) => [['error', at(s, 'token')]],
    ),
  },
  {
    id: 'IDT_AUD_AZP',
    label: 'aud lacks the client_id',
    build: build(
      (s) => login(s, { spa: true, idToken: { claims: { aud: 'another-client' } } }),
      (s) => [['error', at(s, 'token')]],
    ),
  },
  {
    id: 'IDT_AUD_AZP',
    label: 'several audiences and no azp',
    build: build(
      (s) => login(s, { spa: true, idToken: { claims: { aud: ['shop', 'api'] } } }),
      (s) => [['error', at(s, 'token')]],
    ),
  },
  {
    id: 'IDT_AUD_AZP',
    label: 'several audiences and azp names another client',
    build: build(
      (s) => login(s, { spa: true, idToken: { claims: { aud: ['shop', 'api'], azp: 'api' } } }),
      (s) => [['error', at(s, 'token')]],
    ),
  },
  {
    id: 'IDT_EXPIRED',
    label: 'the ID token expired 10 minutes before it arrived',
    build: build(
      (s) =>
        login(s, {
          spa: true,
          idToken: { claims: { iat: seconds(START) - 4200, exp: seconds(START) - 600 } },
        }),
      (s) => [['error', at(s, 'token')]],
    ),
  },
  {
    id: 'CLOCK_SKEW',
    label: 'iat 10 minutes in the future',
    build: build(
      (s) => login(s, { spa: true, idToken: { claims: { iat: seconds(START) + 600 } } }),
      (s) => [['warning', at(s, 'token')]],
    ),
  },
  {
    id: 'CLOCK_SKEW',
    label: "iat ahead of the response's Date header",
    build: build(
      (s) =>
        login(s, {
          spa: true,
          tokenResponseHeaders: [
            { name: 'Date', value: new Date(START - 30 * 60_000).toUTCString() },
          ],
        }),
      (s) => [['warning', at(s, 'token')]],
    ),
  },
  {
    id: 'AUTH_TIME',
    label: 'max_age=300 but the user authenticated an hour ago',
    build: build(
      (s) =>
        login(s, {
          spa: true,
          extraParams: { max_age: '300' },
          idToken: { claims: { auth_time: seconds(START) - 3600 } },
        }),
      (s) => [['warning', at(s, 'token')]],
    ),
  },
  {
    id: 'AUTH_TIME',
    label: 'max_age sent but no auth_time',
    build: build(
      (s) =>
        login(s, {
          spa: true,
          extraParams: { max_age: '300' },
          idToken: { claims: { auth_time: undefined } },
        }),
      (s) => [['warning', at(s, 'token')]],
    ),
  },
  {
    id: 'HASH_MISMATCH',
    label: 'c_hash of another code',
    build: build(
      (s) => login(s, { ...HYBRID, idToken: { claims: { c_hash: leftHalfHash('K-other') } } }),
      (s) => [['error', at(s, 'callback')]],
    ),
  },
  {
    id: 'HASH_MISMATCH',
    label: 'at_hash of another access token (token response)',
    build: build(
      (s) => login(s, { spa: true, idToken: { claims: { at_hash: leftHalfHash('AT-other') } } }),
      (s) => [['error', at(s, 'token')]],
    ),
  },
  {
    id: 'ALG_NONE_WEAK',
    label: 'alg none',
    build: build(
      (s) => login(s, { spa: true, idToken: { header: { alg: 'none', typ: 'JWT' } } }),
      (s) => [['error', at(s, 'token')]],
    ),
  },
  {
    id: 'ALG_NONE_WEAK',
    label: 'a jku header names a key URL',
    build: build(
      (s) =>
        login(s, {
          spa: true,
          idToken: { header: { alg: 'RS256', kid: 'k1', jku: 'https://evil.example/jwks' } },
        }),
      (s) => [['error', at(s, 'token')]],
    ),
  },
  {
    id: 'ALG_NONE_WEAK',
    label: 'HS256 with the kid of a public key from the JWKS',
    build: build(
      (s) => {
        discovery(s, {}, { keys: [{ kty: 'RSA', kid: 'k1', use: 'sig', n: 'AQAB', e: 'AQAB' }] });
        login(s, { spa: true, idToken: { header: { alg: 'HS256', kid: 'k1', typ: 'JWT' } } });
      },
      (s) => [['error', at(s, 'token')]],
    ),
  },
  {
    id: 'ALG_NONE_WEAK',
    label: 'an alg the discovery document does not advertise',
    build: build(
      (s) => {
        discovery(s, { id_token_signing_alg_values_supported: ['RS256'] });
        login(s, { spa: true, idToken: { header: { alg: 'ES256', kid: 'k1', typ: 'JWT' } } });
      },
      (s) => [['error', at(s, 'token')]],
    ),
  },
  {
    id: 'REDIRECT_URI_MISMATCH',
    label: 'error=redirect_uri_mismatch',
    build: build(
      (s) =>
        login(s, {
          callbackError: { error: 'redirect_uri_mismatch', error_description: 'not registered' },
        }),
      (s) => [['error', at(s, 'callback')]],
    ),
  },
  {
    id: 'REDIRECT_URI_MISMATCH',
    label: 'the AS answers the request with an error page',
    build: build(
      (s) => login(s, { authorizeStatus: 400 }),
      (s) => [['error', at(s, 'authorize')]],
    ),
  },
  {
    id: 'REDIRECT_URI_MISMATCH',
    label: 'the AS redirects to its own error page: "Callback URL mismatch"',
    build: build(
      (s) => {
        const authz = authorizeUrl();
        s.names['login'] = s.t.go('GET', `${APP}/login`, { newRequest: true, redirect: authz });
        const error = `${AS}/error?error=invalid_request&error_description=Callback%20URL%20mismatch`;
        s.names['authorize'] = s.t.go('GET', authz, { redirect: error });
        s.names['errorPage'] = s.t.go('GET', error);
      },
      (s) => [['error', at(s, 'authorize')]],
    ),
  },
  {
    id: 'REDIRECT_URI_MISMATCH',
    label: 'AADSTS50011 in the page body (a HAR with content)',
    build: build(
      (s) => {
        login(s, { authorizeStatus: 200 });
        s.responseBodies[must(s.names['authorize']).id] =
          '<html><body>AADSTS50011: The redirect URI specified in the request does not match.</body></html>';
      },
      (s) => [['error', at(s, 'authorize')]],
    ),
  },
  {
    id: 'AUTHZ_ERROR',
    label: 'error=invalid_scope',
    build: build(
      (s) => login(s, { callbackError: { error: 'invalid_scope' } }),
      (s) => [['error', at(s, 'callback')]],
    ),
  },
  {
    id: 'AUTHZ_ERROR',
    label: 'error=access_denied (info)',
    build: build(
      (s) => login(s, { callbackError: { error: 'access_denied' } }),
      (s) => [['info', at(s, 'callback')]],
    ),
  },
  {
    id: 'SILENT_AUTH_FAILED',
    label: 'login_required with no session anywhere (info)',
    build: build(
      (s) => silentAuth(s, { error: 'login_required' }),
      (s) => [['info', at(s, 'silentAuthorize', 'silentCallback')]],
    ),
  },
  {
    id: 'SILENT_AUTH_FAILED',
    label: 'the AS session exists but its cookie was not sent (warning)',
    build: build(
      (s) => {
        login(s);
        silentAuth(s, { error: 'login_required', sendCookies: false });
      },
      (s) => [['warning', at(s, 'silentAuthorize', 'silentCallback')]],
    ),
  },
  {
    id: 'SILENT_AUTH_FAILED',
    label: 'login_required after a logout ended the AS session (info)',
    build: build(
      (s) => {
        login(s);
        logout(s);
        silentAuth(s, { error: 'login_required' });
      },
      (s) => [['info', at(s, 'silentAuthorize', 'silentCallback')]],
    ),
  },
  {
    id: 'SILENT_AUTH_FAILED',
    label: 'a file stripped of Cookie headers cannot show a missing cookie (info)',
    build: build(
      (s) => {
        login(s);
        silentAuth(s, { error: 'login_required' });
        for (const e of s.t.exchanges)
          e.requestHeaders = e.requestHeaders.filter((h) => h.name.toLowerCase() !== 'cookie');
      },
      (s) => [['info', at(s, 'silentAuthorize', 'silentCallback')]],
    ),
  },
  {
    id: 'THIRD_PARTY_COOKIE_BLOCKED',
    label: 'the front-channel logout iframe goes without the app session cookie',
    build: build(
      (s) => {
        login(s);
        frontChannelLogout(s, { blocked: true });
        s.cookieEvents = jarEvents(s.t.exchanges);
      },
      (s) => [['warning', at(s, 'fcFrame')]],
    ),
  },
  {
    id: 'THIRD_PARTY_COOKIE_BLOCKED',
    label: 'the silent-auth iframe goes without the AS session cookie',
    build: build(
      (s) => {
        login(s);
        silentAuth(s, { error: 'login_required', sendCookies: false });
        s.cookieEvents = jarEvents(s.t.exchanges);
      },
      (s) => [['warning', at(s, 'silentAuthorize')]],
    ),
  },
  {
    id: 'CROSS_SITE_POST_COOKIE_DROPPED',
    label: 'the form_post callback arrives without the Lax transaction cookie',
    build: build(
      (s) =>
        login(s, {
          ...HYBRID,
          txCookie: 'shop.tx=t1; Path=/; HttpOnly; Secure; SameSite=Lax',
          dropCookiesOnCallback: true,
        }),
      (s) => [['error', at(s, 'callback')]],
    ),
  },
  {
    id: 'CROSS_SITE_POST_COOKIE_DROPPED',
    label: "the SAML POST arrives without the SP's Lax cookie",
    build: build(
      (s) =>
        samlLogin(s, {
          spCookie: 'sp_tx=q1; Path=/; HttpOnly; Secure; SameSite=Lax',
          dropCookiesOnAcs: true,
        }),
      (s) => [['error', at(s, 'acs')]],
    ),
  },
  {
    id: 'SAMESITE_NONE_INSECURE',
    label: 'SameSite=None without Secure',
    build: build(
      (s) => login(s, { appSessionCookie: 'shop.sid=s1; Path=/; HttpOnly; SameSite=None' }),
      (s) => [['error', at(s, 'callback')]],
    ),
  },
  {
    id: 'COOKIE_PREFIX_INVALID',
    label: '__Host- with a Domain',
    build: build(
      (s) =>
        login(s, {
          appSessionCookie:
            '__Host-sid=s1; Path=/; Domain=shop.example; HttpOnly; Secure; SameSite=Lax',
        }),
      (s) => [['error', at(s, 'callback')]],
    ),
  },
  {
    id: 'COOKIE_PREFIX_INVALID',
    label: '__Host- with a Path other than /',
    build: build(
      (s) => login(s, { appSessionCookie: '__Host-sid=s1; Path=/app; HttpOnly; Secure' }),
      (s) => [['error', at(s, 'callback')]],
    ),
  },
  {
    id: 'COOKIE_PREFIX_INVALID',
    label: '__Secure- without Secure',
    build: build(
      (s) => login(s, { appSessionCookie: '__Secure-sid=s1; Path=/; HttpOnly; SameSite=Lax' }),
      (s) => [['error', at(s, 'callback')]],
    ),
  },
  {
    id: 'SECURE_FROM_HTTP',
    label: 'an http:// app sets Secure cookies',
    build: build(
      (s) => login(s, { app: 'http://shop.example' }),
      (s) => [
        ['error', at(s, 'login')],
        ['error', at(s, 'callback')],
      ],
    ),
  },
  {
    id: 'COOKIE_REJECTED',
    label: 'the session cookie never reached the cookie jar',
    build: build(
      (s) => {
        login(s);
        s.cookieEvents = jarEvents(s.t.exchanges, ['shop.sid']);
      },
      (s) => [['error', at(s, 'callback')]],
    ),
  },
  {
    id: 'SESSION_COOKIE_WEAK',
    label: 'the app session cookie lacks HttpOnly',
    build: build(
      (s) => login(s, { appSessionCookie: 'shop.sid=s1; Path=/; Secure; SameSite=Lax' }),
      (s) => [['warning', at(s, 'callback')]],
    ),
  },
  {
    id: 'SESSION_COOKIE_WEAK',
    label: 'the AS session cookie lacks Secure',
    build: build(
      (s) => login(s, { asSessionCookie: '_session=a1; Path=/; HttpOnly; SameSite=Lax' }),
      (s) => [['warning', at(s, 'resume')]],
    ),
  },
  {
    id: 'COOKIE_SIZE',
    label: '3808 bytes (warning)',
    build: build(
      (s) =>
        login(s, {
          appSessionCookie: `shop.sid=${'a'.repeat(3800)}; Path=/; HttpOnly; Secure; SameSite=Lax`,
        }),
      (s) => [['warning', at(s, 'callback')]],
    ),
  },
  {
    id: 'COOKIE_SIZE',
    label: '4208 bytes (error)',
    build: build(
      (s) =>
        login(s, {
          appSessionCookie: `shop.sid=${'a'.repeat(4200)}; Path=/; HttpOnly; Secure; SameSite=Lax`,
        }),
      (s) => [['error', at(s, 'callback')]],
    ),
  },
  {
    id: 'REDIRECT_LOOP',
    label: 'app and AS send the browser round in circles (a new login each time)',
    build: () => {
      const s = scenario();
      const accounts = redirectLoop(s);
      return { s, fires: [['error', accounts]] };
    },
  },
  {
    id: 'REDIRECT_LOOP',
    label: 'the browser gives up: too many redirects',
    build: build(
      (s) => {
        login(s);
        const done = must(s.names['done']);
        done.status = 0;
        done.error = 'net::ERR_TOO_MANY_REDIRECTS';
      },
      (s) => [['error', at(s, 'done')]],
    ),
  },
  {
    id: 'URL_TOO_LONG',
    label: 'an authorization URL over 8000 bytes (warning)',
    build: build(
      (s) => login(s, { extraParams: { claims: 'x'.repeat(8200) } }),
      (s) => [['warning', at(s, 'authorize')]],
    ),
  },
  {
    id: 'URL_TOO_LONG',
    label: 'the AS answers 414 (error)',
    build: build(
      (s) => login(s, { authorizeStatus: 414 }),
      (s) => [['error', at(s, 'authorize')]],
    ),
  },
  {
    id: 'INSECURE_TRANSPORT',
    label: 'the callback over http://',
    build: build(
      (s) => login(s, { app: 'http://shop.example' }),
      (s) => [['error', at(s, 'callback')]],
    ),
  },
  {
    id: 'INSECURE_TRANSPORT',
    label: 'the authorization request over http://',
    build: build(
      (s) => login(s, { as: 'http://login.example', iss: 'http://login.example' }),
      (s) => [['error', at(s, 'authorize')]],
    ),
  },
  {
    id: 'INSECURE_TRANSPORT',
    label: 'the discovery document over http://',
    build: build(
      (s) => {
        discovery(s, { issuer: 'http://login.example' }, undefined, 'http://login.example');
        login(s);
      },
      (s) => [['error', at(s, 'discovery')]],
    ),
  },
  {
    id: 'REFERER_LEAK',
    label: 'the callback page loads a third-party script with the code in the Referer',
    build: build(
      (s) => {
        login(s, { spa: true });
        s.names['pixel'] = s.t.go('GET', 'https://cdn.tracker.example/pixel.js', {
          type: 'script',
          newRequest: true,
          headers: [{ name: 'Referer', value: must(s.names['callback']).url }],
        });
      },
      (s) => [['error', at(s, 'callback', 'pixel')]],
    ),
  },
  {
    id: 'REFERER_LEAK',
    label: 'an access token in the Referer of a navigation to another site',
    build: build(
      (s) => {
        login(s);
        s.names['partner'] = s.t.go('GET', 'https://partner.example/', {
          newRequest: true,
          headers: [{ name: 'Referer', value: `${APP}/account?access_token=AT-opaque-1` }],
        });
      },
      (s) => [['error', at(s, 'partner')]],
    ),
  },
  {
    id: 'OPEN_REDIRECT',
    label: 'post_logout_redirect_uri to an origin outside the flow',
    build: build(
      (s) => {
        login(s);
        logout(s, { postLogout: 'https://evil.example/' });
      },
      (s) => [['warning', at(s, 'endSession')]],
    ),
  },
  {
    id: 'OPEN_REDIRECT',
    label: 'RelayState URL to an origin outside the flow',
    build: build(
      (s) => samlLogin(s, { relayState: 'https://evil.example/next' }),
      (s) => [
        ['warning', at(s, 'sso')],
        ['warning', at(s, 'acs')],
      ],
    ),
  },
  {
    id: 'OPEN_REDIRECT',
    label: 'redirect_uri on another site than the app that sent the request',
    build: build(
      (s) => login(s, { redirectUri: 'https://evil.example/callback' }),
      (s) => [['warning', at(s, 'authorize')]],
    ),
  },
  {
    id: 'CREDENTIAL_307',
    label: 'the password POST is answered 307 to the client',
    build: build(
      (s) => {
        const callback = `${APP}/callback?code=K1&state=S1&iss=${encodeURIComponent(AS)}`;
        login(s, { credentialsStatus: 307, credentialsRedirect: callback });
        s.names['callback'] = s.t.go('POST', callback, {
          form: { login: 'bob', password: 'pw' },
          redirect: `${APP}/account`,
          setCookies: ['shop.sid=s1; Path=/; HttpOnly; Secure; SameSite=Lax'],
        });
        s.t.go('GET', `${APP}/account`);
      },
      (s) => [['warning', at(s, 'credentials')]],
    ),
  },
  {
    id: 'REFRESH_ROTATION',
    label: 'the refresh response has no new refresh token (info)',
    build: build(
      (s) => {
        login(s, { spa: true });
        refresh(s, 'refresh1', {
          refreshToken: 'RT-1',
          body: { access_token: 'AT-2', token_type: 'Bearer', expires_in: 3600 },
        });
      },
      (s) => [['info', at(s, 'refresh1')]],
    ),
  },
  {
    id: 'REFRESH_ROTATION',
    label: 'the refresh response returns the same refresh token (info)',
    build: build(
      (s) => {
        login(s, { spa: true });
        refresh(s, 'refresh1', {
          refreshToken: 'RT-1',
          body: { access_token: 'AT-2', token_type: 'Bearer', refresh_token: 'RT-1' },
        });
      },
      (s) => [['info', at(s, 'refresh1')]],
    ),
  },
  {
    id: 'REFRESH_ROTATION',
    label: 'a used refresh token is sent again and answered invalid_grant (error)',
    build: build(
      (s) => {
        login(s, { spa: true });
        refresh(s, 'refresh1', {
          refreshToken: 'RT-1',
          body: { access_token: 'AT-2', token_type: 'Bearer', refresh_token: 'RT-2' },
        });
        refresh(s, 'refresh2', {
          refreshToken: 'RT-1',
          status: 400,
          body: { error: 'invalid_grant', error_description: 'refresh token already used' },
        });
      },
      (s) => [['error', at(s, 'refresh1', 'refresh2')]],
    ),
  },
  {
    id: 'LOGOUT_INCOMPLETE',
    label: 'the logout leaves the AS session alive',
    build: build(
      (s) => {
        login(s);
        logout(s, { clearAs: [] });
      },
      (s) => [['warning', at(s, 'endSession')]],
    ),
  },
  {
    id: 'LOGOUT_INCOMPLETE',
    label: 'post_logout_redirect_uri without id_token_hint or client_id',
    build: build(
      (s) => {
        login(s);
        logout(s, { idTokenHint: false, clientId: false });
      },
      (s) => [['warning', at(s, 'endSession')]],
    ),
  },
  {
    id: 'LOGOUT_INCOMPLETE',
    label: 'the AS session survives two logouts (the first cleared only another AS cookie)',
    build: () => {
      const s = scenario();
      login(s);
      const first = logout(s, { clearAs: ['old'] });
      const second = logout(s, { clearAs: [] });
      return {
        s,
        fires: [
          ['warning', [must(first['endSession'])]],
          ['warning', [must(second['endSession'])]],
        ],
      };
    },
  },
  {
    id: 'SAML_UNSIGNED',
    label: 'a POSTed Response signed neither on Response nor on Assertion',
    build: build(
      (s) => samlLogin(s, { response: { signAssertion: false } }),
      (s) => [['error', at(s, 'acs')]],
    ),
  },
  {
    id: 'SAML_UNSIGNED',
    label: 'a redirect-binding SigAlg without Signature',
    build: build(
      (s) => samlLogin(s, { sigAlg: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256' }),
      (s) => [['error', at(s, 'sso')]],
    ),
  },
  {
    id: 'SAML_TIME',
    label: 'the assertion expired before it arrived',
    build: build(
      (s) =>
        samlLogin(s, {
          response: { notBefore: START - 20 * 60_000, notOnOrAfter: START - 10 * 60_000 },
        }),
      (s) => [['error', at(s, 'acs')]],
    ),
  },
  {
    id: 'SAML_TIME',
    label: 'the assertion is not valid yet',
    build: build(
      (s) => samlLogin(s, { response: { notBefore: START + 10 * 60_000 } }),
      (s) => [['error', at(s, 'acs')]],
    ),
  },
  {
    id: 'SAML_AUDIENCE_RECIPIENT',
    label: 'Audience is another SP',
    build: build(
      (s) => samlLogin(s, { response: { audience: 'https://other-sp.example/metadata' } }),
      (s) => [['error', at(s, 'acs')]],
    ),
  },
  {
    id: 'SAML_AUDIENCE_RECIPIENT',
    label: 'Destination is another URL',
    build: build(
      (s) => samlLogin(s, { response: { destination: 'https://other-sp.example/acs' } }),
      (s) => [['error', at(s, 'acs')]],
    ),
  },
  {
    id: 'SAML_AUDIENCE_RECIPIENT',
    label: 'Recipient is another URL',
    build: build(
      (s) => samlLogin(s, { response: { recipient: 'https://other-sp.example/acs' } }),
      (s) => [['error', at(s, 'acs')]],
    ),
  },
  {
    id: 'SAML_INRESPONSETO',
    label: 'InResponseTo names another request',
    build: build(
      (s) => samlLogin(s, { response: { inResponseTo: '_other' } }),
      (s) => [['error', at(s, 'acs')]],
    ),
  },
  {
    id: 'SAML_INRESPONSETO',
    label: 'no InResponseTo although the SP sent an AuthnRequest (error)',
    build: build(
      (s) => samlLogin(s, { response: { inResponseTo: null } }),
      (s) => [['error', at(s, 'acs')]],
    ),
  },
  {
    id: 'SAML_STATUS',
    label: 'StatusCode Requester',
    build: build(
      (s) => samlLogin(s, { response: { status: SAML_REQUESTER } }),
      (s) => [['error', at(s, 'acs')]],
    ),
  },
  {
    id: 'RELAYSTATE_LONG',
    label: 'a RelayState of 100 bytes, on the request and on the response',
    build: build(
      (s) => samlLogin(s, { relayState: 'r'.repeat(100) }),
      (s) => [
        ['warning', at(s, 'sso')],
        ['warning', at(s, 'acs')],
      ],
    ),
  },
];

/** Clean traffic of every family; no rule may fire on any of them. */
const CLEAN: Record<string, () => Scenario> = {
  'code flow, server-side client, interactive login': () => {
    const s = scenario();
    login(s);
    return s;
  },
  'SPA code flow with PKCE, visible token response and rotating refreshes': () => {
    const s = scenario();
    discovery(
      s,
      { authorization_response_iss_parameter_supported: true },
      { keys: [{ kty: 'RSA', kid: 'k1', use: 'sig', n: 'AQAB', e: 'AQAB' }] },
    );
    login(s, { spa: true, extraParams: { max_age: '600' } });
    refresh(s, 'refresh1', {
      refreshToken: 'RT-1',
      body: { access_token: 'AT-2', token_type: 'Bearer', refresh_token: 'RT-2' },
    });
    refresh(s, 'refresh2', {
      refreshToken: 'RT-2',
      body: { access_token: 'AT-3', token_type: 'Bearer', refresh_token: 'RT-3' },
    });
    return s;
  },
  'hybrid form_post with an ID token': () => {
    const s = scenario();
    login(s, HYBRID);
    return s;
  },
  'login, SSO login, silent renewal, full logout': () => {
    const s = scenario();
    login(s);
    login(s, { sso: true, state: 'S2', nonce: 'N2', code: 'K2' });
    silentAuth(s);
    logout(s);
    return s;
  },
  'live recording with the cookie jar, front-channel logout': () => {
    const s = scenario();
    login(s);
    frontChannelLogout(s);
    s.cookieEvents = jarEvents(s.t.exchanges);
    return s;
  },
  'SAML SP-initiated login, redirect binding out, POST back': () => {
    const s = scenario();
    samlLogin(s, { spCookie: 'sp_tx=q1; Path=/; HttpOnly; Secure; SameSite=None' });
    return s;
  },
};

/** Traffic near a rule's edge that must not set it off (false positives fixed once). */
const SILENT: { id: string; label: string; build: () => Scenario }[] = [
  {
    id: 'IDT_ISS_MISMATCH',
    label: 'Google writes iss without a scheme (accounts.google.com)',
    build: () => {
      const s = scenario();
      login(s, {
        as: 'https://accounts.google.com',
        spa: true,
        iss: 'accounts.google.com',
        idToken: { claims: { iss: 'accounts.google.com' } },
      });
      return s;
    },
  },
  {
    id: 'ISS_PARAM_MISMATCH',
    label: 'Google writes iss without a scheme (accounts.google.com)',
    build: () => {
      const s = scenario();
      login(s, { as: 'https://accounts.google.com', iss: 'accounts.google.com' });
      return s;
    },
  },
  {
    id: 'ALG_NONE_WEAK',
    label: 'an HS256 ID token (client-secret signed) with no public key named',
    build: () => {
      const s = scenario();
      login(s, { spa: true, idToken: { header: { alg: 'HS256', typ: 'JWT' } } });
      return s;
    },
  },
  {
    id: 'REDIRECT_URI_MISMATCH',
    label: 'the user mistypes the password (401) and gives up',
    build: () => {
      const s = scenario();
      const authz = authorizeUrl();
      s.t.go('GET', `${APP}/login`, { newRequest: true, redirect: authz });
      s.t.go('GET', authz, { status: 303, redirect: `${AS}/interaction/${INTERACTION}` });
      s.t.go('GET', `${AS}/interaction/${INTERACTION}`);
      s.t.go('POST', `${AS}/interaction/${INTERACTION}/login`, {
        status: 401,
        form: { login: 'bob', password: 'wrong' },
        newRequest: true,
      });
      return s;
    },
  },
  {
    id: 'REDIRECT_URI_MISMATCH',
    label: 'a 414 is a long URL, not a redirect_uri problem',
    build: () => {
      const s = scenario();
      login(s, { authorizeStatus: 414 });
      return s;
    },
  },
  {
    id: 'REDIRECT_LOOP',
    label: 'the user mistypes the password three times within 30 s',
    build: () => {
      const s = scenario();
      const authz = authorizeUrl();
      s.t.go('GET', `${APP}/login`, { newRequest: true, redirect: authz });
      s.t.go('GET', authz, { status: 303, redirect: `${AS}/interaction/${INTERACTION}` });
      s.t.go('GET', `${AS}/interaction/${INTERACTION}`);
      for (let i = 0; i < 3; i++) {
        s.t.go('POST', `${AS}/interaction/${INTERACTION}/login`, {
          status: 303,
          form: { login: 'bob', password: `wrong${i}` },
          redirect: `${AS}/interaction/${INTERACTION}`,
          newRequest: true,
        });
        s.t.go('GET', `${AS}/interaction/${INTERACTION}`);
      }
      return s;
    },
  },
  {
    id: 'CREDENTIAL_307',
    label: 'a 307 that re-posts to the same server (a trailing slash)',
    build: () => {
      const s = scenario();
      login(s, {
        credentialsStatus: 307,
        credentialsRedirect: `${AS}/interaction/${INTERACTION}/login/`,
      });
      s.t.go('POST', `${AS}/interaction/${INTERACTION}/login/`, {
        status: 303,
        form: { login: 'bob', password: 'pw' },
        redirect: `${AS}/authorize/${INTERACTION}`,
      });
      return s;
    },
  },
  {
    id: 'THIRD_PARTY_COOKIE_BLOCKED',
    label: 'the jar holds only a cookie scoped to another path',
    build: () => {
      const s = scenario();
      login(s, { asSessionCookie: '_session=a1; Path=/account-area; HttpOnly; Secure' });
      silentAuth(s, { error: 'login_required', sendCookies: false });
      s.cookieEvents = jarEvents(s.t.exchanges);
      return s;
    },
  },
  {
    id: 'CROSS_SITE_POST_COOKIE_DROPPED',
    label: 'a Lax cookie whose Path does not cover the callback',
    build: () => {
      const s = scenario();
      login(s, {
        ...HYBRID,
        txCookie: 'shop.pref=p1; Path=/account; HttpOnly; Secure; SameSite=Lax',
        dropCookiesOnCallback: true,
      });
      return s;
    },
  },
  {
    id: 'CROSS_SITE_POST_COOKIE_DROPPED',
    label: 'a Lax cookie that the app had already cleared',
    build: () => {
      const s = scenario();
      s.t.go('GET', `${APP}/promo`, {
        newRequest: true,
        setCookies: ['shop.promo=1; Path=/; Secure; SameSite=Lax'],
      });
      s.t.go('GET', `${APP}/promo/done`, {
        newRequest: true,
        setCookies: ['shop.promo=; Path=/; Max-Age=0'],
      });
      login(s, HYBRID);
      return s;
    },
  },
  {
    id: 'CROSS_SITE_POST_COOKIE_DROPPED',
    label: 'a file stripped of every Cookie request header (Set-Cookie kept)',
    build: () => {
      const s = scenario();
      login(s, HYBRID);
      for (const e of s.t.exchanges)
        e.requestHeaders = e.requestHeaders.filter((h) => h.name.toLowerCase() !== 'cookie');
      return s;
    },
  },
  {
    id: 'REFERER_LEAK',
    label: 'a ?code= that is no authorization response (a promo code)',
    build: () => {
      const s = scenario();
      login(s);
      s.t.go('GET', `${APP}/shop?code=SUMMER25`, { newRequest: true });
      s.t.go('GET', 'https://cdn.tracker.example/pixel.js', {
        type: 'script',
        newRequest: true,
        headers: [{ name: 'Referer', value: `${APP}/shop?code=SUMMER25` }],
      });
      return s;
    },
  },
  {
    id: 'REFERER_LEAK',
    label: 'the full callback URL as Referer on the same origin',
    build: () => {
      const s = scenario();
      login(s, { spa: true });
      s.t.go('GET', `${APP}/app.js`, {
        type: 'script',
        newRequest: true,
        headers: [{ name: 'Referer', value: must(s.names['callback']).url }],
      });
      return s;
    },
  },
  {
    id: 'OPEN_REDIRECT',
    label: 'post_logout_redirect_uri back to the app',
    build: () => {
      const s = scenario();
      login(s);
      logout(s, { postLogout: `${APP}/bye` });
      return s;
    },
  },
  {
    id: 'LOGOUT_INCOMPLETE',
    label: 'the front-channel logout iframe clears the app session',
    build: () => {
      const s = scenario();
      login(s);
      frontChannelLogout(s);
      return s;
    },
  },
];

describe('diagnostics: each rule fires on the traffic the catalogue describes', () => {
  it.each(FIRED.map((c) => [c.id, c.label, c] as const))('%s: %s', (id, _label, c) => {
    const { s, fires } = c.build();
    const found = allDiagnostics(run(s))
      .filter((d) => d.id === id)
      .map((d) => [d.severity, d.exchangeIds] as const);
    const expected = fires.map(([severity, hops]) => [severity, hops.map((h) => h.id)] as const);
    expect(found).toEqual(expect.arrayContaining(expected));
    expect(found).toHaveLength(expected.length);
  });

  it('SAML_INRESPONSETO: an IdP-initiated response answers no request (info)', () => {
    const s = scenario();
    samlLogin(s, { idpInitiated: true, response: { inResponseTo: null } });
    const found = allDiagnostics(run(s))
      .filter((d) => d.id === 'SAML_INRESPONSETO')
      .map((d) => [d.severity, d.exchangeIds]);
    expect(found).toEqual([['info', [must(s.names['acs']).id]]]);
  });

  it('every catalogue id has a case that fires it', () => {
    expect([...new Set(FIRED.map((c) => c.id))].sort()).toEqual([...ANALYZE_IDS].sort());
  });
});

describe('diagnostics: each rule stays silent on clean traffic', () => {
  const clean = Object.entries(CLEAN).map(([name, make]) => {
    const s = make();
    return { name, diagnostics: allDiagnostics(run(s)) };
  });

  it.each(ANALYZE_IDS)('%s is silent on every clean scenario', (id) => {
    for (const { name, diagnostics } of clean) {
      expect(
        diagnostics.filter((d) => d.id === id),
        name,
      ).toEqual([]);
    }
  });

  it.each(Object.keys(CLEAN))('%s: no diagnostic at all', (name) => {
    expect(clean.find((c) => c.name === name)?.diagnostics).toEqual([]);
  });

  it.each(SILENT.map((c) => [c.id, c.label, c] as const))('%s silent: %s', (id, _label, c) => {
    const found = allDiagnostics(run(c.build())).filter((d) => d.id === id);
    expect(found).toEqual([]);
  });
});
