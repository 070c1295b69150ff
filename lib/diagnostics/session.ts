import { messageOf } from '../analysis/hops';
import { isLoopback } from '../protocol/params';
import type { Finding, FlowRule, GlobalRule } from './rule';

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
      const created = new Map<string, { role: string; names: string[] }>();
      for (const f of ctx.previous) {
        for (const t of f.tiers) {
          for (const c of t.sessionCookies) {
            if (c.change === 'created' || c.change === 'updated')
              created.set(t.origin, {
                role: t.role,
                names: [...new Set([...(created.get(t.origin)?.names ?? []), c.name])],
              });
            if (c.change === 'cleared')
              created
                .get(t.origin)
                ?.names.splice(created.get(t.origin)?.names.indexOf(c.name) ?? 0, 1);
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
  {
    id: 'INSECURE_TRANSPORT',
    reference: 'RFC 9700 2.6; RFC 8252 7.3',
    check: (ctx) =>
      ctx.flowHops
        .filter(
          (h) =>
            h.e.url.startsWith('http:') &&
            !isLoopback(h.e.url) &&
            h.messages.some((m) => m.type !== 'credentials' && m.type !== 'frontchannel-logout'),
        )
        .map((h) => ({
          severity: 'error' as const,
          message: `A protocol message travels over plain http:// to ${h.host}.`,
          hops: [h],
        })),
  },
  {
    id: 'REDIRECT_LOOP',
    reference: 'Fetch, HTTP-redirect fetch',
    check: (ctx) => {
      const findings: Finding[] = [];
      const seen = new Map<string, number[]>();
      for (const h of ctx.flowHops) {
        if (!h.e.redirectUrl) continue;
        const key = h.e.url.replace(/[?#].*$/, '');
        const times = [...(seen.get(key) ?? []), h.e.startedAt].filter(
          (t) => h.e.startedAt - t <= 30_000,
        );
        seen.set(key, times);
        if (times.length === 3)
          findings.push({
            severity: 'error',
            message: `${key} redirected 3 times within 30 seconds: a redirect loop.`,
            hops: [h],
          });
      }
      if (ctx.flowHops.some((h) => /ERR_TOO_MANY_REDIRECTS|REDIRECT_LOOP/i.test(h.e.error ?? ''))) {
        findings.push({
          severity: 'error',
          message: 'The browser gave up: too many redirects.',
          hops: ctx.flowHops.filter((h) => /REDIRECT/i.test(h.e.error ?? '')),
        });
      }
      return findings;
    },
  },
];

export const sessionGlobalRules: GlobalRule[] = [
  {
    id: 'STATE_REUSED',
    reference: 'RFC 9700 2.1',
    check: ({ hops, flows }) => {
      const byState = new Map<string, string[]>();
      for (const f of flows) {
        for (const id of f.exchangeIds) {
          const hop = hops.find((h) => h.e.id === id);
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
