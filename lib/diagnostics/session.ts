import { messageOf, type Hop } from '../analysis/hops';
import { isRemoval } from '../protocol/cookies';
import { isLoopback } from '../protocol/params';
import type { Finding, FlowRule, GlobalRule } from './rule';

/** Front-channel logout iframes load right after the end-session page; wait this long for them. */
const FRONT_CHANNEL_MS = 30_000;

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
      const logins = ctx.previous.filter(
        (f) =>
          f.kind !== 'logout' &&
          f.kind !== 'token-refresh' &&
          f.parties.some((p) => p.origin === endSessionHop.origin),
      );
      const parties = [
        ...new Map(logins.flatMap((f) => f.parties).map((p) => [p.origin, p])).values(),
      ];
      if (parties.length === 0) return findings;
      const cleared = new Set(
        ctx.flow.tiers.flatMap((t) =>
          t.sessionCookies
            .filter((c) => c.change === 'cleared')
            .map((c) => `${t.origin} ${c.name}`),
        ),
      );
      // The end-session page's front-channel iframes clear the apps' sessions outside this flow.
      for (const h of ctx.hops) {
        if (h.index <= endSessionHop.index) continue;
        if (h.e.startedAt - endSessionHop.e.startedAt > FRONT_CHANNEL_MS) break;
        for (const c of h.setCookies)
          if (isRemoval(c, h.e.startedAt)) cleared.add(`${h.origin} ${c.name}`);
      }
      const created = new Map<string, { role: string; names: string[] }>();
      for (const f of ctx.previous) {
        for (const t of f.tiers) {
          for (const c of t.sessionCookies) {
            if (c.change === 'created' || c.change === 'updated')
              created.set(t.origin, {
                role: t.role,
                names: [...new Set([...(created.get(t.origin)?.names ?? []), c.name])],
              });
            const made = created.get(t.origin);
            if (c.change === 'cleared' && made) made.names = made.names.filter((n) => n !== c.name);
          }
        }
      }
      for (const party of parties) {
        const made = created.get(party.origin);
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
    check: ({ hops, flows }) => {
      const inFlow = new Set(flows.flatMap((f) => f.exchangeIds));
      return hops
        .filter(
          (h) =>
            h.e.url.startsWith('http:') &&
            !isLoopback(h.e.url) &&
            (h.messages.some((m) => m.type === 'discovery') ||
              (inFlow.has(h.e.id) &&
                h.messages.some(
                  (m) => m.type !== 'credentials' && m.type !== 'frontchannel-logout',
                ))),
        )
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
    check: ({ hops }) => {
      const findings: Finding[] = [];
      const seen = new Map<string, Hop[]>();
      const rootOf = new Map<number, number>();
      const reported = new Set<number>();
      for (const h of hops) {
        const root = h.prev !== undefined ? (rootOf.get(h.prev) ?? h.prev) : h.index;
        rootOf.set(h.index, root);
        // Loops are automatic GET redirects: separate logins (new navigations) do not count.
        if (!h.e.redirectUrl || h.e.method.toUpperCase() !== 'GET') continue;
        const url = h.e.url.replace(/[?#].*$/, '');
        const key = `${root} ${url}`;
        const recent = [...(seen.get(key) ?? []), h].filter(
          (x) => h.e.startedAt - x.e.startedAt <= 30_000,
        );
        seen.set(key, recent);
        // One finding per chain: the other URLs of the circle reach 3 visits a moment later.
        if (recent.length >= 3 && !reported.has(root)) {
          reported.add(root);
          findings.push({
            severity: 'error',
            message: `${url} was redirected to ${recent.length} times within 30 seconds in one redirect chain: a redirect loop (often a session cookie that is never stored or sent).`,
            hops: recent.slice(-3),
          });
        }
      }
      for (const h of hops) {
        if (/ERR_TOO_MANY_REDIRECTS|REDIRECT_LOOP/i.test(h.e.error ?? ''))
          findings.push({
            severity: 'error',
            message: 'The browser gave up: too many redirects.',
            hops: [h],
          });
      }
      return findings;
    },
  },
  {
    id: 'STATE_REUSED',
    reference: 'RFC 9700 2.1',
    check: ({ hops, flows }) => {
      const byState = new Map<string, string[]>();
      const hopById = new Map(hops.map((h) => [h.e.id, h]));
      for (const f of flows) {
        for (const id of f.exchangeIds) {
          const hop = hopById.get(id);
          const request = hop ? messageOf(hop, 'authorization-request') : undefined;
          if (request?.state)
            byState.set(request.state, [...new Set([...(byState.get(request.state) ?? []), f.id])]);
        }
      }
      const findings: Finding[] = [];
      for (const [state, flowIds] of byState) {
        if (flowIds.length < 2) continue;
        const reqHops = hops.filter((h) => messageOf(h, 'authorization-request')?.state === state);
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
