import { describe, expect, it } from 'vitest';
import { analyze } from '@/lib/analysis/analyze';
import { TrafficBuilder } from '../../helpers/flow-builder';

// Hand-made traffic for the shapes the lab does not produce: WS-Federation, PAR, JAR, a login
// in a popup, silent authentication in an iframe, hybrid fragment responses.
const APP = 'https://app.example';
const AS = 'https://login.example';
const enc = encodeURIComponent;
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

describe('protocol shapes', () => {
  it('WS-Federation: wsignin1.0 out, wresult posted back to wreply', () => {
    const t = new TrafficBuilder();
    t.go('GET', `${APP}/secure`, {
      redirect: `${AS}/adfs/ls/?wa=wsignin1.0&wtrealm=${enc('urn:app')}&wreply=${enc(`${APP}/signin-wsfed`)}&wctx=c1`,
    });
    t.go(
      'GET',
      `${AS}/adfs/ls/?wa=wsignin1.0&wtrealm=${enc('urn:app')}&wreply=${enc(`${APP}/signin-wsfed`)}&wctx=c1`,
    );
    t.go('POST', `${AS}/adfs/ls/`, {
      newRequest: true,
      form: { UserName: 'a', Password: 'p' },
      setCookies: ['MSISAuth=x; Path=/adfs; HttpOnly; Secure'],
    });
    t.go('POST', `${APP}/signin-wsfed`, {
      newRequest: true,
      form: { wa: 'wsignin1.0', wresult: '<t:RequestSecurityTokenResponse/>', wctx: 'c1' },
      redirect: `${APP}/secure`,
      setCookies: ['.AspNet.Cookies=s; Path=/; HttpOnly; Secure'],
    });
    t.go('GET', `${APP}/secure`);
    const [flow] = analyze({ exchanges: t.exchanges, now: 0 }).flows;
    expect(flow).toMatchObject({
      kind: 'interactive-login',
      protocol: 'wsfed',
      outcome: 'success',
    });
    expect(flow?.parties.map((p) => [p.origin, p.role])).toEqual([
      [APP, 'app'],
      [AS, 'authorization-server'],
    ]);
    expect(flow?.tiers.find((x) => x.role === 'app')?.sessionCookies.map((c) => c.name)).toEqual([
      '.AspNet.Cookies',
    ]);
  });

  it('PAR: only client_id and request_uri travel; no missing-state or PKCE complaints', () => {
    const t = new TrafficBuilder();
    const authorize = `${AS}/authorize?client_id=c&request_uri=${enc('urn:ietf:params:oauth:request_uri:abc')}`;
    t.go('GET', `${APP}/login`, { redirect: authorize });
    t.go('GET', authorize, { status: 303, redirect: `${APP}/cb?code=k&state=s&iss=${enc(AS)}` });
    t.go('GET', `${APP}/cb?code=k&state=s&iss=${enc(AS)}`, {
      setCookies: ['sid=1; Path=/; HttpOnly; Secure'],
    });
    const [flow] = analyze({ exchanges: t.exchanges, now: 0 }).flows;
    expect(flow).toMatchObject({ kind: 'sso', outcome: 'success' });
    expect(flow?.parties.map((p) => p.role)).toEqual(['app', 'authorization-server']);
    expect(flow?.steps[1]?.summary).toMatch(/PAR/);
    expect(flow?.diagnostics.map((d) => d.id)).not.toEqual(
      expect.arrayContaining(['STATE_MISSING', 'PKCE_MISSING']),
    );
  });

  it('JAR: the request object is decoded as a token of its own', () => {
    const t = new TrafficBuilder();
    const request = `${b64({ alg: 'RS256', typ: 'oauth-authz-req+jwt' })}.${b64({ client_id: 'c', redirect_uri: `${APP}/cb`, state: 's', nonce: 'n' })}.c2ln`;
    const authorize = `${AS}/authorize?client_id=c&response_type=code&redirect_uri=${enc(`${APP}/cb`)}&request=${request}`;
    t.go('GET', `${APP}/login`, { redirect: authorize });
    t.go('GET', authorize, { redirect: `${APP}/cb?code=k&state=s` });
    t.go('GET', `${APP}/cb?code=k&state=s`);
    const [flow] = analyze({ exchanges: t.exchanges, now: 0 }).flows;
    expect(flow?.tokens.map((x) => [x.kind, x.claims['state']])).toEqual([['request_object', 's']]);
    expect(flow?.steps[1]?.summary).toMatch(/JAR/);
  });

  it('a login in a popup: the popup tab holds the flow, the opener keeps its page', () => {
    const opener = new TrafficBuilder(Date.parse('2026-11-30T10:00:00Z'), 1);
    opener.go('GET', `${APP}/`);
    const popup = new TrafficBuilder(Date.parse('2026-11-30T10:00:01Z'), 2);
    const authorize = `${AS}/authorize?response_type=code&client_id=c&redirect_uri=${enc(`${APP}/popup-cb`)}&state=s&nonce=n&scope=openid&code_challenge=x&code_challenge_method=S256`;
    popup.go('GET', authorize, { redirect: `${AS}/login` });
    popup.go('GET', `${AS}/login`);
    popup.go('POST', `${AS}/login`, {
      newRequest: true,
      form: { password: 'p' },
      redirect: `${APP}/popup-cb?code=k&state=s`,
      setCookies: ['as=1; Path=/; HttpOnly; Secure'],
    });
    popup.go('GET', `${APP}/popup-cb?code=k&state=s`);
    const analysis = analyze({
      exchanges: [
        ...opener.exchanges,
        ...popup.exchanges.map((e) => ({ ...e, id: `p-${e.id}`, requestId: `p${e.requestId}` })),
      ],
      now: 0,
    });
    expect(analysis.flows.map((f) => [f.kind, f.outcome, f.tabId])).toEqual([
      ['interactive-login', 'success', 2],
    ]);
  });

  it('silent authentication in an iframe, answered by web_message-less query mode', () => {
    const t = new TrafficBuilder();
    const silent = `${AS}/authorize?response_type=code&client_id=c&redirect_uri=${enc(`${APP}/silent-cb`)}&state=s2&nonce=n2&scope=openid&prompt=none&code_challenge=x&code_challenge_method=S256`;
    t.go('GET', silent, {
      type: 'sub_frame',
      redirect: `${APP}/silent-cb?error=login_required&state=s2`,
      newRequest: true,
    });
    t.go('GET', `${APP}/silent-cb?error=login_required&state=s2`, { type: 'sub_frame' });
    const [flow] = analyze({ exchanges: t.exchanges, now: 0 }).flows;
    expect(flow).toMatchObject({ kind: 'silent-auth', outcome: 'error' });
    expect(flow?.diagnostics.map((d) => [d.id, d.severity])).toContainEqual([
      'SILENT_AUTH_FAILED',
      'info',
    ]);
  });

  it('hybrid flow: code and id_token in the fragment; the token is decoded and its nonce checked', () => {
    const t = new TrafficBuilder();
    const idToken = `${b64({ alg: 'RS256' })}.${b64({ iss: AS, aud: 'c', nonce: 'WRONG', exp: 4102444800, iat: 1 })}.c2ln`;
    const authorize = `${AS}/authorize?response_type=${enc('code id_token')}&client_id=c&redirect_uri=${enc(`${APP}/cb`)}&state=s&nonce=n&scope=openid&code_challenge=x&code_challenge_method=S256`;
    t.go('GET', authorize, { redirect: `${APP}/cb#code=k&id_token=${idToken}&state=s` });
    t.go('GET', `${APP}/cb`);
    const [flow] = analyze({ exchanges: t.exchanges, now: 0 }).flows;
    expect(flow?.tokens.map((x) => [x.kind, x.location])).toEqual([['id_token', 'fragment']]);
    expect(flow?.diagnostics.map((d) => d.id)).toContain('NONCE_MISMATCH');
  });
});
