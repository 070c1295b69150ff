import { describe, expect, it } from 'vitest';
import { analyze } from '@/lib/analysis/analyze';
import type { Flow } from '@/lib/analysis/types';
import { TrafficBuilder } from '../../helpers/flow-builder';

// protocol.md section 6, with host names of our own: login through an upstream IdP, then SSO,
// then a full logout after which the IdP session survives.
const APP = 'https://shop.example';
const AS = 'https://login.example';
const IDP = 'https://social.example';

function federatedLogin(t: TrafficBuilder) {
  t.go('GET', `${APP}/account`, { redirect: `${APP}/login` });
  t.go('GET', `${APP}/login`, {
    redirect: `${AS}/authorize?response_type=code&client_id=shop&redirect_uri=${encodeURIComponent(`${APP}/callback`)}&scope=openid%20profile&state=S1&nonce=N1&code_challenge=C1&code_challenge_method=S256`,
    setCookies: ['shop.tx=t1; Path=/callback; HttpOnly; Secure; SameSite=Lax'],
  });
  t.go(
    'GET',
    `${AS}/authorize?response_type=code&client_id=shop&redirect_uri=${encodeURIComponent(`${APP}/callback`)}&scope=openid%20profile&state=S1&nonce=N1&code_challenge=C1&code_challenge_method=S256`,
    {
      status: 303,
      redirect: `${AS}/interaction/Ux1a2b3c4d5e6f7`,
      setCookies: [
        '_interaction=i1; Path=/interaction/Ux1a2b3c4d5e6f7; HttpOnly; Secure; SameSite=Lax',
      ],
    },
  );
  t.go('GET', `${AS}/interaction/Ux1a2b3c4d5e6f7`);
  t.go('POST', `${AS}/interaction/Ux1a2b3c4d5e6f7/federated`, {
    status: 303,
    form: { upstream: 'social' },
    redirect: `${IDP}/dialog/oauth?response_type=code&client_id=login&redirect_uri=${encodeURIComponent(`${AS}/federation/social/callback`)}&scope=openid&state=S2&nonce=N2&code_challenge=C2&code_challenge_method=S256`,
    newRequest: true,
  });
  t.go(
    'GET',
    `${IDP}/dialog/oauth?response_type=code&client_id=login&redirect_uri=${encodeURIComponent(`${AS}/federation/social/callback`)}&scope=openid&state=S2&nonce=N2&code_challenge=C2&code_challenge_method=S256`,
    {
      status: 303,
      redirect: `${IDP}/interaction/Fx9y8z7w6v5u4t3`,
    },
  );
  t.go('GET', `${IDP}/interaction/Fx9y8z7w6v5u4t3`);
  t.go('POST', `${IDP}/interaction/Fx9y8z7w6v5u4t3/login`, {
    status: 303,
    form: { login: 'bob', password: 'pw' },
    redirect: `${IDP}/dialog/oauth/Fx9y8z7w6v5u4t3`,
    setCookies: ['_session=f1; Path=/; HttpOnly; Secure; SameSite=Lax'],
    newRequest: true,
  });
  t.go('GET', `${IDP}/dialog/oauth/Fx9y8z7w6v5u4t3`, {
    status: 303,
    redirect: `${AS}/federation/social/callback?code=K2&state=S2&iss=${encodeURIComponent(IDP)}`,
  });
  t.go('GET', `${AS}/federation/social/callback?code=K2&state=S2&iss=${encodeURIComponent(IDP)}`, {
    status: 303,
    redirect: `${AS}/authorize/Ux1a2b3c4d5e6f7`,
  });
  t.go('GET', `${AS}/authorize/Ux1a2b3c4d5e6f7`, {
    status: 303,
    redirect: `${APP}/callback?code=K1&state=S1&iss=${encodeURIComponent(AS)}`,
    setCookies: [
      '_session=a1; Path=/; HttpOnly; Secure; SameSite=Lax',
      '_interaction=; Path=/interaction/Ux1a2b3c4d5e6f7; Max-Age=0',
    ],
  });
  t.go('GET', `${APP}/callback?code=K1&state=S1&iss=${encodeURIComponent(AS)}`, {
    redirect: `${APP}/account`,
    setCookies: [
      'shop.sid=s1; Path=/; HttpOnly; Secure; SameSite=Lax',
      'shop.tx=; Path=/callback; Max-Age=0',
    ],
  });
  t.go('GET', `${APP}/account`);
}

function ssoLogin(t: TrafficBuilder) {
  t.go('GET', `${APP}/login`, {
    newRequest: true,
    redirect: `${AS}/authorize?response_type=code&client_id=shop&redirect_uri=${encodeURIComponent(`${APP}/callback`)}&scope=openid&state=S3&nonce=N3&code_challenge=C3&code_challenge_method=S256`,
    setCookies: ['shop.tx=t3; Path=/callback; HttpOnly; Secure; SameSite=Lax'],
  });
  t.go(
    'GET',
    `${AS}/authorize?response_type=code&client_id=shop&redirect_uri=${encodeURIComponent(`${APP}/callback`)}&scope=openid&state=S3&nonce=N3&code_challenge=C3&code_challenge_method=S256`,
    {
      status: 303,
      redirect: `${APP}/callback?code=K3&state=S3&iss=${encodeURIComponent(AS)}`,
    },
  );
  t.go('GET', `${APP}/callback?code=K3&state=S3&iss=${encodeURIComponent(AS)}`, {
    redirect: `${APP}/account`,
    setCookies: [
      'shop.sid=s3; Path=/; HttpOnly; Secure; SameSite=Lax',
      'shop.tx=; Path=/callback; Max-Age=0',
    ],
  });
  t.go('GET', `${APP}/account`);
}

function fullLogout(t: TrafficBuilder) {
  t.go('GET', `${APP}/logout/full`, {
    newRequest: true,
    redirect: `${AS}/session/end?id_token_hint=eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJib2IifQ.c2ln&post_logout_redirect_uri=${encodeURIComponent(`${APP}/`)}&client_id=shop`,
    setCookies: ['shop.sid=; Path=/; Max-Age=0'],
  });
  t.go(
    'GET',
    `${AS}/session/end?id_token_hint=eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJib2IifQ.c2ln&post_logout_redirect_uri=${encodeURIComponent(`${APP}/`)}&client_id=shop`,
    {
      status: 303,
      redirect: `${APP}/`,
      setCookies: ['_session=; Path=/; Max-Age=0'],
    },
  );
  t.go('GET', `${APP}/`);
}

const tier = (f: Flow | undefined, role: string) => f?.tiers.find((t) => t.role === role);
const cookies = (f: Flow | undefined, role: string) =>
  tier(f, role)?.sessionCookies.map((c) => `${c.name}:${c.change}`);

describe('analyze(): the worked example of protocol.md section 6', () => {
  const t = new TrafficBuilder();
  federatedLogin(t);
  ssoLogin(t);
  fullLogout(t);
  const analysis = analyze({ exchanges: t.exchanges, now: Date.parse('2026-11-30T10:05:00Z') });
  const [login, sso, logout] = analysis.flows;

  it('finds three flows: federated login, SSO, logout', () => {
    expect(analysis.flows.map((f) => [f.kind, f.protocol, f.outcome])).toEqual([
      ['federated-login', 'oidc', 'success'],
      ['sso', 'oidc', 'success'],
      ['logout', 'oidc', 'success'],
    ]);
  });

  it('names the parties from the structure of the flow', () => {
    expect(login?.parties.map((p) => [p.origin, p.role])).toEqual([
      [APP, 'app'],
      [AS, 'authorization-server'],
      [IDP, 'identity-provider'],
    ]);
    // Every hop of the login, the IdP's login page included.
    expect(login?.exchangeIds).toHaveLength(13);
  });

  it('finds the three sessions and leaves transaction cookies out', () => {
    expect(cookies(login, 'app')).toEqual(['shop.sid:created']);
    expect(cookies(login, 'authorization-server')).toEqual(['_session:created']);
    expect(cookies(login, 'identity-provider')).toEqual(['_session:created']);
  });

  it('infers the back-channel code exchange instead of inventing it', () => {
    const inferred = login?.steps.filter((s) => s.inferred) ?? [];
    expect(inferred.map((s) => [s.from, s.to])).toEqual([
      [AS, IDP],
      [APP, AS],
    ]);
  });

  it('the second login is SSO: the AS session was sent and proven, the app session updated', () => {
    expect(tier(sso, 'authorization-server')?.ssoProven).toBe(true);
    expect(cookies(sso, 'authorization-server')).toEqual(['_session:sent']);
    expect(cookies(sso, 'app')).toEqual(['shop.sid:updated']);
    expect(sso?.narrative.join(' ')).toMatch(
      /already logged in at .*login\.example.*no login page was shown/,
    );
  });

  it('the logout clears the app and AS sessions and says the IdP session survived', () => {
    expect(cookies(logout, 'app')).toEqual(['shop.sid:cleared']);
    expect(cookies(logout, 'authorization-server')).toEqual(['_session:cleared']);
    const incomplete = logout?.diagnostics.filter((d) => d.id === 'LOGOUT_INCOMPLETE') ?? [];
    expect(incomplete).toHaveLength(1);
    expect(incomplete[0]?.message).toMatch(
      /identity provider session at .*social\.example.*still alive/,
    );
  });

  it('a clean login reports no error-level problem', () => {
    for (const f of analysis.flows)
      expect(f.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(login?.narrative.join(' ')).toMatch(/Three sessions|3 sessions now exist/);
  });
});
