import type { AuthorizationRequest, ProtocolMessage } from '../protocol/messages';
import { endpointOf, originOf } from '../protocol/params';
import type { FlowProtocol } from './types';
import { chainBefore, messageOf, type Hop } from './hops';

/** One authorization request and its answer: the app's, or a nested one (broker pattern). */
export interface Leg {
  protocol: FlowProtocol;
  requestHop: number;
  /** Who asked: the app for the root leg, the authorization server (or a deeper IdP) otherwise. */
  client: string;
  /** Who was asked. */
  server: string;
  /** Where the answer must arrive (redirect_uri, ACS URL, wreply), without query. */
  replyEndpoint?: string;
  state?: string;
  /** SAML AuthnRequest ID, when decoded. */
  requestId?: string;
  responseHop?: number;
  depth: number;
}

/** A login (or logout, or refresh) in the making: the hops that belong to it and its legs. */
export interface FlowDraft {
  kind: 'login' | 'logout' | 'token-refresh';
  tabId: number;
  hops: Set<number>;
  legs: Leg[];
  /** For logouts: the end-session hop, and where it should come back to. */
  endSessionHop?: number;
  postLogoutEndpoint?: string;
  /** The app's session cookies this logout cleared (app-only logout). */
  closed: boolean;
  /** The root leg was answered: the flow takes the rest of the callback's redirect chain only. */
  finishing: boolean;
  lastActivity: number;
  /** Changes whenever the draft changes (see FlowBuilder); equal stamps, equal drafts. */
  stamp: number;
  /** Its first hop, as of a stamp (cached). */
  first?: { stamp: number; index: number };
}

/** An unanswered flow is let go after this long without a hop of its own. */
const IDLE_MS = 10 * 60_000;

/**
 * Groups hops into flows: a root authorization request (OAuth/OIDC, SAML AuthnRequest, WS-Fed
 * wsignin) opens a flow; a request the authorization server makes while the app's is pending
 * is a nested leg (its answer returns to the AS); the answer at the app's redirect URI ends it,
 * with the rest of its redirect chain. Logout and refresh requests open flows of their own.
 */
export function buildFlows(
  hops: readonly Hop[],
  decodeSamlRequestId: (hop: Hop) => SamlRequestInfo,
): FlowDraft[] {
  const builder = new FlowBuilder(false);
  builder.run(hops, 0, decodeSamlRequestId);
  return builder.flows;
}

/**
 * buildFlows() as a pass that can be resumed: with a journal, every change it makes is logged
 * per hop, so that run() can take it back to any hop (rewind) and go on from there with other
 * hops (an incremental analysis, after hops were added). Each draft carries a stamp that changes
 * with every change of it (and comes back with a rewind), so an unchanged draft can be told
 * from a changed one without comparing them.
 */
export class FlowBuilder {
  readonly flows: FlowDraft[] = [];
  /** The draft each hop belongs to, by hop index. */
  readonly flowOf = new Map<number, FlowDraft>();
  readonly #byContext = new Map<number, FlowDraft[]>();
  /** Undo records, three slots each: what, the object, the old value. */
  readonly #log: unknown[] | undefined;
  /** Where the log stood before each hop. */
  readonly #marks: number[] = [];
  #stamps = 0;

  constructor(journal: boolean) {
    this.#log = journal ? [] : undefined;
  }

  /** The lowest hop index whose draft changed in the last rewind() and run() (Infinity: none). */
  ownersChangedFrom = Infinity;

  /** Hops processed so far (the position run() would go on from). */
  get processed(): number {
    return this.#marks.length;
  }

  /** Takes back everything done for the hops from `position` on. */
  rewind(position: number): void {
    const log = this.#log;
    if (!log) throw new Error('a FlowBuilder without journal cannot rewind');
    this.ownersChangedFrom = Infinity;
    if (position >= this.#marks.length) return;
    const mark = this.#marks[position] as number;
    while (log.length > mark) {
      const old = log.pop();
      const target = log.pop();
      const op = log.pop() as Undo;
      this.#undo(op, target, old);
    }
    this.#marks.length = position;
  }

  /** Processes `hops` from position `from` (everything before it must be processed already). */
  run(
    hops: readonly Hop[],
    from: number,
    decodeSamlRequestId: (hop: Hop) => SamlRequestInfo,
  ): void {
    for (let i = from; i < hops.length; i++) {
      this.#marks.push(this.#log?.length ?? 0);
      this.#step(hops, hops[i] as Hop, decodeSamlRequestId);
    }
  }

  #undo(op: Undo, target: unknown, old: unknown): void {
    switch (op) {
      case 'stamp':
        (target as FlowDraft).stamp = old as number;
        break;
      case 'context':
        this.#byContext.delete(target as number);
        break;
      case 'hop':
        (target as FlowDraft).hops.delete(old as number);
        break;
      case 'flow-of':
        this.ownersChangedFrom = Math.min(this.ownersChangedFrom, target as number);
        if (old === undefined) this.flowOf.delete(target as number);
        else this.flowOf.set(target as number, old as FlowDraft);
        break;
      case 'last-activity':
        (target as FlowDraft).lastActivity = old as number;
        break;
      case 'flow':
        this.flows.pop();
        break;
      case 'opened':
        (target as FlowDraft[]).pop();
        break;
      case 'closed':
        (target as FlowDraft).closed = old as boolean;
        break;
      case 'removed': {
        const [at, flow] = old as [number, FlowDraft];
        (target as FlowDraft[]).splice(at, 0, flow);
        break;
      }
      case 'leg':
        (target as FlowDraft).legs.pop();
        break;
      case 'response':
        if (old === undefined) delete (target as Leg).responseHop;
        else (target as Leg).responseHop = old as number;
        break;
      case 'finishing':
        (target as FlowDraft).finishing = old as boolean;
        break;
      case 'end-session':
        delete (target as FlowDraft).endSessionHop;
        break;
    }
  }

  #record(op: Undo, target: unknown, old: unknown): void {
    this.#log?.push(op, target, old);
  }

  #touch(flow: FlowDraft): void {
    this.#record('stamp', flow, flow.stamp);
    flow.stamp = ++this.#stamps;
  }

  #openIn(tabId: number): FlowDraft[] {
    let list = this.#byContext.get(tabId);
    if (!list) {
      this.#byContext.set(tabId, (list = []));
      this.#record('context', tabId, undefined);
    }
    return list;
  }

  #add(flow: FlowDraft, hop: Hop): void {
    this.#touch(flow);
    if (!flow.hops.has(hop.index)) {
      flow.hops.add(hop.index);
      this.#record('hop', flow, hop.index);
    }
    this.#record('flow-of', hop.index, this.flowOf.get(hop.index));
    this.flowOf.set(hop.index, flow);
    if (hop.index < this.ownersChangedFrom) this.ownersChangedFrom = hop.index;
    this.#record('last-activity', flow, flow.lastActivity);
    flow.lastActivity = Math.max(flow.lastActivity, hop.e.startedAt);
  }

  #push(flow: FlowDraft): void {
    flow.stamp = ++this.#stamps;
    this.flows.push(flow);
    this.#record('flow', undefined, undefined);
  }

  #open(hops: readonly Hop[], flow: FlowDraft, hop: Hop): void {
    this.#push(flow);
    const list = this.#openIn(flow.tabId);
    list.push(flow);
    this.#record('opened', list, undefined);
    // The redirects that led here belong to the flow too (/account -> /login -> /authorize).
    for (const before of chainBefore(hops, hop))
      if (!this.flowOf.has(before.index)) this.#add(flow, before);
    this.#add(flow, hop);
  }

  #close(flow: FlowDraft): void {
    this.#touch(flow);
    this.#record('closed', flow, flow.closed);
    flow.closed = true;
    const list = this.#openIn(flow.tabId);
    const at = list.indexOf(flow);
    if (at !== -1) {
      list.splice(at, 1);
      this.#record('removed', list, [at, flow]);
    }
  }

  #step(hops: readonly Hop[], hop: Hop, decodeSamlRequestId: (hop: Hop) => SamlRequestInfo): void {
    const flows = this.flows;
    const tabId = hop.e.tabId;
    const active = this.#openIn(tabId);
    for (const flow of [...active]) {
      if (hop.e.startedAt - flow.lastActivity > IDLE_MS) this.#close(flow);
    }
    const viaChain = hop.prev !== undefined ? this.flowOf.get(hop.prev) : undefined;
    const request = requestOf(hop, decodeSamlRequestId);
    // PAR and JAR may carry no redirect_uri through the browser: the app is who sent us there.
    if (request && request.client === '')
      request.client = originOfPrev(hop, hops) || refererOrigin(hop);
    const response = hop.messages.find(isAnswer);

    if (request) {
      const parent = nestedParent(active, request, hop, hops);
      if (parent) {
        const client =
          parent.legs.find(
            (l) => l.server === request.client || l.server === originOfPrev(hop, hops),
          ) ?? parent.legs[0];
        this.#touch(parent);
        parent.legs.push({
          ...request,
          client: client?.server ?? request.client,
          depth: (client?.depth ?? 0) + 1,
        });
        this.#record('leg', parent, undefined);
        this.#add(parent, hop);
        return;
      }
      const again = active.find(
        (f) =>
          f.kind === 'login' &&
          !f.finishing &&
          f.legs[0]?.state !== undefined &&
          f.legs[0].state === request.state &&
          f.legs[0].server === request.server,
      );
      if (again) {
        this.#add(again, hop);
        return;
      }
      // A new root request in this context ends the ones left unanswered before it.
      for (const flow of active.filter(
        (f) => f.kind === 'login' && !f.finishing && !(viaChain === f),
      ))
        this.#close(flow);
      this.#open(
        hops,
        {
          kind: 'login',
          tabId,
          hops: new Set(),
          legs: [{ ...request, depth: 0 }],
          closed: false,
          finishing: false,
          lastActivity: hop.e.startedAt,
          stamp: 0,
        },
        hop,
      );
      return;
    }

    if (response) {
      const match = matchLeg(active, hop, response);
      if (match) {
        this.#touch(match.flow);
        this.#record('response', match.leg, match.leg.responseHop);
        match.leg.responseHop = hop.index;
        this.#add(match.flow, hop);
        if (match.leg.depth === 0) {
          this.#record('finishing', match.flow, match.flow.finishing);
          match.flow.finishing = true;
        }
        if (hop.next === undefined && match.flow.finishing) this.#close(match.flow);
        return;
      }
      // An answer nobody asked for in this recording: an IdP-initiated SAML or WS-Fed login.
      if (response.type === 'saml-response' || response.type === 'wsfed-signin-response') {
        const server = refererOrigin(hop) || originOfPrev(hop, hops);
        const leg: Leg = {
          protocol: response.type === 'saml-response' ? 'saml2' : 'wsfed',
          requestHop: hop.index,
          client: hop.origin,
          server,
          replyEndpoint: endpointOf(hop.e.url),
          responseHop: hop.index,
          depth: 0,
        };
        const flow: FlowDraft = {
          kind: 'login',
          tabId,
          hops: new Set(),
          legs: [leg],
          closed: false,
          finishing: true,
          lastActivity: hop.e.startedAt,
          stamp: 0,
        };
        this.#open(hops, flow, hop);
        if (hop.next === undefined) this.#close(flow);
        return;
      }
    }

    // A front-channel logout frame belongs to the logout that just happened in this tab.
    if (messageOf(hop, 'frontchannel-logout')) {
      let logout: FlowDraft | undefined;
      for (let i = flows.length - 1; i >= 0 && !logout; i--) {
        const f = flows[i] as FlowDraft;
        if (f.kind === 'logout' && f.tabId === tabId && hop.e.startedAt - f.lastActivity <= 30_000)
          logout = f;
      }
      if (logout) {
        this.#add(logout, hop);
        return;
      }
    }

    const endSession = messageOf(hop, 'end-session');
    if (endSession && !viaChain?.legs.length) {
      const flow: FlowDraft = {
        kind: 'logout',
        tabId,
        hops: new Set(),
        legs: [],
        endSessionHop: hop.index,
        closed: false,
        finishing: false,
        lastActivity: hop.e.startedAt,
        stamp: 0,
      };
      if (endSession.postLogoutRedirectUri)
        flow.postLogoutEndpoint = endpointOf(endSession.postLogoutRedirectUri);
      for (const f of active.filter((f) => f.kind === 'logout')) this.#close(f);
      if (viaChain && viaChain.kind === 'logout') {
        this.#add(viaChain, hop);
        if (viaChain.endSessionHop === undefined) {
          this.#record('end-session', viaChain, undefined);
          viaChain.endSessionHop = hop.index;
        }
        return;
      }
      this.#open(hops, flow, hop);
      return;
    }
    if (endSession && viaChain) {
      this.#add(viaChain, hop);
      return;
    }

    const token = messageOf(hop, 'token-request');
    if (token) {
      if (token.grantType === 'refresh_token') {
        const flow: FlowDraft = {
          kind: 'token-refresh',
          tabId,
          hops: new Set(),
          legs: [],
          closed: true,
          finishing: true,
          lastActivity: hop.e.startedAt,
          stamp: 0,
        };
        this.#push(flow);
        this.#add(flow, hop);
        return;
      }
      // An SPA redeeming its code: part of the latest login of this tab.
      let latest: FlowDraft | undefined;
      for (let i = flows.length - 1; i >= 0 && !latest; i--) {
        const f = flows[i] as FlowDraft;
        if (f.kind === 'login' && f.tabId === tabId) latest = f;
      }
      if (latest) {
        this.#add(latest, hop);
        return;
      }
    }

    // Any other hop: the rest of a redirect chain the flow started, or a page of an open flow.
    if (viaChain) {
      this.#add(viaChain, hop);
      if (viaChain.finishing && hop.next === undefined) this.#close(viaChain);
      if (viaChain.kind === 'logout' && reachedPostLogout(viaChain, hop)) this.#close(viaChain);
      return;
    }
    let owner: FlowDraft | undefined;
    for (let i = active.length - 1; i >= 0 && !owner; i--) {
      const f = active[i] as FlowDraft;
      if (!f.finishing && belongsToOpenFlow(f, hop, hops)) owner = f;
    }
    if (owner) {
      this.#add(owner, hop);
      if (owner.kind === 'logout' && reachedPostLogout(owner, hop) && hop.next === undefined)
        this.#close(owner);
    }
  }
}

type Undo =
  | 'stamp'
  | 'context'
  | 'hop'
  | 'flow-of'
  | 'last-activity'
  | 'flow'
  | 'opened'
  | 'closed'
  | 'removed'
  | 'leg'
  | 'response'
  | 'finishing'
  | 'end-session';

export interface SamlRequestInfo {
  id?: string;
  acsUrl?: string;
  inResponseTo?: string;
}

type RootRequest = Omit<Leg, 'depth'>;

function requestOf(hop: Hop, saml: (hop: Hop) => SamlRequestInfo): RootRequest | undefined {
  const authz = messageOf(hop, 'authorization-request');
  if (authz) return oauthLeg(hop, authz);
  const samlRequest = messageOf(hop, 'saml-request');
  if (samlRequest) {
    const info = saml(hop);
    const leg: RootRequest = {
      protocol: 'saml2',
      requestHop: hop.index,
      client: info.acsUrl ? originOf(info.acsUrl) : '',
      server: hop.origin,
    };
    if (info.acsUrl) leg.replyEndpoint = endpointOf(info.acsUrl);
    if (info.id) leg.requestId = info.id;
    if (samlRequest.relayState) leg.state = samlRequest.relayState;
    return leg;
  }
  const wsfed = messageOf(hop, 'wsfed-signin-request');
  if (wsfed) {
    const leg: RootRequest = {
      protocol: 'wsfed',
      requestHop: hop.index,
      client: wsfed.reply ? originOf(wsfed.reply) : '',
      server: hop.origin,
    };
    if (wsfed.reply) leg.replyEndpoint = endpointOf(wsfed.reply);
    if (wsfed.context) leg.state = wsfed.context;
    return leg;
  }
  return undefined;
}

function oauthLeg(hop: Hop, authz: AuthorizationRequest): RootRequest {
  const oidc =
    (authz.scope ?? '').split(/\s+/).includes('openid') ||
    (authz.responseType ?? '').includes('id_token') ||
    authz.nonce !== undefined;
  const leg: RootRequest = {
    protocol: oidc ? 'oidc' : 'oauth2',
    requestHop: hop.index,
    client: authz.redirectUri ? originOf(authz.redirectUri) : '',
    server: hop.origin,
  };
  if (authz.redirectUri) leg.replyEndpoint = endpointOf(authz.redirectUri);
  if (authz.state) leg.state = authz.state;
  return leg;
}

/**
 * The flow a new request is nested in: one whose authorization server (or a deeper IdP) is
 * where this request's answer goes back to, while that flow's own request is pending.
 */
function nestedParent(
  active: FlowDraft[],
  request: RootRequest,
  hop: Hop,
  hops: readonly Hop[],
): FlowDraft | undefined {
  const from = originOfPrev(hop, hops);
  return [...active].reverse().find((f) => {
    if (f.kind !== 'login' || f.finishing) return false;
    const root = f.legs[0];
    if (!root || request.server === root.server) return false;
    return f.legs.some(
      (l) =>
        l.responseHop === undefined &&
        (l.server === request.client || (request.client === '' && l.server === from)),
    );
  });
}

/** The origin of the page that sent this request, from its Origin or Referer header. */
function refererOrigin(hop: Hop): string {
  const header = hop.e.requestHeaders.find(
    (h) => /^(origin|referer)$/i.test(h.name) && h.value !== 'null',
  );
  return header ? originOf(header.value) : '';
}

function originOfPrev(hop: Hop, hops: readonly Hop[]): string {
  return hop.prev !== undefined ? (hops[hop.prev]?.origin ?? '') : (hop.e.initiator ?? '');
}

/** The value an answer carries back for the client to match (state, RelayState, wctx). */
function stateOfAnswer(m: ProtocolMessage): string | undefined {
  if (m.type === 'authorization-response') return m.state;
  if ('relayState' in m) return m.relayState;
  if ('context' in m) return m.context;
  return undefined;
}

function isAnswer(m: ProtocolMessage): boolean {
  return (
    m.type === 'authorization-response' ||
    m.type === 'saml-response' ||
    m.type === 'wsfed-signin-response'
  );
}

function matchLeg(
  active: FlowDraft[],
  hop: Hop,
  response: ProtocolMessage,
): { flow: FlowDraft; leg: Leg } | undefined {
  const endpoint = endpointOf(hop.e.url);
  const candidates: { flow: FlowDraft; leg: Leg; score: number }[] = [];
  for (const flow of active) {
    if (flow.kind !== 'login') continue;
    for (const leg of flow.legs) {
      if (leg.responseHop !== undefined) continue;
      let score = 0;
      if (leg.replyEndpoint === endpoint) score += 2;
      else if (leg.replyEndpoint === undefined && leg.client === hop.origin) score += 1;
      else if (response.type === 'saml-response' && leg.protocol === 'saml2' && leg.client === '')
        score += 1;
      else continue;
      const state = stateOfAnswer(response);
      if (state !== undefined && state === leg.state) score += 2;
      candidates.push({ flow, leg, score: score * 10 + leg.depth });
    }
  }
  candidates.sort((a, b) => b.score - a.score);
  return candidates[0];
}

/** A page of an open flow: same tab, and on one of its parties (login pages, consent, IdP). */
function belongsToOpenFlow(flow: FlowDraft, hop: Hop, hops: readonly Hop[]): boolean {
  if (flow.kind === 'token-refresh') return false;
  const parties = new Set<string>();
  for (const leg of flow.legs) {
    parties.add(leg.server);
    parties.add(leg.client);
  }
  if (flow.endSessionHop !== undefined) {
    const endSession = hops[flow.endSessionHop];
    if (endSession) parties.add(endSession.origin);
  }
  if (!parties.has(hop.origin)) return false;
  if (hop.isDocument) return true;
  // Scripts and pages' own fetches (Auth0's credential POST is an XHR) count when they post.
  return hop.e.method.toUpperCase() === 'POST';
}

function reachedPostLogout(flow: FlowDraft, hop: Hop): boolean {
  return flow.postLogoutEndpoint !== undefined && endpointOf(hop.e.url) === flow.postLogoutEndpoint;
}
