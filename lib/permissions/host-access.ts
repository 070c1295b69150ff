import type { Exchange } from '../model';

/**
 * Host access: which sites the extension may observe, and which sites a recording points at that
 * it could not observe. The browser shows `webRequest` and `cookies.onChanged` only for granted
 * hosts, so a login that leaves for an ungranted site (an authorization server, an identity
 * provider) is recorded with holes; these functions name the holes. Pure: the caller reads the
 * granted origins (`permissions.getAll()`) and the manifest, and asks the browser itself.
 */

/** The origin patterns that mean "every site" (a pattern set covering http and https on any host). */
const ALL_SITES_PATTERNS = new Set(['<all_urls>', '*://*/*']);

/** Schemes a login travels over; other URLs (data:, blob:, chrome-extension:) are not sites. */
const WEB_SCHEMES = new Set(['http:', 'https:', 'ws:', 'wss:']);

/** True when the granted origins cover every http and https site. */
export function coversAllSites(granted: readonly string[]): boolean {
  if (granted.some((p) => ALL_SITES_PATTERNS.has(p))) return true;
  return granted.includes('http://*/*') && granted.includes('https://*/*');
}

interface ParsedPattern {
  scheme: string;
  host: string;
  port?: string;
}

function parsePattern(pattern: string): ParsedPattern | undefined {
  const m = /^(\*|https?|wss?|ftp|file):\/\/(\*|\*\.[^/:*]+|[^/:*]+)?(?::(\d+|\*))?(\/.*)$/.exec(
    pattern,
  );
  if (!m) return undefined;
  return { scheme: m[1]!, host: m[2] ?? '', ...(m[3] && m[3] !== '*' ? { port: m[3] } : {}) };
}

/**
 * Whether a host permission pattern (a WebExtensions match pattern) covers a URL. Host access is
 * per origin: the pattern's path is ignored, as the browsers do for host permissions. A pattern
 * without a port covers every port (Chrome; Firefox patterns have no port at all). Does not check
 * that the pattern is one the browser would accept.
 */
export function patternMatchesUrl(pattern: string, url: string): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (pattern === '<all_urls>') return WEB_SCHEMES.has(u.protocol) || u.protocol === 'file:';
  const p = parsePattern(pattern);
  if (!p) return false;
  const scheme = u.protocol.slice(0, -1);
  if (p.scheme === '*' ? !WEB_SCHEMES.has(u.protocol) : p.scheme !== scheme) return false;
  if (p.port !== undefined && p.port !== portOf(u)) return false;
  const host = u.hostname.toLowerCase();
  if (p.host === '*') return true;
  if (p.host.startsWith('*.')) {
    const base = p.host.slice(2).toLowerCase();
    return host === base || host.endsWith(`.${base}`);
  }
  return host === p.host.toLowerCase();
}

function portOf(u: URL): string {
  if (u.port) return u.port;
  return u.protocol === 'https:' || u.protocol === 'wss:' ? '443' : '80';
}

/** Whether any granted origin covers the URL. */
export function isCaptured(granted: readonly string[], url: string): boolean {
  return granted.some((p) => patternMatchesUrl(p, url));
}

/**
 * The narrowest pattern to ask for so that `url`'s site is observed: `scheme://host/*`, every
 * port of that host. Undefined for URLs that are not web sites.
 */
export function sitePatternFor(url: string): string | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return undefined;
  }
  if (!WEB_SCHEMES.has(u.protocol) || !u.hostname) return undefined;
  const scheme = u.protocol === 'wss:' ? 'https' : u.protocol === 'ws:' ? 'http' : u.protocol;
  return `${scheme.replace(/:$/, '')}://${u.hostname}/*`;
}

/**
 * What a person typed to name a site ("auth.example.com", "https://login.example.com/authorize",
 * "http://app.localhost:3000") as a pattern to ask for. A bare host name means https and http
 * (`*://host/*`). Undefined for anything that is not a host name or a web URL.
 */
export function patternFromInput(input: string): string | undefined {
  const text = input.trim();
  if (!text) return undefined;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) return sitePatternFor(text);
  const host = /^([a-z0-9-]+(?:\.[a-z0-9-]+)*)(?::\d+)?\/?$/i.exec(text)?.[1];
  return host ? `*://${host.toLowerCase()}/*` : undefined;
}

/** A granted pattern as a person reads it: "http://app.localhost", "*.example.com", "all sites". */
export function describePattern(pattern: string): string {
  if (ALL_SITES_PATTERNS.has(pattern)) return 'all sites';
  const p = parsePattern(pattern);
  if (!p) return pattern;
  const host = p.host === '*' ? 'any host' : p.host;
  const port = p.port ? `:${p.port}` : '';
  return p.scheme === '*' ? `${host}${port}` : `${p.scheme}://${host}${port}`;
}

/** How a recording came to point at a site it did not capture. */
export type SeenAs = 'redirect-target' | 'initiator' | 'document' | 'referer' | 'origin-header';

/** A site the recording points at whose own hops and cookies were not captured. */
export interface UncapturedSite {
  /** `scheme://host` (no port: host access covers every port of a host). */
  site: string;
  /** The pattern to ask for to capture it. */
  pattern: string;
  /** How the recording saw it, in the order first seen. */
  seenAs: SeenAs[];
  /** One URL it was seen with, for the explanation. */
  example: string;
  /** The captured hop that pointed at it first. */
  exchangeId: string;
}

/** The URLs a captured hop points at, besides its own. */
function referencesOf(e: Exchange): { url: string; as: SeenAs }[] {
  const refs: { url: string; as: SeenAs }[] = [];
  if (e.redirectUrl) refs.push({ url: e.redirectUrl, as: 'redirect-target' });
  if (e.initiator) refs.push({ url: e.initiator, as: 'initiator' });
  if (e.documentUrl) refs.push({ url: e.documentUrl, as: 'document' });
  for (const h of e.requestHeaders) {
    const name = h.name.toLowerCase();
    if (name === 'referer') refs.push({ url: h.value, as: 'referer' });
    else if (name === 'origin' && h.value !== 'null')
      refs.push({ url: h.value, as: 'origin-header' });
  }
  return refs;
}

/**
 * The sites the recorded hops point at (redirect targets, initiators, documents, Referer and
 * Origin headers) that the granted origins do not cover: their own hops and cookie changes are
 * missing from the recording until access is granted. Sorted by site. With every site granted
 * the answer is empty. Does not see sites nothing captured points at (a login that starts on an
 * ungranted site leaves no trace at all).
 */
export function uncapturedSites(
  granted: readonly string[],
  exchanges: readonly Exchange[],
): UncapturedSite[] {
  if (coversAllSites(granted)) return [];
  const bySite = new Map<string, UncapturedSite>();
  for (const e of exchanges) {
    for (const ref of referencesOf(e)) {
      const pattern = sitePatternFor(ref.url);
      if (!pattern || isCaptured(granted, ref.url)) continue;
      const site = pattern.slice(0, -2);
      const known = bySite.get(site);
      if (known) {
        if (!known.seenAs.includes(ref.as)) known.seenAs.push(ref.as);
      } else {
        bySite.set(site, {
          site,
          pattern,
          seenAs: [ref.as],
          example: ref.url,
          exchangeId: e.id,
        });
      }
    }
  }
  return [...bySite.values()].sort((a, b) => a.site.localeCompare(b.site));
}

/** The parts of a manifest that say how host access was declared. */
export interface ManifestHostAccess {
  host_permissions?: readonly string[];
  optional_host_permissions?: readonly string[];
  permissions?: readonly string[];
  optional_permissions?: readonly string[];
}

/**
 * Who controls host access for this build. `extension`: every site is an optional permission,
 * so the panel can both ask for sites and give them back. `browser`: every site was asked for at
 * install; the panel can ask again for sites the user withheld (Chrome's Site access), but only
 * the browser's own settings can withdraw access.
 */
export function hostAccessControl(manifest: ManifestHostAccess): 'extension' | 'browser' {
  const optional = [
    ...(manifest.optional_host_permissions ?? []),
    ...(manifest.optional_permissions ?? []),
  ];
  const required = [...(manifest.host_permissions ?? []), ...(manifest.permissions ?? [])];
  return coversAllSites(optional) && !coversAllSites(required) ? 'extension' : 'browser';
}
