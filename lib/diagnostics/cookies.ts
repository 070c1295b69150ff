import { removesOwn, type Hop } from '../analysis/hops';
import { byteLength } from '../analysis/tiers';
import type { CookieEvent } from '../model';
import { isRemoval, type SetCookie } from '../protocol/cookies';
import {
  domainMatches,
  isLoopbackHop,
  pathMatches,
  pathOf,
  sentCookiesVisible,
  siteOf,
} from './evidence';
import {
  hopsWhere,
  type Finding,
  type FlowRule,
  type GlobalContext,
  type GlobalRule,
} from './rule';

const sameSiteNoneInsecure = (cookie: SetCookie) => cookie.sameSite === 'None' && !cookie.secure;
const prefixInvalid = (cookie: SetCookie) => {
  if (cookie.name.startsWith('__Secure-')) return !cookie.secure;
  if (cookie.name.startsWith('__Host-'))
    return !cookie.secure || cookie.domain !== undefined || cookie.path !== '/';
  return false;
};
const secureFromHttp = (hop: Hop, cookie: SetCookie) =>
  cookie.secure && hop.e.url.startsWith('http:') && !isLoopbackHop(hop);
const nearLimit = (cookie: SetCookie) => cookieSize(cookie, 3800) >= 3800;
/** A Set-Cookie whose refusal COOKIE_REJECTED may have to report. */
const mayBeRejected = (hop: Hop, cookie: SetCookie) =>
  !!cookie.name && !removesOwn(hop, cookie) && !rejectionExplained(cookie, hop);

/** Findings for each Set-Cookie (in order) of the hops where `test` holds for one. */
function perCookie(
  ctx: GlobalContext,
  key: string,
  test: (hop: Hop, cookie: SetCookie) => boolean,
  finding: (hop: Hop, cookie: SetCookie) => Finding,
): Finding[] {
  const findings: Finding[] = [];
  for (const at of hopsWhere(ctx, key, (h) => h.setCookies.some((c) => test(h, c)))) {
    const hop = ctx.hops[at] as Hop;
    for (const cookie of hop.setCookies) if (test(hop, cookie)) findings.push(finding(hop, cookie));
  }
  return findings;
}

export const cookieGlobalRules: GlobalRule[] = [
  {
    id: 'SAMESITE_NONE_INSECURE',
    reference: 'RFC 6265bis SameSite',
    check: (ctx) =>
      perCookie(
        ctx,
        'SAMESITE_NONE_INSECURE',
        (_, cookie) => sameSiteNoneInsecure(cookie),
        (hop, cookie) => ({
          severity: 'error',
          message: `${cookie.name} is set with SameSite=None but without Secure: browsers reject it, so the cookie never exists.`,
          hops: [hop],
        }),
      ),
  },
  {
    id: 'COOKIE_PREFIX_INVALID',
    reference: 'RFC 6265bis cookie prefixes',
    check: (ctx) =>
      perCookie(
        ctx,
        'COOKIE_PREFIX_INVALID',
        (_, cookie) => prefixInvalid(cookie),
        (hop, cookie) => ({
          severity: 'error',
          message: `${cookie.name} breaks the rules of its prefix (${cookie.name.startsWith('__Host-') ? '__Host- needs Secure, no Domain and Path=/' : '__Secure- needs Secure'}): browsers reject it.`,
          hops: [hop],
        }),
      ),
  },
  {
    id: 'SECURE_FROM_HTTP',
    reference: 'RFC 6265bis',
    check: (ctx) =>
      perCookie(ctx, 'SECURE_FROM_HTTP', secureFromHttp, (hop, cookie) => ({
        severity: 'error',
        message: `${cookie.name} is marked Secure but was set by a plain http:// response: browsers ignore it.`,
        hops: [hop],
      })),
  },
  {
    id: 'COOKIE_SIZE',
    reference: 'RFC 6265 6.1',
    check: (ctx) =>
      perCookie(
        ctx,
        'COOKIE_SIZE',
        (_, cookie) => nearLimit(cookie),
        (hop, cookie) => {
          const size = cookieSize(cookie, 3800);
          return {
            severity: size > 4096 ? 'error' : 'warning',
            message: `${cookie.name} is ${size} bytes${size > 4096 ? ', over the 4096 bytes browsers keep: it is dropped' : ', close to the 4096 bytes browsers keep'}.`,
            hops: [hop],
          };
        },
      ),
  },
  {
    id: 'COOKIE_REJECTED',
    reference: 'cookies API',
    check: (ctx) => {
      const { hops, input } = ctx;
      const events = input.cookieEvents ?? [];
      // Only a recording with the cookie jar can tell a refused cookie from a kept one.
      if (events.length === 0) return [];
      const findings: Finding[] = [];
      const jar = jarFor(ctx, events);
      const candidates = hopsWhere(ctx, 'COOKIE_REJECTED', (h) =>
        h.setCookies.some((c) => mayBeRejected(h, c)),
      );
      // Verdicts by candidate (each for the hop it was made for).
      const verdicts = jar.rejected;
      const added = jar.addedFrom ?? Infinity;
      // Leading candidates whose verdict is final (every event to come is after their window):
      // skipped, their rejections kept. Those from the first changed hop on are not final.
      const changed = ctx.incremental?.changed ?? 0;
      let settled = jar.extended ? Math.min(jar.settled, candidates.length) : 0;
      while (settled > 0 && (candidates[settled - 1] as number) >= changed) settled -= 1;
      const kept = jar.settledRejected;
      while (kept.length > 0 && (kept[kept.length - 1] as number) >= settled) kept.pop();
      for (const k of kept) {
        const hop = hops[candidates[k] as number] as Hop;
        hop.setCookies.forEach((cookie, i) => {
          if (verdicts[k]?.rejected?.[i])
            findings.push({
              severity: 'error',
              message: `The browser did not store ${cookie.name} that ${hop.host} sent (no cookie-jar change followed): it was rejected.`,
              hops: [hop],
            });
        });
      }
      const last = jar.events[jar.events.length - 1]?.time ?? -Infinity;
      for (let k = settled; k < candidates.length; k++) {
        const hop = hops[candidates[k] as number] as Hop;
        let verdict = verdicts[k];
        // Events added since cannot change a verdict when they all came after its window.
        if (
          verdict?.hop !== hop ||
          !jar.extended ||
          !(added > (hop.e.timings.end ?? hop.e.startedAt) + 5000 && added >= hop.e.startedAt)
        ) {
          const rejected = hop.setCookies.map(
            (c) => mayBeRejected(hop, c) && isRejected(jar, hop, c),
          );
          verdict = { hop, rejected: rejected.includes(true) ? rejected : undefined };
          verdicts[k] = verdict;
        }
        const rejected = verdict.rejected;
        if (
          k === settled &&
          jar.inTimeOrder &&
          last > (hop.e.timings.end ?? hop.e.startedAt) + 5000 &&
          last >= hop.e.startedAt
        ) {
          settled += 1;
          if (rejected) kept.push(k);
        }
        if (!rejected) continue;
        hop.setCookies.forEach((cookie, i) => {
          if (rejected[i])
            findings.push({
              severity: 'error',
              message: `The browser did not store ${cookie.name} that ${hop.host} sent (no cookie-jar change followed): it was rejected.`,
              hops: [hop],
            });
        });
      }
      verdicts.length = candidates.length;
      jar.settled = settled;
      return findings;
    },
  },
  {
    id: 'THIRD_PARTY_COOKIE_BLOCKED',
    reference: 'Front-Channel Logout 4.1',
    // Recording-wide: front-channel logout iframes belong to no login flow.
    check: (ctx) => {
      const { hops, input } = ctx;
      const events = input.cookieEvents ?? [];
      if (events.length === 0) return [];
      const frames = hopsWhere(
        ctx,
        'THIRD_PARTY_COOKIE_BLOCKED',
        (h) => h.e.type === 'sub_frame' && h.sentCookies.length === 0 && isCrossSite(h),
      ).map((at) => hops[at] as Hop);
      const jars = jarsAt(
        jarFor(ctx, events),
        events,
        frames.map((h) => h.e.startedAt),
      );
      return frames.flatMap((h, at): Finding[] => {
        const held = heldFor(jars[at] as Map<string, CookieEvent>, h);
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
            !c.attributes.secure && !isLoopbackHop(hop) && 'Secure',
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

/** Cookie-jar changes by cookie name, per analysis (and kept by an incremental one). */
interface JarIndex {
  byName: Map<string, CookieEvent[]>;
  /** The events are in time order (then every list is): searches may bisect and stop early. */
  inTimeOrder: boolean;
  /** The events indexed (a copy: the caller's array may grow in place). */
  events: CookieEvent[];
  /** This call's events are the previous call's plus new ones after them. */
  extended: boolean;
  /** The time of the first event added since the previous call (undefined: none added). */
  addedFrom: number | undefined;
  /** COOKIE_REJECTED's verdicts by candidate, each for the hop it was made for. */
  rejected: { hop: Hop; rejected: boolean[] | undefined }[];
  /** How many leading candidates have a final verdict, and which of them rejected a cookie. */
  settled: number;
  settledRejected: number[];
}

const jarIndexes = new WeakMap<readonly Hop[], JarIndex>();

function jarFor(ctx: GlobalContext, events: readonly CookieEvent[]): JarIndex {
  const cached = jarIndexes.get(ctx.hops);
  if (cached) return cached;
  const previous = ctx.incremental?.state.get('jar') as JarIndex | undefined;
  let extended =
    previous !== undefined &&
    previous.inTimeOrder &&
    events.length >= previous.events.length &&
    previous.events.length > 0;
  for (let i = 0; extended && i < (previous?.events.length ?? 0); i++)
    extended = events[i] === previous?.events[i];
  let index: JarIndex;
  if (extended && previous) {
    index = { ...previous, events: [...events], extended: true, addedFrom: undefined };
    for (let i = previous.events.length; i < events.length; i++) {
      const ev = events[i] as CookieEvent;
      if (!((events[i - 1] as CookieEvent).time <= ev.time)) index.inTimeOrder = false;
      if (i === previous.events.length) index.addedFrom = ev.time;
      const list = index.byName.get(ev.cookie.name);
      if (list) list.push(ev);
      else index.byName.set(ev.cookie.name, [ev]);
    }
    if (!index.inTimeOrder) {
      index.rejected = [];
      index.settled = 0;
      index.settledRejected = [];
    }
  } else {
    const byName = new Map<string, CookieEvent[]>();
    let inTimeOrder = true;
    events.forEach((ev, i) => {
      if (i > 0 && !((events[i - 1] as CookieEvent).time <= ev.time)) inTimeOrder = false;
      const list = byName.get(ev.cookie.name);
      if (list) list.push(ev);
      else byName.set(ev.cookie.name, [ev]);
    });
    index = {
      byName,
      inTimeOrder,
      events: [...events],
      extended: false,
      addedFrom: undefined,
      rejected: [],
      settled: 0,
      settledRejected: [],
    };
  }
  jarIndexes.set(ctx.hops, index);
  ctx.incremental?.state.set('jar', index);
  return index;
}

/**
 * The browser did not store a cookie the hop set: no jar change of that name and value for the
 * hop's host came within 1 s before to 5 s after the hop, and the jar did not already hold
 * that value (re-setting the value the jar holds, a rolling session, may change nothing).
 */
function isRejected(jar: JarIndex, hop: Hop, cookie: SetCookie): boolean {
  const end = hop.e.timings.end ?? hop.e.startedAt;
  const named = jar.byName.get(cookie.name) ?? [];
  const fits = (ev: CookieEvent) =>
    !ev.removed &&
    ev.cookie.value === cookie.value &&
    ev.time >= hop.e.startedAt - 1000 &&
    ev.time <= end + 5000 &&
    domainMatches(hop.host, ev.cookie.domain);
  let landed = false;
  if (jar.inTimeOrder) {
    for (let i = firstAtOrAfter(named, hop.e.startedAt - 1000); i < named.length; i++) {
      const ev = named[i] as CookieEvent;
      if (!(ev.time <= end + 5000)) break;
      if (fits(ev)) {
        landed = true;
        break;
      }
    }
  } else {
    landed = named.some(fits);
  }
  if (landed) return false;
  let last: CookieEvent | undefined;
  if (jar.inTimeOrder) {
    // The latest change before the hop (the last of equal times, as a stable sort keeps).
    for (let i = firstAtOrAfter(named, hop.e.startedAt) - 1; i >= 0; i--) {
      const ev = named[i] as CookieEvent;
      if (domainMatches(hop.host, ev.cookie.domain)) {
        last = ev;
        break;
      }
    }
  } else {
    const before = named
      .filter((ev) => ev.time < hop.e.startedAt && domainMatches(hop.host, ev.cookie.domain))
      .sort((a, b) => a.time - b.time);
    last = before[before.length - 1];
  }
  const alreadyHeld = last !== undefined && !last.removed && last.cookie.value === cookie.value;
  return !alreadyHeld;
}

/** The first position whose event is at or after `time` (events in time order). */
function firstAtOrAfter(events: readonly CookieEvent[], time: number): number {
  let lo = 0;
  let hi = events.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((events[mid] as CookieEvent).time < time) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const jarKey = (ev: CookieEvent) => `${ev.cookie.name};${ev.cookie.domain};${ev.cookie.path}`;

/**
 * The cookie jar before each of `times`: the latest change of each cookie (name, domain, path)
 * that happened before it. In one sweep when the events and the times are in order.
 */
function jarsAt(
  jar: JarIndex,
  events: readonly CookieEvent[],
  times: readonly number[],
): Map<string, CookieEvent>[] {
  let ordered = jar.inTimeOrder;
  for (let i = 1; i < times.length && ordered; i++)
    ordered = (times[i - 1] as number) <= (times[i] as number);
  if (!ordered) return times.map((t) => latestBefore(events, t));
  const out: Map<string, CookieEvent>[] = [];
  const latest = new Map<string, CookieEvent>();
  let next = 0;
  for (const t of times) {
    while (next < events.length && (events[next] as CookieEvent).time < t) {
      const ev = events[next++] as CookieEvent;
      latest.set(jarKey(ev), ev);
    }
    out.push(new Map(latest));
  }
  return out;
}

function latestBefore(events: readonly CookieEvent[], time: number): Map<string, CookieEvent> {
  const latest = new Map<string, CookieEvent>();
  for (const ev of events) {
    if (ev.time >= time) continue;
    const key = jarKey(ev);
    const seen = latest.get(key);
    if (!seen || seen.time <= ev.time) latest.set(key, ev);
  }
  return latest;
}

/**
 * Names of the cookies the jar held at the time of `h` that a request to its URL would carry:
 * the latest change of each cookie before it is a set, it has not expired, and its domain, path
 * and Secure flag allow the request.
 */
function heldFor(latest: Map<string, CookieEvent>, h: Hop): string[] {
  const https = h.e.url.startsWith('https:') || isLoopbackHop(h);
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

/** The bytes of a cookie's name and value, or 0 when they are surely under `atLeast`. */
function cookieSize(cookie: SetCookie, atLeast: number): number {
  // UTF-8 takes at most 3 bytes per UTF-16 unit: short text needs no encoding to be measured.
  if ((cookie.name.length + cookie.value.length) * 3 < atLeast) return 0;
  return byteLength(cookie.name + cookie.value);
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
  if (cookie.secure && hop.e.url.startsWith('http:') && !isLoopbackHop(hop)) return true;
  return cookieSize(cookie, 4097) > 4096;
}
