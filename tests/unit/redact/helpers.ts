import type { RedactionOptions, Redactor } from '@/lib/io/redact';
import { createRedactor, redactRecords } from '@/lib/io/redact';
import { base64url } from '@/lib/crypto/sha';
import type { CookieEvent, Exchange } from '@/lib/model';
import { makeExchange } from '@/tests/helpers/factories';

export const KEY = 'unit-test-key';
/** A hashed value. */
export const HASH = /^‹h:[0-9a-f]{8}›$/;

export function redactor(options: Partial<RedactionOptions> = {}): Redactor {
  return createRedactor({ profile: 'hashed', key: KEY, ...options });
}

/** One exchange (factory defaults plus `over`) redacted with a fresh redactor. */
export function redactOne(
  over: Partial<Exchange>,
  options: Partial<RedactionOptions> = {},
  responseBody?: string,
): { x: Exchange; body: string | undefined; r: Redactor } {
  const x = makeExchange(over);
  const r = redactor(options);
  const out = redactRecords(
    {
      exchanges: [x],
      cookieEvents: [],
      responseBodies: responseBody === undefined ? {} : { [x.id]: responseBody },
    },
    r,
  );
  return { x: out.exchanges[0]!, body: out.responseBodies[x.id], r };
}

export function redactEvents(events: CookieEvent[], options: Partial<RedactionOptions> = {}) {
  return redactRecords({ exchanges: [], cookieEvents: events }, redactor(options)).cookieEvents;
}

const json64 = (value: unknown) => base64url(new TextEncoder().encode(JSON.stringify(value)));

/** A compact JWS with the given claims and a made-up signature. */
export function jws(
  claims: Record<string, unknown>,
  signature = 'c2lnbmF0dXJlLW9mLXRoZS10b2tlbi0xMjM0NTY3ODkw',
  header: Record<string, unknown> = { alg: 'RS256', kid: 'k1' },
): string {
  return `${json64(header)}.${json64(claims)}.${signature}`;
}

/** A compact JWE (5 parts) with a made-up ciphertext. */
export function jwe(ciphertext = 'Y2lwaGVydGV4dC0xMjM0NTY3ODkwYWJjZGVm'): string {
  return `${json64({ alg: 'RSA-OAEP', enc: 'A256GCM' })}.ZW5jcnlwdGVka2V5MTIz.aXYxMjM0NTY3.${ciphertext}.dGFnMTIzNDU2`;
}

/** The JSON of one base64url segment. */
export function segment(part: string): unknown {
  const b64 = part.replace(/-/g, '+').replace(/_/g, '/');
  return JSON.parse(Buffer.from(b64, 'base64').toString('utf8'));
}
