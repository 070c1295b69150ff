import type { Flow, Party } from './types';

/** When a session cookie stops being alive: a time, or a Max-Age counted from "now". */
type Expiry = number | { relative: number };

interface FirstParty {
  party: Party;
  flow: number;
  at: number;
}

/**
 * What the flows materialized so far established, kept up to date flow by flow so that a rule
 * asking "which parties did earlier logins through this server have" or "which session cookies
 * of this origin are still alive" does not rescan every earlier flow (a recording of thousands
 * of flows made that quadratic). Each answer is exactly what a scan of the earlier flows, in
 * order, would give. Small: its maps are keyed by origin and cookie name.
 */
export class FlowHistory {
  #count = 0;
  /** Per origin, the parties of earlier login flows having a party there: first sighting. */
  #firstParties = new Map<string, Map<string, FirstParty>>();
  /** The same, last sighting (in first-sighting order). */
  #lastParties = new Map<string, Map<string, Party>>();
  /** Per origin, the session cookies earlier flows created or updated and did not clear. */
  #created = new Map<string, { role: string; names: string[] }>();
  /** Per origin, cookie name -> when the session cookie expires (earlier flows' tiers). */
  #alive = new Map<string, Map<string, Expiry>>();

  /**
   * Takes in one more flow (in flow order). `startedAtOf` gives the start of the first hop of the
   * recording with an exchange id, as a scan of the hops would find it.
   */
  add(flow: Flow, startedAtOf: (exchangeId: string) => number | undefined): void {
    const position = this.#count++;
    if (flow.kind !== 'logout' && flow.kind !== 'token-refresh') {
      for (const key of new Set(flow.parties.map((p) => p.origin))) {
        let first = this.#firstParties.get(key);
        if (!first) this.#firstParties.set(key, (first = new Map()));
        let last = this.#lastParties.get(key);
        if (!last) this.#lastParties.set(key, (last = new Map()));
        for (let at = 0; at < flow.parties.length; at++) {
          const party = flow.parties[at] as Party;
          if (!first.has(party.origin)) first.set(party.origin, { party, flow: position, at });
          last.set(party.origin, party);
        }
      }
    }
    for (const t of flow.tiers) {
      let alive = this.#alive.get(t.origin);
      if (!alive) this.#alive.set(t.origin, (alive = new Map()));
      for (const c of t.sessionCookies) {
        if (c.change === 'created' || c.change === 'updated') {
          const names = this.#created.get(t.origin)?.names ?? [];
          this.#created.set(t.origin, { role: t.role, names: [...new Set([...names, c.name])] });
        }
        const made = this.#created.get(t.origin);
        if (c.change === 'cleared' && made) made.names = made.names.filter((n) => n !== c.name);

        if (c.change === 'cleared') {
          alive.delete(c.name);
        } else if (c.change === 'created' || c.change === 'updated') {
          const setAt = startedAtOf(c.exchangeId);
          const expires = c.attributes.expires ? Date.parse(c.attributes.expires) : NaN;
          alive.set(
            c.name,
            c.attributes.maxAge !== undefined
              ? setAt !== undefined
                ? setAt + c.attributes.maxAge * 1000
                : { relative: c.attributes.maxAge * 1000 }
              : Number.isFinite(expires)
                ? expires
                : Infinity,
          );
        } else if (!alive.has(c.name)) {
          alive.set(c.name, Infinity);
        }
      }
    }
  }

  /**
   * The parties of the earlier login flows (neither logout nor token refresh) that have a party
   * at one of `origins`, each origin once with its first sighting, in the order the flows and
   * their parties came.
   */
  loginPartiesFirst(origins: readonly string[]): Party[] {
    const found = new Map<string, FirstParty>();
    for (const key of new Set(origins)) {
      for (const [origin, entry] of this.#firstParties.get(key) ?? []) {
        const seen = found.get(origin);
        if (!seen || entry.flow < seen.flow || (entry.flow === seen.flow && entry.at < seen.at))
          found.set(origin, entry);
      }
    }
    return [...found.values()]
      .sort((a, b) => a.flow - b.flow || a.at - b.at)
      .map((entry) => entry.party);
  }

  /** Like loginPartiesFirst for one origin, each party origin with its last sighting. */
  loginPartiesLast(origin: string): Party[] {
    return [...(this.#lastParties.get(origin)?.values() ?? [])];
  }

  /** The session cookies earlier flows created or updated, less those they cleared, by origin. */
  createdSessions(origin: string): { role: string; names: string[] } | undefined {
    return this.#created.get(origin);
  }

  /** The session cookies of `origin` earlier flows left alive (not cleared, not expired at `at`). */
  liveSessionCookies(origin: string, at: number): Set<string> {
    const names = new Set<string>();
    for (const [name, expiry] of this.#alive.get(origin) ?? []) {
      const until = typeof expiry === 'number' ? expiry : at + expiry.relative;
      if (until > at) names.add(name);
    }
    return names;
  }

  clone(): FlowHistory {
    const copy = new FlowHistory();
    copy.#count = this.#count;
    for (const [k, v] of this.#firstParties) copy.#firstParties.set(k, new Map(v));
    for (const [k, v] of this.#lastParties) copy.#lastParties.set(k, new Map(v));
    for (const [k, v] of this.#created) copy.#created.set(k, { role: v.role, names: v.names });
    for (const [k, v] of this.#alive) copy.#alive.set(k, new Map(v));
    return copy;
  }
}
