import type { FlowContext } from '../analysis/analyze';
import { messageOf, type Hop } from '../analysis/hops';
import type { AuthorizationRequest, AuthorizationResponse } from '../protocol/messages';
import { endpointOf, hopParams, originOf } from '../protocol/params';
import type { Finding, FlowRule } from './rule';

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
    check: (ctx) =>
      oauthLegs(ctx)
        .filter(
          (l) => l.response?.iss !== undefined && !sameIssuerOrigin(l.response.iss, l.requestHop),
        )
        .map((l) => ({
          severity: 'error' as const,
          message: `The response's iss (${l.response?.iss}) is not the authorization server the request went to (${l.requestHop.origin}): a mix-up attack looks like this.`,
          hops: [l.requestHop, l.responseHop as Hop],
        })),
  },
  {
    id: 'ISS_PARAM_MISSING',
    reference: 'RFC 9207 2.4, 3',
    check: (ctx) => {
      const usedElsewhere = ctx.flowHops.some(
        (h) => messageOf(h, 'authorization-response')?.iss !== undefined,
      );
      return oauthLegs(ctx)
        .filter(
          (l) =>
            l.response &&
            l.response.iss === undefined &&
            !l.response.error &&
            l.response.mode !== 'fragment' &&
            !l.response.idToken,
        )
        .map((l) => ({
          severity: 'warning' as const,
          message: `The authorization response has no iss parameter: a client talking to several authorization servers cannot tell who answered${usedElsewhere ? ' (another server in this flow does send it)' : ''}.`,
          hops: [l.responseHop as Hop],
        }));
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
          const sentSession = l.requestHop.sentCookies.length > 0;
          const hadSession = ctx.previous.some((f) =>
            f.tiers.some(
              (t) =>
                t.origin === l.requestHop.origin &&
                t.sessionCookies.some((c) => c.change === 'created' || c.change === 'updated'),
            ),
          );
          const cookieMissing = hadSession && !sentSession;
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
        // No redirect back: the AS answered the request itself with an error page.
        const chain = ctx.flowHops.filter(
          (h) => h.index >= l.requestHop.index && h.origin === l.requestHop.origin,
        );
        const errorPage = chain.find((h) => h.e.status >= 400 && h.isDocument);
        const mentions = chain.find(
          (h) => errorText.test(h.e.url) || errorText.test(h.e.redirectUrl ?? ''),
        );
        if (errorPage || mentions) {
          findings.push({
            severity: 'error',
            message: `The authorization server showed an error page (${(errorPage ?? mentions)?.e.status}) instead of redirecting back to ${l.request.redirectUri ?? 'the app'}: the redirect_uri is most likely not registered for client ${l.request.clientId}.`,
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
      const origins = new Set(ctx.flow.parties.map((p) => p.origin));
      const findings: Finding[] = [];
      for (const h of ctx.flowHops) {
        const p = hopParams(h.e);
        for (const name of ['post_logout_redirect_uri', 'returnTo', 'RelayState', 'wreply']) {
          const value = p.query.get(name) ?? p.form.get(name);
          if (!value || !/^https?:\/\//i.test(value)) continue;
          const target = originOf(value);
          if (target && !origins.has(target)) {
            findings.push({
              severity: 'warning',
              message: `${name} points to ${target}, which takes no other part in this flow: check that it is an allowed destination.`,
              hops: [h],
            });
          }
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
            (h.e.status === 307 || h.e.status === 308),
        )
        .map((h) => ({
          severity: 'warning' as const,
          message: `The credentials POST was answered with ${h.e.status}: the browser re-posts the password to ${h.e.redirectUrl ?? 'the next URL'}. Use 303.`,
          hops: [h],
        })),
  },
  {
    id: 'REFERER_LEAK',
    reference: 'RFC 9700 4.2',
    check: (ctx) =>
      ctx.flowHops
        .filter((h) => {
          const referer =
            h.e.requestHeaders.find((x) => x.name.toLowerCase() === 'referer')?.value ?? '';
          if (!/[?&#](code|access_token|id_token|SAMLResponse)=/.test(referer)) return false;
          // The callback itself redirecting onwards keeps its own URL: only other origins matter.
          return originOf(referer) !== h.origin;
        })
        .map((h) => ({
          severity: 'error' as const,
          message: `The Referer sent to ${h.origin} holds a code or token from the previous page's URL.`,
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

function sameIssuerOrigin(iss: string, requestHop: Hop): boolean {
  const issuerOrigin = originOf(iss) || originOf(`https://${iss}`);
  return issuerOrigin === requestHop.origin || endpointOf(iss).startsWith(requestHop.origin);
}
