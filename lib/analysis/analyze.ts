import type { CookieEvent, Exchange } from '../model';
import { endpointOf } from '../protocol/params';
import { partyLabel } from '../protocol/vendors';
import { describeToken } from '../tokens/describe';
import { findTokens } from '../tokens/extract';
import { discoveredMetadata, sentCookiesVisible, visibleKeys } from '../diagnostics/evidence';
import { runFlowRules, runGlobalRules } from '../diagnostics/registry';
import { FRONT_CHANNEL_MS as LOGOUT_WINDOW_MS } from '../diagnostics/session';
import { FlowHistory } from './history';
import { FlowBuilder, buildFlows, type FlowDraft, type SamlRequestInfo } from './flows';
import {
  type HopSequence,
  chainBefore,
  chainFrom,
  messageOf,
  positionsWhere,
  prepareHops,
  removesOwn,
  type Hop,
} from './hops';
import { createMemo, decodedSaml, withMemo, type AnalysisMemo } from './memo';
import { narrate } from './narrative';
import { computeTiers, type SessionMemory } from './tiers';
import {
  ANALYSIS_VERSION,
  type Analysis,
  type Diagnostic,
  type Flow,
  type FlowKind,
  type FlowOutcome,
  type Party,
  type Step,
  type TokenInfo,
} from './types';

export interface AnalyzeInput {
  exchanges: readonly Exchange[];
  cookieEvents?: readonly CookieEvent[];
  /** The time the analysis is made (for "expired 3h ago"); injected to stay deterministic. */
  now: number;
  /** Response bodies by exchange id, where the source had them (HAR). */
  responseBodies?: Readonly<Record<string, string>>;
  /** False for a source that cannot show cookies (a sanitized HAR). */
  cookiesVisible?: boolean;
  /** False when there is no cookie-jar record (any imported file). */
  cookieJarVisible?: boolean;
}

/** Everything one flow's rules and narrative may look at. */
export interface FlowContext {
  flow: Flow;
  draft: FlowDraft;
  hops: readonly Hop[];
  flowHops: Hop[];
  input: AnalyzeInput;
  samlInfo: (hop: Hop) => SamlRequestInfo;
  /** All flows built so far (earlier ones first). */
  previous: readonly Flow[];
  /** What the earlier flows established, indexed: the same facts as a scan of `previous`. */
  history: FlowHistory;
}

/**
 * Turns recorded hops into login flows: parties and roles, steps, session tiers, tokens,
 * problems and a narrative. Pure and deterministic for the same input and `now`; never throws
 * on malformed traffic (what cannot be decoded is reported, not fatal). Decodes tokens; does not
 * verify them (see verify()). Takes time linear in the recording (see docs/benchmarks.md); to
 * rerun on a growing recording, createIncrementalAnalyzer() gives the same result faster.
 */
export function analyze(input: AnalyzeInput): Analysis {
  return runAnalysis(input, createMemo());
}

/** One materialized flow, before the recording-wide problems and the narrative are added. */
export interface FlowEntry {
  flow: Flow;
  draft: FlowDraft;
  /** The states of the authorization requests among its hops, in hop order (STATE_REUSED). */
  states: string[];
  /** Position of the draft in the list materialized (the flow's id is derived from it). */
  draftIndex: number;
  /** Incremental analysis only: what the flow was computed from, and the state after it. */
  key?: unknown[];
  /** The draft's stamp when the flow was computed, and the last hop position it depends on. */
  stamp?: number;
  horizon?: number;
  memory?: SessionMemory;
  history?: FlowHistory;
  /** Incremental analysis: the finished flow, for the recording-wide problems it got. */
  finished?: { signature: string; flow: Flow };
}

/** Flows of an earlier call that a call may reuse (incremental analysis). */
export interface FlowCache {
  evidence: unknown[];
  entries: FlowEntry[];
  /** How many leading entries the last call reused. */
  reused?: number;
  /** The app sessions learnt from the first `count` entries, every 256 entries. */
  apps?: { count: number; sessions: Map<string, { names: Set<string>; since: number }> }[];
}

/** The caches an incremental analyzer keeps between calls. */
export interface ReuseState {
  /** The hops, placed and linked, and the flow drafts, both resumable from any hop. */
  sequence: HopSequence;
  builder: FlowBuilder;
  firstPass: FlowCache;
  secondPass: FlowCache;
  /** What the recording-wide rules keep between calls. */
  rules: Map<string, unknown>;
  /** Positions of the pages that clear a cookie (candidates for app-only logouts). */
  clearing: number[];
  /** The positions of `clearing` that no draft holds. */
  unowned: number[];
}

/** A flow of this call: its entry (computed now or reused) and this call's draft of it. */
interface Placed {
  entry: FlowEntry;
  draft: FlowDraft;
}

interface CallEnv {
  hops: readonly Hop[];
  input: AnalyzeInput;
  samlInfo: (hop: Hop) => SamlRequestInfo;
  startedAtOf: (exchangeId: string) => number | undefined;
}

/**
 * analyze() with the caches of `memo`; with `reuse`, flows whose inputs did not change since the
 * call that filled it are taken over instead of recomputed (see incremental.ts).
 */
export function runAnalysis(input: AnalyzeInput, memo: AnalysisMemo, reuse?: ReuseState): Analysis {
  return withMemo(memo, () => analyzeWithMemo(input, memo, reuse));
}

function analyzeWithMemo(input: AnalyzeInput, memo: AnalysisMemo, reuse?: ReuseState): Analysis {
  if (memo.bodiesOf !== input.responseBodies) {
    memo.bodies = new WeakMap();
    memo.bodiesOf = input.responseBodies;
  }
  let hops: Hop[];
  // From this position on, hops or their redirect links differ from the previous call's.
  let from = 0;
  let update = reuse?.sequence.update(input.exchanges, memo);
  if (reuse && !update) {
    // Start over (a change the sequence cannot follow); if even that fails, no reuse this time.
    reuse.sequence.reset();
    reuse.builder = new FlowBuilder(true);
    memo.byId = new Map();
    memo.idsUnique = true;
    update = reuse.sequence.update(input.exchanges, memo);
    if (!update) reuse.sequence.reset();
  }
  if (update) {
    hops = update.hops;
    from = update.relinked;
  } else {
    hops = prepareHops(input.exchanges, memo);
  }
  const samlCache = new Map<number, SamlRequestInfo>();
  const samlInfo = (hop: Hop): SamlRequestInfo => {
    let info = samlCache.get(hop.index);
    if (!info) {
      info = {};
      const message = hop.messages.find(
        (m) => m.type === 'saml-request' || m.type === 'saml-response',
      );
      if (message && 'encoded' in message) {
        const decoded = decodedSaml(message);
        if ('summary' in decoded) {
          const { summary } = decoded;
          if (summary.id) info.id = summary.id;
          if (summary.assertionConsumerServiceUrl)
            info.acsUrl = summary.assertionConsumerServiceUrl;
          if (summary.inResponseTo) info.inResponseTo = summary.inResponseTo;
        }
        // Otherwise reported by the SAML rules; the flow is still built from the URLs.
      }
      samlCache.set(hop.index, info);
    }
    return info;
  };
  // The first hop of the recording with each exchange id (as a scan of the hops finds it).
  const byId = memo.idsUnique ? memo.byId : firstHopById(hops);
  const env: CallEnv = {
    hops,
    input,
    samlInfo,
    startedAtOf: (id) => byId.get(id)?.e.startedAt,
  };

  let drafts: FlowDraft[];
  let owned: (index: number) => boolean;
  if (reuse && update) {
    reuse.builder.rewind(from);
    reuse.builder.run(hops, from, samlInfo);
    drafts = reuse.builder.flows;
    const flowOf = reuse.builder.flowOf;
    owned = (index) => flowOf.has(index);
  } else {
    if (reuse) reuse.builder = new FlowBuilder(true);
    drafts = buildFlows(hops, samlInfo);
    const all = new Set(drafts.flatMap((d) => [...d.hops]));
    owned = (index) => all.has(index);
  }
  const evidence = reuse && memo.idsUnique ? evidenceKey(hops, input) : undefined;
  // Without a resumable sequence nothing of an earlier call is known to be the same.
  const same = update ? from : 0;
  let materialized = materialize(drafts, env, reuse?.firstPass, evidence, same);
  // An app that ends only its own session sends no protocol message: once the first pass has
  // learnt the app's session cookies, a hop that clears them is a logout of its own.
  // Pages that clear a cookie: the only hops that can be an app's own logout.
  const clearing = positionsWhere(
    hops,
    (h) => (h.x.removes ??= h.setCookies.some((c) => removesOwn(h, c))) && h.isDocument,
    reuse?.clearing,
    update ? update.changed : 0,
  );
  if (reuse) reuse.clearing = clearing;
  // Of those, the ones no draft holds (kept below the first hop whose draft changed).
  const unowned = positionsAmong(
    clearing,
    (at) => !owned(at),
    reuse?.unowned,
    update && reuse ? Math.min(from, reuse.builder.ownersChangedFrom) : 0,
  );
  if (reuse) reuse.unowned = unowned;
  const appLogouts = appOnlyLogouts(
    hops,
    unowned,
    owned,
    appSessionsOf(materialized, reuse?.firstPass),
  );
  if (appLogouts.length > 0) {
    materialized = materialize(
      byFirstHop(drafts, appLogouts),
      env,
      reuse?.secondPass,
      evidence,
      same,
    );
  } else if (reuse) {
    reuse.secondPass.entries = [];
  }
  const flows = materialized.map((m) => m.entry.flow);

  // Recording-wide problems also show on every flow whose hops show them.
  const logoutHops = new Set(appLogouts.flatMap((d) => [...d.hops]));
  const global = runGlobalRules({
    hops,
    flows,
    input,
    ...(memo.idsUnique
      ? {
          flowStates: materialized.map((m) => m.entry.states),
          inFlow: (hop: Hop) => owned(hop.index) || logoutHops.has(hop.index),
        }
      : {}),
    ...(reuse ? { incremental: { changed: update?.changed ?? 0, state: reuse.rules } } : {}),
  });
  const ownersOf = flowsOfExchanges(
    hops,
    materialized,
    memo,
    reuse && update ? reuse.builder : undefined,
    appLogouts,
  );
  const attached = new Map<Flow, Diagnostic[]>();
  const unattached = global.filter((d) => {
    const owners = ownersOf(d.exchangeIds);
    for (const f of owners) {
      const list = attached.get(f);
      if (list) list.push(d);
      else attached.set(f, [d]);
    }
    return owners.length === 0;
  });
  // The narrative last: it quotes the flow's problems, recording-wide ones included.
  const finished = materialized.map(({ entry }) =>
    finishFlow(entry, attached.get(entry.flow), !!reuse),
  );
  return {
    version: ANALYSIS_VERSION,
    flows: finished,
    diagnostics: unattached,
    source: {
      cookiesVisible: input.cookiesVisible ?? true,
      cookieJarVisible: input.cookieJarVisible ?? (input.cookieEvents?.length ?? 0) > 0,
      exchanges: input.exchanges.length,
    },
  };
}

/**
 * The flow with its recording-wide problems and its narrative. analyze() completes its own new
 * flow objects; an incremental analysis leaves the cached flow as it is and returns a copy.
 */
function finishFlow(entry: FlowEntry, extra: Diagnostic[] | undefined, keep: boolean): Flow {
  if (!keep) {
    const flow = entry.flow;
    if (extra) flow.diagnostics.push(...extra);
    flow.narrative = narrate({ flow, draft: entry.draft });
    return flow;
  }
  // The same recording-wide problems as last time: the same finished flow.
  const signature = extra
    ? extra
        .map((d) =>
          [d.id, d.severity, d.message, d.reference, d.exchangeIds.join('\u0002')].join('\u0000'),
        )
        .join('\u0001')
    : '';
  if (entry.finished?.signature === signature) return entry.finished.flow;
  const flow: Flow = {
    ...entry.flow,
    diagnostics: extra ? [...entry.flow.diagnostics, ...extra] : [...entry.flow.diagnostics],
  };
  flow.narrative = narrate({ flow, draft: entry.draft });
  entry.finished = { signature, flow };
  return flow;
}

/**
 * The flows (in flow order, each once) that hold any of the given exchange ids. With unique ids
 * each exchange is one hop in at most one flow (flows never share a hop): found through the
 * hop's position; otherwise through a map of every flow's exchange ids.
 */
function flowsOfExchanges(
  hops: readonly Hop[],
  placed: readonly Placed[],
  memo: AnalysisMemo,
  builder: FlowBuilder | undefined,
  appLogouts: readonly FlowDraft[],
): (ids: readonly string[]) => Flow[] {
  if (memo.idsUnique) {
    const flowOf = new Map<FlowDraft, Flow>();
    const logoutAt = new Map<number, FlowDraft>();
    for (const d of appLogouts) for (const i of d.hops) logoutAt.set(i, d);
    let ownerAt: (Flow | undefined)[] | undefined;
    const owner = (index: number): Flow | undefined => {
      if (builder) {
        // The drafts each hop went to are known; their flows, once asked for.
        if (flowOf.size === 0) for (const p of placed) flowOf.set(p.draft, p.entry.flow);
        const draft = builder.flowOf.get(index) ?? logoutAt.get(index);
        return draft ? flowOf.get(draft) : undefined;
      }
      if (!ownerAt) {
        ownerAt = new Array<Flow | undefined>(hops.length);
        for (const { entry, draft } of placed) for (const i of draft.hops) ownerAt[i] = entry.flow;
      }
      return ownerAt[index];
    };
    return (ids) => {
      const owners: Flow[] = [];
      for (const id of ids) {
        const hop = memo.byId.get(id);
        const found = hop ? owner(hop.index) : undefined;
        if (found && !owners.includes(found)) owners.push(found);
      }
      return owners;
    };
  }
  const flowsByExchange = new Map<string, Flow[]>();
  for (const { entry } of placed) {
    for (const id of entry.flow.exchangeIds) {
      const owners = flowsByExchange.get(id);
      if (owners) owners.push(entry.flow);
      else flowsByExchange.set(id, [entry.flow]);
    }
  }
  return (ids) => [...new Set(ids.flatMap((id) => flowsByExchange.get(id) ?? []))];
}

/** The draft's first hop index (kept on the draft while its stamp stays). */
function firstHopOf(draft: FlowDraft): number {
  const known = draft.first;
  if (known && known.stamp === draft.stamp && draft.stamp !== 0) return known.index;
  const index = Math.min(...draft.hops);
  draft.first = { stamp: draft.stamp, index };
  return index;
}

/**
 * [...drafts, ...logouts] in the order of their first hops, as a stable sort gives it: the
 * drafts sorted (they usually are already), and the logouts merged in after the drafts of an
 * equal first hop.
 */
function byFirstHop(drafts: readonly FlowDraft[], logouts: readonly FlowDraft[]): FlowDraft[] {
  const order = (list: readonly FlowDraft[]): [FlowDraft[], number[]] => {
    const firsts = list.map(firstHopOf);
    let sorted = true;
    for (let i = 1; i < firsts.length && sorted; i++)
      sorted = (firsts[i - 1] as number) <= (firsts[i] as number);
    if (sorted) return [[...list], firsts];
    const at = list.map((_, i) => i).sort((x, y) => (firsts[x] as number) - (firsts[y] as number));
    return [at.map((i) => list[i] as FlowDraft), at.map((i) => firsts[i] as number)];
  };
  const [a, fa] = order(drafts);
  const [b, fb] = order(logouts);
  if (![...fa, ...fb].every(Number.isFinite)) {
    // A draft without hops: sort as the plain comparison does, whatever it makes of that.
    return [...drafts, ...logouts].sort((x, y) => firstHopOf(x) - firstHopOf(y));
  }
  if (b.length === 0) return a;
  const out: FlowDraft[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (j >= b.length || (i < a.length && (fa[i] as number) <= (fb[j] as number)))
      out.push(a[i++] as FlowDraft);
    else out.push(b[j++] as FlowDraft);
  }
  return out;
}

function firstHopById(hops: readonly Hop[]): Map<string, Hop> {
  const map = new Map<string, Hop>();
  for (const hop of hops) if (!map.has(hop.e.id)) map.set(hop.e.id, hop);
  return map;
}

/**
 * What every flow's rules may read beyond the flow's own hops: bodies, discovery documents and
 * keys anywhere in the recording, whether the recording shows sent cookies at all. When any of
 * it changes, no flow of an earlier call is reused.
 */
function evidenceKey(hops: readonly Hop[], input: AnalyzeInput): unknown[] {
  const key: unknown[] = [
    input.responseBodies,
    input.cookiesVisible,
    sentCookiesVisible(hops, input),
  ];
  for (const m of discoveredMetadata(hops, input)) key.push(m.hop.e, m.doc);
  key.push('keys');
  for (const k of visibleKeys(hops, input)) key.push(k.hop.e, k.kid, k.kty);
  return key;
}

/**
 * What one flow is computed from besides the flows before it and the evidence: its draft, its
 * hops (the records and their redirect links), and the hops outside it that its rules follow
 * (redirect chains before its authorization requests and after unanswered ones, the 30 s after
 * a logout's end-session request).
 */
function flowKey(
  draft: FlowDraft,
  flowHops: readonly Hop[],
  hops: readonly Hop[],
): { key: unknown[]; horizon: number } {
  let horizon = -1;
  const reach = (h: Hop | undefined) => {
    if (h && h.index > horizon) horizon = h.index;
  };
  const ex = (index: number | undefined) => {
    const hop = index === undefined ? undefined : hops[index];
    reach(hop);
    return hop?.e;
  };
  const key: unknown[] = [
    draft.kind,
    draft.tabId,
    ex(draft.endSessionHop),
    draft.postLogoutEndpoint,
    draft.legs.length,
  ];
  for (const leg of draft.legs) {
    key.push(leg.protocol, ex(leg.requestHop), leg.client, leg.server, leg.replyEndpoint);
    key.push(leg.state, leg.requestId, ex(leg.responseHop), leg.depth);
    if (leg.responseHop === undefined) {
      const start = hops[leg.requestHop];
      const chain = start ? chainFrom(hops, start) : [];
      chain.forEach(reach);
      key.push(chain.length, ...chain.map((h) => h.e));
    }
  }
  key.push(flowHops.length);
  for (const h of flowHops) {
    reach(h);
    key.push(h.e, ex(h.prev), ex(h.next));
    if (messageOf(h, 'authorization-request')) {
      const before = chainBefore(hops, h);
      key.push(before.length, ...before.map((b) => b.e));
    }
  }
  if (draft.endSessionHop !== undefined) {
    const endSession = hops[draft.endSessionHop];
    if (endSession) {
      // Until a hop comes more than 30 s later, any new hop may fall in the window.
      let closed = false;
      for (let i = endSession.index + 1; i < hops.length && !closed; i++) {
        const h = hops[i] as Hop;
        reach(h);
        if (h.e.startedAt - endSession.e.startedAt > LOGOUT_WINDOW_MS) closed = true;
        else key.push(h.e);
      }
      if (!closed) horizon = Infinity;
    }
  }
  return { key, horizon };
}

function sameKey(a: readonly unknown[] | undefined, b: readonly unknown[] | undefined): boolean {
  if (!a || !b || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function materialize(
  list: readonly FlowDraft[],
  env: CallEnv,
  cache: FlowCache | undefined,
  evidence: unknown[] | undefined,
  same: number,
): Placed[] {
  const entries: FlowEntry[] = [];
  const placed: Placed[] = [];
  const flows: Flow[] = [];
  let memory: SessionMemory = new Map();
  let history = new FlowHistory();
  // Reuse needs the same evidence as the call that filled the cache, then the same flows from
  // the first on: a flow depends on every flow before it (sessions learnt, earlier logins).
  let reusing = cache !== undefined && evidence !== undefined && sameKey(cache.evidence, evidence);
  let reused = 0;
  for (let i = 0; i < list.length; i++) {
    const draft = list[i] as FlowDraft;
    if (draft.hops.size === 0) continue;
    const cached = reusing ? cache?.entries[entries.length] : undefined;
    // The same draft, unchanged, whose every hop and link is before the first change.
    if (
      cached &&
      cached.draftIndex === i &&
      cached.draft === draft &&
      cached.stamp === draft.stamp &&
      draft.stamp !== 0 &&
      (cached.horizon ?? Infinity) < same
    ) {
      entries.push(cached);
      placed.push({ entry: cached, draft });
      flows.push(cached.flow);
      reused += 1;
      continue;
    }
    const flowHops = [...draft.hops].sort((a, b) => a - b).map((index) => env.hops[index] as Hop);
    const keyed = cache ? flowKey(draft, flowHops, env.hops) : undefined;
    const key = keyed?.key;
    if (reusing) {
      if (cached && cached.draftIndex === i && sameKey(cached.key, key)) {
        // Computed from the same things: take it over, as of this draft.
        cached.draft = draft;
        cached.stamp = draft.stamp;
        cached.horizon = keyed?.horizon ?? Infinity;
        entries.push(cached);
        placed.push({ entry: cached, draft });
        flows.push(cached.flow);
        reused += 1;
        continue;
      }
      reusing = false;
      const before = entries[entries.length - 1];
      if (before?.memory && before.history) {
        memory = new Map(before.memory);
        history = before.history.clone();
      }
    }
    const flow = buildFlow(
      `flow-${i + 1}`,
      draft,
      flowHops,
      env.hops,
      env.input,
      memory,
      flows,
      history,
    );
    const context: FlowContext = {
      flow,
      draft,
      hops: env.hops,
      flowHops,
      input: env.input,
      samlInfo: env.samlInfo,
      previous: flows,
      history,
    };
    flow.diagnostics = runFlowRules(context);
    flows.push(flow);
    history.add(flow, env.startedAtOf);
    const states: string[] = [];
    for (const h of flowHops) {
      const state = messageOf(h, 'authorization-request')?.state;
      if (state) states.push(state);
    }
    const entry: FlowEntry = { flow, draft, draftIndex: i, states };
    if (cache) {
      entry.key = key;
      entry.stamp = draft.stamp;
      entry.horizon = keyed?.horizon ?? Infinity;
      entry.memory = new Map(memory);
      entry.history = history.clone();
    }
    entries.push(entry);
    placed.push({ entry, draft });
  }
  if (cache) {
    cache.entries = entries;
    cache.evidence = evidence ?? [];
    cache.reused = reused;
  }
  return placed;
}

function buildFlow(
  id: string,
  draft: FlowDraft,
  flowHops: Hop[],
  hops: readonly Hop[],
  input: AnalyzeInput,
  memory: SessionMemory,
  previous: readonly Flow[],
  history: FlowHistory,
): Flow {
  const parties = partiesOf(draft, flowHops, hops, history);
  const root = draft.legs[0];
  const callbackHop = root?.responseHop !== undefined ? hops[root.responseHop] : undefined;
  const interactive =
    flowHops.some((h) => h.messages.some((m) => m.type === 'credentials')) ||
    userFormPosts(draft, flowHops, hops);
  const kind = kindOf(draft, flowHops, hops, interactive);
  const requestHopsByServer = new Map<string, Hop[]>();
  for (const leg of draft.legs) {
    const hop = hops[leg.requestHop];
    if (hop)
      requestHopsByServer.set(leg.server, [...(requestHopsByServer.get(leg.server) ?? []), hop]);
  }
  const tiers = computeTiers({
    hops,
    flowHops,
    parties,
    ...(callbackHop ? { callbackHop } : {}),
    requestHopsByServer,
    interactive: interactive || draft.legs.length > 1,
    memory,
    now: input.now,
    isLogout: draft.kind === 'logout',
  });
  const first = flowHops[0] as Hop;
  const last = flowHops[flowHops.length - 1] as Hop;
  return {
    id,
    kind,
    protocol: draft.legs[0]?.protocol ?? previous[previous.length - 1]?.protocol ?? 'oidc',
    outcome: outcomeOf(draft, flowHops, hops),
    start: first.e.startedAt,
    end: last.e.timings.end ?? last.e.startedAt,
    parties,
    steps: stepsOf(draft, flowHops, hops),
    tiers,
    tokens: tokensOf(flowHops, hops, input),
    diagnostics: [],
    narrative: [],
    exchangeIds: flowHops.map((h) => h.e.id),
    tabId: first.e.tabId,
  };
}

function partiesOf(
  draft: FlowDraft,
  flowHops: Hop[],
  hops: readonly Hop[],
  history: FlowHistory,
): Party[] {
  const parties: Party[] = [];
  const add = (origin: string, role: Party['role'], url: string, label?: string) => {
    if (!origin || parties.some((p) => p.origin === origin)) return;
    parties.push({ origin, role, label: label ?? partyLabel(url) });
  };
  if (draft.kind === 'login') {
    const root = draft.legs[0];
    if (root) {
      const appOrigin = root.client || flowHops[0]?.origin || '';
      add(appOrigin, 'app', root.replyEndpoint ?? appOrigin);
      add(root.server, 'authorization-server', hops[root.requestHop]?.e.url ?? root.server);
    }
    for (const leg of draft.legs.slice(1))
      add(leg.server, 'identity-provider', hops[leg.requestHop]?.e.url ?? leg.server);
    return parties;
  }
  const endSession = draft.endSessionHop !== undefined ? hops[draft.endSessionHop] : undefined;
  const firstHop = flowHops[0];
  const appOrigin = draft.postLogoutEndpoint
    ? originOfUrl(draft.postLogoutEndpoint)
    : firstHop && firstHop !== endSession
      ? firstHop.origin
      : '';
  // Who the user logged in with before: their tiers are the ones a logout must end.
  const logins = history.loginPartiesFirst(
    endSession ? [appOrigin, endSession.origin] : [appOrigin],
  );
  if (appOrigin) add(appOrigin, 'app', appOrigin);
  if (endSession) add(endSession.origin, 'authorization-server', endSession.e.url);
  for (const p of logins) add(p.origin, p.role, p.origin, p.label);
  if (draft.kind === 'token-refresh' && firstHop) {
    add(firstHop.e.initiator ?? '', 'app', firstHop.e.initiator ?? '');
    add(firstHop.origin, 'authorization-server', firstHop.e.url);
  }
  return parties;
}

function originOfUrl(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '';
  }
}

/** A form the user submitted at the AS or an IdP (consent, account choice) that is no protocol message. */
function userFormPosts(draft: FlowDraft, flowHops: Hop[], hops: readonly Hop[]): boolean {
  const servers = new Set(draft.legs.map((l) => l.server));
  const firstRequest = draft.legs[0]?.requestHop ?? 0;
  void hops;
  return flowHops.some(
    (h) =>
      h.index > firstRequest &&
      servers.has(h.origin) &&
      h.isDocument &&
      h.e.method.toUpperCase() === 'POST' &&
      h.messages.length === 0,
  );
}

function kindOf(
  draft: FlowDraft,
  flowHops: Hop[],
  hops: readonly Hop[],
  interactive: boolean,
): FlowKind {
  if (draft.kind === 'logout') return 'logout';
  if (draft.kind === 'token-refresh') return 'token-refresh';
  const root = draft.legs[0];
  if (!root) return 'unknown';
  const rootHop = hops[root.requestHop];
  const authz = rootHop ? messageOf(rootHop, 'authorization-request') : undefined;
  if (authz?.prompt?.split(/\s+/).includes('none')) return 'silent-auth';
  if (draft.legs.length > 1) return 'federated-login';
  if (interactive) return 'interactive-login';
  if (root.responseHop !== undefined) {
    // Straight back with an answer and no page shown in between: single sign-on.
    const shownPage = flowHops.some(
      (h) =>
        h.index > root.requestHop &&
        h.index < (root.responseHop ?? 0) &&
        h.isDocument &&
        h.e.status === 200 &&
        h.e.method === 'GET' &&
        h.origin === root.server,
    );
    return shownPage ? 'interactive-login' : 'sso';
  }
  void flowHops;
  return 'unknown';
}

function outcomeOf(draft: FlowDraft, flowHops: Hop[], hops: readonly Hop[]): FlowOutcome {
  const failed = (h: Hop) =>
    h.e.status >= 400 ||
    (h.e.status === 0 && h.e.error !== undefined && !/ABORTED/i.test(h.e.error));
  if (draft.kind === 'login') {
    const root = draft.legs[0];
    const answer = root?.responseHop !== undefined ? hops[root.responseHop] : undefined;
    if (!answer) return flowHops.some((h) => failed(h) && h.isDocument) ? 'error' : 'incomplete';
    const response = messageOf(answer, 'authorization-response');
    if (response?.error) return 'error';
    const saml = answer.messages.find((m) => m.type === 'saml-response');
    void saml;
    const after = flowHops.filter((h) => h.index >= answer.index);
    return after.some((h) => failed(h) && h.isDocument) ? 'error' : 'success';
  }
  if (flowHops.some((h) => failed(h) && h.isDocument)) return 'error';
  if (draft.kind === 'token-refresh')
    return flowHops.every((h) => h.e.status > 0 && h.e.status < 400) ? 'success' : 'incomplete';
  const last = flowHops[flowHops.length - 1];
  if (
    draft.postLogoutEndpoint &&
    flowHops.some((h) => endpointOf(h.e.url) === draft.postLogoutEndpoint)
  )
    return 'success';
  return last && last.e.status >= 200 && last.e.status < 400 ? 'success' : 'incomplete';
}

function stepsOf(draft: FlowDraft, flowHops: Hop[], hops: readonly Hop[]): Step[] {
  const steps: Step[] = [];
  for (const hop of flowHops) {
    // The same hop is summarized the same way in every pass: once per classification.
    if (hop.x.summary?.messages !== hop.messages)
      hop.x.summary = { messages: hop.messages, text: summarizeHop(hop) };
    steps.push({
      exchangeId: hop.e.id,
      from: 'browser',
      to: hop.origin,
      summary: hop.x.summary.text,
    });
    for (const leg of draft.legs) {
      if (leg.responseHop !== hop.index) continue;
      const response = messageOf(hop, 'authorization-response');
      const redeemed = flowHops.some(
        (h) => h.index > hop.index && messageOf(h, 'token-request')?.code === response?.code,
      );
      if (response?.code && !redeemed) {
        steps.push({
          exchangeId: hop.e.id,
          from: leg.client || hop.origin,
          to: leg.server,
          summary: 'exchanged the code for tokens on its back channel (not visible to the browser)',
          inferred: true,
        });
      }
    }
  }
  void hops;
  return steps;
}

function summarizeHop(hop: Hop): string {
  const e = hop.e;
  let path = e.url;
  try {
    const u = new URL(e.url);
    path = u.pathname;
  } catch {
    // keep the raw text
  }
  const parts = [`${e.method} ${path}`];
  for (const m of hop.messages) {
    switch (m.type) {
      case 'authorization-request': {
        const extras = [
          m.responseType && `response_type=${m.responseType}`,
          m.prompt && `prompt=${m.prompt}`,
          m.codeChallenge && `PKCE ${m.codeChallengeMethod ?? 'plain'}`,
          m.requestUri && 'PAR',
          m.requestObject && 'JAR',
        ].filter(Boolean);
        parts.push(`authorization request (${extras.join(', ')})`);
        break;
      }
      case 'authorization-response':
        parts.push(
          m.error
            ? `authorization error: ${m.error}`
            : `authorization response (${[m.code && 'code', m.idToken && 'id_token', m.accessToken && 'access_token'].filter(Boolean).join(', ')}, ${m.mode})`,
        );
        break;
      case 'end-session':
        parts.push('logout request');
        break;
      case 'token-request':
        parts.push(`token request (${m.grantType})`);
        break;
      case 'credentials':
        parts.push('credentials posted');
        break;
      case 'saml-request':
      case 'saml-response':
        parts.push(
          `${m.type === 'saml-request' ? 'SAML request' : 'SAML response'} (${m.binding} binding)`,
        );
        break;
      default:
        parts.push(m.type);
    }
  }
  const status = e.status ? String(e.status) : e.error ? 'failed' : '…';
  const target = e.redirectUrl ? ` → ${shortUrl(e.redirectUrl)}` : '';
  const cookies =
    hop.setCookies.length > 0 ? ` [sets ${hop.setCookies.map((c) => c.name).join(', ')}]` : '';
  return `${parts.join(': ')} ${status}${target}${cookies}`;
}

function shortUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.host}${u.pathname}`;
  } catch {
    return url;
  }
}

function tokensOf(flowHops: Hop[], hops: readonly Hop[], input: AnalyzeInput): TokenInfo[] {
  const tokens: TokenInfo[] = [];
  for (const hop of flowHops) {
    const prev = hop.prev !== undefined ? hops[hop.prev] : undefined;
    const target = prev?.e.redirectUrl;
    const fragment =
      target?.includes('#') && !hop.e.url.includes('#')
        ? target.slice(target.indexOf('#') + 1)
        : undefined;
    const body = input.responseBodies?.[hop.e.id];
    // Decoded once per hop (both passes, and every call of an incremental analysis).
    const known = hop.x.tokens;
    if (known && known.fragment === fragment && known.body === body) {
      tokens.push(...known.list);
      continue;
    }
    const list = findTokens(hop.e, fragment, body).map((s) => describeToken(s, hop.e.id));
    hop.x.tokens = { fragment, body, list };
    tokens.push(...list);
  }
  return tokens;
}

/** Hops outside every flow that clear a cookie an earlier flow found to be an app session. */
/** The positions of `list` that pass `test`: `kept` below `from`, the rest tested. */
function positionsAmong(
  list: readonly number[],
  test: (at: number) => boolean,
  kept: number[] = [],
  from = 0,
): number[] {
  const out = from > 0 ? kept : [];
  while (out.length > 0 && (out[out.length - 1] as number) >= from) out.pop();
  for (const at of list) if (at >= from && test(at)) out.push(at);
  return out;
}

/** Per app origin: the session cookie names flows created or updated, from the earliest end. */
type AppSessions = Map<string, { names: Set<string>; since: number }>;

function addAppSessions(sessions: AppSessions, f: Flow): void {
  for (const t of f.tiers) {
    if (t.role !== 'app') continue;
    const names = t.sessionCookies
      .filter((c) => c.change === 'created' || c.change === 'updated')
      .map((c) => c.name);
    if (names.length === 0) continue;
    const entry = sessions.get(t.origin) ?? { names: new Set<string>(), since: f.end };
    for (const n of names) entry.names.add(n);
    entry.since = Math.min(entry.since, f.end);
    sessions.set(t.origin, entry);
  }
}

function copySessions(sessions: AppSessions): AppSessions {
  const copy: AppSessions = new Map();
  for (const [origin, s] of sessions) copy.set(origin, { names: new Set(s.names), since: s.since });
  return copy;
}

/**
 * The app sessions all flows learnt (a union of names and the least end: the order of the flows
 * does not matter). An incremental analysis keeps them as of the flows it reused, and adds the
 * others.
 */
function appSessionsOf(placed: readonly Placed[], cache: FlowCache | undefined): AppSessions {
  const reused = cache?.reused ?? 0;
  // Checkpoints hold the sessions of the first `count` flows: those within the reused ones hold.
  const checkpoints = (cache?.apps ?? []).filter((c) => c.count <= reused);
  const from = checkpoints[checkpoints.length - 1];
  const sessions: AppSessions = from ? copySessions(from.sessions) : new Map();
  for (let i = from?.count ?? 0; i < placed.length; i++) {
    if (cache && i > 0 && i % 256 === 0 && i > (from?.count ?? 0))
      checkpoints.push({ count: i, sessions: copySessions(sessions) });
    addAppSessions(sessions, (placed[i] as Placed).entry.flow);
  }
  if (cache) cache.apps = checkpoints;
  return sessions;
}

function appOnlyLogouts(
  hops: readonly Hop[],
  clearing: readonly number[],
  inDraft: (index: number) => boolean,
  appSessions: AppSessions,
): FlowDraft[] {
  const taken = new Set<number>();
  const owned = (index: number) => taken.has(index) || inDraft(index);
  const logouts: FlowDraft[] = [];
  if (appSessions.size === 0) return logouts;
  for (const at of clearing) {
    const hop = hops[at] as Hop;
    if (owned(hop.index)) continue;
    const session = appSessions.get(hop.origin);
    if (!session || hop.e.startedAt < session.since) continue;
    const clears = hop.setCookies.some((c) => session.names.has(c.name) && removesOwn(hop, c));
    if (!clears) continue;
    const draft: FlowDraft = {
      kind: 'logout',
      tabId: hop.e.tabId,
      hops: new Set(),
      legs: [],
      closed: true,
      finishing: true,
      lastActivity: hop.e.startedAt,
      stamp: 0,
    };
    for (const h of chainFrom(hops, hop)) {
      if (owned(h.index)) break;
      draft.hops.add(h.index);
      taken.add(h.index);
    }
    logouts.push(draft);
  }
  return logouts;
}
