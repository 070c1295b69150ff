import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import type { Analysis, TokenInfo } from '@/lib/analysis/types';
import { verifyAnalysis, type FetchLike } from '@/lib/tokens/verify';

const ISS = 'https://as.example';

async function issuer() {
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  const sign = (claims: Record<string, unknown>, kid = 'k1') =>
    new SignJWT({ aud: 'c', ...claims })
      .setProtectedHeader({ alg: 'RS256', kid })
      .setIssuer(ISS)
      .setIssuedAt(1_700_000_000)
      .setExpirationTime(1_700_000_600)
      .sign(privateKey);
  const requested: string[] = [];
  const fetch: FetchLike = async (url) => {
    requested.push(url);
    const body =
      url === `${ISS}/.well-known/openid-configuration`
        ? { issuer: ISS, jwks_uri: `${ISS}/jwks`, id_token_signing_alg_values_supported: ['RS256'] }
        : url === `${ISS}/jwks`
          ? { keys: [jwk] }
          : undefined;
    return { ok: body !== undefined, status: body ? 200 : 404, json: async () => body };
  };
  return { sign, fetch, requested };
}

function analysisWith(
  raw: string,
  header: Record<string, unknown>,
  claims: Record<string, unknown>,
): Analysis {
  const token: TokenInfo = {
    kind: 'id_token',
    format: 'jws',
    exchangeId: 'e1',
    location: 'fragment',
    name: 'id_token',
    header,
    claims,
    verification: 'unverified',
    raw,
  };
  return {
    version: 1,
    diagnostics: [],
    source: { cookiesVisible: true, cookieJarVisible: false, exchanges: 1 },
    flows: [
      {
        id: 'flow-1',
        kind: 'sso',
        protocol: 'oidc',
        outcome: 'success',
        start: 0,
        end: 0,
        parties: [],
        steps: [],
        tiers: [],
        tokens: [token],
        diagnostics: [],
        narrative: [],
        exchangeIds: ['e1'],
        tabId: 1,
      },
    ],
  };
}

const decode = (jwt: string) =>
  jwt
    .split('.')
    .slice(0, 2)
    .map((p) => JSON.parse(Buffer.from(p, 'base64url').toString())) as [
    Record<string, unknown>,
    Record<string, unknown>,
  ];

async function verifyOne(raw: string, fetch: FetchLike) {
  const [header, claims] = decode(raw);
  const result = await verifyAnalysis(analysisWith(raw, header, claims), {
    fetch,
    now: Date.now(),
  });
  return { token: result.flows[0]!.tokens[0]!, diagnostics: result.flows[0]!.diagnostics };
}

describe('verify()', () => {
  it('verifies a signature with the issuer key found through discovery, even after the token expired', async () => {
    const { sign, fetch, requested } = await issuer();
    const { token, diagnostics } = await verifyOne(await sign({ sub: 'alice' }), fetch);
    expect(token).toMatchObject({
      verification: 'valid',
      verificationReason: expect.stringMatching(/k1/),
    });
    expect(diagnostics).toEqual([]);
    expect(requested).toEqual([`${ISS}/.well-known/openid-configuration`, `${ISS}/jwks`]);
  });

  it('a tampered token is invalid and reported as SIG_INVALID', async () => {
    const { sign, fetch } = await issuer();
    const [h, , s] = (await sign({ sub: 'alice' })).split('.');
    const forged = `${h}.${Buffer.from(JSON.stringify({ iss: ISS, sub: 'mallory', aud: 'c', iat: 1_700_000_000 })).toString('base64url')}.${s}`;
    const { token, diagnostics } = await verifyOne(forged, fetch);
    expect(token.verification).toBe('invalid');
    expect(diagnostics.map((d) => [d.id, d.severity])).toEqual([['SIG_INVALID', 'error']]);
  });

  it('an unknown kid is unverifiable with a KID_UNKNOWN warning', async () => {
    const { sign, fetch } = await issuer();
    const { token, diagnostics } = await verifyOne(await sign({ sub: 'alice' }, 'rotated'), fetch);
    expect(token.verification).toBe('unverifiable');
    expect(diagnostics.map((d) => [d.id, d.severity, d.message.startsWith('KID_UNKNOWN')])).toEqual(
      [['SIG_INVALID', 'warning', true]],
    );
  });

  it.each([
    ['HS256 (signed with the client secret)', { alg: 'HS256' }, { iss: ISS }, /client secret/],
    ['alg none', { alg: 'none' }, { iss: ISS }, /unsigned/],
    ['no iss', { alg: 'RS256' }, {}, /no iss/],
  ])('%s', async (_name, header, claims, reason) => {
    const raw = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.c2ln`;
    const { fetch } = await issuer();
    const result = await verifyAnalysis(analysisWith(raw, header, claims), { fetch, now: 0 });
    expect(result.flows[0]!.tokens[0]!.verificationReason).toMatch(reason);
  });

  it('an unreachable issuer makes the token unverifiable, never invalid', async () => {
    const { sign } = await issuer();
    const offline: FetchLike = async () => {
      throw new Error('offline');
    };
    const { token, diagnostics } = await verifyOne(await sign({ sub: 'alice' }), offline);
    expect(token).toMatchObject({
      verification: 'unverifiable',
      verificationReason: expect.stringMatching(/offline/),
    });
    expect(diagnostics).toEqual([]);
  });
});
