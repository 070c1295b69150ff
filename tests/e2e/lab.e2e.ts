// The Storezero lab scenarios (issue 3) in real Chromium with the built extension loaded: for
// each scenario, the hops and cookies the extension captured, read from the panel page.
// Flow-level assertions (which flow, which diagnostics) come with the analysis issue.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startLab, type Lab } from '../../lab/start.mjs';
import { launchChromiumWithExtension, type ExtensionBrowser } from './support/chromium';
import {
  cookieChanges,
  formFieldNames,
  readCookieEvents,
  runInChromium,
  setCookieLines,
  type Row,
} from './support/lab-run';

/** The rows whose method matches and whose URL starts with `prefix`. */
function rowsAt(rows: Row[], method: string, prefix: string): Row[] {
  return rows.filter((r) => r.method === method && r.url.startsWith(prefix));
}

/** Exactly one row; fails with the list of rows when there is none or several. */
function oneRow(rows: Row[], method: string, prefix: string): Row {
  const found = rowsAt(rows, method, prefix);
  expect(
    found,
    `one ${method} ${prefix}… in ${JSON.stringify(rows.map(describeRow))}`,
  ).toHaveLength(1);
  return found[0] as Row;
}

function describeRow(r: Row): string {
  return `${r.method} ${r.status} ${r.url}${r.redirect ? ` -> ${r.redirect}` : ''}`;
}

function paramsOf(url: string): URLSearchParams {
  return new URL(url).searchParams;
}

const is30x = (status: string) => /^30[1-8]$/.test(status);

describe('the lab scenarios in Chromium with the extension', () => {
  let lab: Lab;
  let chromium: ExtensionBrowser | undefined;
  const faultLabs: Lab[] = [];

  beforeAll(async () => {
    lab = await startLab({ ports: { app: 0, auth: 0, idp: 0 } });
  });
  afterAll(async () => {
    await lab?.close();
  });
  // A fresh browser per test: no scenario leaks a session into the next.
  beforeEach(async () => {
    chromium = await launchChromiumWithExtension();
  });
  afterEach(async () => {
    await chromium?.close();
    chromium = undefined;
    await Promise.all(faultLabs.splice(0).map((l) => l.close()));
  });

  async function labWith(faults: string): Promise<Lab> {
    const l = await startLab({ ports: { app: 0, auth: 0, idp: 0 }, faults });
    faultLabs.push(l);
    return l;
  }

  /** The hops of a password login at auth, from /account to /account; returns them by name. */
  function expectPasswordLoginHops(rows: Row[], l: Lab) {
    const { app, auth } = l.urls;
    const account = rowsAt(rows, 'GET', `${app}/account`)[0];
    expect(account?.status).toBe('302');
    expect(account?.redirect).toBe(`${app}/login`);
    const login = rowsAt(rows, 'GET', `${app}/login`)[0] as Row;
    expect(login.status).toBe('302');
    expect(login.setCookies).toContain('storezero.tx');
    expect(login.redirect.startsWith(`${auth}/authorize?`)).toBe(true);
    // The authorization request: a 30x at auth that sends the browser to the login page.
    const authorize = rowsAt(rows, 'GET', `${auth}/authorize?`)[0] as Row;
    expect(authorize.url).toBe(login.redirect);
    expect(is30x(authorize.status)).toBe(true);
    expect(authorize.redirect.startsWith(`${auth}/interaction/`)).toBe(true);
    expect(authorize.setCookies).toContain('_interaction');
    const page = oneRow(rows, 'GET', authorize.redirect);
    expect(page.status).toBe('200');
    return { account, login, authorize, page };
  }

  /** The end of any login: auth's resume hop with a code, the callback, /account. */
  function expectCallbackHops(rows: Row[], l: Lab, from = 0) {
    const { app, auth } = l.urls;
    const tail = rows.slice(from);
    const resume = rowsAt(tail, 'GET', `${auth}/authorize/`)[0] as Row;
    expect(is30x(resume.status)).toBe(true);
    expect(resume.setCookies).toContain('_session');
    expect(resume.redirect.startsWith(`${app}/callback?code=`)).toBe(true);
    const callback = oneRow(tail, 'GET', resume.redirect);
    expect(callback.status).toBe('302');
    expect(callback.sentCookies).toContain('storezero.tx');
    expect(callback.setCookies).toEqual(expect.arrayContaining(['storezero.tx', 'storezero.sid']));
    expect(callback.redirect).toBe(`${app}/account`);
    const last = tail.at(-1) as Row;
    expect(describeRow(last)).toBe(`GET 200 ${app}/account`);
    expect(last.sentCookies).toContain('storezero.sid');
    return { resume, callback };
  }

  it('1 password login: authorize 30x, the credentials POST, auth _session, the callback sets storezero.sid and clears storezero.tx', async () => {
    const run = await runInChromium(chromium!, lab, 1);
    expect(run.result.steps.map((s) => s.step)).toEqual(['password-login']);
    const { rows, panel } = run;
    const { auth } = lab.urls;
    const { authorize, page } = expectPasswordLoginHops(rows, lab);
    const q = paramsOf(authorize.url);
    expect(q.get('response_type')).toBe('code');
    expect(q.get('state')).toBeTruthy();
    expect(q.get('nonce')).toBeTruthy();
    expect(q.get('code_challenge_method')).toBe('S256');
    const post = oneRow(rows, 'POST', `${page.url}/login`);
    expect(post.status).toBe('303');
    expect(post.sentCookies).toContain('_interaction');
    expect((await formFieldNames(panel, post)).sort()).toEqual(['password', 'username']);
    const { callback } = expectCallbackHops(rows, lab);
    // Every hop of the login is in one tab.
    expect(new Set(rows.map((r) => r.tabId)).size).toBe(1);
    // No facebook in a password login.
    expect(rows.some((r) => r.url.startsWith(lab.urls.idp))).toBe(false);

    const lines = await setCookieLines(panel, callback);
    expect(lines.find((l) => l.startsWith('storezero.tx='))).toMatch(/Max-Age=0/);
    expect(lines.find((l) => l.startsWith('storezero.sid='))).toMatch(/HttpOnly; SameSite=Lax/);

    const events = await readCookieEvents(panel);
    expect(cookieChanges(events, 'storezero.sid', 'storezero.localhost').added).toBe(1);
    expect(cookieChanges(events, 'storezero.tx', 'storezero.localhost')).toMatchObject({
      added: 1,
      cleared: 1,
    });
    expect(cookieChanges(events, '_session', 'auth.localhost').added).toBeGreaterThanOrEqual(1);
    expect(cookieChanges(events, '_session', 'facebook.localhost').added).toBe(0);
    expect(rows.filter((r) => r.url.startsWith(auth)).length).toBeGreaterThanOrEqual(4);
  });

  it('2 federated login: the nested login at facebook, facebook _session, then back through auth', async () => {
    const run = await runInChromium(chromium!, lab, 2);
    const { rows, panel } = run;
    const { auth, idp } = lab.urls;
    const { page } = expectPasswordLoginHops(rows, lab);
    // "Log in with Facebook": auth becomes a client of facebook.
    const federate = oneRow(rows, 'POST', `${page.url}/federated`);
    expect(is30x(federate.status)).toBe(true);
    expect(federate.setCookies).toContain('_federation');
    expect(federate.redirect.startsWith(`${idp}/dialog/oauth?`)).toBe(true);
    const q = paramsOf(federate.redirect);
    expect(q.get('redirect_uri')).toBe(`${auth}/federation/facebook/callback`);
    expect(q.get('state')).toBeTruthy();
    expect(q.get('code_challenge')).toBeTruthy();
    const dialog = oneRow(rows, 'GET', federate.redirect);
    expect(is30x(dialog.status)).toBe(true);
    expect(dialog.redirect.startsWith(`${idp}/interaction/`)).toBe(true);
    const idpLogin = oneRow(rows, 'POST', `${dialog.redirect}/login`);
    expect(idpLogin.status).toBe('303');
    // facebook's form: email, pass and the submit button's name.
    expect((await formFieldNames(panel, idpLogin)).sort()).toEqual(['email', 'login', 'pass']);
    // facebook's session is set on the redirect after the login POST.
    const idpResume = oneRow(rows, 'GET', `${idp}/dialog/oauth/`);
    expect(idpResume.setCookies).toContain('_session');
    expect(idpResume.redirect.startsWith(`${auth}/federation/facebook/callback?code=`)).toBe(true);
    const fedCallback = oneRow(rows, 'GET', idpResume.redirect);
    expect(fedCallback.sentCookies).toContain('_federation');
    expect(fedCallback.redirect.startsWith(`${auth}/authorize/`)).toBe(true);
    // No password POST at auth: the login happened at facebook.
    expect(rowsAt(rows, 'POST', `${page.url}/login`)).toHaveLength(0);
    expectCallbackHops(rows, lab);

    const events = await readCookieEvents(panel);
    expect(cookieChanges(events, '_session', 'facebook.localhost').added).toBeGreaterThanOrEqual(1);
    expect(cookieChanges(events, '_session', 'auth.localhost').added).toBeGreaterThanOrEqual(1);
    expect(cookieChanges(events, 'storezero.sid', 'storezero.localhost').added).toBe(1);
    expect(cookieChanges(events, '_federation', 'auth.localhost')).toMatchObject({
      added: 1,
      cleared: 1,
    });
  });

  it('3 SSO: the second login sends auth _session on the authorize hop and posts no credentials', async () => {
    const run = await runInChromium(chromium!, lab, 3);
    const { rows, stepStarts } = run;
    const { app, auth } = lab.urls;
    expect([...stepStarts.keys()]).toEqual(['setup-password-login', 'app-logout', 'sso-login']);
    const logoutAt = stepStarts.get('app-logout') as number;
    const ssoAt = stepStarts.get('sso-login') as number;
    // The setup: a password login.
    expect(rowsAt(rows.slice(0, logoutAt), 'POST', `${auth}/interaction/`)).toHaveLength(1);
    // The app-only logout clears storezero.sid and nothing at auth.
    const logout = oneRow(rows.slice(logoutAt, ssoAt), 'GET', `${app}/logout`);
    expect(logout.setCookies).toEqual(['storezero.sid']);
    expect(logout.redirect).toBe(`${app}/`);
    expect(rows.slice(logoutAt, ssoAt).some((r) => r.url.startsWith(auth))).toBe(false);
    // The second login: auth answers from its session with a code at once.
    const sso = rows.slice(ssoAt);
    expect(sso.filter((r) => r.method === 'POST')).toEqual([]);
    const authorize = oneRow(sso, 'GET', `${auth}/authorize?`);
    expect(authorize.sentCookies).toContain('_session');
    expect(is30x(authorize.status)).toBe(true);
    expect(authorize.redirect.startsWith(`${app}/callback?code=`)).toBe(true);
    expect(sso.some((r) => r.url.startsWith(`${auth}/interaction/`))).toBe(false);
    const callback = oneRow(sso, 'GET', authorize.redirect);
    expect(callback.setCookies).toContain('storezero.sid');
    expect(describeRow(sso.at(-1) as Row)).toBe(`GET 200 ${app}/account`);

    const events = await readCookieEvents(run.panel);
    const sid = cookieChanges(events, 'storezero.sid', 'storezero.localhost');
    expect(sid.added).toBe(2);
    expect(sid.cleared).toBe(1);
  });

  it('4 silent auth: prompt=none succeeds with the auth session, then login_required after a full logout', async () => {
    const run = await runInChromium(chromium!, lab, 4);
    const { rows, stepStarts } = run;
    const { app, auth } = lab.urls;
    const success = rows.slice(
      stepStarts.get('silent-auth-success'),
      stepStarts.get('full-logout'),
    );
    const logout = rows.slice(
      stepStarts.get('full-logout'),
      stepStarts.get('silent-auth-login-required'),
    );
    const required = rows.slice(stepStarts.get('silent-auth-login-required'));

    const silent1 = oneRow(success, 'GET', `${app}/silent`);
    expect(silent1.setCookies).toContain('storezero.tx');
    const authorize1 = oneRow(success, 'GET', `${auth}/authorize?`);
    expect(authorize1.url).toBe(silent1.redirect);
    expect(paramsOf(authorize1.url).get('prompt')).toBe('none');
    expect(authorize1.sentCookies).toContain('_session');
    expect(authorize1.redirect.startsWith(`${app}/callback?code=`)).toBe(true);
    expect(oneRow(success, 'GET', authorize1.redirect).setCookies).toContain('storezero.sid');

    // Full logout: the app clears its cookie, auth's end_session confirmation clears _session.
    const logoutFull = oneRow(logout, 'GET', `${app}/logout/full`);
    expect(logoutFull.setCookies).toContain('storezero.sid');
    expect(logoutFull.redirect.startsWith(`${auth}/session/end?`)).toBe(true);
    expect(paramsOf(logoutFull.redirect).get('id_token_hint')).toBeTruthy();
    const confirm = oneRow(logout, 'POST', `${auth}/session/end/confirm`);
    expect(confirm.setCookies).toContain('_session');
    expect(confirm.redirect).toBe(`${app}/`);

    const authorize2 = oneRow(required, 'GET', `${auth}/authorize?`);
    expect(paramsOf(authorize2.url).get('prompt')).toBe('none');
    expect(authorize2.sentCookies).not.toContain('_session');
    expect(is30x(authorize2.status)).toBe(true);
    expect(paramsOf(authorize2.redirect).get('error')).toBe('login_required');
    const callback = oneRow(required, 'GET', `${app}/callback?error=login_required`);
    expect(callback.status).toBe('200');
    expect(callback.setCookies).toEqual(['storezero.tx']);
    // No login page was shown in either silent request.
    expect([...success, ...required].some((r) => r.url.startsWith(`${auth}/interaction/`))).toBe(
      false,
    );

    const events = await readCookieEvents(run.panel);
    expect(cookieChanges(events, '_session', 'auth.localhost').cleared).toBeGreaterThanOrEqual(1);
  });

  it('5 logout: app-only logout keeps auth, full logout clears auth, facebook asks no password again', async () => {
    const run = await runInChromium(chromium!, lab, 5);
    const { rows, stepStarts, panel } = run;
    const { app, auth, idp } = lab.urls;
    const part = (from: string, to?: string) =>
      rows.slice(stepStarts.get(from), to ? stepStarts.get(to) : undefined);
    const setup = part('setup-federated-login', 'app-logout');
    const appLogout = part('app-logout', 'sso-login');
    const sso = part('sso-login', 'full-logout');
    const fullLogout = part('full-logout', 'federated-login-idp-session');
    const relogin = part('federated-login-idp-session');

    expect(rowsAt(setup, 'POST', `${idp}/interaction/`)).toHaveLength(1);
    expect(oneRow(appLogout, 'GET', `${app}/logout`).setCookies).toEqual(['storezero.sid']);
    expect(appLogout.some((r) => r.url.startsWith(auth))).toBe(false);
    expect(oneRow(sso, 'GET', `${auth}/authorize?`).sentCookies).toContain('_session');
    expect(sso.filter((r) => r.method === 'POST')).toEqual([]);
    const confirm = oneRow(fullLogout, 'POST', `${auth}/session/end/confirm`);
    expect(confirm.setCookies).toEqual(expect.arrayContaining(['_session', '_session.sig']));
    const clearLines = await setCookieLines(panel, confirm);
    expect(clearLines.find((l) => l.startsWith('_session='))).toMatch(/expires=Thu, 01 Jan 1970/i);
    // Full logout never reaches facebook: its session survives.
    expect(fullLogout.some((r) => r.url.startsWith(idp))).toBe(false);

    // The re-login: auth asks again (its session is gone), facebook answers from its session.
    const authorize = oneRow(relogin, 'GET', `${auth}/authorize?`);
    expect(authorize.sentCookies).not.toContain('_session');
    expect(authorize.redirect.startsWith(`${auth}/interaction/`)).toBe(true);
    const dialog = oneRow(relogin, 'GET', `${idp}/dialog/oauth?`);
    expect(dialog.sentCookies).toContain('_session');
    expect(dialog.redirect.startsWith(`${auth}/federation/facebook/callback?code=`)).toBe(true);
    expect(relogin.filter((r) => r.method === 'POST' && r.url.startsWith(idp))).toEqual([]);
    expect(relogin.some((r) => r.url.startsWith(`${idp}/interaction/`))).toBe(false);
    expect(describeRow(relogin.at(-1) as Row)).toBe(`GET 200 ${app}/account`);

    const events = await readCookieEvents(panel);
    expect(cookieChanges(events, '_session', 'auth.localhost').cleared).toBeGreaterThanOrEqual(1);
    expect(cookieChanges(events, '_session', 'facebook.localhost').cleared).toBe(0);
    expect(cookieChanges(events, 'storezero.sid', 'storezero.localhost').cleared).toBe(2);
  });

  describe('faulty variants', () => {
    it('weak-client: the authorize hop carries no state, no code_challenge, no nonce', async () => {
      const l = await labWith('weak-client');
      const { rows } = await runInChromium(chromium!, l, 'faulty-login');
      const { authorize } = expectPasswordLoginHops(rows, l);
      const q = paramsOf(authorize.url);
      expect(q.get('response_type')).toBe('code');
      expect(q.has('state')).toBe(false);
      expect(q.has('code_challenge')).toBe(false);
      expect(q.has('nonce')).toBe(false);
      const { callback } = expectCallbackHops(rows, l);
      expect(paramsOf(callback.url).has('state')).toBe(false);
    });

    it('implicit-form-post: id_token token with form_post, the tokens POSTed cross-site to the callback', async () => {
      const l = await labWith('implicit-form-post');
      const { rows, panel } = await runInChromium(chromium!, l, 'faulty-login');
      const { app, auth } = l.urls;
      const { authorize } = expectPasswordLoginHops(rows, l);
      const q = paramsOf(authorize.url);
      expect(q.get('response_type')).toBe('id_token token');
      expect(q.get('response_mode')).toBe('form_post');
      expect(q.get('client_id')).toBe('storezero-legacy');
      // auth answers with a page (200), not a redirect: the form that posts itself.
      const resume = oneRow(rows, 'GET', `${auth}/authorize/`);
      expect(resume.status).toBe('200');
      expect(resume.redirect).toBe('');
      expect(resume.setCookies).toContain('_session');
      const post = oneRow(rows, 'POST', `${app}/callback`);
      expect(post.status).toBe('302');
      expect(post.sentCookies).toContain('storezero.tx'); // SameSite=None; Secure survives
      expect(post.setCookies).toEqual(expect.arrayContaining(['storezero.sid', 'storezero.tx']));
      expect(await formFieldNames(panel, post)).toEqual(
        expect.arrayContaining(['id_token', 'access_token', 'state']),
      );
      expect(rowsAt(rows, 'GET', `${app}/callback`)).toHaveLength(0);
      expect(describeRow(rows.at(-1) as Row)).toBe(`GET 200 ${app}/account`);
    });

    it('redirect-uri-mismatch: auth answers the authorize request with its error page', async () => {
      const l = await labWith('redirect-uri-mismatch');
      const { rows } = await runInChromium(chromium!, l, 'faulty-login');
      const { app, auth } = l.urls;
      const authorize = oneRow(rows, 'GET', `${auth}/authorize?`);
      expect(paramsOf(authorize.url).get('redirect_uri')).toBe(`${app}/callback/`);
      expect(authorize.status).toBe('400');
      expect(authorize.redirect).toBe('');
      expect(rows.at(-1)).toEqual(authorize);
      expect(rows.some((r) => r.url.startsWith(`${app}/callback`))).toBe(false);
      expect(rows.some((r) => r.setCookies.includes('_session'))).toBe(false);
    });

    it('samesite-none-insecure: Set-Cookie storezero.sid with SameSite=None and no Secure, refused by Chromium', async () => {
      const l = await labWith('samesite-none-insecure');
      const { rows, panel } = await runInChromium(chromium!, l, 'faulty-login');
      const { app } = l.urls;
      const { callback } = expectCallbackHopsUntilRejected(rows, l);
      const line = (await setCookieLines(panel, callback)).find((s) =>
        s.startsWith('storezero.sid='),
      );
      expect(line).toMatch(/SameSite=None/);
      expect(line).not.toMatch(/Secure/);
      // The next hop does not send it: the browser refused the cookie.
      const account = oneRow(rows, 'GET', `${app}/account?from=callback`);
      expect(account.status).toBe('401');
      expect(account.sentCookies).not.toContain('storezero.sid');
      // And the jar never held it (the panel's cookie changes have none), while auth's did.
      const events = await readCookieEvents(panel);
      expect(cookieChanges(events, 'storezero.sid', 'storezero.localhost').added).toBe(0);
      expect(cookieChanges(events, '_session', 'auth.localhost').added).toBeGreaterThanOrEqual(1);
    });
  });

  /** The callback of a login whose session cookie the browser refused. */
  function expectCallbackHopsUntilRejected(rows: Row[], l: Lab) {
    const { app } = l.urls;
    expectPasswordLoginHops(rows, l);
    const callback = oneRow(rows, 'GET', `${app}/callback?code=`);
    expect(callback.status).toBe('302');
    expect(callback.setCookies).toEqual(expect.arrayContaining(['storezero.tx', 'storezero.sid']));
    expect(callback.redirect).toBe(`${app}/account?from=callback`);
    return { callback };
  }
});
