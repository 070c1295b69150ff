import type { SetCookie } from '../protocol/cookies';
import { endpointOf } from '../protocol/params';
import { removesOwn, type Hop } from './hops';
import type { CookieAttributes, Party, SessionCookie, Tier } from './types';

/** What was learnt about sessions so far, across flows: cookie names per party origin. */
export type SessionMemory = Map<string, Map<string, string>>;

export interface TierInput {
  hops: readonly Hop[];
  flowHops: Hop[];
  parties: Party[];
  /** The hop where the app received its answer (its callback), if any. */
  callbackHop?: Hop;
  /** The hop of the app's own authorization request. */
  rootRequestHop?: Hop;
  /** The hops where each party's authorization request arrived (SSO proof). */
  requestHopsByServer: Map<string, Hop[]>;
  /** Each party's answer hop, after which its session must exist. */
  interactive: boolean;
  memory: SessionMemory;
  now: number;
  isLogout: boolean;
}

/**
 * The session cookies of each party in one flow and what happened to them. A session cookie is
 * one the party sets during the flow that outlives it: transaction cookies (cleared before the
 * flow ends, or scoped to a per-transaction path) are not. The app's session is what it sets
 * on or after its callback. Updates `memory` with what it learnt.
 */
export function computeTiers(input: TierInput): Tier[] {
  const tiers: Tier[] = [];
  for (const party of input.parties) {
    const partyHops = input.flowHops.filter((h) => h.origin === party.origin);
    const known = input.memory.get(party.origin) ?? new Map<string, string>();
    const cookies = new Map<string, SessionCookie>();
    const sets = lastSetPerName(partyHops);
    const callbackIndex = input.callbackHop?.index ?? -1;

    for (const [name, { cookie, hop, setInFlow }] of sets) {
      const previous = previousValue(input.flowHops, hop, party.origin, name) ?? known.get(name);
      if (removesOwn(hop, cookie)) {
        // Cleared: a session the party had before this flow ended. A cookie set and cleared
        // within the flow was only a transaction cookie.
        const hadBefore =
          known.has(name) || firstSentBefore(input.flowHops, setInFlow ?? hop, party.origin, name);
        if (hadBefore) cookies.set(name, sessionCookie(name, 'cleared', cookie, hop));
        continue;
      }
      if (isTransactionPath(cookie, hop, input.flowHops)) continue;
      if (party.role === 'app' && callbackIndex !== -1 && hop.index < callbackIndex) continue;
      // The same value set again only refreshes the session (a rolling expiry): it was sent.
      const change =
        previous === undefined ? 'created' : previous === cookie.value ? 'sent' : 'updated';
      cookies.set(name, sessionCookie(name, change, cookie, hop));
    }

    // Cookies the party already had and that were sent to it: "sent" (the SSO proof).
    let ssoProven = false;
    const requestHops = input.requestHopsByServer.get(party.origin) ?? [];
    for (const requestHop of requestHops) {
      for (const sent of requestHop.sentCookies) {
        if (cookies.has(sent.name)) continue;
        if (known.size > 0 && !known.has(sent.name)) continue;
        cookies.set(sent.name, {
          name: sent.name,
          change: 'sent',
          attributes: { secure: false, httpOnly: false, size: byteLength(sent.name + sent.value) },
          exchangeId: requestHop.e.id,
        });
      }
    }
    // An AS or IdP session that was sent on its authorization request answered with no login
    // UI proves single sign-on.
    if (!input.interactive && party.role !== 'app') {
      const sentOnRequest = new Set(requestHops.flatMap((h) => h.sentCookies.map((c) => c.name)));
      ssoProven = [...cookies.values()].some(
        (c) => c.change === 'sent' && sentOnRequest.has(c.name),
      );
    }

    const tier: Tier = {
      origin: party.origin,
      role: party.role,
      sessionCookies: [...cookies.values()],
    };
    if (ssoProven) tier.ssoProven = true;
    tiers.push(tier);

    const learnt = new Map(known);
    for (const c of tier.sessionCookies) {
      if (c.change === 'cleared') learnt.delete(c.name);
      else learnt.set(c.name, c.exchangeId);
    }
    input.memory.set(party.origin, learnt);
  }
  return tiers;
}

interface LastSet {
  /** The last Set-Cookie of this name in the flow (a removal, perhaps). */
  cookie: SetCookie;
  hop: Hop;
  /** The first hop of the flow that set a value (not a removal), if any. */
  setInFlow?: Hop;
}

function lastSetPerName(hops: Hop[]): Map<string, LastSet> {
  const out = new Map<string, LastSet>();
  for (const hop of hops) {
    for (const cookie of hop.setCookies) {
      if (!cookie.name) continue;
      const earlier = out.get(cookie.name);
      const entry: LastSet = { cookie, hop };
      const firstSet =
        earlier?.setInFlow ??
        (earlier && !removesOwn(earlier.hop, earlier.cookie) ? earlier.hop : undefined);
      if (firstSet) entry.setInFlow = firstSet;
      else if (!removesOwn(hop, cookie)) entry.setInFlow = hop;
      out.set(cookie.name, entry);
    }
  }
  return out;
}

/**
 * A cookie scoped to one transaction: its Path names the callback it waits for, or a path
 * segment that is an id (oidc-provider's /interaction/<uid>), so it cannot outlive the flow.
 */
function isTransactionPath(cookie: SetCookie, hop: Hop, flowHops: Hop[]): boolean {
  const path = cookie.path;
  if (!path || path === '/') return false;
  if (
    path
      .split('/')
      .some((segment) => segment.length >= 12 && /[0-9]/.test(segment) && /[A-Za-z]/.test(segment))
  ) {
    return true;
  }
  // Scoped to an endpoint of this flow that received an answer (a callback path).
  return flowHops.some(
    (h) =>
      h.origin === hop.origin &&
      h.index > hop.index &&
      h.messages.some((m) => m.type === 'authorization-response' || m.type === 'saml-response') &&
      safePath(endpointOf(h.e.url)).startsWith(path),
  );
}

function safePath(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
}

function previousValue(
  flowHops: Hop[],
  hop: Hop,
  origin: string,
  name: string,
): string | undefined {
  for (const h of flowHops) {
    if (h.index > hop.index) break;
    if (h.origin !== origin) continue;
    const sent = h.sentCookies.find((c) => c.name === name);
    if (sent) return sent.value;
  }
  return undefined;
}

/** The cookie was sent to the party before `hop`: it existed before this flow touched it. */
function firstSentBefore(flowHops: Hop[], hop: Hop, origin: string, name: string): boolean {
  return flowHops.some(
    (h) =>
      h.index <= hop.index && h.origin === origin && h.sentCookies.some((c) => c.name === name),
  );
}

function sessionCookie(
  name: string,
  change: SessionCookie['change'],
  cookie: SetCookie,
  hop: Hop,
): SessionCookie {
  return { name, change, attributes: attributesOf(cookie), exchangeId: hop.e.id };
}

export function attributesOf(cookie: SetCookie): CookieAttributes {
  const attributes: CookieAttributes = {
    secure: cookie.secure,
    httpOnly: cookie.httpOnly,
    size: byteLength(cookie.name + cookie.value),
  };
  if (cookie.domain) attributes.domain = cookie.domain;
  if (cookie.path) attributes.path = cookie.path;
  if (cookie.sameSite) attributes.sameSite = cookie.sameSite;
  if (cookie.expires) attributes.expires = cookie.expires;
  if (cookie.maxAge !== undefined) attributes.maxAge = cookie.maxAge;
  return attributes;
}

export function byteLength(text: string): number {
  return new TextEncoder().encode(text).length;
}
