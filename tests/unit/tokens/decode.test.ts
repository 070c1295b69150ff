import { describe, expect, it } from 'vitest';
import { TokenFormatError } from '@/lib/errors';
import { describeToken } from '@/lib/tokens/describe';
import { decodeToken } from '@/lib/tokens/decode';

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const jws = `${b64({ alg: 'RS256', kid: 'k1' })}.${b64({ iss: 'https://as.example', sub: 'alice', exp: 2000000000 })}.c2ln`;

describe('decodeToken', () => {
  it('decodes a JWS: header and claims, not verified', () => {
    expect(decodeToken(jws)).toMatchObject({
      format: 'jws',
      header: { alg: 'RS256' },
      claims: { sub: 'alice' },
    });
  });

  it('shows only the header of a JWE', () => {
    expect(decodeToken(`${b64({ alg: 'RSA-OAEP', enc: 'A256GCM' })}.a.b.c.d`)).toEqual({
      format: 'jwe',
      header: { alg: 'RSA-OAEP', enc: 'A256GCM' },
      claims: {},
    });
  });

  it('an opaque token has nothing to decode', () => {
    expect(decodeToken('2YotnFZFEjr1zCsicMWpAA').format).toBe('opaque');
  });

  it.each([
    ['2 parts', `${b64({ alg: 'none' })}.${b64({})}`, /3 parts .* 5 parts .* has 2/],
    ['4 parts', 'a.b.c.d', /has 4/],
    ['a header that is not JSON', 'bm90IGpzb24.e30.c2ln', /header is not base64url JSON/],
    ['characters outside base64url', 'ey!J.e30.sig', /outside base64url/],
  ])('rejects %s with the reason', (_name, token, message) => {
    expect(() => decodeToken(token)).toThrow(TokenFormatError);
    expect(() => decodeToken(token)).toThrow(message);
  });

  it('keeps header and claims of a JWT whose signature an export removed, and says it cannot be verified', () => {
    const redacted = `${jws.split('.').slice(0, 2).join('.')}.‹signature removed h:1a2b3c4d›`;
    expect(decodeToken(redacted)).toMatchObject({
      format: 'jws',
      claims: { sub: 'alice' },
      signatureRedacted: true,
    });
    const info = describeToken({ name: 'id_token', value: redacted, location: 'fragment' }, 'e1');
    expect(info).toMatchObject({
      kind: 'id_token',
      format: 'jws',
      verification: 'unverifiable',
      claims: { iss: 'https://as.example' },
    });
    expect(info.raw).toBeUndefined();
  });

  it('a malformed token is described, not thrown', () => {
    expect(
      describeToken({ name: 'id_token', value: 'a.b', location: 'query' }, 'e1'),
    ).toMatchObject({
      verification: 'unverifiable',
      verificationReason: expect.stringMatching(/malformed/),
    });
  });
});
