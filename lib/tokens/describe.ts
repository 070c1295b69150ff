import type { TokenInfo } from '../analysis/types';
import { TokenFormatError } from '../errors';
import { decodeToken } from './decode';
import type { TokenSighting } from './extract';

const BACKCHANNEL_LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';

/** Decodes a sighting into the analysis' token record, with its kind and readable times. */
export function describeToken(sighting: TokenSighting, exchangeId: string): TokenInfo {
  let decoded;
  try {
    decoded = decodeToken(sighting.value);
  } catch (error) {
    const reason = error instanceof TokenFormatError ? error.message : String(error);
    return {
      kind: kindFromName(sighting.name),
      format: 'opaque',
      exchangeId,
      location: sighting.location,
      name: sighting.name,
      header: {},
      claims: {},
      verification: 'unverifiable',
      verificationReason: `malformed: ${reason}`,
    };
  }
  const info: TokenInfo = {
    kind: tokenKind(sighting.name, decoded.header, decoded.claims),
    format: decoded.format,
    exchangeId,
    location: sighting.location,
    name: sighting.name,
    header: decoded.header,
    claims: decoded.claims,
    verification: decoded.format === 'jws' ? 'unverified' : 'unverifiable',
  };
  if (decoded.signatureRedacted) {
    info.verificationReason = 'the signature was removed when this trace was exported (redaction)';
    info.verification = 'unverifiable';
  } else if (decoded.format === 'jws') info.raw = sighting.value;
  if (decoded.format === 'opaque')
    info.verificationReason =
      'opaque token: only introspection at the authorization server can check it';
  if (decoded.format === 'jwe')
    info.verificationReason = 'encrypted (JWE): only its recipient can decrypt it';
  const times = readableTimes(decoded.claims);
  if (Object.keys(times).length > 0) info.times = times;
  return info;
}

function tokenKind(
  name: string,
  header: Record<string, unknown>,
  claims: Record<string, unknown>,
): TokenInfo['kind'] {
  const events = claims['events'];
  if (events && typeof events === 'object' && BACKCHANNEL_LOGOUT_EVENT in events)
    return 'logout_token';
  const typ = String(header['typ'] ?? '').toLowerCase();
  if (typ === 'oauth-authz-req+jwt' || name === 'request') return 'request_object';
  if (typ === 'at+jwt' || typ === 'application/at+jwt') return 'access_token';
  return kindFromName(name, claims);
}

function kindFromName(name: string, claims: Record<string, unknown> = {}): TokenInfo['kind'] {
  if (name === 'id_token' || name === 'id_token_hint') return 'id_token';
  if (name === 'access_token' || name === 'Authorization') return 'access_token';
  if (name === 'refresh_token') return 'refresh_token';
  if (name === 'logout_token') return 'logout_token';
  if (name === 'request') return 'request_object';
  if ('scope' in claims || 'client_id' in claims) return 'access_token';
  if ('nonce' in claims || 'at_hash' in claims || 'auth_time' in claims) return 'id_token';
  return 'unknown';
}

function readableTimes(claims: Record<string, unknown>): Record<string, string> {
  const times: Record<string, string> = {};
  for (const name of ['exp', 'iat', 'nbf', 'auth_time']) {
    const v = claims[name];
    if (typeof v === 'number' && Number.isFinite(v) && Math.abs(v) < 1e11) {
      times[name] = new Date(v * 1000).toISOString();
    }
  }
  return times;
}
