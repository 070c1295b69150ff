#!/usr/bin/env node
// npm run demo: the whole story in one command (issue 3).
//   1. builds the extension (wxt build -> .output/chrome-mv3),
//   2. starts the Storezero lab on its default ports (3000/3001/3002),
//   3. launches Debian's Chromium with the extension loaded (headless; --headed with a display),
//   4. drives lab scenarios 1-5 in one browser profile, one tab per scenario,
//   5. writes, to a folder it names: one trace per scenario as the EXTENSION captured it (read
//      through the panel's own port), redacted, and screenshots of the panel page.
//
//   node scripts/demo.mjs [--headed] [--out=DIR] [--no-build] [--slow-mo=MS]
//
// The traces are `{ format: 'session-tracer-trace', version: 1, exportedAt, exchanges,
// cookieEvents, redaction }`, the format lib/io/trace.ts reads (open them in the panel's import
// once it has one).
/* global document, chrome -- used only inside functions evaluated in the browser */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer from 'puppeteer-core';
import { puppeteerAdapter } from '../lab/adapters.mjs';
import { runScenario, SCENARIOS } from '../lab/scenarios.mjs';
import { DEFAULT_PORTS, startLab } from '../lab/start.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BUILD_DIR = path.join(ROOT, '.output/chrome-mv3');
/** Debian's /usr/bin/chromium is a shell wrapper; puppeteer's pipe needs the binary itself. */
const CHROMIUM = process.env.CHROMIUM_BIN ?? '/usr/lib/chromium/chromium';
const PANEL_PORT_NAME = 'session-tracer/panel'; // lib/messaging/protocol.ts
const VIEWPORT = { width: 1400, height: 900 };
const DEMO_SCENARIOS = [1, 2, 3, 4, 5];

// ---------------------------------------------------------------------------------------------
// Redaction. A stop-gap for the demo only: the real exporter (with its own redaction settings)
// comes later and will replace this. It keeps every name and the shape of every hop, and
// replaces values that are secrets or credentials: cookie values (Cookie, Set-Cookie, the
// cookie jar events), all form field values, raw request bodies, Authorization headers, and
// the code/state/nonce/token parameters of URLs (query and fragment).

const REDACTED = 'REDACTED';
const SECRET_PARAMS = new Set([
  'code',
  'state',
  'nonce',
  'id_token',
  'access_token',
  'refresh_token',
  'token',
  'id_token_hint',
  'logout_token',
  'code_verifier',
  'client_secret',
  'session_state',
  'samlresponse',
  'samlrequest',
  'relaystate',
]);
const URL_HEADERS = new Set(['location', 'referer', 'content-location']);
const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'x-csrf-token']);

export const REDACTION_NOTE = {
  by: 'scripts/demo.mjs',
  note: 'Demo-only redaction; the real exporter comes later.',
  urlParams: [...SECRET_PARAMS],
  cookieValues: true,
  formValues: true,
  rawBodies: true,
  headers: [...SECRET_HEADERS],
  replacement: REDACTED,
};

/** @param {string} params a query or fragment without its leading ? or # */
function redactParams(params) {
  if (!params.includes('=')) return params;
  return params
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      if (eq < 0) return pair;
      const name = pair.slice(0, eq);
      let decoded = name;
      try {
        decoded = decodeURIComponent(name.replace(/\+/g, ' '));
      } catch {
        // keep the raw name
      }
      return SECRET_PARAMS.has(decoded.toLowerCase()) && pair.length > eq + 1
        ? `${name}=${REDACTED}`
        : pair;
    })
    .join('&');
}

/** @param {string | undefined} url */
export function redactUrl(url) {
  if (!url) return url;
  const hashAt = url.indexOf('#');
  const beforeHash = hashAt < 0 ? url : url.slice(0, hashAt);
  const hash = hashAt < 0 ? undefined : url.slice(hashAt + 1);
  const queryAt = beforeHash.indexOf('?');
  let out =
    queryAt < 0
      ? beforeHash
      : `${beforeHash.slice(0, queryAt)}?${redactParams(beforeHash.slice(queryAt + 1))}`;
  if (hash !== undefined) out += `#${redactParams(hash)}`;
  return out;
}

/** `a=1; b=2` -> `a=REDACTED; b=REDACTED` @param {string} header */
function redactCookieHeader(header) {
  return header
    .split(';')
    .map((part) => {
      const eq = part.indexOf('=');
      return eq < 0 ? part : `${part.slice(0, eq)}=${REDACTED}`;
    })
    .join(';');
}

/** `a=1; Path=/; HttpOnly` -> `a=REDACTED; Path=/; HttpOnly`; an empty (clearing) value stays. */
function redactSetCookie(line) {
  const semi = line.indexOf(';');
  const pair = semi < 0 ? line : line.slice(0, semi);
  const rest = semi < 0 ? '' : line.slice(semi);
  const eq = pair.indexOf('=');
  if (eq < 0) return line;
  const value = pair.slice(eq + 1).trim();
  return `${pair.slice(0, eq)}=${value === '' || value === '""' ? value : REDACTED}${rest}`;
}

/** @param {{ name: string, value: string }} h */
function redactHeader(h) {
  const name = h.name.toLowerCase();
  if (name === 'cookie') return { ...h, value: redactCookieHeader(h.value) };
  if (name === 'set-cookie')
    return { ...h, value: h.value.split('\n').map(redactSetCookie).join('\n') };
  if (URL_HEADERS.has(name)) return { ...h, value: redactUrl(h.value) ?? '' };
  if (SECRET_HEADERS.has(name)) return { ...h, value: REDACTED };
  return h;
}

/** @param {any} e an Exchange (lib/model.ts) */
export function redactExchange(e) {
  const out = {
    ...e,
    url: redactUrl(e.url),
    requestHeaders: (e.requestHeaders ?? []).map(redactHeader),
    responseHeaders: (e.responseHeaders ?? []).map(redactHeader),
  };
  if (e.redirectUrl !== undefined) out.redirectUrl = redactUrl(e.redirectUrl);
  if (e.documentUrl !== undefined) out.documentUrl = redactUrl(e.documentUrl);
  if (e.requestBody?.kind === 'form') {
    out.requestBody = {
      kind: 'form',
      fields: e.requestBody.fields.map(([/** @type {string} */ name]) => [name, REDACTED]),
    };
  } else if (e.requestBody?.kind === 'raw') {
    out.requestBody = { kind: 'raw', text: REDACTED, encoding: 'utf8', truncated: true };
  }
  return out;
}

/** @param {any} c a CookieEvent */
export function redactCookieEvent(c) {
  return {
    ...c,
    cookie: { ...c.cookie, value: c.cookie.value === '' ? '' : REDACTED },
  };
}

// ---------------------------------------------------------------------------------------------

/** @param {string[]} argv */
function parseArgs(argv) {
  /** @type {{ headed: boolean, build: boolean, out?: string, slowMo: number }} */
  const o = { headed: false, build: true, slowMo: 0 };
  for (const arg of argv) {
    if (arg === '--headed') o.headed = true;
    else if (arg === '--no-build') o.build = false;
    else if (arg.startsWith('--out=')) o.out = arg.slice(6);
    else if (arg.startsWith('--slow-mo=')) o.slowMo = Number(arg.slice(10)) || 0;
    else if (arg === '--help' || arg === '-h') {
      console.log(`Usage: node scripts/demo.mjs [--headed] [--out=DIR] [--no-build] [--slow-mo=MS]
  --headed     show the browser (needs a display); default headless
  --out=DIR    where to write (default demo-output/<timestamp>/)
  --no-build   use the existing .output/chrome-mv3
  --slow-mo=MS pause MS ms between browser actions (with --headed, to follow along)`);
      process.exit(0);
    } else throw new Error(`Unknown argument ${arg} (try --help)`);
  }
  return o;
}

const sleep = (/** @type {number} */ ms) => new Promise((r) => setTimeout(r, ms));
const secs = (/** @type {number} */ t0) => `${((Date.now() - t0) / 1000).toFixed(1)} s`;

function build() {
  const t0 = Date.now();
  const result = spawnSync('npx', ['wxt', 'build'], { cwd: ROOT, encoding: 'utf8' });
  if (result.status !== 0) {
    process.stderr.write(result.stdout + result.stderr);
    throw new Error('wxt build failed');
  }
  console.log(`Built the extension into ${path.relative(ROOT, BUILD_DIR)}/ (${secs(t0)})`);
}

/** Reads everything the extension recorded, through the panel's port, in the panel page. */
async function readRecording(/** @type {import('puppeteer-core').Page} */ panel) {
  return panel.evaluate(
    (portName) =>
      new Promise((resolve, reject) => {
        const port = chrome.runtime.connect({ name: portName });
        /** @type {any[]} */ const exchanges = [];
        /** @type {any[]} */ const cookieEvents = [];
        const timer = setTimeout(() => reject(new Error('no complete snapshot in 15 s')), 15_000);
        port.onMessage.addListener((/** @type {any} */ m) => {
          if (m?.type !== 'snapshot') return;
          exchanges.push(...m.payload.exchanges);
          cookieEvents.push(...m.payload.cookieEvents);
          if (m.payload.done) {
            clearTimeout(timer);
            port.disconnect();
            resolve({ exchanges, cookieEvents });
          }
        });
        port.postMessage({ type: 'subscribe', payload: {} });
      }),
    PANEL_PORT_NAME,
  );
}

/** Waits until the panel's hop and cookie-change counts have not moved for 500 ms. */
async function settle(/** @type {import('puppeteer-core').Page} */ panel) {
  let last = '';
  let since = Date.now();
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const now = await panel.$eval('[data-testid="exchange-count"]', (el) =>
      [el.getAttribute('data-exchanges'), el.getAttribute('data-cookie-events')].join('/'),
    );
    if (now !== last) {
      last = now;
      since = Date.now();
    } else if (Date.now() - since >= 500) return;
    await sleep(100);
  }
}

/** The tab most of the exchanges belong to. @param {any[]} exchanges */
function mainTab(exchanges) {
  /** @type {Map<number, number>} */
  const counts = new Map();
  for (const e of exchanges) if (e.tabId >= 0) counts.set(e.tabId, (counts.get(e.tabId) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0];
}

/**
 * Opens the panel page, selects the last callback hop (so the details show cookies) and
 * takes a screenshot.
 */
async function screenshot(
  /** @type {import('puppeteer-core').Browser} */ browser,
  /** @type {string} */ extensionId,
  /** @type {string} */ query,
  /** @type {string} */ file,
  /** @type {string} */ appUrl,
  /** @type {number} */ expectRows,
) {
  const page = await browser.newPage();
  try {
    await page.setViewport(VIEWPORT);
    await page.goto(`chrome-extension://${extensionId}/devtools-panel.html${query}`);
    await page.waitForFunction(
      (n) => document.querySelectorAll('[data-testid="exchange-row"]').length >= n,
      { timeout: 10_000 },
      Math.min(expectRows, 20),
    );
    await page.bringToFront();
    await sleep(300); // the list scrolls to its tail and re-renders its rows
    // Click in the page: the virtual list may swap row elements under a handle.
    const selected = await page.evaluate((prefix) => {
      const rows = [...document.querySelectorAll('[data-testid="exchange-row"]')].filter((r) =>
        (r.getAttribute('data-url') ?? '').startsWith(prefix),
      );
      const row = /** @type {HTMLElement | undefined} */ (rows.at(-1));
      row?.click();
      return row !== undefined;
    }, `${appUrl}/callback`);
    if (selected) await page.waitForSelector('[data-testid="hop-details"]', { timeout: 5_000 });
    await sleep(200); // let the list finish its scroll-to-tail
    // Then the analysis: the last login flow's sequence diagram, its callback hop selected.
    const flowId = await page.evaluate(() => {
      const items = [...document.querySelectorAll('[data-testid="flow-item"]')];
      const login =
        items.filter((i) => i.getAttribute('data-kind') !== 'logout').at(-1) ?? items.at(-1);
      /** @type {HTMLElement | undefined} */ (login)?.click();
      return login?.getAttribute('data-flow-id') ?? null;
    });
    if (flowId) {
      await page.waitForSelector('[data-testid="sequence-diagram"]', { timeout: 5_000 });
      await page.evaluate(() => {
        const rows = [...document.querySelectorAll('[data-testid="sequence-step"]')];
        const step =
          rows.find(
            (r) =>
              r.getAttribute('data-inferred') === 'false' &&
              (r.getAttribute('title') ?? '').startsWith('GET /callback'),
          ) ?? rows.at(-2);
        /** @type {HTMLElement | undefined} */ (step)?.click();
      });
      await sleep(200);
    }
    await page.screenshot({ path: file, type: 'png' });
  } finally {
    await page.close();
  }
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (opts.headed && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    throw new Error('--headed needs a display (DISPLAY or WAYLAND_DISPLAY); run without it');
  }
  const t0 = Date.now();
  const stamp = new Date().toISOString().replace(/[:.]/g, '-').replace(/Z$/, '');
  const outDir = path.resolve(opts.out ?? path.join(ROOT, 'demo-output', stamp));

  if (opts.build) build();
  else if (!existsSync(path.join(BUILD_DIR, 'manifest.json'))) {
    throw new Error(`${BUILD_DIR} has no build: run without --no-build (or npm run build)`);
  }

  /** @type {import('../lab/start.mjs').Lab | undefined} */
  let lab;
  /** @type {import('puppeteer-core').Browser | undefined} */
  let browser;
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await browser?.close().catch(() => undefined);
    await lab?.close().catch(() => undefined);
  };
  process.once('SIGINT', () => {
    console.log('\nInterrupted: stopping the browser and the lab.');
    void stop().then(() => process.exit(130));
  });

  try {
    try {
      lab = await startLab({ ports: { ...DEFAULT_PORTS } });
    } catch (err) {
      throw new Error(
        `Could not start the lab on ports ${Object.values(DEFAULT_PORTS).join('/')} (is \`npm run lab\` running?): ${err instanceof Error ? err.message : err}`,
      );
    }
    console.log(`Lab: ${Object.values(lab.urls).join('  ')}`);

    browser = await puppeteer.launch({
      executablePath: CHROMIUM,
      headless: !opts.headed,
      pipe: true,
      enableExtensions: [BUILD_DIR],
      slowMo: opts.slowMo,
      defaultViewport: opts.headed ? null : VIEWPORT,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-dev-shm-usage',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
        // Nothing but the lab: every other host name fails to resolve.
        '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE *.localhost',
      ],
    });
    const worker = await browser.waitForTarget(
      (t) => t.type() === 'service_worker' && t.url().startsWith('chrome-extension://'),
      { timeout: 20_000 },
    );
    const extensionId = new URL(worker.url()).host;
    console.log(`Chromium ${await browser.version()} with the extension ${extensionId}`);

    // The panel page, open for the whole run as a user would have it.
    const panel = await browser.newPage();
    await panel.setViewport(VIEWPORT);
    await panel.goto(`chrome-extension://${extensionId}/devtools-panel.html?theme=light`);
    await panel.waitForSelector('[data-testid="record-toggle"]');

    /** @type {Array<{ id: number, name: string, title: string, steps: string[], from: number, to: number, ms: number }>} */
    const runs = [];
    for (const id of DEMO_SCENARIOS) {
      const scenario = SCENARIOS.find((s) => s.id === id);
      if (!scenario) throw new Error(`no scenario ${id}`);
      // Each scenario starts with no cookies for the lab (the scenarios expect that): clear
      // the jar between them, outside the scenario's time window.
      const cookies = await browser.cookies();
      if (cookies.length) await browser.deleteCookie(...cookies);
      await settle(panel);
      const from = Date.now();
      const tab = await browser.newPage();
      await tab.bringToFront(); // headless Chromium delivers no clicks to a background tab
      const result = await runScenario(id, puppeteerAdapter(tab), lab);
      await settle(panel);
      const to = Date.now();
      await tab.close();
      runs.push({
        id,
        name: scenario.name,
        title: scenario.title,
        steps: result.steps.map((s) => s.step),
        from,
        to,
        ms: to - from,
      });
      console.log(
        `  scenario ${id} ${scenario.name}: ${result.steps.map((s) => `${s.step} (${String(s.outcome ?? s.result ?? s.status ?? 'ok')})`).join(', ')} [${((to - from) / 1000).toFixed(1)} s]`,
      );
    }

    // What the extension recorded, as the panel receives it.
    const recording = /** @type {{ exchanges: any[], cookieEvents: any[] }} */ (
      await readRecording(panel)
    );
    await mkdir(outDir, { recursive: true });
    const exportedAt = new Date().toISOString();
    /** @type {any[]} */
    const summary = [];
    for (const run of runs) {
      const exchanges = recording.exchanges.filter(
        (e) => e.startedAt >= run.from && e.startedAt <= run.to,
      );
      const cookieEvents = recording.cookieEvents.filter(
        (c) => c.time >= run.from && c.time <= run.to,
      );
      const base = `${String(run.id).padStart(2, '0')}-${run.name}`;
      const trace = {
        format: 'session-tracer-trace',
        version: 1,
        exportedAt,
        exchanges: exchanges.map(redactExchange),
        cookieEvents: cookieEvents.map(redactCookieEvent),
        redaction: REDACTION_NOTE,
      };
      await writeFile(
        path.join(outDir, `${base}.trace.json`),
        JSON.stringify(trace, null, 2) + '\n',
      );
      const tabId = mainTab(exchanges);
      if (tabId !== undefined) {
        await screenshot(
          browser,
          extensionId,
          `?tabId=${tabId}&theme=light`,
          path.join(outDir, `${base}.png`),
          lab.urls.app,
          exchanges.length,
        );
      }
      summary.push({
        scenario: run.id,
        name: run.name,
        title: run.title,
        steps: run.steps,
        tabId,
        hops: exchanges.length,
        cookieChanges: cookieEvents.length,
        seconds: run.ms / 1000,
        trace: `${base}.trace.json`,
        screenshot: tabId === undefined ? undefined : `${base}.png`,
      });
    }
    const all = recording.exchanges.length;
    await screenshot(
      browser,
      extensionId,
      '?theme=light',
      path.join(outDir, 'panel-light.png'),
      lab.urls.app,
      all,
    );
    await screenshot(
      browser,
      extensionId,
      '?theme=dark',
      path.join(outDir, 'panel-dark.png'),
      lab.urls.app,
      all,
    );
    await writeFile(
      path.join(outDir, 'summary.json'),
      JSON.stringify(
        {
          exportedAt,
          chromium: await browser.version(),
          extensionId,
          lab: lab.urls,
          scenarios: summary,
          screenshots: ['panel-light.png', 'panel-dark.png'],
          recorded: { exchanges: all, cookieEvents: recording.cookieEvents.length },
          redaction: REDACTION_NOTE,
        },
        null,
        2,
      ) + '\n',
    );

    await stop();
    console.log(`\nWrote ${path.relative(process.cwd(), outDir) || '.'}/ in ${secs(t0)}:`);
    for (const name of (await readdir(outDir)).sort()) {
      const size = (await stat(path.join(outDir, name))).size;
      const what = describeFile(name, summary);
      console.log(`  ${name.padEnd(34)} ${formatSize(size).padStart(8)}  ${what}`);
    }
  } finally {
    await stop();
  }
}

/** @param {string} name @param {any[]} summary */
function describeFile(name, summary) {
  if (name === 'summary.json') return 'what ran: scenarios, steps, counts, files';
  if (name === 'panel-light.png') return 'the panel page, all tabs, light theme';
  if (name === 'panel-dark.png') return 'the panel page, all tabs, dark theme';
  const s = summary.find((x) => name.startsWith(`${String(x.scenario).padStart(2, '0')}-`));
  if (!s) return '';
  return name.endsWith('.png')
    ? `the panel page for scenario ${s.scenario}'s tab`
    : `scenario ${s.scenario} trace: ${s.hops} hops, ${s.cookieChanges} cookie changes (redacted)`;
}

/** @param {number} n */
function formatSize(n) {
  return n < 1024 ? `${n} B` : `${(n / 1024).toFixed(1)} kB`;
}

main().catch((err) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exit(1);
});
