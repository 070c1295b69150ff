import type { Exchange } from '../model';
import { endpointOf, hopParams, paramOf, type HopParams } from './params';

/** An OAuth 2.0 / OIDC authorization request as the browser carried it (RFC 6749 4.1.1). */
export interface AuthorizationRequest {
  type: 'authorization-request';
  clientId: string;
  responseType?: string;
  redirectUri?: string;
  scope?: string;
  state?: string;
  nonce?: string;
  codeChallenge?: string;
  codeChallengeMethod?: string;
  prompt?: string;
  responseMode?: string;
  maxAge?: string;
  idTokenHint?: string;
  /** PAR (RFC 9126): only client_id and request_uri travel through the browser. */
  requestUri?: string;
  /** JAR (RFC 9101): a request object JWT. */
  requestObject?: string;
  method: 'GET' | 'POST';
}

/** The answer to an authorization request, at the redirect_uri (RFC 6749 4.1.2, 4.2.2). */
export interface AuthorizationResponse {
  type: 'authorization-response';
  mode: 'query' | 'fragment' | 'form_post';
  code?: string;
  state?: string;
  iss?: string;
  error?: string;
  errorDescription?: string;
  idToken?: string;
  accessToken?: string;
  sessionState?: string;
}

export interface EndSessionRequest {
  type: 'end-session';
  idTokenHint?: string;
  postLogoutRedirectUri?: string;
  clientId?: string;
  state?: string;
}

export interface TokenRequest {
  type: 'token-request';
  grantType: string;
  code?: string;
  codeVerifier?: string;
  refreshToken?: string;
  clientId?: string;
}

/** A SAML message; a union per type so that narrowing on `type` works. */
export type SamlMessage = SamlFields & ({ type: 'saml-request' } | { type: 'saml-response' });

interface SamlFields {
  binding: 'redirect' | 'post';
  /** The base64 text as sent (deflated for the redirect binding). */
  encoded: string;
  relayState?: string;
  sigAlg?: string;
  signature?: string;
}

export type WsFedMessage = WsFedFields &
  (
    { type: 'wsfed-signin-request' } | { type: 'wsfed-signin-response' } | { type: 'wsfed-signout' }
  );

interface WsFedFields {
  realm?: string;
  reply?: string;
  context?: string;
  result?: string;
}

export type ProtocolMessage =
  | AuthorizationRequest
  | AuthorizationResponse
  | EndSessionRequest
  | TokenRequest
  | SamlMessage
  | WsFedMessage
  | { type: 'frontchannel-logout'; iss?: string; sid?: string }
  | { type: 'discovery' }
  | { type: 'credentials' };

/** OAuth error codes (RFC 6749 4.1.2.1, OIDC Core 3.1.2.6) that mark an error response. */
const OAUTH_ERRORS = new Set([
  'invalid_request',
  'unauthorized_client',
  'access_denied',
  'unsupported_response_type',
  'invalid_scope',
  'server_error',
  'temporarily_unavailable',
  'interaction_required',
  'login_required',
  'account_selection_required',
  'consent_required',
  'invalid_request_uri',
  'invalid_request_object',
  'request_not_supported',
  'request_uri_not_supported',
  'registration_not_supported',
  'redirect_uri_mismatch',
]);

/** Names of form or JSON fields that carry a credential a person typed. */
const CREDENTIAL_FIELD =
  /^(password|passwd|pass|pwd|passcode|otp|user_?password|credentials?\.password|j_password)$/i;

/**
 * Recognises the protocol messages a hop carries, from its URL, fragment and body. `fragment`
 * overrides the hop's own fragment (a HAR loses it on the request but keeps it on the redirect).
 * Decodes nothing; does not link hops.
 */
export function classifyHop(e: Exchange, fragment?: string): ProtocolMessage[] {
  const p = hopParams(e);
  if (fragment !== undefined && [...p.fragment.keys()].length === 0) {
    p.fragment = new URLSearchParams(fragment);
  }
  const found: ProtocolMessage[] = [];
  const authz = authorizationRequest(e, p);
  if (authz) found.push(authz);
  const token = tokenRequest(e, p);
  if (token) found.push(token);
  if (!authz && !token) {
    const response = authorizationResponse(e, p);
    if (response) found.push(response);
  }
  const endSession = endSessionRequest(e, p);
  if (endSession) found.push(endSession);
  const saml = samlMessage(p);
  if (saml) found.push(saml);
  const wsfed = wsfedMessage(p);
  if (wsfed) found.push(wsfed);
  if (isDiscovery(e.url)) found.push({ type: 'discovery' });
  if (e.type === 'sub_frame' && p.query.has('iss') && p.query.has('sid') && !authz) {
    found.push({
      type: 'frontchannel-logout',
      iss: p.query.get('iss') ?? '',
      sid: p.query.get('sid') ?? '',
    });
  }
  if (isCredentialPost(e, p)) found.push({ type: 'credentials' });
  return found;
}

function authorizationRequest(e: Exchange, p: HopParams): AuthorizationRequest | undefined {
  // A GET carries it in the query; a POST (form) in the body (RFC 6749 3.1).
  const source = e.method.toUpperCase() === 'POST' && p.form.has('client_id') ? p.form : p.query;
  const clientId = source.get('client_id');
  if (!clientId) return undefined;
  const responseType = source.get('response_type') ?? undefined;
  const requestUri = source.get('request_uri') ?? undefined;
  const requestObject = source.get('request') ?? undefined;
  if (!responseType && !requestUri && !requestObject) return undefined;
  const get = (name: string) => source.get(name) ?? undefined;
  const request: AuthorizationRequest = {
    type: 'authorization-request',
    clientId,
    method: source === p.form ? 'POST' : 'GET',
  };
  assign(request, {
    responseType,
    redirectUri: get('redirect_uri'),
    scope: get('scope'),
    state: get('state'),
    nonce: get('nonce'),
    codeChallenge: get('code_challenge'),
    codeChallengeMethod: get('code_challenge_method'),
    prompt: get('prompt'),
    responseMode: get('response_mode'),
    maxAge: get('max_age'),
    idTokenHint: get('id_token_hint'),
    requestUri,
    requestObject,
  });
  return request;
}

function authorizationResponse(e: Exchange, p: HopParams): AuthorizationResponse | undefined {
  const candidates: [AuthorizationResponse['mode'], URLSearchParams][] = [
    ['fragment', p.fragment],
    ['query', p.query],
  ];
  if (e.method.toUpperCase() === 'POST') candidates.unshift(['form_post', p.form]);
  for (const [mode, params] of candidates) {
    const code = params.get('code') ?? undefined;
    const idToken = params.get('id_token') ?? undefined;
    const accessToken = params.get('access_token') ?? undefined;
    const error = params.get('error') ?? undefined;
    const state = params.get('state') ?? undefined;
    const isError =
      error !== undefined &&
      (OAUTH_ERRORS.has(error) || params.has('error_description') || state !== undefined);
    // A bare ?code= is only a candidate: flows accept it only at a pending redirect_uri.
    const isAnswer = code !== undefined || idToken !== undefined || accessToken !== undefined;
    if (!isError && !isAnswer) continue;
    if (params.has('SAMLResponse') || params.has('wresult')) continue;
    const response: AuthorizationResponse = { type: 'authorization-response', mode };
    assign(response, {
      code,
      state,
      iss: params.get('iss') ?? undefined,
      error,
      errorDescription: params.get('error_description') ?? undefined,
      idToken,
      accessToken,
      sessionState: params.get('session_state') ?? undefined,
    });
    return response;
  }
  return undefined;
}

function endSessionRequest(e: Exchange, p: HopParams): EndSessionRequest | undefined {
  const get = (name: string) => p.query.get(name) ?? p.form.get(name) ?? undefined;
  const hint = get('id_token_hint');
  const postLogout = get('post_logout_redirect_uri');
  const pathLooksLikeLogout = /(end[_-]?session|logout|signout|sign-out|log-out)/i.test(
    pathOf(e.url),
  );
  if (!hint && !postLogout && !(pathLooksLikeLogout && (get('client_id') || get('returnTo')))) {
    return undefined;
  }
  if (get('response_type')) return undefined;
  const message: EndSessionRequest = { type: 'end-session' };
  assign(message, {
    idTokenHint: hint,
    postLogoutRedirectUri: postLogout ?? get('returnTo') ?? get('post_logout_redirect_url'),
    clientId: get('client_id'),
    state: get('state'),
  });
  return message;
}

function tokenRequest(e: Exchange, p: HopParams): TokenRequest | undefined {
  if (e.method.toUpperCase() !== 'POST') return undefined;
  const grantType = paramOf(
    { ...p, query: new URLSearchParams(), fragment: new URLSearchParams() },
    'grant_type',
  );
  if (!grantType) return undefined;
  const get = (name: string) =>
    p.form.get(name) ?? (typeof p.json?.[name] === 'string' ? (p.json[name] as string) : undefined);
  const message: TokenRequest = { type: 'token-request', grantType };
  assign(message, {
    code: get('code') ?? undefined,
    codeVerifier: get('code_verifier') ?? undefined,
    refreshToken: get('refresh_token') ?? undefined,
    clientId: get('client_id') ?? undefined,
  });
  return message;
}

function samlMessage(p: HopParams): SamlMessage | undefined {
  for (const [binding, params] of [
    ['redirect', p.query],
    ['post', p.form],
  ] as const) {
    for (const name of ['SAMLRequest', 'SAMLResponse'] as const) {
      const encoded = params.get(name);
      if (encoded === null) continue;
      const message: SamlMessage = {
        type: name === 'SAMLRequest' ? 'saml-request' : 'saml-response',
        binding,
        encoded,
      };
      assign(message, {
        relayState: params.get('RelayState') ?? undefined,
        sigAlg: params.get('SigAlg') ?? undefined,
        signature: params.get('Signature') ?? undefined,
      });
      return message;
    }
  }
  return undefined;
}

function wsfedMessage(p: HopParams): WsFedMessage | undefined {
  const wa = p.query.get('wa') ?? p.form.get('wa');
  if (!wa) return undefined;
  const get = (name: string) => p.form.get(name) ?? p.query.get(name) ?? undefined;
  if (wa === 'wsignout1.0' || wa === 'wsignoutcleanup1.0') return { type: 'wsfed-signout' };
  if (wa !== 'wsignin1.0') return undefined;
  const result = get('wresult');
  const message: WsFedMessage = { type: result ? 'wsfed-signin-response' : 'wsfed-signin-request' };
  assign(message, { realm: get('wtrealm'), reply: get('wreply'), context: get('wctx'), result });
  return message;
}

function isDiscovery(url: string): boolean {
  const path = pathOf(url);
  return (
    path.endsWith('/.well-known/openid-configuration') ||
    path.includes('/.well-known/oauth-authorization-server')
  );
}

function isCredentialPost(e: Exchange, p: HopParams): boolean {
  if (e.method.toUpperCase() !== 'POST') return false;
  for (const name of p.form.keys()) if (CREDENTIAL_FIELD.test(name)) return true;
  if (p.json) for (const name of Object.keys(p.json)) if (CREDENTIAL_FIELD.test(name)) return true;
  return false;
}

function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return endpointOf(url);
  }
}

/** Copies the defined values only (exactOptionalPropertyTypes-friendly, and smaller JSON). */
function assign<T extends object>(target: T, values: { [K in keyof T]?: T[K] | undefined }): void {
  for (const [key, value] of Object.entries(values)) {
    if (value !== undefined) (target as Record<string, unknown>)[key] = value;
  }
}
