import { createLocalJWKSet, errors as joseErrors, jwtVerify, type JSONWebKeySet } from 'jose';
import type { Analysis, Diagnostic, TokenInfo } from '../analysis/types';

/** The part of fetch verify() uses; injected so that lib/ stays pure and tests stay offline. */
export type FetchLike = (
  url: string,
) => Promise<{ ok: boolean; status: number; json(): Promise<unknown> }>;

export interface VerifyOptions {
  fetch: FetchLike;
  now: number;
  /** Seconds of clock difference accepted (OIDC Core leaves it to the client; 60 s is usual). */
  clockToleranceSec?: number;
}

interface IssuerKeys {
  issuer: string;
  algorithms?: string[];
  jwks?: JSONWebKeySet;
  problem?: string;
}

const REFERENCE = 'RFC 7515 5.2; OIDC Core 10.1.1';

/**
 * Verifies the signatures of the JWTs an analysis found: discovery at the token's iss (whose
 * issuer must equal iss), then its jwks_uri, the key by kid, algorithms limited to the advertised
 * ones. Never follows jku/x5u. Returns a new analysis with each token's verification and reason,
 * and SIG_INVALID where a signature fails or its kid is unknown. Network failures make a token
 * "unverifiable", never "invalid".
 */
export async function verifyAnalysis(
  analysis: Analysis,
  options: VerifyOptions,
): Promise<Analysis> {
  const cache = new Map<string, Promise<IssuerKeys>>();
  const keysFor = (iss: string) => {
    let entry = cache.get(iss);
    if (!entry) cache.set(iss, (entry = loadIssuer(iss, options.fetch)));
    return entry;
  };
  const flows = [];
  for (const flow of analysis.flows) {
    const tokens: TokenInfo[] = [];
    const diagnostics: Diagnostic[] = [...flow.diagnostics];
    for (const token of flow.tokens) {
      const checked = await verifyToken(token, keysFor, options);
      tokens.push(checked.token);
      if (checked.diagnostic) diagnostics.push(checked.diagnostic);
    }
    flows.push({ ...flow, tokens, diagnostics });
  }
  return { ...analysis, flows };
}

async function verifyToken(
  token: TokenInfo,
  keysFor: (iss: string) => Promise<IssuerKeys>,
  options: VerifyOptions,
): Promise<{ token: TokenInfo; diagnostic?: Diagnostic }> {
  const result = (verification: TokenInfo['verification'], reason: string) => ({
    token: { ...token, verification, verificationReason: reason },
  });
  if (token.format !== 'jws' || !token.raw) return { token };
  const alg = String(token.header['alg'] ?? '');
  const iss = token.claims['iss'];
  if (alg.toLowerCase() === 'none') return result('invalid', 'unsigned (alg none)');
  if (alg.startsWith('HS'))
    return result(
      'unverifiable',
      `${alg} is signed with the client secret, which only the client knows`,
    );
  if (typeof iss !== 'string' || !iss)
    return result('unverifiable', 'no iss claim: no issuer to fetch keys from');
  const keys = await keysFor(iss);
  if (keys.problem || !keys.jwks) return result('unverifiable', keys.problem ?? 'no keys');
  if (keys.algorithms && !keys.algorithms.includes(alg)) {
    return {
      ...result(
        'invalid',
        `alg ${alg} is not among the issuer's advertised algorithms (${keys.algorithms.join(', ')})`,
      ),
      diagnostic: {
        id: 'ALG_NONE_WEAK',
        severity: 'error',
        message: `The ${token.kind} uses ${alg}, which ${iss} does not advertise.`,
        exchangeIds: [token.exchangeId],
        reference: 'OIDC Core 2; RFC 8725 2.1, 3.1',
      },
    };
  }
  try {
    // Judge the signature at the time the token was issued: expiry is IDT_EXPIRED's business.
    const iat =
      typeof token.claims['iat'] === 'number'
        ? (token.claims['iat'] as number) * 1000
        : options.now;
    await jwtVerify(token.raw, createLocalJWKSet(keys.jwks), {
      algorithms: [alg],
      currentDate: new Date(iat),
      clockTolerance: options.clockToleranceSec ?? 60,
    });
    return result(
      'valid',
      `signature verified with ${iss}'s key${token.header['kid'] ? ` ${String(token.header['kid'])}` : ''}`,
    );
  } catch (error) {
    if (error instanceof joseErrors.JWKSNoMatchingKey) {
      return {
        ...result(
          'unverifiable',
          `kid ${String(token.header['kid'] ?? '(none)')} is not in ${iss}'s JWKS`,
        ),
        diagnostic: {
          id: 'SIG_INVALID',
          severity: 'warning',
          message: `KID_UNKNOWN: the ${token.kind}'s key id is not in the issuer's JWKS (a rotated key?).`,
          exchangeIds: [token.exchangeId],
          reference: REFERENCE,
        },
      };
    }
    if (error instanceof joseErrors.JWSSignatureVerificationFailed) {
      return {
        ...result('invalid', "the signature does not match the issuer's key"),
        diagnostic: {
          id: 'SIG_INVALID',
          severity: 'error',
          message: `The ${token.kind}'s signature does not verify against ${iss}'s published keys.`,
          exchangeIds: [token.exchangeId],
          reference: REFERENCE,
        },
      };
    }
    return result(
      'unverifiable',
      `could not verify: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

async function loadIssuer(iss: string, fetch: FetchLike): Promise<IssuerKeys> {
  const discoveryUrl = `${iss.replace(/\/+$/, '')}/.well-known/openid-configuration`;
  try {
    const discovery = await getJson(fetch, discoveryUrl);
    if (discovery['issuer'] !== iss)
      return {
        issuer: iss,
        problem: `discovery at ${discoveryUrl} names issuer ${String(discovery['issuer'])}, not ${iss}`,
      };
    const jwksUri = discovery['jwks_uri'];
    if (typeof jwksUri !== 'string') return { issuer: iss, problem: 'discovery has no jwks_uri' };
    const jwks = await getJson(fetch, jwksUri);
    if (!Array.isArray(jwks['keys']))
      return { issuer: iss, problem: `${jwksUri} holds no keys array` };
    const algorithms = discovery['id_token_signing_alg_values_supported'];
    const keys: IssuerKeys = { issuer: iss, jwks: jwks as unknown as JSONWebKeySet };
    if (Array.isArray(algorithms)) keys.algorithms = algorithms.map(String);
    return keys;
  } catch (error) {
    return {
      issuer: iss,
      problem: `could not fetch the issuer's keys: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}

async function getJson(fetch: FetchLike, url: string): Promise<Record<string, unknown>> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  const body = await response.json();
  if (!body || typeof body !== 'object' || Array.isArray(body))
    throw new Error(`${url} is not a JSON object`);
  return body as Record<string, unknown>;
}
