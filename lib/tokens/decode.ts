import { decodeJwt, decodeProtectedHeader } from 'jose';
import { TokenFormatError } from '../errors';

export type TokenFormat = 'jws' | 'jwe' | 'opaque';

export interface DecodedToken {
  format: TokenFormat;
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
  /** The signature was removed by an export's redaction: nothing left to verify. */
  signatureRedacted?: boolean;
}

const MAX_TOKEN_CHARS = 64 * 1024;
const BASE64URL = /^[A-Za-z0-9_-]*$/;

/** True when a value has the shape of a compact JWS (3 parts) or JWE (5 parts). */
export function looksLikeJwt(value: string): boolean {
  const parts = value.split('.');
  return (
    (parts.length === 3 || parts.length === 5) &&
    parts.every((p) => BASE64URL.test(p)) &&
    (parts[0] ?? '').startsWith('eyJ')
  );
}

/**
 * Decodes a token: a JWS shows header and claims, a JWE only its header (alg, enc, kid, zip,
 * cty), anything without dots is opaque. Decodes; does not verify. Throws TokenFormatError with
 * the reason for a value that looks like a JWT and is not one (2 or 4 parts, bad base64, no JSON).
 */
export function decodeToken(value: string): DecodedToken {
  if (value.length > MAX_TOKEN_CHARS) {
    throw new TokenFormatError(`token of ${value.length} characters is longer than we decode`);
  }
  const parts = value.split('.');
  if (parts.length === 1) return { format: 'opaque', header: {}, claims: {} };
  if (parts.length !== 3 && parts.length !== 5) {
    throw new TokenFormatError(
      `a JWT has 3 parts (JWS) or 5 parts (JWE); this one has ${parts.length}`,
    );
  }
  // An exported trace keeps a JWT's header and claims but not its signature ("‹signature removed›").
  const signatureRedacted = parts.length === 3 && (parts[2] ?? '').startsWith('‹');
  if (signatureRedacted) {
    try {
      const header = JSON.parse(new TextDecoder().decode(base64urlBytes(parts[0] ?? ''))) as Record<
        string,
        unknown
      >;
      const claims = JSON.parse(new TextDecoder().decode(base64urlBytes(parts[1] ?? ''))) as Record<
        string,
        unknown
      >;
      return { format: 'jws', header, claims, signatureRedacted: true };
    } catch (error) {
      throw new TokenFormatError(
        `the JWT header or payload is not base64url JSON: ${reason(error)}`,
        { cause: error },
      );
    }
  }
  if (!parts.every((p) => BASE64URL.test(p))) {
    throw new TokenFormatError('a JWT part holds characters outside base64url');
  }
  let header: Record<string, unknown>;
  try {
    header = decodeProtectedHeader(value) as Record<string, unknown>;
  } catch (error) {
    throw new TokenFormatError(`the JWT header is not base64url JSON: ${reason(error)}`, {
      cause: error,
    });
  }
  if (parts.length === 5) return { format: 'jwe', header, claims: {} };
  try {
    return { format: 'jws', header, claims: decodeJwt(value) as Record<string, unknown> };
  } catch (error) {
    throw new TokenFormatError(`the JWT payload is not a JSON claims set: ${reason(error)}`, {
      cause: error,
    });
  }
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function base64urlBytes(part: string): Uint8Array {
  if (!BASE64URL.test(part)) throw new Error('not base64url');
  const base64 = part.replace(/-/g, '+').replace(/_/g, '/');
  const binary = atob(base64.padEnd(base64.length + ((4 - (base64.length % 4)) % 4), '='));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}
