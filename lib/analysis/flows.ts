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
  const flows: FlowDraft[] = [];
  const byContext = new Map<number, FlowDraft[]>();
  const openIn = (tabId: number) => {
    let list = byContext.get(tabId);
    if (!list) byContext.set(tabId, (list = []));
    return list;
  };
  const flowOf = new Map<number, FlowDraft>();
  const add = (flow: FlowDraft, hop: Hop) => {
    flow.hops.add(hop.index);
    flowOf.set(hop.index, flow);
    flow.lastActivity = Math.max(flow.lastActivity, hop.e.startedAt);
  };
  const open = (flow: FlowDraft, hop: Hop) => {
    flows.push(flow);
    openIn(flow.tabId).push(flow);
    // The redirects that led here belong to the flow too (/account -> /login -> /authorize).
    for (const before of chainBefore(hops, hop)) if (!flowOf.has(before.index)) add(flow, before);
    add(flow, hop);
  };
  const close = (flow: FlowDraft) => {
    flow.closed = true;
    const list = openIn(flow.tabId);
    const at = list.indexOf(flow);
    if (at !== -1) list.splice(at, 1);
  };

  for (const hop of hops) {
    const tabId = hop.e.tabId;
    const active = openIn(tabId);
    for (const flow of [...active]) {
      if (hop.e.startedAt - flow.lastActivity > IDLE_MS) close(flow);
    }
    const viaChain = hop.prev !== undefined ? flowOf.get(hop.prev) : undefined;
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
        parent.legs.push({
          ...request,
          client: client?.server ?? request.client,
          depth: (client?.depth ?? 0) + 1,
        });
        add(parent, hop);
        continue;
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
        add(again, hop);
        continue;
      }
      // A new root request in this context ends the ones left unanswered before it.
      for (const flow of active.filter(
        (f) => f.kind === 'login' && !f.finishing && !(viaChain === f),
      ))
        close(flow);
      open(
        {
          kind: 'login',
          tabId,
          hops: new Set(),
          legs: [{ ...request, depth: 0 }],
          closed: false,
          finishing: false,
          lastActivity: hop.e.startedAt,
        },
        hop,
      );
      continue;
    }

    if (response) {
      const match = matchLeg(active, hop, response);
      if (match) {
        match.leg.responseHop = hop.index;
        add(match.flow, hop);
        if (match.leg.depth === 0) match.flow.finishing = true;
        if (hop.next === undefined && match.flow.finishing) close(match.flow);
        continue;
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
        };
        open(flow, hop);
        if (hop.next === undefined) close(flow);
        continue;
      }
    }

    // A front-channel logout frame belongs to the logout that just happened in this tab.
    if (messageOf(hop, 'frontchannel-logout')) {
      const logout = [...flows]
        .reverse()
        .find(
          (f) =>
            f.kind === 'logout' && f.tabId === tabId && hop.e.startedAt - f.lastActivity <= 30_000,
        );
      if (logout) {
        add(logout, hop);
        continue;
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
      };
      if (endSession.postLogoutRedirectUri)
        flow.postLogoutEndpoint = endpointOf(endSession.postLogoutRedirectUri);
      for (const f of active.filter((f) => f.kind === 'logout')) close(f);
      if (viaChain && viaChain.kind === 'logout') {
        add(viaChain, hop);
        viaChain.endSessionHop ??= hop.index;
        continue;
      }
      open(flow, hop);
      continue;
    }
    if (endSession && viaChain) {
      add(viaChain, hop);
      continue;
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
        };
        flows.push(flow);
        add(flow, hop);
        continue;
      }
      // An SPA redeeming its code: part of the latest login of this tab.
      const latest = [...flows].reverse().find((f) => f.kind === 'login' && f.tabId === tabId);
      if (latest) {
        add(latest, hop);
        continue;
      }
    }

    // Any other hop: the rest of a redirect chain the flow started, or a page of an open flow.
    if (viaChain) {
      add(viaChain, hop);
      if (viaChain.finishing && hop.next === undefined) close(viaChain);
      if (viaChain.kind === 'logout' && reachedPostLogout(viaChain, hop)) close(viaChain);
      continue;
    }
    const owner = [...active]
      .reverse()
      .find((f) => !f.finishing && belongsToOpenFlow(f, hop, hops));
    if (owner) {
      add(owner, hop);
      if (owner.kind === 'logout' && reachedPostLogout(owner, hop) && hop.next === undefined)
        close(owner);
    }
  }
  return flows;
}

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
