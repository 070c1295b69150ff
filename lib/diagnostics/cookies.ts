import type { Hop } from '../analysis/hops';
import { byteLength } from '../analysis/tiers';
import { isRemoval } from '../protocol/cookies';
import { isLoopback } from '../protocol/params';
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
        if (cookie.sameSite === 'None' && !cookie.secure) continue; // SAMESITE_NONE_INSECURE says it.
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
        if (!landed) {
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
        const dropped = ctx.flowHops
          .filter((h) => h.index < hop.index && h.host === hop.host)
          .flatMap((h) => h.setCookies)
          .filter(
            (c) =>
              c.name &&
              !sent.has(c.name) &&
              c.sameSite !== 'None' &&
              !isRemoval(c, hop.e.startedAt),
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
  {
    id: 'THIRD_PARTY_COOKIE_BLOCKED',
    reference: 'Front-Channel Logout 4.1',
    check: (ctx) => {
      const events = ctx.input.cookieEvents ?? [];
      if (events.length === 0) return [];
      return ctx.flowHops
        .filter((h) => h.e.type === 'sub_frame' && h.sentCookies.length === 0 && isCrossSite(h))
        .filter((h) =>
          events.some(
            (ev) =>
              !ev.removed &&
              ev.time < h.e.startedAt &&
              domainMatches(h.host, ev.cookie.domain) &&
              !removedBefore(events, ev, h.e.startedAt),
          ),
        )
        .map((h) => ({
          severity: 'warning' as const,
          message: `The cross-site frame request to ${h.host} carried no cookies although the browser holds some for it: third-party cookies are blocked or SameSite keeps them back.`,
          hops: [h],
        }));
    },
  },
];

function domainMatches(host: string, cookieDomain: string): boolean {
  const domain = cookieDomain.replace(/^\./, '').toLowerCase();
  return host === domain || host.endsWith(`.${domain}`);
}

function isCrossSite(h: Hop): boolean {
  const top = h.e.initiator ?? h.e.documentUrl;
  if (!top) return false;
  try {
    return siteOf(new URL(top).hostname) !== siteOf(h.host);
  } catch {
    return false;
  }
}

/** A rough registrable domain: the last two labels (and *.localhost hosts are each their own site). */
function siteOf(host: string): string {
  if (host.endsWith('.localhost')) return host;
  return host.split('.').slice(-2).join('.');
}

function removedBefore(
  events: readonly { removed: boolean; time: number; cookie: { name: string; domain: string } }[],
  ev: { time: number; cookie: { name: string; domain: string } },
  at: number,
): boolean {
  return events.some(
    (x) =>
      x.removed &&
      x.time > ev.time &&
      x.time < at &&
      x.cookie.name === ev.cookie.name &&
      x.cookie.domain === ev.cookie.domain,
  );
}
