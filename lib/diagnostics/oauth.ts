import type { FlowContext } from '../analysis/analyze';
import { chainBefore, chainFrom, messageOf, withoutFragment, type Hop } from '../analysis/hops';
import type { AuthorizationRequest, AuthorizationResponse } from '../protocol/messages';
import { hopParams, originOf } from '../protocol/params';
import {
  discoveredMetadata,
  hostOf,
  issuerOrigin,
  jsonBody,
  metadataForRequest,
  sameIssuer,
  sentCookiesVisible,
  siteOf,
} from './evidence';
import { hopsWhere, inFlowOf, type Finding, type FlowRule, type GlobalRule } from './rule';

interface LegView {
  requestHop: Hop;
  request: AuthorizationRequest;
  responseHop?: Hop;
  response?: AuthorizationResponse;
  depth: number;
}

/** The OAuth legs of a flow with their request and answer messages. */
export function oauthLegs(ctx: FlowContext): LegView[] {
  const views: LegView[] = [];
  for (const leg of ctx.draft.legs) {
    const requestHop = ctx.hops[leg.requestHop];
    const request = requestHop ? messageOf(requestHop, 'authorization-request') : undefined;
    if (!requestHop || !request) continue;
    const view: LegView = { requestHop, request, depth: leg.depth };
    const responseHop = leg.responseHop !== undefined ? ctx.hops[leg.responseHop] : undefined;
    if (responseHop) {
      view.responseHop = responseHop;
      const response = messageOf(responseHop, 'authorization-response');
      if (response) view.response = response;
    }
    views.push(view);
  }
  return views;
}

const responseTypes = (r: AuthorizationRequest) =>
  (r.responseType ?? '').split(/\s+/).filter(Boolean);
const isOidc = (r: AuthorizationRequest) =>
  (r.scope ?? '').split(/\s+/).includes('openid') || responseTypes(r).includes('id_token');
const usesCode = (r: AuthorizationRequest) => responseTypes(r).includes('code');
/** PAR and JAR carry the parameters elsewhere: absence in the URL proves nothing. */
const paramsHidden = (r: AuthorizationRequest) =>
  r.requestUri !== undefined || r.requestObject !== undefined;

/** A public client sends no client authentication; from the browser, a token call from the page says so. */
function looksPublic(ctx: FlowContext): boolean {
  return ctx.flowHops.some(
    (h) =>
      messageOf(h, 'token-request') !== undefined &&
      !h.e.requestHeaders.some((x) => x.name.toLowerCase() === 'authorization'),
  );
}

export const oauthRules: FlowRule[] = [
  {
    id: 'STATE_MISSING',
    reference: 'RFC 6749 10.12; RFC 9700 2.1',
    check: (ctx) =>
      oauthLegs(ctx)
        .filter((l) => !paramsHidden(l.request) && l.request.state === undefined)
        .map((l): Finding => {
          const unprotected =
            l.request.codeChallenge === undefined && l.request.nonce === undefined;
          return {
            severity: unprotected ? 'error' : 'warning',
            message: unprotected
              ? 'The authorization request has no state, no PKCE and no nonce: nothing protects the callback against CSRF.'
              : 'The authorization request has no state parameter (CSRF protection rests on PKCE or nonce alone).',
            hops: [l.requestHop],
          };
        }),
  },
  {
    id: 'STATE_MISMATCH',
    reference: 'RFC 6749 4.1.2',
    check: (ctx) =>
      oauthLegs(ctx)
        .filter(
          (l) =>
            l.request.state !== undefined && l.response && l.response.state !== l.request.state,
        )
        .map((l) => ({
          severity: 'error' as const,
          message:
            l.response?.state === undefined
              ? 'The authorization response came back without the state the request sent.'
              : 'The state in the authorization response differs from the one the request sent.',
          hops: [l.requestHop, l.responseHop as Hop],
        })),
  },
  {
    id: 'NONCE_MISSING',
    reference: 'OIDC Core 3.1.2.1, 3.2.2.1',
    check: (ctx) =>
      oauthLegs(ctx)
        .filter(
          (l) => !paramsHidden(l.request) && isOidc(l.request) && l.request.nonce === undefined,
        )
        .map((l) => {
          const idTokenInFront = responseTypes(l.request).includes('id_token');
          return {
            severity: idTokenInFront ? ('error' as const) : ('info' as const),
            message: idTokenInFront
              ? 'The OpenID Connect request returns an ID token from the authorization endpoint but sends no nonce (required): replayed ID tokens cannot be detected.'
              : 'The OpenID Connect request sends no nonce; with the code flow it is optional, but it binds the ID token to this login.',
            hops: [l.requestHop],
          };
        }),
  },
  {
    id: 'IMPLICIT_GRANT',
    reference: 'RFC 9700 2.1.2',
    check: (ctx) =>
      oauthLegs(ctx)
        .filter((l) => responseTypes(l.request).includes('token'))
        .map((l) => ({
          severity: 'warning' as const,
          message: `response_type=${l.request.responseType} returns an access token from the authorization endpoint (implicit grant), which current best practice says not to use.`,
          hops: [l.requestHop],
        })),
  },
  {
    id: 'TOKEN_IN_QUERY',
    reference: 'OAuth Multiple Response Types 5; RFC 9700 4.2-4.3',
    check: (ctx) =>
      ctx.flowHops
        .filter((h) => {
          const q = hopParams(h.e).query;
          return q.has('access_token') || q.has('id_token') || q.has('refresh_token');
        })
        .map((h) => ({
          severity: 'error' as const,
          message:
            'A token travels in a URL query string, where logs, history and Referer headers keep it.',
          hops: [h],
        })),
  },
  {
    id: 'PKCE_MISSING',
    reference: 'RFC 9700 2.1.1',
    check: (ctx) =>
      oauthLegs(ctx)
        .filter(
          (l) =>
            !paramsHidden(l.request) &&
            usesCode(l.request) &&
            l.request.codeChallenge === undefined,
        )
        .map((l) => ({
          severity: looksPublic(ctx) ? ('error' as const) : ('warning' as const),
          message:
            'The code flow request sends no code_challenge (PKCE): an intercepted code could be redeemed by someone else.',
          hops: [l.requestHop],
        })),
  },
  {
    id: 'PKCE_PLAIN',
    reference: 'RFC 7636 4.2; RFC 9700 2.1.1',
    check: (ctx) =>
      oauthLegs(ctx)
        .filter(
          (l) =>
            l.request.codeChallenge !== undefined &&
            (l.request.codeChallengeMethod ?? 'plain') === 'plain',
        )
        .map((l) => ({
          severity: 'warning' as const,
          message: `PKCE uses the "plain" method${l.request.codeChallengeMethod ? '' : ' (code_challenge_method is absent, which means plain)'}: use S256.`,
          hops: [l.requestHop],
        })),
  },
  {
    id: 'ISS_PARAM_MISMATCH',
    reference: 'RFC 9207 2.4',
    check: (ctx) => {
      const metadata = discoveredMetadata(ctx.hops, ctx.input);
      return oauthLegs(ctx).flatMap((l): Finding[] => {
        const iss = l.response?.iss;
        if (iss === undefined) return [];
        // The issuer is the discovered one when the recording shows it, else the server asked.
        const expected = metadataForRequest(metadata, l.requestHop)?.issuer;
        const same =
          expected !== undefined
            ? sameIssuer(iss, expected)
            : issuerOrigin(iss) === l.requestHop.origin;
        if (same) return [];
        return [
          {
            severity: 'error',
            message: `The response's iss (${iss}) is not the issuer of the authorization server the request went to (${expected ?? l.requestHop.origin}): a mix-up attack looks like this.`,
            hops: [l.requestHop, l.responseHop as Hop],
          },
        ];
      });
    },
  },
  {
    id: 'ISS_PARAM_MISSING',
    reference: 'RFC 9207 2.4, 3',
    check: (ctx) => {
      const metadata = discoveredMetadata(ctx.hops, ctx.input);
      const usedElsewhere = ctx.flowHops.some(
        (h) => messageOf(h, 'authorization-response')?.iss !== undefined,
      );
      return oauthLegs(ctx)
        .filter(
          (l) =>
            l.response &&
            l.response.iss === undefined &&
            !l.response.error &&
            // An ID token in the response carries iss itself (RFC 9207 2.4).
            !l.response.idToken,
        )
        .map((l) => {
          const promised =
            metadataForRequest(metadata, l.requestHop)?.doc[
              'authorization_response_iss_parameter_supported'
            ] === true;
          return {
            severity: promised ? ('error' as const) : ('warning' as const),
            message: promised
              ? "The authorization response has no iss parameter although the server's metadata says it sends one (authorization_response_iss_parameter_supported): a client that checks it rejects this response."
              : `The authorization response has no iss parameter: a client talking to several authorization servers cannot tell who answered${usedElsewhere ? ' (another server in this flow does send it)' : ''}.`,
            hops: [l.responseHop as Hop],
          };
        });
    },
  },
  {
    id: 'AUTHZ_ERROR',
    reference: 'RFC 6749 4.1.2.1; OIDC Core 3.1.2.6',
    check: (ctx) => {
      const silent = (l: LegView) => (l.request.prompt ?? '').split(/\s+/).includes('none');
      return oauthLegs(ctx)
        .filter(
          (l) =>
            l.response?.error &&
            !(silent(l) && SILENT_ERRORS.has(l.response.error)) &&
            l.response.error !== 'redirect_uri_mismatch',
        )
        .map((l) => ({
          severity: l.response?.error === 'access_denied' ? ('info' as const) : ('error' as const),
          message: `The authorization server answered with error=${l.response?.error}${l.response?.errorDescription ? `: ${l.response.errorDescription}` : ''}.`,
          hops: [l.responseHop as Hop],
        }));
    },
  },
  {
    id: 'SILENT_AUTH_FAILED',
    reference: 'OIDC Core 3.1.2.1',
    check: (ctx) =>
      oauthLegs(ctx)
        .filter(
          (l) =>
            (l.request.prompt ?? '').split(/\s+/).includes('none') &&
            l.response?.error &&
            SILENT_ERRORS.has(l.response.error),
        )
        .map((l) => {
          // The AS session cookies earlier flows left alive (not cleared, not expired) by now.
          const alive = ctx.history.liveSessionCookies(
            l.requestHop.origin,
            l.requestHop.e.startedAt,
          );
          const cookieMissing =
            alive.size > 0 &&
            sentCookiesVisible(ctx.hops, ctx.input) &&
            !l.requestHop.sentCookies.some((c) => alive.has(c.name));
          return {
            severity: cookieMissing ? ('warning' as const) : ('info' as const),
            message: cookieMissing
              ? `Silent authentication failed with ${l.response?.error}: an authorization server session existed earlier but no cookie was sent with the request (blocked third-party cookie, SameSite, or the session ended).`
              : `Silent authentication (prompt=none) answered ${l.response?.error}: there is no usable session at the authorization server, so the user must log in interactively.`,
            hops: [l.requestHop, l.responseHop as Hop],
          };
        }),
  },
  {
    id: 'REDIRECT_URI_MISMATCH',
    reference: 'RFC 6749 4.1.2.1',
    check: (ctx) => {
      const findings: Finding[] = [];
      for (const l of oauthLegs(ctx)) {
        const errorText =
          /redirect_uri_mismatch|callback url mismatch|AADSTS50011|redirect_uri.*(not|in)valid|invalid.*redirect_uri/i;
        if (
          l.response?.error === 'redirect_uri_mismatch' ||
          errorText.test(l.response?.errorDescription ?? '')
        ) {
          findings.push({
            severity: 'error',
            message:
              'The authorization server rejected the redirect_uri: it is not registered for this client.',
            hops: [l.responseHop as Hop],
          });
          continue;
        }
        if (l.responseHop) continue;
        // No redirect back: the AS answered the request itself with an error page (its own
        // redirect chain ends in one; a 414/431 is URL_TOO_LONG's), or its pages name the error.
        const chain = chainFrom(ctx.hops, l.requestHop).filter(
          (h) => h.origin === l.requestHop.origin,
        );
        const errorPage = chain.find(
          (h) => h.e.status >= 400 && h.e.status !== 414 && h.e.status !== 431 && h.isDocument,
        );
        const atServer = ctx.flowHops.filter(
          (h) => h.index >= l.requestHop.index && h.origin === l.requestHop.origin,
        );
        const mentions = atServer.find(
          (h) =>
            errorText.test(decoded(h.e.url)) ||
            errorText.test(decoded(h.e.redirectUrl ?? '')) ||
            MISMATCH_PAGE_TEXT.test(ctx.input.responseBodies?.[h.e.id] ?? ''),
        );
        if (errorPage || mentions) {
          findings.push({
            severity: 'error',
            message: `The authorization server showed an error page (${(errorPage ?? mentions)?.e.status}${mentions && MISMATCH_PAGE_TEXT.test(ctx.input.responseBodies?.[mentions.e.id] ?? '') ? ', which names a redirect URI mismatch' : ''}) instead of redirecting back to ${l.request.redirectUri ?? 'the app'}: the redirect_uri is most likely not registered for client ${l.request.clientId}.`,
            hops: [l.requestHop, (errorPage ?? mentions) as Hop],
          });
        }
      }
      return findings;
    },
  },
  {
    id: 'URL_TOO_LONG',
    reference: 'RFC 9110 4.1, 15.5.15',
    check: (ctx) =>
      ctx.flowHops
        .filter(
          (h) =>
            (h.messages.some(
              (m) => m.type === 'authorization-request' || m.type === 'saml-request',
            ) &&
              h.e.url.length > 8000) ||
            h.e.status === 414 ||
            h.e.status === 431,
        )
        .map((h) => ({
          severity:
            h.e.status === 414 || h.e.status === 431 ? ('error' as const) : ('warning' as const),
          message:
            h.e.status === 414 || h.e.status === 431
              ? `The server refused the request as too long (${h.e.status}).`
              : `The request URL is ${h.e.url.length} bytes long; servers and proxies often stop at 8 KB.`,
          hops: [h],
        })),
  },
  {
    id: 'OPEN_REDIRECT',
    reference: 'RFC 9700 4.11',
    check: (ctx) => {
      const findings: Finding[] = [];
      for (const h of ctx.flowHops) {
        const request = messageOf(h, 'authorization-request');
        if (request?.redirectUri && /^https?:\/\//i.test(request.redirectUri)) {
          // The redirect_uri belongs with whoever sent the browser to the server.
          const target = hostOf(request.redirectUri);
          const sender = senderOf(ctx, h);
          if (target && sender && siteOf(target) !== siteOf(hostOf(sender))) {
            findings.push({
              severity: 'warning',
              message: `redirect_uri sends the answer to ${originOf(request.redirectUri)}, another site than ${sender}, which started this request: check that it is an allowed destination.`,
              hops: [h],
            });
          }
        }
        const p = hopParams(h.e);
        for (const name of ['post_logout_redirect_uri', 'returnTo', 'RelayState', 'wreply']) {
          const value = p.query.get(name) ?? p.form.get(name);
          if (!value || !/^https?:\/\//i.test(value)) continue;
          const target = originOf(value);
          // Nothing to compare with (a recording that starts here): say nothing.
          if (!target || isKnownTarget(ctx, h, target)) continue;
          findings.push({
            severity: 'warning',
            message: `${name} points to ${target}, which takes no other part in this flow: check that it is an allowed destination.`,
            hops: [h],
          });
        }
      }
      return findings;
    },
  },
  {
    id: 'CREDENTIAL_307',
    reference: 'RFC 9700 4.12',
    check: (ctx) =>
      ctx.flowHops
        .filter(
          (h) =>
            h.messages.some((m) => m.type === 'credentials') &&
            (h.e.status === 307 || h.e.status === 308) &&
            // Re-posting to the same server is harmless; toward another party it hands over
            // the password.
            h.e.redirectUrl !== undefined &&
            originOf(h.e.redirectUrl) !== h.origin,
        )
        .map((h) => ({
          severity: 'warning' as const,
          message: `The credentials POST was answered with ${h.e.status}: the browser re-posts the password to ${h.e.redirectUrl ?? 'the next URL'}. Use 303.`,
          hops: [h],
        })),
  },
];

const SILENT_ERRORS = new Set([
  'login_required',
  'consent_required',
  'interaction_required',
  'account_selection_required',
]);

/** A URL as words: percent-escapes and + decoded ("Callback%20URL%20mismatch"). */
function decoded(url: string): string {
  try {
    return decodeURIComponent(url.replace(/\+/g, ' '));
  } catch {
    return url;
  }
}

/** Pages whose text names a redirect URI mismatch (Entra ID, Auth0, Google, generic). */
const MISMATCH_PAGE_TEXT = /redirect_uri_mismatch|callback url mismatch|AADSTS50011/i;

/** The origin that sent the browser to `hop`: the last hop of its redirect chain on another origin, else its initiator. */
function senderOf(ctx: FlowContext, hop: Hop): string | undefined {
  const before = chainBefore(ctx.hops, hop).filter((h) => h.origin !== hop.origin);
  const last = before[before.length - 1];
  if (last) return last.origin;
  if (hop.prev !== undefined) return undefined;
  return hop.e.initiator ? originOf(hop.e.initiator) || undefined : undefined;
}

/**
 * Whether a redirect parameter on `hop` points to an origin it may legitimately point to, or
 * there is too little to compare with (fewer than two known origins). Known: the origins the
 * flow visited up to that hop, the parties of a login (a logout's app party is read from the
 * parameter itself, so it does not count), and the parties of earlier flows that share one of
 * them (one pass over the earlier flows, in order; it stops once the answer cannot change).
 */
function isKnownTarget(ctx: FlowContext, hop: Hop, target: string): boolean {
  const known = new Set<string>();
  for (const h of ctx.flowHops) if (h.index <= hop.index && h.origin) known.add(h.origin);
  if (hop.e.initiator) known.add(originOf(hop.e.initiator));
  if (ctx.flow.kind !== 'logout') for (const p of ctx.flow.parties) known.add(p.origin);
  // Known origins only grow: once the target is among at least two, it stays known.
  const settled = () => known.has(target) && sizeWithoutEmpty(known) >= 2;
  if (settled()) return true;
  for (const f of ctx.previous) {
    if (f.parties.some((p) => known.has(p.origin))) {
      for (const p of f.parties) known.add(p.origin);
      if (settled()) return true;
    }
  }
  known.delete('');
  return known.size < 2 || known.has(target);
}

function sizeWithoutEmpty(set: Set<string>): number {
  return set.has('') ? set.size - 1 : set.size;
}

/**
 * A hop whose Referer, sent to another origin, has a query with a token or a code parameter
 * (what REFERER_LEAK looks at further).
 */
function refererCandidate(h: Hop): boolean {
  const referer = (h.x.referer ??=
    h.e.requestHeaders.find((x) => x.name.toLowerCase() === 'referer')?.value ?? '');
  if (!referer || !referer.includes('?')) return false;
  // A page's own subresources see its URL anyway: only other origins learn something.
  if (originOf(referer) === h.origin) return false;
  let params: URLSearchParams;
  try {
    params = new URL(referer).searchParams;
  } catch {
    return false;
  }
  return TOKEN_PARAMS.some((n) => params.has(n)) || params.has('code');
}

/** Hop positions by URL without fragment, in hop order. */
function hopsByUrl(hops: readonly Hop[]): Map<string, number[]> {
  const byUrl = new Map<string, number[]>();
  hops.forEach((h, at) => {
    const url = withoutFragment(h.e.url);
    const list = byUrl.get(url);
    if (list) list.push(at);
    else byUrl.set(url, [at]);
  });
  return byUrl;
}

/** The last hop among `positions` (ascending; a hop's index is its position) before `index`. */
function latestBefore(
  hops: readonly Hop[],
  positions: readonly number[] | undefined,
  index: number,
): Hop | undefined {
  if (!positions) return undefined;
  let lo = 0;
  let hi = positions.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((positions[mid] as number) < index) lo = mid + 1;
    else hi = mid;
  }
  return lo > 0 ? hops[positions[lo - 1] as number] : undefined;
}

/** Token names whose presence in a URL is a leak wherever they come from. */
const TOKEN_PARAMS = ['access_token', 'id_token', 'refresh_token', 'SAMLResponse'];

export const oauthGlobalRules: GlobalRule[] = [
  {
    id: 'REFERER_LEAK',
    reference: 'RFC 9700 4.2',
    check: (ctx) => {
      const { hops } = ctx;
      const inFlow = inFlowOf(ctx);
      let byUrl: Map<string, number[]> | undefined;
      // The page each candidate's Referer names depends on the hops before it only.
      const inc = ctx.incremental;
      const pages = (inc?.changed ? inc.state.get('REFERER_LEAK:pages') : undefined) as
        Map<number, { hop: Hop; page: Hop | undefined }> | undefined;
      const known = new Map<number, { hop: Hop; page: Hop | undefined }>();
      inc?.state.set('REFERER_LEAK:pages', known);
      const findings: Finding[] = [];
      for (const at of hopsWhere(ctx, 'REFERER_LEAK', refererCandidate)) {
        const h = hops[at] as Hop;
        const referer = h.x.referer ?? '';
        const params = new URL(referer).searchParams;
        const token = TOKEN_PARAMS.find((n) => params.has(n));
        // The page the Referer names: the latest hop to that URL before this one.
        let page: Hop | undefined;
        const cached = pages?.get(at);
        if (cached && cached.hop === h && at < (inc?.changed ?? 0)) {
          page = cached.page;
        } else {
          byUrl ??= hopsByUrl(hops);
          page = latestBefore(hops, byUrl.get(withoutFragment(referer)), h.index);
        }
        known.set(at, { hop: h, page });
        // A bare ?code= is a leak only where it was an authorization code (promo codes are not).
        const code =
          params.has('code') &&
          page !== undefined &&
          inFlow(page) &&
          messageOf(page, 'authorization-response')?.code !== undefined;
        if (!token && !code) continue;
        findings.push({
          severity: 'error',
          message: `The Referer sent to ${h.origin} holds ${token ? `a ${token}` : 'the authorization code'} from the URL of the page that made the request; set Referrer-Policy (no-referrer or strict-origin) on that page.`,
          hops: page ? [page, h] : [h],
        });
      }
      return findings;
    },
  },
  {
    id: 'REFRESH_ROTATION',
    reference: 'RFC 9700 2.2.2, 4.14.2',
    check: (ctx) => {
      const { hops, input } = ctx;
      const findings: Finding[] = [];
      const used = new Map<string, Hop>();
      const refresh = (h: Hop) => {
        const request = messageOf(h, 'token-request');
        return request?.grantType === 'refresh_token' && !!request.refreshToken;
      };
      for (const at of hopsWhere(ctx, 'REFRESH_ROTATION', refresh)) {
        const hop = hops[at] as Hop;
        const request = messageOf(hop, 'token-request');
        if (request?.grantType !== 'refresh_token' || !request.refreshToken) continue;
        const body = jsonBody(input, hop);
        const earlier = used.get(request.refreshToken);
        if (earlier && hop.e.status === 400 && body?.['error'] === 'invalid_grant') {
          findings.push({
            severity: 'error',
            message:
              'A refresh token that had already been used was sent again and refused (invalid_grant): the client kept a rotated refresh token (two tabs or a retry racing?), and the server may have revoked the whole token family.',
            hops: [earlier, hop],
          });
        } else if (hop.e.status >= 200 && hop.e.status < 300 && body && !('error' in body)) {
          const next = body['refresh_token'];
          if (typeof next !== 'string' || next === request.refreshToken) {
            findings.push({
              severity: 'info',
              message:
                typeof next === 'string'
                  ? 'The refresh response returns the same refresh token: it is not rotated, so a stolen one stays usable until it expires.'
                  : 'The refresh response has no new refresh token: the old one stays in use (no rotation), so a stolen one stays usable until it expires.',
              hops: [hop],
            });
          }
        }
        if (!earlier) used.set(request.refreshToken, hop);
      }
      return findings;
    },
  },
];
