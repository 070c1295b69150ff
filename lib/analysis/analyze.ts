import type { CookieEvent, Exchange } from '../model';
import { decodeSaml } from '../protocol/saml';
import { endpointOf } from '../protocol/params';
import { partyLabel } from '../protocol/vendors';
import { describeToken } from '../tokens/describe';
import { findTokens } from '../tokens/extract';
import { runFlowRules, runGlobalRules } from '../diagnostics/registry';
import { buildFlows, type FlowDraft, type SamlRequestInfo } from './flows';
import { chainFrom, messageOf, prepareHops, type Hop } from './hops';
import { isRemoval } from '../protocol/cookies';
import { narrate } from './narrative';
import { computeTiers, type SessionMemory } from './tiers';
import {
  ANALYSIS_VERSION,
  type Analysis,
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
}

/**
 * Turns recorded hops into login flows: parties and roles, steps, session tiers, tokens,
 * problems and a narrative. Pure and deterministic for the same input and `now`; never throws
 * on malformed traffic (what cannot be decoded is reported, not fatal). Decodes tokens; does not
 * verify them (see verify()).
 */
export function analyze(input: AnalyzeInput): Analysis {
  const hops = prepareHops(input.exchanges);
  const samlCache = new Map<number, SamlRequestInfo>();
  const samlInfo = (hop: Hop): SamlRequestInfo => {
    let info = samlCache.get(hop.index);
    if (!info) {
      info = {};
      const message = hop.messages.find(
        (m) => m.type === 'saml-request' || m.type === 'saml-response',
      );
      if (message && 'encoded' in message) {
        try {
          const { summary } = decodeSaml(message.encoded, message.binding);
          if (summary.id) info.id = summary.id;
          if (summary.assertionConsumerServiceUrl)
            info.acsUrl = summary.assertionConsumerServiceUrl;
          if (summary.inResponseTo) info.inResponseTo = summary.inResponseTo;
        } catch {
          // Reported by the SAML rules; the flow is still built from the URLs.
        }
      }
      samlCache.set(hop.index, info);
    }
    return info;
  };

  const drafts = buildFlows(hops, samlInfo);
  const contexts = new Map<Flow, FlowContext>();
  const materialize = (list: FlowDraft[]): Flow[] => {
    const memory: SessionMemory = new Map();
    const flows: Flow[] = [];
    contexts.clear();
    list.forEach((draft, i) => {
      const flowHops = [...draft.hops].sort((a, b) => a - b).map((index) => hops[index] as Hop);
      if (flowHops.length === 0) return;
      const flow = buildFlow(`flow-${i + 1}`, draft, flowHops, hops, input, memory, flows);
      const context: FlowContext = {
        flow,
        draft,
        hops,
        flowHops,
        input,
        samlInfo,
        previous: flows,
      };
      flow.diagnostics = runFlowRules(context);
      contexts.set(flow, context);
      flows.push(flow);
    });
    return flows;
  };
  let flows = materialize(drafts);
  // An app that ends only its own session sends no protocol message: once the first pass has
  // learnt the app's session cookies, a hop that clears them is a logout of its own.
  const appLogouts = appOnlyLogouts(hops, drafts, flows);
  if (appLogouts.length > 0) {
    const firstHop = (d: FlowDraft) => Math.min(...d.hops);
    flows = materialize([...drafts, ...appLogouts].sort((a, b) => firstHop(a) - firstHop(b)));
  }

  // Recording-wide problems also show on every flow whose hops show them.
  const global = runGlobalRules({ hops, flows, input });
  const flowsByExchange = new Map<string, Flow[]>();
  for (const f of flows) {
    for (const id of f.exchangeIds)
      flowsByExchange.set(id, [...(flowsByExchange.get(id) ?? []), f]);
  }
  const unattached = global.filter((d) => {
    const owners = [...new Set(d.exchangeIds.flatMap((id) => flowsByExchange.get(id) ?? []))];
    for (const f of owners) f.diagnostics.push(d);
    return owners.length === 0;
  });
  // The narrative last: it quotes the flow's problems, recording-wide ones included.
  for (const [flow, context] of contexts) flow.narrative = narrate(context);
  return {
    version: ANALYSIS_VERSION,
    flows,
    diagnostics: unattached,
    source: {
      cookiesVisible: input.cookiesVisible ?? true,
      cookieJarVisible: input.cookieJarVisible ?? (input.cookieEvents?.length ?? 0) > 0,
      exchanges: input.exchanges.length,
    },
  };
}

function buildFlow(
  id: string,
  draft: FlowDraft,
  flowHops: Hop[],
  hops: readonly Hop[],
  input: AnalyzeInput,
  memory: SessionMemory,
  previous: readonly Flow[],
): Flow {
  const parties = partiesOf(draft, flowHops, hops, previous);
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
  previous: readonly Flow[],
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
  const logins = previous.filter(
    (f) =>
      f.kind !== 'logout' &&
      f.kind !== 'token-refresh' &&
      f.parties.some((p) => p.origin === appOrigin || p.origin === endSession?.origin),
  );
  if (appOrigin) add(appOrigin, 'app', appOrigin);
  if (endSession) add(endSession.origin, 'authorization-server', endSession.e.url);
  for (const p of logins.flatMap((f) => f.parties)) add(p.origin, p.role, p.origin, p.label);
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
    steps.push({
      exchangeId: hop.e.id,
      from: 'browser',
      to: hop.origin,
      summary: summarizeHop(hop),
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
    for (const sighting of findTokens(hop.e, fragment, input.responseBodies?.[hop.e.id])) {
      tokens.push(describeToken(sighting, hop.e.id));
    }
  }
  return tokens;
}

/** Hops outside every flow that clear a cookie an earlier flow found to be an app session. */
function appOnlyLogouts(hops: readonly Hop[], drafts: FlowDraft[], flows: Flow[]): FlowDraft[] {
  const owned = new Set(drafts.flatMap((d) => [...d.hops]));
  const appSessions = new Map<string, { names: Set<string>; since: number }>();
  for (const f of flows) {
    for (const t of f.tiers) {
      if (t.role !== 'app') continue;
      const names = t.sessionCookies
        .filter((c) => c.change === 'created' || c.change === 'updated')
        .map((c) => c.name);
      if (names.length === 0) continue;
      const entry = appSessions.get(t.origin) ?? { names: new Set<string>(), since: f.end };
      for (const n of names) entry.names.add(n);
      entry.since = Math.min(entry.since, f.end);
      appSessions.set(t.origin, entry);
    }
  }
  const logouts: FlowDraft[] = [];
  for (const hop of hops) {
    if (owned.has(hop.index) || !hop.isDocument) continue;
    const session = appSessions.get(hop.origin);
    if (!session || hop.e.startedAt < session.since) continue;
    const clears = hop.setCookies.some(
      (c) => session.names.has(c.name) && isRemoval(c, hop.e.startedAt),
    );
    if (!clears) continue;
    const draft: FlowDraft = {
      kind: 'logout',
      tabId: hop.e.tabId,
      hops: new Set(),
      legs: [],
      closed: true,
      finishing: true,
      lastActivity: hop.e.startedAt,
    };
    for (const h of chainFrom(hops, hop)) {
      if (owned.has(h.index)) break;
      draft.hops.add(h.index);
      owned.add(h.index);
    }
    logouts.push(draft);
  }
  return logouts;
}
