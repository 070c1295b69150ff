// Smoke test of the Storezero lab (lab/): the three servers on random ports, driven over HTTP by
// a tiny browser stand-in (manual redirects, cookie jar). Real-browser runs of the scenarios
// live with the end-to-end tests; this proves the parties, hops and cookies in a few seconds.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from '../../lab/start.mjs';
import { createHttpClient, readForm, type Hop, type PageResult } from '../../lab/http-client.mjs';
import { parseFaults } from '../../lab/faults.mjs';

const RANDOM_PORTS = { app: 0, auth: 0, idp: 0 };

/** The hop whose URL starts with prefix (throws when missing, to keep assertions short). */
function hopTo(hops: Hop[], prefix: string): Hop {
  const hop = hops.find((h) => h.url.startsWith(prefix));
  if (!hop) throw new Error(`no hop to ${prefix} in\n${hops.map((h) => h.url).join('\n')}`);
  return hop;
}

function setCookieNames(hop: Hop): string[] {
  return hop.setCookies.map((c) => c.slice(0, c.indexOf('=')));
}

async function passwordLogin(lab: Lab, client = createHttpClient()) {
  const loginPage = await client.navigate(`${lab.urls.app}/account`);
  const done = await client.submit(loginPage, 'login-form', {
    username: lab.users.auth.username,
    password: lab.users.auth.password,
  });
  return { client, loginPage, done, hops: [...loginPage.hops, ...done.hops] };
}

describe('Storezero lab over HTTP', () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await startLab({ ports: RANDOM_PORTS });
  }, 30_000);
  afterAll(async () => {
    await lab?.close();
  });

  it('starts three parties on their own *.localhost host names and random ports', async () => {
    const hosts = Object.values(lab.urls).map((u) => new URL(u));
    expect(hosts.map((u) => u.hostname)).toEqual([
      'storezero.localhost',
      'auth.localhost',
      'facebook.localhost',
    ]);
    expect(hosts.every((u) => Number(u.port) > 0)).toBe(true);
    const discovery = (await (
      await fetch(`${lab.urls.auth}/.well-known/openid-configuration`)
    ).json()) as Record<string, unknown>;
    expect(discovery.issuer).toBe(lab.urls.auth);
    expect(discovery.authorization_endpoint).toBe(`${lab.urls.auth}/authorize`);
    expect(discovery.end_session_endpoint).toBe(`${lab.urls.auth}/session/end`);
    const idp = (await (
      await fetch(`${lab.urls.idp}/.well-known/openid-configuration`)
    ).json()) as Record<string, unknown>;
    expect(idp.authorization_endpoint).toBe(`${lab.urls.idp}/dialog/oauth`);
  });

  it('scenario 1: username/password login creates the app and auth sessions', async () => {
    const { client, loginPage, done, hops } = await passwordLogin(lab);
    expect(loginPage.url).toMatch(new RegExp(`^${lab.urls.auth}/interaction/`));
    expect(done.status).toBe(200);
    expect(done.url).toBe(`${lab.urls.app}/account`);
    expect(done.body).toContain('Alice Liddell');

    // The authorization request: code flow, PKCE S256, state and nonce, transaction cookie.
    const login = hopTo(hops, `${lab.urls.app}/login`);
    const authorize = new URL(login.location ?? '');
    expect(authorize.origin + authorize.pathname).toBe(`${lab.urls.auth}/authorize`);
    const q = authorize.searchParams;
    expect(q.get('response_type')).toBe('code');
    expect(q.get('client_id')).toBe('storezero');
    expect(q.get('redirect_uri')).toBe(`${lab.urls.app}/callback`);
    expect(q.get('state')).toBeTruthy();
    expect(q.get('nonce')).toBeTruthy();
    expect(q.get('code_challenge_method')).toBe('S256');
    expect(login.setCookies.join()).toMatch(/^storezero\.tx=.+Path=\/callback/);

    // The callback carries code, the same state and iss; it sets the session, clears the tx.
    const callback = hopTo(hops, `${lab.urls.app}/callback`);
    const cb = new URL(callback.url).searchParams;
    expect(cb.get('code')).toBeTruthy();
    expect(cb.get('state')).toBe(q.get('state'));
    expect(cb.get('iss')).toBe(lab.urls.auth);
    expect(setCookieNames(callback)).toEqual(
      expect.arrayContaining(['storezero.sid', 'storezero.tx']),
    );
    expect(callback.location).toBe(`${lab.urls.app}/account`);

    expect(client.cookies('storezero.localhost')).toHaveProperty('storezero.sid');
    expect(client.cookies('storezero.localhost')).not.toHaveProperty('storezero.tx');
    expect(client.cookies('auth.localhost')).toHaveProperty('_session');
    expect(client.cookies('facebook.localhost')).toEqual({});
  });

  it('scenario 2: login through facebook creates three sessions (the broker pattern)', async () => {
    const client = createHttpClient();
    const loginPage = await client.navigate(`${lab.urls.app}/account`);
    const idpPage = await client.submit(loginPage, 'federated-form');
    expect(idpPage.url).toMatch(new RegExp(`^${lab.urls.idp}/interaction/`));
    const nested = new URL(hopTo(idpPage.hops, `${lab.urls.idp}/dialog/oauth?`).url).searchParams;
    expect(nested.get('client_id')).toBe('auth');
    expect(nested.get('redirect_uri')).toBe(`${lab.urls.auth}/federation/facebook/callback`);
    expect(nested.get('code_challenge_method')).toBe('S256');

    const done = await client.submit(idpPage, 'idp-login-form', {
      email: lab.users.idp.username,
      pass: lab.users.idp.password,
    });
    expect(done.url).toBe(`${lab.urls.app}/account`);
    expect(done.body).toContain('Bob Builder');
    const back = hopTo(done.hops, `${lab.urls.auth}/federation/facebook/callback`);
    expect(new URL(back.url).searchParams.get('state')).toBe(nested.get('state'));
    expect(back.location).toMatch(new RegExp(`^${lab.urls.auth}/authorize/`));
    expect(client.cookies('storezero.localhost')).toHaveProperty('storezero.sid');
    expect(client.cookies('auth.localhost')).toHaveProperty('_session');
    expect(client.cookies('facebook.localhost')).toHaveProperty('_session');
  });

  it('scenarios 3-5: SSO, silent auth, app-only and full logout; the facebook session survives', async () => {
    const client = createHttpClient();
    const loginPage = await client.navigate(`${lab.urls.app}/account`);
    const idpPage = await client.submit(loginPage, 'federated-form');
    await client.submit(idpPage, 'idp-login-form', {
      email: lab.users.idp.username,
      pass: lab.users.idp.password,
    });

    // 3: app-only logout, then straight back in: auth answers with a code, no login page.
    await client.navigate(`${lab.urls.app}/logout`);
    expect(client.cookies('storezero.localhost')).not.toHaveProperty('storezero.sid');
    const sso = await client.navigate(`${lab.urls.app}/account`);
    expect(sso.url).toBe(`${lab.urls.app}/account`);
    expect(sso.hops.some((h) => h.url.includes('/interaction/'))).toBe(false);

    // 4: prompt=none while logged in succeeds.
    const silent = await client.navigate(`${lab.urls.app}/silent`);
    expect(
      new URL(hopTo(silent.hops, `${lab.urls.auth}/authorize?`).url).searchParams.get('prompt'),
    ).toBe('none');
    expect(silent.url).toBe(`${lab.urls.app}/account`);

    // 5: full logout (RP-initiated, id_token_hint), submitting the confirmation by hand.
    const confirm = await client.navigate(`${lab.urls.app}/logout/full`);
    const end = new URL(hopTo(confirm.hops, `${lab.urls.auth}/session/end?`).url).searchParams;
    expect(end.get('id_token_hint')).toBeTruthy();
    expect(end.get('post_logout_redirect_uri')).toBe(`${lab.urls.app}/`);
    const home = await client.submit(confirm, 'op.logoutForm', { logout: 'yes' });
    expect(home.url).toBe(`${lab.urls.app}/`);
    expect(home.body).toContain('Not logged in');
    expect(client.cookies('auth.localhost')).not.toHaveProperty('_session');
    expect(client.cookies('facebook.localhost')).toHaveProperty('_session');

    // 4 again: now prompt=none answers login_required and the app shows it.
    const required = await client.navigate(`${lab.urls.app}/silent`);
    expect(required.status).toBe(200);
    expect(required.body).toContain('data-error="login_required"');

    // 5: the next federated login shows no facebook password form (its session survived).
    const again = await client.navigate(`${lab.urls.app}/account`);
    const done = await client.submit(again, 'federated-form');
    expect(done.url).toBe(`${lab.urls.app}/account`);
    expect(done.hops.some((h) => h.url.startsWith(`${lab.urls.idp}/interaction/`))).toBe(false);
  });
});

describe('Storezero lab faults', () => {
  const labs: Lab[] = [];
  const start = async (faults: string) => {
    const lab = await startLab({ ports: RANDOM_PORTS, faults });
    labs.push(lab);
    return lab;
  };
  afterAll(async () => {
    await Promise.all(labs.map((l) => l.close()));
  });

  it('rejects unknown fault names and expands aliases', () => {
    expect(() => parseFaults('no-stat')).toThrow(/Unknown lab fault/);
    expect(parseFaults('weak-client, no-pkce')).toEqual(['no-state', 'no-pkce', 'no-nonce']);
  });

  it('weak-client + samesite-none-insecure: no state, PKCE or nonce; SameSite=None without Secure', async () => {
    const lab = await start('weak-client,samesite-none-insecure');
    const { hops, done } = await passwordLogin(lab);
    const q = new URL(hopTo(hops, `${lab.urls.app}/login`).location ?? '').searchParams;
    expect(q.has('state')).toBe(false);
    expect(q.has('nonce')).toBe(false);
    expect(q.has('code_challenge')).toBe(false);
    const sid = hopTo(hops, `${lab.urls.app}/callback`).setCookies.find((c) =>
      c.startsWith('storezero.sid='),
    );
    expect(sid).toMatch(/SameSite=None/);
    expect(sid).not.toMatch(/Secure/);
    // This jar keeps the cookie a browser would refuse, so the login completes here.
    expect(done.url).toBe(`${lab.urls.app}/account?from=callback`);
  });

  it('implicit-form-post: id_token token answered by an auto-submitting form', async () => {
    const lab = await start('implicit-form-post');
    const client = createHttpClient();
    const loginPage = await client.navigate(`${lab.urls.app}/account`);
    const q = new URL(hopTo(loginPage.hops, `${lab.urls.auth}/authorize?`).url).searchParams;
    expect(q.get('response_type')).toBe('id_token token');
    expect(q.get('response_mode')).toBe('form_post');
    const formPost: PageResult = await client.submit(loginPage, 'login-form', {
      username: lab.users.auth.username,
      password: lab.users.auth.password,
    });
    const form = readForm(formPost.body);
    expect(form?.action).toBe(`${lab.urls.app}/callback`);
    expect(Object.keys(form?.fields ?? {})).toEqual(
      expect.arrayContaining(['id_token', 'access_token', 'state']),
    );
    const done = await client.submit(formPost, undefined);
    expect(done.hops[0]?.method).toBe('POST');
    expect(done.url).toBe(`${lab.urls.app}/account`);
    expect(done.body).toContain('Alice Liddell');
  });

  it('redirect-uri-mismatch: the authorization server shows an error page', async () => {
    const lab = await start('redirect-uri-mismatch');
    const page = await createHttpClient().navigate(`${lab.urls.app}/account`);
    expect(page.status).toBe(400);
    expect(page.url).toMatch(new RegExp(`^${lab.urls.auth}/authorize\\?`));
    expect(page.body).toContain('invalid_redirect_uri');
  });
});
