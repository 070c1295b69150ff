import type { CookieEvent, JarCookie } from '../model';

/**
 * The cookie jar as the recorded changes leave it, for one host: the last change of each cookie
 * (by domain, path and name) that is not a removal. Empty when no change was recorded.
 */
export function jarFor(host: string, events: readonly CookieEvent[]): JarCookie[] {
  const latest = new Map<string, CookieEvent>();
  for (const e of events) {
    if (!domainMatches(host, e.cookie.domain)) continue;
    latest.set(`${e.cookie.domain}|${e.cookie.path}|${e.cookie.name}`, e);
  }
  return [...latest.values()].filter((e) => !e.removed).map((e) => e.cookie);
}

export function domainMatches(host: string, cookieDomain: string): boolean {
  const domain = cookieDomain.replace(/^\./, '').toLowerCase();
  const h = host.toLowerCase();
  return h === domain || h.endsWith(`.${domain}`);
}
