// Helpers for tests/e2e/lab.e2e.ts: run a Storezero lab scenario in a tab of Chromium with the
// extension loaded, then read what the extension captured from the panel page (its data-testid
// hooks, and the cookie changes through the panel's own port).
import type { Page } from 'puppeteer-core';
import { puppeteerAdapter } from '../../../lab/adapters.mjs';
import { runScenario } from '../../../lab/scenarios.mjs';
import type { LabInfo, ScenarioResult } from '../../../lab/scenarios.mjs';
import type { CookieEvent } from '../../../lib/model';
import type { ExtensionBrowser } from './chromium';

/** One row of the hop list, as its data attributes show it. */
export interface Row {
  method: string;
  status: string;
  url: string;
  redirect: string;
  setCookies: string[];
  sentCookies: string[];
  tabId: string;
}

export interface LabRun {
  panel: Page;
  tab: Page;
  result: ScenarioResult;
  /** Rows of the hop list (favicon fetches left out), once the list stopped growing. */
  rows: Row[];
  /** Index in `rows` of the first hop of each step (the step's first navigation). */
  stepStarts: Map<string, number>;
}

/**
 * Opens the panel page (all tabs) and a new tab, runs the scenario in the tab and waits until
 * the panel shows its last hop. The panel's viewport is tall so its virtual list renders every
 * row of a long scenario.
 */
export async function runInChromium(
  chromium: ExtensionBrowser,
  lab: LabInfo,
  scenario: number | string,
): Promise<LabRun> {
  const panel = await chromium.openPanelPage();
  await panel.setViewport({ width: 1400, height: 4000 });
  const tab = await chromium.browser.newPage();
  // Headless Chromium does not deliver clicks to a background tab.
  await tab.bringToFront();
  const stepStarts = new Map<string, number>();
  const result = await runScenario(scenario, puppeteerAdapter(tab), lab, {
    onStep: async (step) => {
      stepStarts.set(step, (await settledRows(panel)).length);
    },
  });
  const finalUrl = tab.url();
  const rows = await settledRows(panel, (r) => r.some((row) => row.url === finalUrl));
  return { panel, tab, result, rows, stepStarts };
}

/** The rows of the hop list, less the browser's own favicon fetches. */
export async function readRows(panel: Page): Promise<Row[]> {
  const rows = await panel.$$eval('[data-testid="exchange-row"]', (els) =>
    els.map((el) => {
      const d = (el as HTMLElement).dataset;
      const list = (s: string | undefined) => (s ?? '').split(' ').filter(Boolean);
      return {
        method: d['method'] ?? '',
        status: d['status'] ?? '',
        url: d['url'] ?? '',
        redirect: d['redirectUrl'] ?? '',
        setCookies: list(d['setCookies']),
        sentCookies: list(d['sentCookies']),
        tabId: d['tabId'] ?? '',
      };
    }),
  );
  return rows.filter((r) => !r.url.endsWith('/favicon.ico'));
}

/**
 * Waits until `ready(rows)` holds and the list has not changed for 300 ms (hops arrive in
 * batches and a hop's status fills in when its response completes).
 */
export async function settledRows(
  panel: Page,
  ready: (rows: Row[]) => boolean = () => true,
  timeoutMs = 15_000,
): Promise<Row[]> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  let stableSince = Date.now();
  let rows: Row[] = [];
  while (Date.now() < deadline) {
    rows = await readRows(panel);
    const key = JSON.stringify(rows);
    if (key !== last) {
      last = key;
      stableSince = Date.now();
    } else if (
      ready(rows) &&
      rows.every((r) => r.status !== '…') &&
      Date.now() - stableSince >= 300
    ) {
      return rows;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(
    `the panel's hop list did not settle: ${JSON.stringify(rows.map((r) => `${r.method} ${r.status} ${r.url}`))}`,
  );
}

/**
 * The recorded cookie changes, read in the panel page through the same port the panel uses
 * (lib/messaging/protocol.ts): subscribe, collect the snapshot parts until `done`.
 */
export async function readCookieEvents(panel: Page): Promise<CookieEvent[]> {
  return panel.evaluate(
    () =>
      new Promise<CookieEvent[]>((resolve, reject) => {
        const runtime = (
          globalThis as unknown as {
            chrome: {
              runtime: {
                connect(info: { name: string }): {
                  postMessage(m: unknown): void;
                  onMessage: { addListener(l: (m: unknown) => void): void };
                  disconnect(): void;
                };
              };
            };
          }
        ).chrome.runtime;
        const port = runtime.connect({ name: 'session-tracer/panel' });
        const events: CookieEvent[] = [];
        const timer = setTimeout(() => reject(new Error('no complete snapshot in 10 s')), 10_000);
        port.onMessage.addListener((raw) => {
          const m = raw as {
            type?: string;
            payload?: { cookieEvents?: CookieEvent[]; done?: boolean };
          };
          if (m.type !== 'snapshot' || !m.payload) return;
          events.push(...(m.payload.cookieEvents ?? []));
          if (m.payload.done) {
            clearTimeout(timer);
            port.disconnect();
            resolve(events);
          }
        });
        port.postMessage({ type: 'subscribe', payload: {} });
      }),
  );
}

/** The Set-Cookie lines the hop details show for one row (clicks the row). */
export async function setCookieLines(panel: Page, row: Row): Promise<string[]> {
  await panel.bringToFront();
  await panel.click(
    `[data-testid="exchange-row"][data-method="${row.method}"][data-url="${cssString(row.url)}"]`,
  );
  await panel.waitForSelector('[data-testid="hop-details"]');
  return panel.$$eval('[data-testid="cookie-set"]', (els) => els.map((e) => e.textContent ?? ''));
}

/** The form field names the hop details show for one row (clicks the row). */
export async function formFieldNames(panel: Page, row: Row): Promise<string[]> {
  await panel.bringToFront();
  await panel.click(
    `[data-testid="exchange-row"][data-method="${row.method}"][data-url="${cssString(row.url)}"]`,
  );
  await panel.waitForSelector('[data-testid="hop-details"]');
  return panel.$$eval('[data-testid="form-field"]', (els) =>
    els.map((e) => e.getAttribute('data-name') ?? ''),
  );
}

function cssString(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
}

/** Cookie events for a name on a host (the jar's domain, with or without a leading dot). */
export function cookieChanges(events: CookieEvent[], name: string, host: string) {
  const mine = events.filter(
    (e) => e.cookie.name === name && e.cookie.domain.replace(/^\./, '') === host,
  );
  return {
    /** The cookie came into the jar (first set, or a new value after an overwrite). */
    added: mine.filter((e) => !e.removed).length,
    /** A server cleared it (a Set-Cookie with an expiry in the past). */
    cleared: mine.filter((e) => e.removed && e.cause.startsWith('expired')).length,
    all: mine,
  };
}
