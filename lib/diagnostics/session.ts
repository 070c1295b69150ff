import { messageOf, removesOwn, type Hop } from '../analysis/hops';
import type { Flow } from '../analysis/types';
import { isLoopbackHop } from './evidence';
import {
  hopsWhere,
  inFlowOf,
  type Finding,
  type FlowRule,
  type GlobalContext,
  type GlobalRule,
} from './rule';

/** Front-channel logout iframes load right after the end-session page; wait this long for them. */
export const FRONT_CHANNEL_MS = 30_000;

export const sessionFlowRules: FlowRule[] = [
  {
    id: 'LOGOUT_INCOMPLETE',
    reference: 'OIDC RP-Initiated Logout 2-3',
    check: (ctx) => {
      if (ctx.flow.kind !== 'logout') return [];
      const findings: Finding[] = [];
      const endSessionHop =
        ctx.draft.endSessionHop !== undefined ? ctx.hops[ctx.draft.endSessionHop] : undefined;
      if (endSessionHop) {
        const request = messageOf(endSessionHop, 'end-session');
        if (request?.postLogoutRedirectUri && !request.idTokenHint && !request.clientId) {
          findings.push({
            severity: 'warning',
            message:
              'post_logout_redirect_uri is sent without id_token_hint or client_id: the server cannot check it and may ignore it.',
            hops: [endSessionHop],
          });
        }
      }
      // Only a logout that asked the authorization server to end its session is meant to be full.
      if (!endSessionHop) return findings;
      // Every party of the logins that went through this authorization server, deeper IdPs too.
      const parties = ctx.history.loginPartiesLast(endSessionHop.origin);
      if (parties.length === 0) return findings;
      const cleared = new Set(
        ctx.flow.tiers.flatMap((t) =>
          t.sessionCookies
            .filter((c) => c.change === 'cleared')
            .map((c) => `${t.origin} ${c.name}`),
        ),
      );
      // The end-session page's front-channel iframes clear the apps' sessions outside this flow.
      for (let i = endSessionHop.index + 1; i < ctx.hops.length; i++) {
        const h = ctx.hops[i] as Hop;
        if (h.e.startedAt - endSessionHop.e.startedAt > FRONT_CHANNEL_MS) break;
        for (const c of h.setCookies) if (removesOwn(h, c)) cleared.add(`${h.origin} ${c.name}`);
      }
      for (const party of parties) {
        const made = ctx.history.createdSessions(party.origin);
        if (!made || made.names.length === 0) continue;
        const remaining = made.names.filter((n) => !cleared.has(`${party.origin} ${n}`));
        if (remaining.length === made.names.length) {
          findings.push({
            severity: 'warning',
            message: `After this logout the ${party.role.replace('-', ' ')} session at ${party.label ?? party.origin} is still alive (${remaining.join(', ')} not cleared): the next login there asks for no password.`,
            hops: [endSessionHop],
          });
        }
      }
      return findings;
    },
  },
];

export const sessionGlobalRules: GlobalRule[] = [
  {
    id: 'INSECURE_TRANSPORT',
    reference: 'RFC 9700 2.6; RFC 8252 7.3',
    // Recording-wide: discovery documents are fetched outside the login's navigation.
    check: (ctx) => {
      const inFlow = inFlowOf(ctx);
      const carries = (h: Hop) =>
        h.messages.some((m) => m.type !== 'credentials' && m.type !== 'frontchannel-logout');
      const discovery = (h: Hop) => h.messages.some((m) => m.type === 'discovery');
      return hopsWhere(
        ctx,
        'INSECURE_TRANSPORT',
        (h) => h.e.url.startsWith('http:') && !isLoopbackHop(h) && (discovery(h) || carries(h)),
      )
        .map((at) => ctx.hops[at] as Hop)
        .filter((h) => discovery(h) || (inFlow(h) && carries(h)))
        .map((h) => ({
          severity: 'error' as const,
          message: `A protocol message travels over plain http:// to ${h.host}: anyone on the network can read or change it.`,
          hops: [h],
        }));
    },
  },
  {
    id: 'REDIRECT_LOOP',
    reference: 'Fetch, HTTP-redirect fetch',
    // Recording-wide: each round of a login loop is a new login flow, but one redirect chain.
    check: (ctx) => {
      const { hops } = ctx;
      const loops = redirectLoops(ctx);
      const findings: Finding[] = loops.map((loop) => ({
        severity: 'error',
        message: `${loop.url} was redirected to ${loop.visits} times within 30 seconds in one redirect chain: a redirect loop (often a session cookie that is never stored or sent).`,
        hops: loop.last.map((at) => hops[at] as Hop),
      }));
      for (const at of hopsWhere(ctx, 'REDIRECT_LOOP:error', (h) =>
        /ERR_TOO_MANY_REDIRECTS|REDIRECT_LOOP/i.test(h.e.error ?? ''),
      )) {
        findings.push({
          severity: 'error',
          message: 'The browser gave up: too many redirects.',
          hops: [hops[at] as Hop],
        });
      }
      return findings;
    },
  },
  {
    id: 'STATE_REUSED',
    reference: 'RFC 9700 2.1',
    check: (ctx) => {
      const { hops, flows, flowStates } = ctx;
      // Each state with the ids of the flows using it (in the order a scan of the flows gives).
      const reused: [string, string[]][] = [];
      if (flowStates) {
        for (const [state, owners] of statesByFlow(ctx, flowStates))
          if (owners.length >= 2) reused.push([state, owners.map((f) => f.id)]);
      } else {
        const byState = new Map<string, Set<string>>();
        // The last hop with each exchange id (as a map built from every hop keeps it).
        const hopById = new Map<string, Hop>();
        for (const h of hops) hopById.set(h.e.id, h);
        for (const f of flows) {
          for (const id of f.exchangeIds) {
            const hop = hopById.get(id);
            const state = hop ? messageOf(hop, 'authorization-request')?.state : undefined;
            if (!state) continue;
            const ids = byState.get(state);
            if (ids) ids.add(f.id);
            else byState.set(state, new Set([f.id]));
          }
        }
        for (const [state, ids] of byState) if (ids.size >= 2) reused.push([state, [...ids]]);
      }
      const findings: Finding[] = [];
      let requestsByState: Map<string, Hop[]> | undefined;
      for (const [state, flowIds] of reused) {
        requestsByState ??= authorizationRequestsByState(hops);
        const reqHops = requestsByState.get(state) ?? [];
        findings.push({
          severity: 'warning',
          message: `The same state value is used by ${flowIds.length} flows (${flowIds.join(', ')}): it must be fresh for every request.`,
          hops: reqHops,
        });
      }
      return findings;
    },
  },
];

/** The hops with an authorization request, by its state, in hop order. */
function authorizationRequestsByState(hops: readonly Hop[]): Map<string, Hop[]> {
  const out = new Map<string, Hop[]>();
  for (const h of hops) {
    const state = messageOf(h, 'authorization-request')?.state;
    if (state === undefined) continue;
    const list = out.get(state);
    if (list) list.push(h);
    else out.set(state, [h]);
  }
  return out;
}

interface Loop {
  /** Where the chain reached three visits of one URL within 30 s. */
  at: number;
  url: string;
  visits: number;
  /** The last three visits (positions). */
  last: number[];
}

interface LoopState {
  /** The first hop of each hop's redirect chain, by position. */
  rootOf: number[];
  /** The automatic GET redirects of each chain, by position. */
  chains: Map<number, number[]>;
  /** The loop each chain shows, if any. */
  loops: Map<number, Loop>;
}

/**
 * The redirect loops of the recording, in the order a scan of the hops meets them: per redirect
 * chain, the first automatic GET redirect whose URL (without query) the chain visited three
 * times within 30 s. A chain depends on its own hops only, so an incremental analysis
 * recomputes only the chains of the hops from the first changed one.
 */
function redirectLoops(ctx: GlobalContext): Loop[] {
  const { hops } = ctx;
  const inc = ctx.incremental;
  let state = inc?.changed ? (inc.state.get('REDIRECT_LOOP') as LoopState | undefined) : undefined;
  const from = state ? (inc?.changed ?? 0) : 0;
  state ??= { rootOf: [], chains: new Map(), loops: new Map() };
  inc?.state.set('REDIRECT_LOOP', state);
  const { rootOf, chains, loops } = state;
  const touched = new Set<number>();
  // Take back the hops from `from` on (their positions were the last of their chains).
  for (let at = rootOf.length - 1; at >= from; at--) {
    const root = rootOf[at] as number;
    touched.add(root);
    const chain = chains.get(root);
    while (chain && chain.length > 0 && (chain[chain.length - 1] as number) >= from) chain.pop();
    if (chain?.length === 0) chains.delete(root);
  }
  rootOf.length = Math.min(rootOf.length, from);
  for (let at = from; at < hops.length; at++) {
    const h = hops[at] as Hop;
    const known = h.prev !== undefined ? rootOf[h.prev] : undefined;
    const root = h.prev === undefined ? h.index : known !== undefined ? known : h.prev;
    rootOf[at] = root;
    // Loops are automatic GET redirects: separate logins (new navigations) do not count.
    if (!h.e.redirectUrl || h.e.method.toUpperCase() !== 'GET') continue;
    touched.add(root);
    const chain = chains.get(root);
    if (chain) chain.push(at);
    else chains.set(root, [at]);
  }
  for (const root of touched) {
    const loop = chainLoop(hops, chains.get(root) ?? []);
    if (loop) loops.set(root, loop);
    else loops.delete(root);
  }
  return [...loops.values()].sort((a, b) => a.at - b.at);
}

function chainLoop(hops: readonly Hop[], chain: readonly number[]): Loop | undefined {
  const seen = new Map<string, number[]>();
  for (const at of chain) {
    const h = hops[at] as Hop;
    const url = (h.x.baseUrl ??= h.e.url.replace(/[?#].*$/, ''));
    const before = seen.get(url);
    const recent = (before ? [...before, at] : [at]).filter(
      (x) => h.e.startedAt - (hops[x] as Hop).e.startedAt <= 30_000,
    );
    seen.set(url, recent);
    // One finding per chain: the other URLs of the circle reach 3 visits a moment later.
    if (recent.length >= 3) return { at, url, visits: recent.length, last: recent.slice(-3) };
  }
  return undefined;
}

interface StateIndex {
  flows: readonly Flow[];
  states: readonly (readonly string[])[];
  /** Per state, the flows whose authorization requests use it, in flow order, each once. */
  byState: Map<string, Flow[]>;
}

/**
 * The flows of each state (in the order a scan of the flows meets the states). An incremental
 * analysis keeps the index and redoes it from the first flow that is not the previous call's
 * (the same flow object has the same id and states).
 */
function statesByFlow(
  ctx: GlobalContext,
  flowStates: readonly (readonly string[])[],
): Map<string, Flow[]> {
  const inc = ctx.incremental;
  const flows = ctx.flows;
  const index = (inc?.state.get('STATE_REUSED') as StateIndex | undefined) ?? {
    flows: [],
    states: [],
    byState: new Map<string, Flow[]>(),
  };
  const byState = index.byState;
  let same = 0;
  while (same < flows.length && same < index.flows.length && flows[same] === index.flows[same])
    same += 1;
  for (let i = index.flows.length - 1; i >= same; i--) {
    const f = index.flows[i] as Flow;
    const states = index.states[i] ?? [];
    for (let k = states.length - 1; k >= 0; k--) {
      const state = states[k] as string;
      const owners = byState.get(state);
      if (owners && owners[owners.length - 1] === f) owners.pop();
      if (owners?.length === 0) byState.delete(state);
    }
  }
  for (let i = same; i < flows.length; i++) {
    const f = flows[i] as Flow;
    for (const state of flowStates[i] ?? []) {
      const owners = byState.get(state);
      if (!owners) byState.set(state, [f]);
      else if (owners[owners.length - 1] !== f) owners.push(f);
    }
  }
  inc?.state.set('STATE_REUSED', { flows: [...flows], states: [...flowStates], byState });
  return byState;
}
