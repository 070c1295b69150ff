import type { Exchange } from '../model';
import { hopParams } from '../protocol/params';
import { looksLikeJwt } from './decode';

export interface TokenSighting {
  name: string;
  value: string;
  location: 'query' | 'fragment' | 'form' | 'header' | 'body' | 'response';
}

/** Parameters that carry tokens by name (OAuth, OIDC, JAR, logout, client authentication). */
const TOKEN_PARAMS = new Set([
  'id_token',
  'access_token',
  'refresh_token',
  'logout_token',
  'id_token_hint',
  'request',
  'client_assertion',
  'assertion',
  'subject_token',
]);

/**
 * Every token a hop shows: named token parameters (even opaque ones), any other value shaped
 * like a JWT, Authorization: Bearer headers, and JWTs in a visible JSON response body.
 */
export function findTokens(e: Exchange, fragment?: string, responseBody?: string): TokenSighting[] {
  const found: TokenSighting[] = [];
  const seen = new Set<string>();
  const push = (s: TokenSighting) => {
    const key = `${s.location}:${s.name}:${s.value}`;
    if (!seen.has(key) && s.value) {
      seen.add(key);
      found.push(s);
    }
  };
  const p = hopParams(e);
  if (fragment !== undefined && [...p.fragment.keys()].length === 0)
    p.fragment = new URLSearchParams(fragment);
  const scan = (params: URLSearchParams, location: TokenSighting['location']) => {
    for (const [name, value] of params) {
      if (TOKEN_PARAMS.has(name) || looksLikeJwt(value)) push({ name, value, location });
    }
  };
  scan(p.query, 'query');
  scan(p.fragment, 'fragment');
  scan(p.form, 'form');
  if (p.json) scanJson(p.json, 'body', push);
  for (const h of e.requestHeaders) {
    const bearer = /^(Bearer|DPoP)\s+(.+)$/i.exec(h.value);
    if (h.name.toLowerCase() === 'authorization' && bearer?.[2]) {
      push({ name: 'Authorization', value: bearer[2].trim(), location: 'header' });
    } else if (h.name.toLowerCase() === 'dpop' && looksLikeJwt(h.value)) {
      push({ name: 'DPoP', value: h.value, location: 'header' });
    }
  }
  if (responseBody) {
    const json = parseJson(responseBody);
    if (json) scanJson(json, 'response', push);
  }
  return found;
}

function scanJson(
  value: Record<string, unknown>,
  location: TokenSighting['location'],
  push: (s: TokenSighting) => void,
  depth = 0,
): void {
  if (depth > 4) return;
  for (const [name, v] of Object.entries(value)) {
    if (typeof v === 'string' && (TOKEN_PARAMS.has(name) || looksLikeJwt(v)))
      push({ name, value: v, location });
    else if (v && typeof v === 'object' && !Array.isArray(v))
      scanJson(v as Record<string, unknown>, location, push, depth + 1);
  }
}

function parseJson(text: string): Record<string, unknown> | undefined {
  if (!text.trimStart().startsWith('{')) return undefined;
  try {
    const v: unknown = JSON.parse(text);
    return v && typeof v === 'object' && !Array.isArray(v)
      ? (v as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
