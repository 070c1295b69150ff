/**
 * Hand-made login traffic for the diagnostics tests: a clean base for every protocol family and
 * the knobs each rule's mutation needs. Every builder names the hops it writes, so a test can say
 * which exchanges a diagnostic must point at.
 */
import { deflateRawSync } from 'node:zlib';
import { analyze, type AnalyzeInput } from '@/lib/analysis/analyze';
import type { Analysis, Diagnostic } from '@/lib/analysis/types';
import { leftHalfHash, s256Challenge } from '@/lib/crypto/sha';
import type { CookieEvent, CookieSameSite, Exchange, Header } from '@/lib/model';
import { isRemoval, parseSetCookie } from '@/lib/protocol/cookies';
import { TrafficBuilder } from '../../helpers/flow-builder';

export const START = Date.parse('2026-11-30T10:00:00Z');
export const NOW = START + 10 * 60_000;
export const APP = 'https://shop.example';
export const AS = 'https://login.example';
export const SP = 'https://sp.example';
export const IDP = 'https://idp.example';
export const SP_ENTITY = 'https://sp.example/metadata';
export const VERIFIER = 'verifier-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFGH';
export const INTERACTION = 'Ux1a2b3c4d5e6f7';

/** Recorded traffic plus what a source may add to it, and names for its hops. */
export interface Scenario {
  t: TrafficBuilder;
  names: Record<string, Exchange>;
  responseBodies: Record<string, string>;
  cookieEvents?: CookieEvent[];
}

export function scenario(): Scenario {
  return { t: new TrafficBuilder(START), names: {}, responseBodies: {} };
}

export function run(s: Scenario, extra: Partial<AnalyzeInput> = {}): Analysis {
  return analyze({
    exchanges: s.t.exchanges,
    now: NOW,
    responseBodies: s.responseBodies,
    ...(s.cookieEvents ? { cookieEvents: s.cookieEvents } : {}),
    ...extra,
  });
}

/** Every diagnostic of an analysis once (a recording-wide one shows on each flow it touches). */
export function allDiagnostics(analysis: Analysis): Diagnostic[] {
  const seen = new Map<string, Diagnostic>();
  for (const d of [...analysis.diagnostics, ...analysis.flows.flatMap((f) => f.diagnostics)]) {
    seen.set(JSON.stringify([d.id, d.severity, d.message, d.exchangeIds]), d);
  }
  return [...seen.values()];
}

// ---------------------------------------------------------------------------------------------
// Tokens

const b64url = (text: string) => Buffer.from(text).toString('base64url');

/** An unsigned but well-formed JWS: real header and claims, a fake signature. */
export function jwt(
  claims: Record<string, unknown>,
  header: Record<string, unknown> = { alg: 'RS256', kid: 'k1', typ: 'JWT' },
): string {
  const signature = header['alg'] === 'none' ? '' : b64url('not-a-real-signature');
  return `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}.${signature}`;
}

/** Seconds since the epoch of a hop's start. */
export const seconds = (ms: number) => Math.floor(ms / 1000);

export interface IdTokenOptions {
  /** Claims to add or replace; `undefined` removes a claim. */
  claims?: Record<string, unknown>;
  header?: Record<string, unknown>;
}

function idToken(
  base: Record<string, unknown>,
  options: IdTokenOptions | undefined,
  hashes: { code?: string; accessToken?: string },
): string {
  const claims: Record<string, unknown> = {
    iss: AS,
    sub: 'bob',
    aud: 'shop',
    iat: seconds(START),
    exp: seconds(START) + 3600,
    auth_time: seconds(START),
    ...base,
  };
  if (hashes.code) claims['c_hash'] = leftHalfHash(hashes.code);
  if (hashes.accessToken) claims['at_hash'] = leftHalfHash(hashes.accessToken);
  for (const [k, v] of Object.entries(options?.claims ?? {})) {
    if (v === undefined) delete claims[k];
    else claims[k] = v;
  }
  return jwt(claims, options?.header);
}

// ---------------------------------------------------------------------------------------------
// OAuth 2.0 / OpenID Connect logins

export interface LoginOptions {
  app?: string;
  as?: string;
  clientId?: string;
  responseType?: string;
  responseMode?: 'query' | 'fragment' | 'form_post';
  /** null leaves the parameter out. */
  state?: string | null;
  callbackState?: string | null;
  nonce?: string | null;
  pkce?: 'S256' | 'plain' | 'no-method' | null;
  /** The verifier the SPA sends (null: none). */
  verifier?: string | null;
  /** The callback's iss (null: none). */
  iss?: string | null;
  redirectUri?: string;
  scope?: string;
  extraParams?: Record<string, string>;
  /** The browser redeems the code itself (a public client), and sees the token response. */
  spa?: boolean;
  /** The AS already has a session: no login page (SSO). */
  sso?: boolean;
  /** The interactive part posts a password; its answer status and target. */
  credentialsStatus?: number;
  credentialsRedirect?: string;
  /** The callback answers with an error instead of a code. */
  callbackError?: Record<string, string>;
  idToken?: IdTokenOptions;
  /** Fields to add to (or, with undefined, remove from) the SPA's token response. */
  tokenResponse?: Record<string, unknown>;
  tokenResponseHeaders?: Header[];
  txCookie?: string | null;
  appSessionCookie?: string | null;
  asSessionCookie?: string | null;
  /** The browser sends no cookie on the callback (SameSite keeps them back). */
  dropCookiesOnCallback?: boolean;
  /** The AS answers the authorization request itself with this status (an error page). */
  authorizeStatus?: number;
  code?: string;
  accessToken?: string;
}

export function authorizeUrl(o: LoginOptions = {}): string {
  const as = o.as ?? AS;
  const app = o.app ?? APP;
  const params = new URLSearchParams({
    response_type: o.responseType ?? 'code',
    client_id: o.clientId ?? 'shop',
    redirect_uri: o.redirectUri ?? `${app}/callback`,
    scope: o.scope ?? 'openid profile',
  });
  const state = o.state === undefined ? 'S1' : o.state;
  if (state !== null) params.set('state', state);
  const nonce = o.nonce === undefined ? 'N1' : o.nonce;
  if (nonce !== null) params.set('nonce', nonce);
  if (o.responseMode && o.responseMode !== 'query') params.set('response_mode', o.responseMode);
  const pkce = o.pkce === undefined ? 'S256' : o.pkce;
  if (pkce === 'S256') {
    params.set('code_challenge', s256Challenge(VERIFIER));
    params.set('code_challenge_method', 'S256');
  } else if (pkce === 'plain') {
    params.set('code_challenge', VERIFIER);
    params.set('code_challenge_method', 'plain');
  } else if (pkce === 'no-method') {
    params.set('code_challenge', VERIFIER);
  }
  for (const [k, v] of Object.entries(o.extraParams ?? {})) params.set(k, v);
  return `${as}/authorize?${params.toString()}`;
}

/**
 * One login, as a browser records it:
 *   start     GET  app/account            302 -> app/login
 *   login     GET  app/login              302 -> as/authorize   (sets the app's transaction cookie)
 *   authorize GET  as/authorize?...       303 -> as/interaction/U (or straight to `resume` with sso)
 *   loginPage GET  as/interaction/U       200
 *   credentials POST as/interaction/U/login 303 -> as/authorize/U
 *   resume    GET  as/authorize/U         303 -> app/callback   (sets the AS session)
 *             (form_post: 200 auto-submitting page, then callback is a POST)
 *   callback  GET  app/callback?code=...  302 -> app/account    (sets the app session)
 *             (spa: 200, then `token` POST as/token from the page)
 *   done      GET  app/account            200
 */
export function login(s: Scenario, o: LoginOptions = {}): Record<string, Exchange> {
  const { t } = s;
  const app = o.app ?? APP;
  const as = o.as ?? AS;
  const names: Record<string, Exchange> = {};
  const code = o.code ?? 'K1';
  const accessToken = o.accessToken ?? 'AT-opaque-1';
  const responseTypes = (o.responseType ?? 'code').split(' ');
  const mode = o.responseMode ?? 'query';
  const state = o.state === undefined ? 'S1' : o.state;
  const callbackState = o.callbackState === undefined ? state : o.callbackState;
  const iss = o.iss === undefined ? as : o.iss;
  const nonce = o.nonce === undefined ? 'N1' : o.nonce;
  const authz = authorizeUrl(o);

  names['start'] = t.go('GET', `${app}/account`, { redirect: `${app}/login`, newRequest: true });
  const tx =
    o.txCookie === undefined ? 'shop.tx=t1; Path=/; HttpOnly; Secure; SameSite=Lax' : o.txCookie;
  names['login'] = t.go('GET', `${app}/login`, {
    redirect: authz,
    ...(tx ? { setCookies: [tx] } : {}),
  });
  if (o.authorizeStatus) {
    names['authorize'] = t.go('GET', authz, { status: o.authorizeStatus });
    Object.assign(s.names, names);
    return names;
  }
  const asSession =
    o.asSessionCookie === undefined
      ? '_session=a1; Path=/; HttpOnly; Secure; SameSite=Lax'
      : o.asSessionCookie;
  // What the AS sends back to the app.
  const answer: Record<string, string> = {};
  if (o.callbackError) Object.assign(answer, o.callbackError);
  else {
    if (responseTypes.includes('code')) answer['code'] = code;
    if (responseTypes.includes('token')) {
      answer['access_token'] = accessToken;
      answer['token_type'] = 'Bearer';
    }
    if (responseTypes.includes('id_token')) {
      answer['id_token'] = idToken(nonce !== null ? { nonce } : {}, o.idToken, {
        ...(responseTypes.includes('code') ? { code } : {}),
        ...(responseTypes.includes('token') ? { accessToken } : {}),
      });
    }
  }
  if (callbackState !== null) answer['state'] = callbackState;
  if (iss !== null) answer['iss'] = iss;
  const answerText = new URLSearchParams(answer).toString();
  const callbackUrl =
    mode === 'fragment' ? `${app}/callback#${answerText}` : `${app}/callback?${answerText}`;

  if (o.sso) {
    names['authorize'] = t.go('GET', authz, {
      status: 303,
      ...(mode === 'form_post' ? {} : { redirect: callbackUrl }),
    });
  } else {
    names['authorize'] = t.go('GET', authz, {
      status: 303,
      redirect: `${as}/interaction/${INTERACTION}`,
      setCookies: [
        `_interaction=i1; Path=/interaction/${INTERACTION}; HttpOnly; Secure; SameSite=Lax`,
      ],
    });
    names['loginPage'] = t.go('GET', `${as}/interaction/${INTERACTION}`);
    names['credentials'] = t.go('POST', `${as}/interaction/${INTERACTION}/login`, {
      status: o.credentialsStatus ?? 303,
      form: { login: 'bob', password: 'pw' },
      redirect: o.credentialsRedirect ?? `${as}/authorize/${INTERACTION}`,
      newRequest: true,
    });
    if (o.credentialsRedirect) {
      Object.assign(s.names, names);
      return names;
    }
    names['resume'] = t.go('GET', `${as}/authorize/${INTERACTION}`, {
      status: mode === 'form_post' ? 200 : 303,
      ...(mode === 'form_post' ? {} : { redirect: callbackUrl }),
      setCookies: [
        ...(asSession ? [asSession] : []),
        `_interaction=; Path=/interaction/${INTERACTION}; Max-Age=0`,
      ],
    });
  }
  if (o.dropCookiesOnCallback) t.forget(new URL(app).hostname);
  const appSession =
    o.appSessionCookie === undefined
      ? 'shop.sid=s1; Path=/; HttpOnly; Secure; SameSite=Lax'
      : o.appSessionCookie;
  const sessionCookies = [
    ...(appSession && !o.spa ? [appSession] : []),
    ...(tx ? ['shop.tx=; Path=/; Max-Age=0'] : []),
  ];
  if (mode === 'form_post') {
    names['callback'] = t.go('POST', `${app}/callback`, {
      form: answer,
      newRequest: true,
      ...(o.spa ? {} : { redirect: `${app}/account` }),
      setCookies: sessionCookies,
    });
  } else {
    names['callback'] = t.go('GET', mode === 'fragment' ? `${app}/callback` : callbackUrl, {
      ...(o.spa ? {} : { redirect: `${app}/account` }),
      setCookies: sessionCookies,
    });
  }
  if (o.spa) {
    if (!o.callbackError) {
      const verifier = o.verifier === undefined ? VERIFIER : o.verifier;
      names['token'] = t.go('POST', `${as}/token`, {
        type: 'xmlhttprequest',
        newRequest: true,
        form: {
          grant_type: 'authorization_code',
          code,
          redirect_uri: `${app}/callback`,
          client_id: o.clientId ?? 'shop',
          ...(verifier !== null ? { code_verifier: verifier } : {}),
        },
        ...(o.tokenResponseHeaders ? { responseHeaders: o.tokenResponseHeaders } : {}),
      });
      names['token'].initiator = app;
      const body: Record<string, unknown> = {
        access_token: accessToken,
        token_type: 'Bearer',
        expires_in: 3600,
        refresh_token: 'RT-1',
        id_token: idToken(nonce !== null ? { nonce } : {}, o.idToken, { accessToken }),
      };
      for (const [k, v] of Object.entries(o.tokenResponse ?? {})) {
        if (v === undefined) delete body[k];
        else body[k] = v;
      }
      s.responseBodies[names['token'].id] = JSON.stringify(body);
    }
  } else {
    names['done'] = t.go('GET', `${app}/account`);
  }
  Object.assign(s.names, names);
  return names;
}

/**
 * An RP-initiated logout after a login:
 *   appLogout  GET app/logout       302 -> as/session/end  (clears the app session)
 *   endSession GET as/session/end   303 -> app/            (clears the AS session)
 *   landing    GET app/             200
 */
export function logout(
  s: Scenario,
  o: {
    postLogout?: string;
    idTokenHint?: boolean;
    clientId?: boolean;
    clearApp?: boolean;
    clearAs?: string[];
  } = {},
): Record<string, Exchange> {
  const { t } = s;
  const postLogout = o.postLogout ?? `${APP}/`;
  const params = new URLSearchParams();
  if (o.idTokenHint !== false)
    params.set('id_token_hint', jwt({ iss: AS, sub: 'bob', aud: 'shop' }));
  params.set('post_logout_redirect_uri', postLogout);
  if (o.clientId !== false) params.set('client_id', 'shop');
  const end = `${AS}/session/end?${params.toString()}`;
  const names: Record<string, Exchange> = {};
  names['appLogout'] = t.go('GET', `${APP}/logout`, {
    newRequest: true,
    redirect: end,
    setCookies: o.clearApp === false ? [] : ['shop.sid=; Path=/; Max-Age=0'],
  });
  names['endSession'] = t.go('GET', end, {
    status: 303,
    redirect: postLogout,
    setCookies: (o.clearAs ?? ['_session']).map((n) => `${n}=; Path=/; Max-Age=0`),
  });
  names['landing'] = t.go('GET', postLogout);
  Object.assign(s.names, names);
  return names;
}

/** A refresh_token grant from the page, with the token response it got. */
export function refresh(
  s: Scenario,
  name: string,
  o: { refreshToken: string; status?: number; body: Record<string, unknown> },
): Exchange {
  const e = s.t.go('POST', `${AS}/token`, {
    type: 'xmlhttprequest',
    newRequest: true,
    status: o.status ?? 200,
    form: { grant_type: 'refresh_token', refresh_token: o.refreshToken, client_id: 'shop' },
  });
  e.initiator = APP;
  s.responseBodies[e.id] = JSON.stringify(o.body);
  s.names[name] = e;
  return e;
}

/** A prompt=none request in a hidden iframe, answered at the app's silent callback. */
export function silentAuth(
  s: Scenario,
  o: { error?: string; sendCookies?: boolean; state?: string } = {},
): Record<string, Exchange> {
  const { t } = s;
  const state = o.state ?? 'S9';
  if (o.sendCookies === false) t.forget(new URL(AS).hostname);
  const params = new URLSearchParams({
    response_type: 'code',
    client_id: 'shop',
    redirect_uri: `${APP}/silent-callback`,
    scope: 'openid',
    state,
    nonce: 'N9',
    prompt: 'none',
    code_challenge: s256Challenge(VERIFIER),
    code_challenge_method: 'S256',
  });
  const answer = new URLSearchParams(
    o.error ? { error: o.error, state } : { code: 'K9', state, iss: AS },
  );
  const names: Record<string, Exchange> = {};
  names['silentAuthorize'] = t.go('GET', `${AS}/authorize?${params.toString()}`, {
    type: 'sub_frame',
    newRequest: true,
    redirect: `${APP}/silent-callback?${answer.toString()}`,
  });
  names['silentAuthorize'].initiator = APP;
  names['silentCallback'] = t.go('GET', `${APP}/silent-callback?${answer.toString()}`, {
    type: 'sub_frame',
  });
  names['silentCallback'].initiator = APP;
  Object.assign(s.names, names);
  return names;
}

/**
 * The user logs out at the AS, whose page loads each app's front-channel logout URL in an iframe
 * (OIDC Front-Channel Logout). `blocked`: the browser sends the iframe no cookie (third-party
 * cookies blocked), so the app cannot end its session.
 */
export function frontChannelLogout(
  s: Scenario,
  o: { blocked?: boolean } = {},
): Record<string, Exchange> {
  const { t } = s;
  const names: Record<string, Exchange> = {};
  names['asLogout'] = t.go('GET', `${AS}/logout?client_id=shop`, {
    newRequest: true,
    setCookies: ['_session=; Path=/; Max-Age=0'],
  });
  if (o.blocked) t.forget(new URL(APP).hostname);
  names['fcFrame'] = t.go('GET', `${APP}/fc-logout?iss=${encodeURIComponent(AS)}&sid=sid1`, {
    type: 'sub_frame',
    newRequest: true,
    setCookies: o.blocked ? [] : ['shop.sid=; Path=/; Max-Age=0'],
  });
  names['fcFrame'].initiator = AS;
  Object.assign(s.names, names);
  return names;
}

/** A discovery document (and JWKS) the page fetched, with its body visible (a HAR). */
export function discovery(
  s: Scenario,
  metadata: Record<string, unknown>,
  jwks?: Record<string, unknown>,
  origin = AS,
): void {
  const doc = s.t.go('GET', `${origin}/.well-known/openid-configuration`, {
    type: 'xmlhttprequest',
    newRequest: true,
  });
  s.responseBodies[doc.id] = JSON.stringify({
    issuer: AS,
    authorization_endpoint: `${AS}/authorize`,
    token_endpoint: `${AS}/token`,
    jwks_uri: `${AS}/jwks`,
    id_token_signing_alg_values_supported: ['RS256'],
    ...metadata,
  });
  s.names['discovery'] = doc;
  if (jwks) {
    const keys = s.t.go('GET', `${origin}/jwks`, { type: 'xmlhttprequest', newRequest: true });
    s.responseBodies[keys.id] = JSON.stringify(jwks);
    s.names['jwks'] = keys;
  }
}

// ---------------------------------------------------------------------------------------------
// Cookie jar (a live recording's cookies.onChanged)

const SAME_SITE: Record<string, CookieSameSite> = {
  Strict: 'strict',
  Lax: 'lax',
  None: 'no_restriction',
};

/**
 * The cookie-jar changes a browser would report for the Set-Cookie headers of the traffic, as
 * if every cookie was stored; `rejected` names cookies the browser refused.
 */
export function jarEvents(exchanges: readonly Exchange[], rejected: string[] = []): CookieEvent[] {
  const events: CookieEvent[] = [];
  for (const e of exchanges) {
    const host = new URL(e.url).hostname;
    for (const h of e.responseHeaders) {
      if (h.name.toLowerCase() !== 'set-cookie') continue;
      const c = parseSetCookie(h.value);
      if (rejected.includes(c.name)) continue;
      const removed = isRemoval(c, e.startedAt);
      events.push({
        id: `jar${events.length + 1}`,
        time: (e.timings.end ?? e.startedAt) + 1,
        removed,
        cause: removed ? 'expired_overwrite' : 'explicit',
        cookie: {
          name: c.name,
          value: c.value,
          domain: c.domain ?? host,
          path: c.path ?? '/',
          secure: c.secure,
          httpOnly: c.httpOnly,
          sameSite: SAME_SITE[c.sameSite ?? ''] ?? 'unspecified',
          hostOnly: c.domain === undefined,
          session: c.maxAge === undefined && c.expires === undefined,
        },
      });
    }
  }
  return events;
}

// ---------------------------------------------------------------------------------------------
// SAML 2.0

const SAMLP = 'urn:oasis:names:tc:SAML:2.0:protocol';
const SAML = 'urn:oasis:names:tc:SAML:2.0:assertion';
const SUCCESS = 'urn:oasis:names:tc:SAML:2.0:status:Success';
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const SIGNATURE =
  '<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo/><ds:SignatureValue>c2ln</ds:SignatureValue></ds:Signature>';

export function authnRequestXml(o: { id?: string; acs?: string; issuer?: string } = {}): string {
  return (
    `<samlp:AuthnRequest xmlns:samlp="${SAMLP}" xmlns:saml="${SAML}" ID="${o.id ?? '_req1'}" Version="2.0" ` +
    `IssueInstant="${iso(START)}" Destination="${IDP}/sso" ` +
    `AssertionConsumerServiceURL="${o.acs ?? `${SP}/saml/acs`}" ` +
    `ProtocolBinding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST">` +
    `<saml:Issuer>${o.issuer ?? SP_ENTITY}</saml:Issuer></samlp:AuthnRequest>`
  );
}

export interface SamlResponseOptions {
  inResponseTo?: string | null;
  destination?: string;
  recipient?: string;
  audience?: string;
  status?: string;
  notBefore?: number;
  notOnOrAfter?: number;
  signResponse?: boolean;
  signAssertion?: boolean;
}

export function samlResponseXml(o: SamlResponseOptions = {}): string {
  const irt = o.inResponseTo === undefined ? '_req1' : o.inResponseTo;
  const irtAttr = irt === null ? '' : ` InResponseTo="${irt}"`;
  const success = (o.status ?? SUCCESS) === SUCCESS;
  const assertion = success
    ? `<saml:Assertion ID="_a1" Version="2.0" IssueInstant="${iso(START)}">` +
      `<saml:Issuer>${IDP}/metadata</saml:Issuer>` +
      (o.signAssertion === false ? '' : SIGNATURE) +
      `<saml:Subject><saml:NameID>bob@example.com</saml:NameID>` +
      `<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">` +
      `<saml:SubjectConfirmationData${irtAttr} Recipient="${o.recipient ?? `${SP}/saml/acs`}" ` +
      `NotOnOrAfter="${iso(o.notOnOrAfter ?? START + 5 * 60_000)}"/></saml:SubjectConfirmation></saml:Subject>` +
      `<saml:Conditions NotBefore="${iso(o.notBefore ?? START - 60_000)}" NotOnOrAfter="${iso(o.notOnOrAfter ?? START + 5 * 60_000)}">` +
      `<saml:AudienceRestriction><saml:Audience>${o.audience ?? SP_ENTITY}</saml:Audience></saml:AudienceRestriction>` +
      `</saml:Conditions></saml:Assertion>`
    : '';
  return (
    `<samlp:Response xmlns:samlp="${SAMLP}" xmlns:saml="${SAML}" ID="_resp1" Version="2.0" ` +
    `IssueInstant="${iso(START)}" Destination="${o.destination ?? `${SP}/saml/acs`}"${irtAttr}>` +
    `<saml:Issuer>${IDP}/metadata</saml:Issuer>` +
    (o.signResponse ? SIGNATURE : '') +
    `<samlp:Status><samlp:StatusCode Value="${o.status ?? SUCCESS}"/></samlp:Status>` +
    assertion +
    `</samlp:Response>`
  );
}

export const redirectEncode = (xml: string) => deflateRawSync(Buffer.from(xml)).toString('base64');
export const postEncode = (xml: string) => Buffer.from(xml).toString('base64');

/**
 * An SP-initiated SAML login (redirect binding out, POST binding back):
 *   spStart     GET  sp/app          302 -> sp/saml/login
 *   spLogin     GET  sp/saml/login   302 -> idp/sso?SAMLRequest=...&RelayState=...
 *   sso         GET  idp/sso?...     200 login page
 *   credentials POST idp/sso/login   200 auto-submitting form (sets the IdP session)
 *   acs         POST sp/saml/acs     302 -> sp/app (sets the SP session)
 *   spDone      GET  sp/app          200
 */
export function samlLogin(
  s: Scenario,
  o: {
    request?: Parameters<typeof authnRequestXml>[0];
    response?: SamlResponseOptions;
    relayState?: string;
    sigAlg?: string;
    signature?: string;
    spCookie?: string;
    dropCookiesOnAcs?: boolean;
    idpInitiated?: boolean;
  } = {},
): Record<string, Exchange> {
  const { t } = s;
  const names: Record<string, Exchange> = {};
  const relayState = o.relayState ?? 'r1';
  if (!o.idpInitiated) {
    const query = new URLSearchParams({
      SAMLRequest: redirectEncode(authnRequestXml(o.request)),
      RelayState: relayState,
    });
    if (o.sigAlg) query.set('SigAlg', o.sigAlg);
    if (o.signature) query.set('Signature', o.signature);
    const sso = `${IDP}/sso?${query.toString()}`;
    names['spStart'] = t.go('GET', `${SP}/app`, { newRequest: true, redirect: `${SP}/saml/login` });
    names['spLogin'] = t.go('GET', `${SP}/saml/login`, {
      redirect: sso,
      ...(o.spCookie ? { setCookies: [o.spCookie] } : {}),
    });
    names['sso'] = t.go('GET', sso);
  } else {
    names['idpPortal'] = t.go('GET', `${IDP}/portal`, { newRequest: true });
  }
  names['credentials'] = t.go('POST', `${IDP}/sso/login`, {
    newRequest: true,
    form: { username: 'bob', password: 'pw' },
    setCookies: ['idp_session=p1; Path=/; HttpOnly; Secure; SameSite=None'],
  });
  if (o.dropCookiesOnAcs) t.forget(new URL(SP).hostname);
  const form: Record<string, string> = {
    SAMLResponse: postEncode(samlResponseXml(o.response)),
  };
  if (!o.idpInitiated) form['RelayState'] = relayState;
  names['acs'] = t.go('POST', `${SP}/saml/acs`, {
    newRequest: true,
    form,
    redirect: `${SP}/app`,
    setCookies: ['sp_session=x1; Path=/; HttpOnly; Secure; SameSite=Lax'],
  });
  names['acs'].initiator = IDP;
  names['spDone'] = t.go('GET', `${SP}/app`);
  Object.assign(s.names, names);
  return names;
}
