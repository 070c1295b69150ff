#!/usr/bin/env node
// Records the Storezero lab scenarios as HAR files (Chromium's own HAR through Playwright) under
// tests/fixtures/lab/, so the analysis engine is tested on real traffic (issue 3).
//
//   npm run record-fixtures                      # every fixture
//   npm run record-fixtures -- --only=sso,logout # some of them
//   npm run record-fixtures -- --list            # names and what they hold
//   npm run record-fixtures -- --readme-only     # rewrite README.md from the HARs on disk
//
// The lab runs on its default ports (3000/3001/3002) so the URLs in the fixtures are stable;
// stop `npm run lab` first. Every request that is not for *.localhost is aborted, so nothing
// reaches the internet. Each fixture is one fresh browser context (no cookies) running one
// scenario of lab/scenarios.mjs; the faulty variants each get a lab started with that fault.
// After recording, the HAR is trimmed (binary bodies dropped, Playwright's private fields
// removed) and every entry gets a `comment` naming the scenario step it belongs to.
//
// Values that are random by nature (state, nonce, PKCE, codes, session ids, tokens, times)
// differ between recordings; the hops, cookies names and URLs do not.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { playwrightAdapter } from '../lab/adapters.mjs';
import { runScenario } from '../lab/scenarios.mjs';
import { DEFAULT_PORTS, startLab } from '../lab/start.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUT_DIR = path.join(ROOT, 'tests/fixtures/lab');
const CHROMIUM = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';
/** Text bodies above this size are cut (none of the lab's pages comes close). */
const MAX_TEXT_BODY = 64 * 1024;

/**
 * The fixtures: file name (without .har), scenario of lab/scenarios.mjs, lab faults, and what
 * the README says about them (the hop tables there are generated from the HAR files).
 * @type {Array<{ name: string, scenario: number, faults: string[], title: string, story: string, look: string[] }>}
 */
export const FIXTURES = [
  {
    name: 'password-login',
    scenario: 1,
    faults: [],
    title: 'Username/password login (code flow, PKCE, state, nonce)',
    story:
      "A fresh browser opens Storezero's /account, is sent to auth, logs in as alice/wonderland and comes back logged in. Parties: storezero.localhost (app), auth.localhost (authorization server).",
    look: [
      'the authorization request: `GET auth /authorize?response_type=code&…` with state, nonce and code_challenge (S256), a 303 to the login page',
      'the credentials POST to `auth /interaction/{uid}/login` (postData `username=alice&password=wonderland`)',
      'auth `_session` (+ `_session.sig`) set on the 303 that resumes the authorization (`/authorize/{uid}`) and redirects to `/callback?code=…&state=…&iss=…`',
      'the callback at storezero sets `storezero.sid` and clears `storezero.tx` (Max-Age=0); then `/account` 200',
      'two sessions live at the end: `storezero.sid` and auth `_session`',
    ],
  },
  {
    name: 'federated-login',
    scenario: 2,
    faults: [],
    title: 'Login through the identity provider ("facebook")',
    story:
      'The same start, but on auth\'s login page the user picks "Log in with Facebook"; auth becomes a relying party of facebook (nested code flow with PKCE/state/nonce), facebook asks bob@facebook.localhost/facebook-pass. Parties: storezero.localhost, auth.localhost, facebook.localhost.',
    look: [
      '`POST auth /interaction/{uid}/federated` (field `connection`) sets `_federation` and 303s to `facebook /dialog/oauth?client_id=auth&…`',
      'the nested login: the `facebook /interaction/{uid}` page, `POST /interaction/{uid}/login` (email, pass, login)',
      'facebook `_session` set on the redirect after the login POST (`GET /dialog/oauth/{uid}`), not on the POST',
      '`auth /federation/facebook/callback?code=…` clears `_federation`; auth sets its `_session` when it resumes',
      'three sessions at the end: `storezero.sid`, auth `_session`, facebook `_session`',
    ],
  },
  {
    name: 'sso',
    scenario: 3,
    faults: [],
    title: 'Single sign-on: a second login while the auth session lives',
    story:
      'One HAR with the whole story: a password login (setup), an app-only logout (/logout clears `storezero.sid`), then /account again: auth answers the authorization request from its session at once.',
    look: [
      'step sso-login: `GET auth /authorize?…` sends `_session` and 303s straight to `/callback?code=…` (no login page, no POST)',
      'the app-only logout touches no auth URL',
    ],
  },
  {
    name: 'silent-auth',
    scenario: 4,
    faults: [],
    title: 'Silent authentication (prompt=none): success, then login_required',
    story:
      'A password login (setup), then /silent (prompt=none) succeeds from the auth session; a full logout (RP-initiated: /logout/full, auth /session/end, its self-submitting confirmation POST /session/end/confirm) ends both sessions; /silent again ends in error=login_required.',
    look: [
      'silent-auth-success: `/authorize?…&prompt=none` sends `_session`, 303 to `/callback?code=…`',
      'full-logout: `/logout/full` clears `storezero.sid` and 302s to `auth /session/end?id_token_hint=…`; `POST /session/end/confirm` (the self-submitting confirmation) clears `_session`',
      'silent-auth-login-required: `/authorize?…&prompt=none` without `_session` 303s to `/callback?error=login_required` (a 200 page); `storezero.tx` cleared, no `storezero.sid`',
    ],
  },
  {
    name: 'logout',
    scenario: 5,
    faults: [],
    title: 'Logout tiers: app-only, then full; the IdP session survives',
    story:
      'A federated login (setup), an app-only logout, an SSO login (auth still has its session), a full logout (app and auth), then a federated login again: facebook answers from its own session and asks no password.',
    look: [
      'app-logout: only `storezero.sid` cleared; sso-login: no login page',
      'full-logout: `storezero.sid` and auth `_session` cleared; nothing sent to facebook',
      'federated-login-idp-session: auth shows its login page again (its session is gone) but `facebook /dialog/oauth` sends facebook `_session` and 303s straight back to `auth /federation/facebook/callback`: no facebook login POST',
    ],
  },
  {
    name: 'fault-weak-client',
    scenario: 6,
    faults: ['weak-client'],
    title: 'Faulty: no state, no PKCE, no nonce (lab fault weak-client)',
    story:
      'A password login by an app that sends no state, no code_challenge and no nonce and checks none of them. The login succeeds; the diagnostics must flag it (STATE_MISSING, PKCE_MISSING, NONCE_MISSING).',
    look: [
      '`GET auth /authorize?response_type=code&client_id=storezero&redirect_uri=…&scope=…` with no state, code_challenge or nonce',
      'the callback `/callback?code=…&iss=…` has no state',
    ],
  },
  {
    name: 'fault-implicit-form-post',
    scenario: 6,
    faults: ['implicit-form-post'],
    title: 'Faulty: legacy implicit flow with form_post (lab fault implicit-form-post)',
    story:
      "The app uses the legacy client storezero-legacy: response_type=id_token token, response_mode=form_post. After the login auth answers with a page that POSTs the tokens cross-site to the app's /callback. Diagnostic: IMPLICIT_GRANT.",
    look: [
      '`GET auth /authorize?response_type=id_token+token&client_id=storezero-legacy&…&response_mode=form_post`',
      '`auth /authorize/{uid}` answers 200 (the self-submitting form) instead of a redirect; its body is empty in the HAR because the page navigated away before Chromium could keep it',
      '`POST storezero /callback` with postData id_token, access_token, expires_in, token_type, scope, state (the tokens went through the browser); `storezero.tx` is `SameSite=None; Secure`, so it is sent on the cross-site POST',
    ],
  },
  {
    name: 'fault-redirect-uri-mismatch',
    scenario: 6,
    faults: ['redirect-uri-mismatch'],
    title: 'Faulty: redirect_uri mismatch (lab fault redirect-uri-mismatch)',
    story:
      'The app sends redirect_uri=…/callback/ (trailing slash, not registered). auth refuses the authorization request with its error page; the login stops there. Diagnostic: REDIRECT_URI_MISMATCH.',
    look: [
      '`GET auth /authorize?…&redirect_uri=http%3A%2F%2Fstorezero.localhost%3A3000%2Fcallback%2F` answers 400 (HTML error page, invalid_redirect_uri), no redirect',
      'no login page, no callback, no session',
    ],
  },
  {
    name: 'fault-samesite-none-insecure',
    scenario: 6,
    faults: ['samesite-none-insecure'],
    title: 'Faulty: session cookie SameSite=None without Secure (lab fault samesite-none-insecure)',
    story:
      'A normal password login, but the callback sets `storezero.sid` with SameSite=None and no Secure. Chromium refuses the cookie, so /account?from=callback arrives without it and answers 401 ("your browser did not send the cookie back"). Diagnostic: SAMESITE_NONE_INSECURE.',
    look: [
      'the callback response: Set-Cookie `storezero.sid=…; Path=/; HttpOnly; SameSite=None` (no Secure); a HAR does not say that the browser refused it',
      '`GET /account?from=callback` sends no cookie and gets 401',
    ],
  },
];

/** @param {string} url */
function isLabUrl(url) {
  try {
    const { protocol, hostname } = new URL(url);
    return (
      (protocol === 'http:' || protocol === 'https:') &&
      (hostname === 'localhost' || hostname.endsWith('.localhost'))
    );
  } catch {
    return false;
  }
}

/**
 * Records one fixture: a fresh context with HAR recording, the scenario, then the HAR trimmed
 * and annotated with the steps.
 * @param {import('playwright-core').Browser} browser
 * @param {import('../lab/start.mjs').Lab} lab
 * @param {{ name: string, scenario: number, faults: string[] }} fixture
 */
async function record(browser, lab, fixture) {
  const file = path.join(OUT_DIR, `${fixture.name}.har`);
  const context = await browser.newContext({
    recordHar: { path: file, content: 'embed', mode: 'full' },
    viewport: { width: 1000, height: 700 },
    locale: 'en-US',
    timezoneId: 'UTC',
  });
  /** @type {string[]} */
  const blocked = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (isLabUrl(url)) return route.continue();
    blocked.push(url);
    return route.abort('blockedbyclient');
  });
  const page = await context.newPage();
  /** @type {Array<{ step: string, at: number }>} */
  const steps = [];
  let result;
  try {
    result = await runScenario(fixture.scenario, playwrightAdapter(page), lab, {
      onStep: (step) => {
        steps.push({ step, at: Date.now() });
      },
    });
    // Let late requests (favicon) finish so they are in the HAR rather than half-recorded.
    await page.waitForLoadState('networkidle', { timeout: 5_000 }).catch(() => undefined);
  } finally {
    await context.close(); // writes the HAR
  }
  const har = JSON.parse(await readFile(file, 'utf8'));
  const stats = trim(har, fixture, steps, lab);
  await writeFile(file, JSON.stringify(har, null, 1) + '\n');
  return { file, result, blocked, ...stats };
}

/**
 * Keeps what login analysis needs (headers, cookies, postData, redirectURL, text bodies) and
 * drops the rest: binary bodies, Playwright's private members, the favicon's body.
 * @param {any} har
 * @param {{ name: string, scenario: number, faults: string[] }} fixture
 * @param {Array<{ step: string, at: number }>} steps
 * @param {import('../lab/start.mjs').Lab} lab
 */
function trim(har, fixture, steps, lab) {
  const log = har.log;
  log.comment =
    `Session Tracer lab fixture "${fixture.name}": scenario ${fixture.scenario}` +
    (fixture.faults.length ? ` with lab faults ${fixture.faults.join(',')}` : '') +
    `. Steps: ${steps.map((s) => s.step).join(', ')}. Parties: ${Object.values(lab.urls).join(', ')}.` +
    ' Recorded by scripts/record-fixtures.mjs; see tests/fixtures/lab/README.md.';
  let droppedBodies = 0;
  for (const entry of log.entries) {
    const started = Date.parse(entry.startedDateTime);
    const step = [...steps].reverse().find((s) => s.at <= started + 1) ?? steps[0];
    if (step) entry.comment = `step: ${step.step}`;
    const content = entry.response?.content;
    if (content && typeof content.text === 'string') {
      const mime = String(content.mimeType ?? '');
      const textual =
        /^(text\/|application\/(json|javascript|x-www-form-urlencoded|xml))|\+json|\+xml/i.test(
          mime,
        );
      if (content.encoding === 'base64' || !textual || entry.request.url.endsWith('/favicon.ico')) {
        delete content.text;
        delete content.encoding;
        content.comment = 'body dropped by record-fixtures (binary or not needed)';
        droppedBodies++;
      } else if (content.text.length > MAX_TEXT_BODY) {
        content.text = content.text.slice(0, MAX_TEXT_BODY);
        content.comment = `body cut to ${MAX_TEXT_BODY} characters by record-fixtures`;
      }
    }
    stripPrivate(entry);
  }
  for (const p of log.pages ?? []) stripPrivate(p);
  return { entries: log.entries.length, droppedBodies };
}

/** Playwright's `_` members other than the ones Chrome's own HAR has too. @param {any} obj */
function stripPrivate(obj) {
  if (!obj || typeof obj !== 'object') return;
  for (const key of Object.keys(obj)) {
    if (key.startsWith('_') && key !== '_resourceType' && key !== '_transferSize') delete obj[key];
    else stripPrivate(obj[key]);
  }
}

// ---------------------------------------------------------------------------------------------
// README.md: the fixed text below plus, per fixture, a hop table generated from the HAR on
// disk. Random values (ids, codes, state, nonce) are shortened so the README does not change
// when the fixtures are re-recorded.

/** Query parameters whose values are the same in every recording. */
const STABLE_PARAMS = new Set([
  'response_type',
  'client_id',
  'prompt',
  'response_mode',
  'code_challenge_method',
  'error',
  'from',
]);

/** @param {string} url @param {boolean} [withQuery] */
function shortUrl(url, withQuery = true) {
  const u = new URL(url);
  const pathname = u.pathname
    .split('/')
    .map((seg) => (/^[A-Za-z0-9_-]{20,}$/.test(seg) ? '{uid}' : seg))
    .join('/');
  const params = [...u.searchParams.keys()].map((k) =>
    STABLE_PARAMS.has(k) ? `${k}=${u.searchParams.get(k)}` : `${k}=…`,
  );
  const query = params.length ? (withQuery ? `?${params.join('&')}` : '?…') : '';
  return `\`${u.host.replace(/\.localhost:\d+$/, '')}${pathname}${query}\``;
}

/** @param {any} entry */
function cookieColumns(entry) {
  const started = Date.parse(entry.startedDateTime);
  /** @type {string[]} */
  const set = [];
  /** @type {string[]} */
  const cleared = [];
  for (const c of entry.response.cookies ?? []) {
    if (c.name.endsWith('.sig')) continue; // oidc-provider's signature companions
    const gone = c.expires !== undefined && Date.parse(c.expires) <= started;
    const flag = c.sameSite === 'None' && !c.secure ? ' (SameSite=None, no Secure)' : '';
    (gone ? cleared : set).push(`\`${c.name}\`${flag}`);
  }
  const sent = (entry.request.cookies ?? [])
    .map((/** @type {any} */ c) => c.name)
    .filter((/** @type {string} */ n) => !n.endsWith('.sig'))
    .map((/** @type {string} */ n) => `\`${n}\``);
  return { set: set.join(', '), cleared: cleared.join(', '), sent: sent.join(', ') };
}

/** @param {any} har */
function hopTable(har) {
  const lines = [
    '| # | step | method | status | URL | redirect to | cookies sent | set | cleared |',
    '| - | ---- | ------ | ------ | --- | ----------- | ------------ | --- | ------- |',
  ];
  har.log.entries.forEach((/** @type {any} */ e, /** @type {number} */ i) => {
    const c = cookieColumns(e);
    const post = e.request.postData?.params?.length
      ? ` (${e.request.postData.params.map((/** @type {any} */ p) => p.name).join(', ')})`
      : '';
    const cells = [
      String(i + 1),
      String(e.comment ?? '').replace(/^step: /, ''),
      e.request.method + post,
      String(e.response.status),
      shortUrl(e.request.url),
      e.response.redirectURL
        ? shortUrl(new URL(e.response.redirectURL, e.request.url).href, false)
        : '',
      c.sent,
      c.set,
      c.cleared,
    ];
    lines.push(`| ${cells.map((x) => x.replace(/\|/g, '\\|')).join(' | ')} |`);
  });
  return lines.join('\n');
}

async function writeReadme() {
  const out = [
    '# Lab fixtures: the Storezero scenarios as recorded by Chromium',
    '',
    'HAR files of the login scenarios of the Storezero lab (`lab/`, see `lab/README.md`), recorded',
    'by Chromium itself through Playwright (`browser.newContext({ recordHar })`), for testing the',
    'analysis engine on real traffic. Re-record them with:',
    '',
    '```sh',
    'npm run record-fixtures                        # all of them (about 45 s)',
    'npm run record-fixtures -- --readme-only      # only rewrite this README from the HARs',
    'npm run record-fixtures -- --only=sso,logout   # some of them',
    '```',
    '',
    '`scripts/record-fixtures.mjs` starts the lab on its default ports (stop `npm run lab` first), so',
    'every fixture has the same origins:',
    '',
    '| party                         | origin                          | session cookie                                                      |',
    '| ----------------------------- | ------------------------------- | ------------------------------------------------------------------- |',
    '| app: Storezero                | http://storezero.localhost:3000 | `storezero.sid` (transaction `storezero.tx`, Path=/callback)        |',
    '| authorization server          | http://auth.localhost:3001      | `_session` (+ `_interaction`, `_interaction_resume`, `_federation`) |',
    '| identity provider: "facebook" | http://facebook.localhost:3002  | `_session` (+ `_interaction`, `_interaction_resume`)                |',
    '',
    'Users (fixed demo accounts, so they appear in the POST bodies): `alice` / `wonderland` at auth,',
    '`bob@facebook.localhost` / `facebook-pass` at facebook. These are lab-only credentials.',
    '',
    'How they are made:',
    '',
    '- One fresh browser context (no cookies) per fixture, running one scenario of',
    '  `lab/scenarios.mjs`; the faulty variants each run against a lab started with that fault.',
    '- Every request that is not for `*.localhost` is aborted (`context.route`); none was made.',
    '- Kept: request and response headers, cookies, postData, redirectURL, HTML/JSON bodies.',
    "  Dropped: binary bodies (there are none in these scenarios) and Playwright's private `_`",
    '  members except `_resourceType` and `_transferSize`.',
    "- `log.comment` names the scenario; each entry's `comment` is `step: <name>`, the scenario",
    '  step it belongs to (the steps of `lab/scenarios.mjs`).',
    '- Random values (state, nonce, PKCE, codes, interaction ids, session ids, tokens) and times',
    '  differ in every recording; the hops, URLs, parameter names and cookie names do not.',
    "- Chromium's HAR loses the body of a page that navigates away by itself at once: the",
    '  form_post page and the logout confirmation page have empty bodies. The form_post tokens',
    '  are in the POST /callback that follows.',
    '- A HAR lists the Set-Cookie headers, not whether the browser stored them: a refused cookie',
    '  (SameSite=None without Secure) shows only through the next request not sending it.',
    '- `.sig` companion cookies of oidc-provider are left out of the tables below (they are in',
    '  the HARs).',
    '',
    'In the tables, `{uid}` stands for an interaction id and `…` for a random value (the redirect',
    'column leaves the query out: it is the URL of the next row); hosts are shortened to',
    '`storezero`, `auth`, `facebook`.',
    '',
  ];
  for (const f of FIXTURES) {
    const file = path.join(OUT_DIR, `${f.name}.har`);
    /** @type {any} */
    let har;
    let size = 0;
    try {
      const text = await readFile(file, 'utf8');
      size = Buffer.byteLength(text);
      har = JSON.parse(text);
    } catch {
      har = undefined;
    }
    out.push(`## ${f.name}.har: ${f.title}`, '');
    out.push(
      `Scenario ${f.scenario} of \`lab/scenarios.mjs\`` +
        (f.faults.length ? `, lab started with \`--faults=${f.faults.join(',')}\`` : '') +
        (har
          ? `; ${har.log.entries.length} entries, ${(size / 1024).toFixed(0)} kB.`
          : '; not recorded yet.'),
      '',
      f.story,
      '',
      'What to look for:',
      '',
      ...f.look.map((l) => `- ${l}`),
      '',
    );
    if (har) out.push(hopTable(har), '');
  }
  const readme = path.join(OUT_DIR, 'README.md');
  // Formatted as `npm run check` (prettier) wants it.
  const prettier = await import('prettier');
  const config = (await prettier.resolveConfig(readme)) ?? {};
  await writeFile(readme, await prettier.format(out.join('\n'), { ...config, filepath: readme }));
}

/** @param {number} ms */
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The lab on 3000/3001/3002, retried once: a stale keep-alive socket of Node's fetch to a lab
 * that just closed on the same port can fail the first discovery request.
 * @param {string} faults
 */
async function startLabOnDefaultPorts(faults) {
  for (let attempt = 0; ; attempt++) {
    try {
      return await startLab({ ports: { ...DEFAULT_PORTS }, faults });
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (attempt === 0 && !/EADDRINUSE/.test(message)) {
        await sleep(500);
        continue;
      }
      throw new Error(
        `Could not start the lab on ports ${Object.values(DEFAULT_PORTS).join('/')} (is \`npm run lab\` running?): ${message}`,
      );
    }
  }
}

/** @param {string[]} argv */
function parseArgs(argv) {
  /** @type {{ only?: string[], list: boolean, readmeOnly: boolean }} */
  const out = { list: false, readmeOnly: false };
  for (const arg of argv) {
    if (arg === '--list') out.list = true;
    else if (arg === '--readme-only') out.readmeOnly = true;
    else if (arg.startsWith('--only=')) out.only = arg.slice(7).split(',').filter(Boolean);
    else if (arg === '--help' || arg === '-h') {
      console.log(
        'Usage: node scripts/record-fixtures.mjs [--only=name,name] [--list] [--readme-only]',
      );
      process.exit(0);
    } else throw new Error(`Unknown argument ${arg}`);
  }
  return out;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  if (args.list) {
    for (const f of FIXTURES)
      console.log(`${f.name.padEnd(30)} scenario ${f.scenario} ${f.faults.join(',')}`);
    return;
  }
  if (args.readmeOnly) {
    await writeReadme();
    console.log(`Wrote ${path.relative(ROOT, path.join(OUT_DIR, 'README.md'))}`);
    return;
  }
  const wanted = args.only ? FIXTURES.filter((f) => args.only?.includes(f.name)) : FIXTURES;
  if (args.only && wanted.length !== args.only.length) {
    throw new Error(`Unknown fixture in --only; known: ${FIXTURES.map((f) => f.name).join(', ')}`);
  }
  await mkdir(OUT_DIR, { recursive: true });

  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-dev-shm-usage',
      '--disable-gpu',
    ],
  });
  const started = Date.now();
  let failures = 0;
  try {
    // One lab per fault set, on the default ports so every fixture has the same origins.
    const groups = new Map();
    for (const f of wanted) {
      const key = f.faults.join(',');
      groups.set(key, [...(groups.get(key) ?? []), f]);
    }
    for (const [faults, fixtures] of groups) {
      const lab = await startLabOnDefaultPorts(faults);
      try {
        for (const fixture of fixtures) {
          try {
            const r = await record(browser, lab, fixture);
            const outcome = r.result.steps.map(
              (s) => `${s.step}=${s.outcome ?? s.result ?? s.status ?? 'ok'}`,
            );
            console.log(
              `${path.relative(ROOT, r.file)}: ${r.entries} entries, ${r.droppedBodies} bodies dropped` +
                `${r.blocked.length ? `, ${r.blocked.length} outside requests blocked` : ''} (${outcome.join(', ')})`,
            );
          } catch (err) {
            failures++;
            await rm(path.join(OUT_DIR, `${fixture.name}.har`), { force: true });
            console.error(`${fixture.name}: FAILED: ${err instanceof Error ? err.message : err}`);
          }
        }
      } finally {
        await lab.close();
        // Node's fetch keeps its back-channel sockets to the old servers in a pool; let it see
        // them closed before the next lab opens the same ports (else "other side closed").
        await sleep(200);
      }
    }
  } finally {
    await browser.close();
  }
  await writeReadme();
  console.log(
    `Recorded ${wanted.length - failures}/${wanted.length} fixtures in ${((Date.now() - started) / 1000).toFixed(1)} s into ${path.relative(ROOT, OUT_DIR)}/`,
  );
  if (failures) process.exitCode = 1;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err) => {
    console.error(err instanceof Error ? err.stack : err);
    process.exit(1);
  });
}
