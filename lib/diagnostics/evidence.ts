import type { AnalyzeInput } from '../analysis/analyze';
import { messageOf, type Hop } from '../analysis/hops';
import { activeMemo } from '../analysis/memo';
import { endpointOf, originOf } from '../protocol/params';

/**
 * What a recording may show besides the hops themselves: response bodies (a HAR with content),
 * among them discovery documents and JWKS. Rules use them when they are there and stay quiet
 * about what they cannot see when they are not.
 */

// Per-analysis caches: every flow's rules ask the same questions of the same hops, and a
// recording of 10,000 hops must not be scanned once per flow.
const jsonCache = new WeakMap<Hop, { body: Record<string, unknown> | undefined }>();
const metadataCache = new WeakMap<readonly Hop[], ServerMetadata[]>();
const keysCache = new WeakMap<readonly Hop[], VisibleKey[]>();
const sentCache = new WeakMap<readonly Hop[], boolean>();

/** The JSON object a hop's response body holds, when the source kept the body. */
export function jsonBody(input: AnalyzeInput, hop: Hop): Record<string, unknown> | undefined {
  if (!input.responseBodies) return undefined;
  const memo = activeMemo();
  if (memo && memo.bodiesOf === input.responseBodies) {
    const known = memo.bodies.get(hop.e);
    if (known) return known.body;
    const body = parseJsonBody(input, hop);
    memo.bodies.set(hop.e, { body });
    return body;
  }
  const cached = jsonCache.get(hop);
  if (cached) return cached.body;
  const body = parseJsonBody(input, hop);
  jsonCache.set(hop, { body });
  return body;
}

function parseJsonBody(input: AnalyzeInput, hop: Hop): Record<string, unknown> | undefined {
  const text = input.responseBodies?.[hop.e.id];
  if (!text || !text.trimStart().startsWith('{')) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The recording shows the cookies requests carried: the source kept them (not a sanitized HAR)
 * and at least one request has a Cookie header. Rules that conclude from a cookie that was not
 * sent need this; a file stripped of Cookie headers would make every cookie look dropped.
 */
export function sentCookiesVisible(hops: readonly Hop[], input: AnalyzeInput): boolean {
  if (input.cookiesVisible === false) return false;
  let any = sentCache.get(hops);
  if (any === undefined) {
    any = hops.some((h) => h.sentCookies.length > 0);
    sentCache.set(hops, any);
  }
  return any;
}

/** A discovery document (OIDC Discovery 4, RFC 8414 3) whose body the recording holds. */
export interface ServerMetadata {
  hop: Hop;
  issuer?: string;
  doc: Record<string, unknown>;
}

/** Every discovery document with a visible body, oldest first. */
export function discoveredMetadata(hops: readonly Hop[], input: AnalyzeInput): ServerMetadata[] {
  // Documents are read from response bodies: none without them.
  if (!input.responseBodies) return [];
  const cached = metadataCache.get(hops);
  if (cached) return cached;
  const out: ServerMetadata[] = [];
  metadataCache.set(hops, out);
  for (const hop of hops) {
    if (!messageOf(hop, 'discovery')) continue;
    const doc = jsonBody(input, hop);
    if (!doc) continue;
    const meta: ServerMetadata = { hop, doc };
    if (typeof doc['issuer'] === 'string') meta.issuer = doc['issuer'];
    out.push(meta);
  }
  return out;
}

/**
 * The metadata of the server an authorization request went to: the document whose
 * authorization_endpoint is the request's endpoint, else the only one whose issuer is on the
 * request's origin.
 */
export function metadataForRequest(
  list: readonly ServerMetadata[],
  requestHop: Hop,
): ServerMetadata | undefined {
  const endpoint = endpointOf(requestHop.e.url);
  const byEndpoint = list.filter(
    (m) =>
      typeof m.doc['authorization_endpoint'] === 'string' &&
      endpointOf(m.doc['authorization_endpoint']) === endpoint,
  );
  if (byEndpoint.length > 0) return byEndpoint[byEndpoint.length - 1];
  const byOrigin = list.filter((m) => m.issuer && issuerOrigin(m.issuer) === requestHop.origin);
  return new Set(byOrigin.map((m) => m.issuer)).size === 1 ? byOrigin[0] : undefined;
}

/** The metadata whose issuer is `iss`. */
export function metadataForIssuer(
  list: readonly ServerMetadata[],
  iss: string,
): ServerMetadata | undefined {
  return list.find((m) => m.issuer !== undefined && sameIssuer(m.issuer, iss));
}

/** A key of a JWKS (RFC 7517 5) whose body the recording holds. */
export interface VisibleKey {
  hop: Hop;
  kid?: string;
  kty?: string;
}

/** Every key of every visible JWKS ({ keys: [...] }). */
export function visibleKeys(hops: readonly Hop[], input: AnalyzeInput): VisibleKey[] {
  if (!input.responseBodies) return [];
  const cached = keysCache.get(hops);
  if (cached) return cached;
  const out: VisibleKey[] = [];
  keysCache.set(hops, out);
  for (const hop of hops) {
    const body = jsonBody(input, hop);
    const keys = body?.['keys'];
    if (!Array.isArray(keys)) continue;
    for (const key of keys) {
      if (!key || typeof key !== 'object') continue;
      const k = key as Record<string, unknown>;
      const visible: VisibleKey = { hop };
      if (typeof k['kid'] === 'string') visible.kid = k['kid'];
      if (typeof k['kty'] === 'string') visible.kty = k['kty'];
      out.push(visible);
    }
  }
  return out;
}

/**
 * The origin an issuer identifier names. Google writes its issuer with or without the scheme
 * ("accounts.google.com"), so a bare host is read as https.
 */
export function issuerOrigin(iss: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(iss) ? originOf(iss) : originOf(`https://${iss}`);
}

/**
 * Issuer identifiers compare as exact strings (OIDC Core 3.1.3.7 (2), RFC 9207 2.4); the one
 * leniency is Google's scheme-less form of an https issuer without a path.
 */
export function sameIssuer(a: string, b: string): boolean {
  if (a === b) return true;
  const bare = (s: string) => s.replace(/^https:\/\//i, '');
  const hostOnly = (s: string) => !bare(s).includes('/');
  return hostOnly(a) && hostOnly(b) && bare(a).toLowerCase() === bare(b).toLowerCase();
}

/** A rough registrable domain: the last two labels; each *.localhost host is a site of its own. */
export function siteOf(host: string): string {
  if (host === 'localhost' || host.endsWith('.localhost')) return host;
  if (/^\d+\.\d+\.\d+\.\d+$/.test(host) || host.startsWith('[')) return host;
  return host.split('.').slice(-2).join('.');
}

export function hostOf(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return '';
  }
}

export function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return '/';
  }
}

/** RFC 6265 5.1.4 path-match: the cookie path is the request path or one of its directories. */
export function pathMatches(requestPath: string, cookiePath: string): boolean {
  if (requestPath === cookiePath) return true;
  if (!requestPath.startsWith(cookiePath)) return false;
  return cookiePath.endsWith('/') || requestPath[cookiePath.length] === '/';
}

/** RFC 6265 5.1.3 domain-match; a host-only cookie matches its own host only. */
export function domainMatches(host: string, cookieDomain: string, hostOnly = false): boolean {
  const domain = cookieDomain.replace(/^\./, '').toLowerCase();
  const h = host.toLowerCase();
  if (hostOnly) return h === domain;
  return h === domain || h.endsWith(`.${domain}`);
}

/** isLoopback of the hop's URL, from the host name the hop already parsed. */
export function isLoopbackHop(h: Hop): boolean {
  const host = h.host;
  return (
    host === 'localhost' ||
    host.endsWith('.localhost') ||
    host === '[::1]' ||
    /^127\.\d+\.\d+\.\d+$/.test(host)
  );
}
