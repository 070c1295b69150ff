import { messageOf, type Hop } from '../analysis/hops';
import type { TokenInfo } from '../analysis/types';
import { leftHalfHash, s256Challenge } from '../crypto/sha';
import {
  discoveredMetadata,
  issuerOrigin,
  jsonBody,
  metadataForIssuer,
  metadataForRequest,
  sameIssuer,
  visibleKeys,
} from './evidence';
import { oauthLegs } from './oauth';
import type { Finding, FlowRule } from './rule';

const LEEWAY_S = 60;

function idTokensOf(tokens: TokenInfo[]): TokenInfo[] {
  return tokens.filter((t) => t.kind === 'id_token' && t.name === 'id_token' && t.format === 'jws');
}

function hopOf(hops: readonly Hop[], id: string): Hop[] {
  const hop = hops.find((h) => h.e.id === id);
  return hop ? [hop] : [];
}

/** When the token was seen: the response's Date header, else when the hop started. */
function seenAt(hop: Hop | undefined): number {
  const date = hop?.e.responseHeaders.find((h) => h.name.toLowerCase() === 'date')?.value;
  const parsed = date ? Date.parse(date) : NaN;
  return Number.isFinite(parsed) ? parsed : (hop?.e.startedAt ?? 0);
}

export const tokenRules: FlowRule[] = [
  {
    id: 'NONCE_MISMATCH',
    reference: 'OIDC Core 3.1.3.7 (11)',
    check: (ctx) => {
      const legs = oauthLegs(ctx);
      return idTokensOf(ctx.flow.tokens).flatMap((t): Finding[] => {
        const leg = legs.find((l) => l.responseHop?.e.id === t.exchangeId) ?? legs[0];
        const expected = leg?.request.nonce;
        if (expected === undefined || t.claims['nonce'] === expected) return [];
        return [
          {
            severity: 'error',
            message: `The ID token's nonce (${String(t.claims['nonce'] ?? 'none')}) differs from the request's.`,
            hops: [...(leg ? [leg.requestHop] : []), ...hopOf(ctx.flowHops, t.exchangeId)],
          },
        ];
      });
    },
  },
  {
    id: 'IDT_ISS_MISMATCH',
    reference: 'OIDC Core 3.1.3.7 (2); Discovery 4.3',
    check: (ctx) => {
      const legs = oauthLegs(ctx);
      const metadata = discoveredMetadata(ctx.hops, ctx.input);
      return idTokensOf(ctx.flow.tokens).flatMap((t): Finding[] => {
        // From the authorization response of a leg, or from the token response (the root leg's).
        const leg = legs.find((l) => l.responseHop?.e.id === t.exchangeId) ?? legs[0];
        const iss = typeof t.claims['iss'] === 'string' ? (t.claims['iss'] as string) : undefined;
        if (!leg || !iss) return [];
        // The discovered issuer when the recording shows it, else the server the request went to.
        const expected = metadataForRequest(metadata, leg.requestHop)?.issuer;
        const same =
          expected !== undefined
            ? sameIssuer(iss, expected)
            : issuerOrigin(iss) === leg.requestHop.origin;
        return same
          ? []
          : [
              {
                severity: 'error',
                message: `The ID token's iss (${iss}) is not the issuer of the authorization server the request went to (${expected ?? leg.requestHop.origin}).`,
                hops: hopOf(ctx.flowHops, t.exchangeId),
              },
            ];
      });
    },
  },
  {
    id: 'IDT_AUD_AZP',
    reference: 'OIDC Core 3.1.3.7 (3-5)',
    check: (ctx) => {
      const legs = oauthLegs(ctx);
      return idTokensOf(ctx.flow.tokens).flatMap((t): Finding[] => {
        const leg = legs.find((l) => l.responseHop?.e.id === t.exchangeId) ?? legs[0];
        if (!leg) return [];
        const clientId = leg.request.clientId;
        const aud = t.claims['aud'];
        const audiences = Array.isArray(aud)
          ? aud.map(String)
          : aud === undefined
            ? []
            : [String(aud)];
        const azp = t.claims['azp'];
        if (!audiences.includes(clientId))
          return [
            {
              severity: 'error',
              message: `The ID token's aud (${audiences.join(', ') || 'none'}) does not contain the client_id ${clientId}.`,
              hops: hopOf(ctx.flowHops, t.exchangeId),
            },
          ];
        if (audiences.length > 1 && azp !== clientId)
          return [
            {
              severity: 'error',
              message: `The ID token has several audiences and ${azp === undefined ? 'no azp' : `azp ${String(azp)}`}; azp must be ${clientId}.`,
              hops: hopOf(ctx.flowHops, t.exchangeId),
            },
          ];
        return [];
      });
    },
  },
  {
    id: 'IDT_EXPIRED',
    reference: 'OIDC Core 3.1.3.7 (9)',
    check: (ctx) =>
      idTokensOf(ctx.flow.tokens).flatMap((t): Finding[] => {
        const exp = t.claims['exp'];
        const hop = ctx.flowHops.find((h) => h.e.id === t.exchangeId);
        if (typeof exp !== 'number' || !hop) return [];
        const at = seenAt(hop) / 1000;
        return at > exp + LEEWAY_S
          ? [
              {
                severity: 'error',
                message: `The ID token had expired ${Math.round(at - exp)} s before it was received.`,
                hops: [hop],
              },
            ]
          : [];
      }),
  },
  {
    id: 'CLOCK_SKEW',
    reference: 'OIDC Core 3.1.3.7 (10); RFC 7519 4.1.5',
    check: (ctx) =>
      ctx.flow.tokens.flatMap((t): Finding[] => {
        const hop = ctx.flowHops.find((h) => h.e.id === t.exchangeId);
        if (!hop) return [];
        const at = seenAt(hop) / 1000;
        const ahead = ['iat', 'nbf']
          .map((c) => t.claims[c])
          .filter((v): v is number => typeof v === 'number' && v > at + LEEWAY_S);
        return ahead.length > 0
          ? [
              {
                severity: 'warning',
                message: `The ${t.kind} was issued ${Math.round((ahead[0] as number) - at)} s in the future compared with the response's Date: the clocks disagree.`,
                hops: [hop],
              },
            ]
          : [];
      }),
  },
  {
    id: 'AUTH_TIME',
    reference: 'OIDC Core 3.1.3.7 (13)',
    check: (ctx) => {
      const legs = oauthLegs(ctx);
      return idTokensOf(ctx.flow.tokens).flatMap((t): Finding[] => {
        const leg = legs.find((l) => l.responseHop?.e.id === t.exchangeId) ?? legs[0];
        const maxAge = Number(leg?.request.maxAge);
        if (!leg || leg.request.maxAge === undefined || !Number.isFinite(maxAge)) return [];
        const authTime = t.claims['auth_time'];
        const hop = ctx.flowHops.find((h) => h.e.id === t.exchangeId);
        if (typeof authTime !== 'number')
          return [
            {
              severity: 'warning',
              message: 'max_age was sent but the ID token has no auth_time.',
              hops: hop ? [hop] : [],
            },
          ];
        const age = seenAt(hop) / 1000 - authTime;
        return age > maxAge + LEEWAY_S
          ? [
              {
                severity: 'warning',
                message: `The user authenticated ${Math.round(age)} s ago, more than max_age=${maxAge}.`,
                hops: hop ? [hop] : [],
              },
            ]
          : [];
      });
    },
  },
  {
    id: 'HASH_MISMATCH',
    reference: 'OIDC Core 3.1.3.6, 3.3.2.11',
    check: (ctx) =>
      idTokensOf(ctx.flow.tokens).flatMap((t): Finding[] => {
        const hop = ctx.flowHops.find((h) => h.e.id === t.exchangeId);
        // The left-half hash is defined per alg; we compute the SHA-256 family (RS256, ES256, PS256).
        if (!hop || !/256$/.test(String(t.header['alg'] ?? ''))) return [];
        const response = messageOf(hop, 'authorization-response');
        // An ID token of a token response goes with the access token of the same response.
        const body = t.location === 'response' ? jsonBody(ctx.input, hop) : undefined;
        const bodyAccessToken =
          typeof body?.['access_token'] === 'string' ? body['access_token'] : undefined;
        const findings: Finding[] = [];
        const check = (claim: string, value: string | undefined) => {
          const expected = t.claims[claim];
          if (
            typeof expected === 'string' &&
            value !== undefined &&
            leftHalfHash(value) !== expected
          ) {
            findings.push({
              severity: 'error',
              message: `The ID token's ${claim} does not match the ${claim === 'at_hash' ? 'access token' : 'code'} it came with.`,
              hops: [hop],
            });
          }
        };
        check('at_hash', response?.accessToken ?? bodyAccessToken);
        check('c_hash', response?.code);
        return findings;
      }),
  },
  {
    id: 'ALG_NONE_WEAK',
    reference: 'OIDC Core 2; RFC 8725 2.1, 3.1',
    check: (ctx) => {
      const metadata = discoveredMetadata(ctx.hops, ctx.input);
      const keys = visibleKeys(ctx.hops, ctx.input);
      return ctx.flow.tokens
        .filter((t) => t.format === 'jws')
        .flatMap((t): Finding[] => {
          const alg = String(t.header['alg'] ?? '');
          const kid = typeof t.header['kid'] === 'string' ? t.header['kid'] : undefined;
          const iss = typeof t.claims['iss'] === 'string' ? t.claims['iss'] : undefined;
          const advertised = iss
            ? metadataForIssuer(metadata, iss)?.doc['id_token_signing_alg_values_supported']
            : undefined;
          let message: string | undefined;
          if (alg.toLowerCase() === 'none') {
            message = `The ${t.kind} is unsigned (alg none).`;
          } else if (['jku', 'x5u'].some((k) => k in t.header)) {
            message = `The ${t.kind} header names a key URL (jku/x5u) to fetch the key from: never follow it.`;
          } else if (
            /^HS/i.test(alg) &&
            kid !== undefined &&
            keys.some((k) => k.kid === kid && k.kty !== undefined && k.kty !== 'oct')
          ) {
            // A public key used as an HMAC secret: the algorithm-confusion attack.
            message = `The ${t.kind} is signed with ${alg} but names key ${kid}, a public key of the issuer's JWKS: anyone can compute that HMAC (algorithm confusion).`;
          } else if (
            t.kind === 'id_token' &&
            Array.isArray(advertised) &&
            !advertised.map(String).includes(alg)
          ) {
            message = `The ${t.kind} uses ${alg}, which its issuer does not advertise (id_token_signing_alg_values_supported: ${advertised.join(', ')}).`;
          }
          return message
            ? [{ severity: 'error', message, hops: hopOf(ctx.flowHops, t.exchangeId) }]
            : [];
        });
    },
  },
  {
    id: 'PKCE_MISMATCH',
    reference: 'RFC 7636 4.6; RFC 9700 4.8',
    check: (ctx) => {
      const legs = oauthLegs(ctx);
      const findings: Finding[] = [];
      for (const hop of ctx.flowHops) {
        const token = messageOf(hop, 'token-request');
        if (!token || token.grantType !== 'authorization_code') continue;
        const leg =
          legs.find((l) => l.response?.code !== undefined && l.response.code === token.code) ??
          legs[0];
        if (!leg) continue;
        const { codeChallenge, codeChallengeMethod } = leg.request;
        if (token.codeVerifier && !codeChallenge) {
          findings.push({
            severity: 'error',
            message:
              'The token request sends a code_verifier but the authorization request had no code_challenge.',
            hops: [leg.requestHop, hop],
          });
        } else if (token.codeVerifier && codeChallenge) {
          const computed =
            (codeChallengeMethod ?? 'plain') === 'S256'
              ? s256Challenge(token.codeVerifier)
              : token.codeVerifier;
          if (computed !== codeChallenge)
            findings.push({
              severity: 'error',
              message:
                'The code_verifier does not match the code_challenge of the authorization request.',
              hops: [leg.requestHop, hop],
            });
        }
      }
      return findings;
    },
  },
];
