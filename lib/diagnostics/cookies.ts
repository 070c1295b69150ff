import type { Hop } from '../analysis/hops';
import { byteLength } from '../analysis/tiers';
import type { CookieEvent } from '../model';
import { isRemoval, type SetCookie } from '../protocol/cookies';
import { isLoopback } from '../protocol/params';
import { domainMatches, pathMatches, pathOf, sentCookiesVisible, siteOf } from './evidence';
import type { Finding, FlowRule, GlobalRule } from './rule';

/** Every Set-Cookie of the given hops, with the hop that sent it. */
function setCookiesOf(hops: readonly Hop[]) {
  return hops.flatMap((hop) => hop.setCookies.map((cookie) => ({ hop, cookie })));
}

export const cookieGlobalRules: GlobalRule[] = [
  {
    id: 'SAMESITE_NONE_INSECURE',
    reference: 'RFC 6265bis SameSite',
    check: ({ hops }) =>
      setCookiesOf(hops)
        .filter(({ cookie }) => cookie.sameSite === 'None' && !cookie.secure)
        .map(({ hop, cookie }) => ({
          severity: 'error' as const,
          message: `${cookie.name} is set with SameSite=None but without Secure: browsers reject it, so the cookie never exists.`,
          hops: [hop],
        })),
  },
  {
    id: 'COOKIE_PREFIX_INVALID',
    reference: 'RFC 6265bis cookie prefixes',
    check: ({ hops }) =>
      setCookiesOf(hops)
        .filter(({ cookie }) => {
          if (cookie.name.startsWith('__Secure-')) return !cookie.secure;
          if (cookie.name.startsWith('__Host-'))
            return !cookie.secure || cookie.domain !== undefined || cookie.path !== '/';
          return false;
        })
        .map(({ hop, cookie }) => ({
          severity: 'error' as const,
          message: `${cookie.name} breaks the rules of its prefix (${cookie.name.startsWith('__Host-') ? '__Host- needs Secure, no Domain and Path=/' : '__Secure- needs Secure'}): browsers reject it.`,
          hops: [hop],
        })),
  },
  {
    id: 'SECURE_FROM_HTTP',
    reference: 'RFC 6265bis',
    check: ({ hops }) =>
      setCookiesOf(hops)
        .filter(
          ({ hop, cookie }) =>
            cookie.secure && hop.e.url.startsWith('http:') && !isLoopback(hop.e.url),
        )
        .map(({ hop, cookie }) => ({
          severity: 'error' as const,
          message: `${cookie.name} is marked Secure but was set by a plain http:// response: browsers ignore it.`,
          hops: [hop],
        })),
  },
  {
    id: 'COOKIE_SIZE',
    reference: 'RFC 6265 6.1',
    check: ({ hops }) =>
      setCookiesOf(hops)
        .map(({ hop, cookie }) => ({ hop, cookie, size: byteLength(cookie.name + cookie.value) }))
        .filter(({ size }) => size >= 3800)
        .map(({ hop, cookie, size }) => ({
          severity: size > 4096 ? ('error' as const) : ('warning' as const),
          message: `${cookie.name} is ${size} bytes${size > 4096 ? ', over the 4096 bytes browsers keep: it is dropped' : ', close to the 4096 bytes browsers keep'}.`,
          hops: [hop],
        })),
  },
  {
    id: 'COOKIE_REJECTED',
    reference: 'cookies API',
    check: ({ hops, input }) => {
      const events = input.cookieEvents ?? [];
      // Only a recording with the cookie jar can tell a refused cookie from a kept one.
      if (events.length === 0) return [];
      const findings: Finding[] = [];
      for (const { hop, cookie } of setCookiesOf(hops)) {
        if (!cookie.name || isRemoval(cookie, hop.e.startedAt)) continue;
        // Refusals another rule already explains are reported there, once.
        if (rejectionExplained(cookie, hop)) continue;
        const end = hop.e.timings.end ?? hop.e.startedAt;
        const landed = events.some(
          (ev) =>
            !ev.removed &&
            ev.cookie.name === cookie.name &&
            ev.cookie.value === cookie.value &&
            ev.time >= hop.e.startedAt - 1000 &&
            ev.time <= end + 5000 &&
            domainMatches(hop.host, ev.cookie.domain),
        );
        // Re-setting the value the jar already holds (a rolling session) may change nothing.
        const alreadyHeld = () => {
          const before = events
            .filter(
              (ev) =>
                ev.cookie.name === cookie.name &&
                ev.time < hop.e.startedAt &&
                domainMatches(hop.host, ev.cookie.domain),
            )
            .sort((a, b) => a.time - b.time);
          const last = before[before.length - 1];
          return last !== undefined && !last.removed && last.cookie.value === cookie.value;
        };
        if (!landed && !alreadyHeld()) {
          findings.push({
            severity: 'error',
            message: `The browser did not store ${cookie.name} that ${hop.host} sent (no cookie-jar change followed): it was rejected.`,
            hops: [hop],
          });
        }
      }
      return findings;
    },
  },
  {
    id: 'THIRD_PARTY_COOKIE_BLOCKED',
    reference: 'Front-Channel Logout 4.1',
    // Recording-wide: front-channel logout iframes belong to no login flow.
    check: ({ hops, input }) => {
      const events = input.cookieEvents ?? [];
      if (events.length === 0) return [];
      return hops
        .filter((h) => h.e.type === 'sub_frame' && h.sentCookies.length === 0 && isCrossSite(h))
        .flatMap((h): Finding[] => {
          const held = jarFor(events, h);
          if (held.length === 0) return [];
          return [
            {
              severity: 'warning',
              message: `The cross-site frame request to ${h.host} carried no cookies although the browser holds ${held.join(', ')} for it: third-party cookies are blocked or SameSite keeps them back.`,
              hops: [h],
            },
          ];
        });
    },
  },
];

export const cookieFlowRules: FlowRule[] = [
  {
    id: 'SESSION_COOKIE_WEAK',
    reference: 'RFC 6265 4.1.2.5-6, 8',
    check: (ctx) => {
      const findings: Finding[] = [];
      for (const tier of ctx.flow.tiers) {
        for (const c of tier.sessionCookies) {
          if (c.change !== 'created' && c.change !== 'updated') continue;
          const hop = ctx.flowHops.find((h) => h.e.id === c.exchangeId);
          if (!hop) continue;
          const missing = [
            !c.attributes.httpOnly && 'HttpOnly',
            !c.attributes.secure && !isLoopback(hop.e.url) && 'Secure',
          ].filter(Boolean);
          if (missing.length > 0) {
            findings.push({
              severity: 'warning',
              message: `Session cookie ${c.name} (${tier.role}) lacks ${missing.join(' and ')}.`,
              hops: [hop],
            });
          }
        }
      }
      return findings;
    },
  },
  {
    id: 'CROSS_SITE_POST_COOKIE_DROPPED',
    reference: 'RFC 6265bis SameSite',
    check: (ctx) => {
      const findings: Finding[] = [];
      if (!sentCookiesVisible(ctx.hops, ctx.input)) return findings;
      for (const hop of ctx.flowHops) {
        const isPostCallback =
          hop.e.method.toUpperCase() === 'POST' &&
          hop.messages.some(
            (m) =>
              (m.type === 'authorization-response' && m.mode === 'form_post') ||
              m.type === 'saml-response' ||
              m.type === 'wsfed-signin-response',
          );
        if (!isPostCallback) continue;
        const sent = new Set(hop.sentCookies.map((c) => c.name));
        // The last Set-Cookie of each name before the POST: what the jar held then.
        const last = new Map<string, SetCookie>();
        for (const h of ctx.flowHops) {
          if (h.index >= hop.index || h.host !== hop.host) continue;
          for (const c of h.setCookies) if (c.name) last.set(c.name, c);
        }
        const requestPath = pathOf(hop.e.url);
        const dropped = [...last.values()].filter(
          (c) =>
            !sent.has(c.name) &&
            c.sameSite !== 'None' &&
            !isRemoval(c, hop.e.startedAt) &&
            // A cookie scoped to another path is not expected on the callback anyway.
            pathMatches(requestPath, c.path ?? '/'),
        );
        const names = [...new Set(dropped.map((c) => c.name))];
        if (names.length > 0) {
          findings.push({
            severity: 'error',
            message: `The cross-site POST back to ${hop.host} arrived without ${names.join(', ')} (SameSite=${dropped[0]?.sameSite ?? 'unset, which means Lax'}): the app cannot find its login transaction.`,
            hops: [hop],
          });
        }
      }
      return findings;
    },
  },
];

function isCrossSite(h: Hop): boolean {
  const top = h.e.initiator ?? h.e.documentUrl;
  if (!top) return false;
  try {
    return siteOf(new URL(top).hostname) !== siteOf(h.host);
  } catch {
    return false;
  }
}

/**
 * Names of the cookies the jar held at the time of `h` that a request to its URL would carry:
 * the latest change of each cookie before it is a set, it has not expired, and its domain, path
 * and Secure flag allow the request.
 */
function jarFor(events: readonly CookieEvent[], h: Hop): string[] {
  const latest = new Map<string, CookieEvent>();
  for (const ev of events) {
    if (ev.time >= h.e.startedAt) continue;
    const key = `${ev.cookie.name};${ev.cookie.domain};${ev.cookie.path}`;
    const seen = latest.get(key);
    if (!seen || seen.time <= ev.time) latest.set(key, ev);
  }
  const https = h.e.url.startsWith('https:') || isLoopback(h.e.url);
  const path = pathOf(h.e.url);
  return [...latest.values()]
    .filter(
      (ev) =>
        !ev.removed &&
        (ev.cookie.expirationDate === undefined ||
          ev.cookie.expirationDate * 1000 > h.e.startedAt) &&
        domainMatches(h.host, ev.cookie.domain, ev.cookie.hostOnly) &&
        pathMatches(path, ev.cookie.path || '/') &&
        (https || !ev.cookie.secure),
    )
    .map((ev) => ev.cookie.name);
}

/** A cookie the browser refuses for a reason SAMESITE_NONE_INSECURE, COOKIE_PREFIX_INVALID, SECURE_FROM_HTTP or COOKIE_SIZE reports. */
function rejectionExplained(cookie: SetCookie, hop: Hop): boolean {
  if (cookie.sameSite === 'None' && !cookie.secure) return true;
  if (cookie.name.startsWith('__Secure-') && !cookie.secure) return true;
  if (
    cookie.name.startsWith('__Host-') &&
    (!cookie.secure || cookie.domain !== undefined || cookie.path !== '/')
  )
    return true;
  if (cookie.secure && hop.e.url.startsWith('http:') && !isLoopback(hop.e.url)) return true;
  return byteLength(cookie.name + cookie.value) > 4096;
}
