import path from 'node:path';
import puppeteer, { type Browser, type Frame, type Page, type Target } from 'puppeteer-core';
import { PANEL_TITLE } from '../../../lib/panel-title';

export const CHROME_BUILD = path.resolve('.output/chrome-mv3');
/** Debian's /usr/bin/chromium is a shell wrapper; puppeteer's pipe needs the binary itself. */
const CHROMIUM = process.env['CHROMIUM_BIN'] ?? '/usr/lib/chromium/chromium';

export interface ExtensionBrowser {
  browser: Browser;
  extensionId: string;
  /** The panel page opened as an ordinary extension tab (all tabs, or one tab with ?tabId=). */
  openPanelPage(query?: string): Promise<Page>;
  /**
   * Stops the extension's service worker, as Chrome does to an idle one, and waits until Chrome
   * no longer lists it. Safe to call again and again: each call looks the worker up afresh.
   */
  stopServiceWorker(): Promise<void>;
  close(): Promise<void>;
}

/** Real Chromium, headless, with the built extension loaded. */
export async function launchChromiumWithExtension(
  options: { userDataDir?: string; downloadPath?: string } = {},
): Promise<ExtensionBrowser> {
  const browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    pipe: true,
    enableExtensions: [CHROME_BUILD],
    handleDevToolsAsPage: true,
    ...(options.userDataDir ? { userDataDir: options.userDataDir } : {}),
    ...(options.downloadPath
      ? { downloadBehavior: { policy: 'allow' as const, downloadPath: options.downloadPath } }
      : {}),
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
  const worker = await browser.waitForTarget(
    (t) => t.type() === 'service_worker' && t.url().startsWith('chrome-extension://'),
    { timeout: 20_000 },
  );
  const extensionId = new URL(worker.url()).host;
  await waitForListeners(worker);
  return {
    browser,
    extensionId,
    async openPanelPage(query = '') {
      const page = await browser.newPage();
      await page.goto(`chrome-extension://${extensionId}/devtools-panel.html${query}`);
      await page.waitForSelector('[data-testid="record-toggle"]');
      return page;
    },
    async stopServiceWorker() {
      await stopExtensionWorker(browser, extensionId);
    },
    close: () => browser.close(),
  };
}

/**
 * Stops the extension's running service worker through the browser's own DevTools session:
 * `Target.getTargets` finds the worker as it is now (a restarted worker is a new target), and
 * `Target.closeTarget` stops it. Never goes through a `Target` or `WebWorker` object that
 * puppeteer kept from an earlier worker: a second stop through `target.worker()` hung.
 */
async function stopExtensionWorker(browser: Browser, extensionId: string): Promise<void> {
  const prefix = `chrome-extension://${extensionId}/`;
  const session = await browser.target().createCDPSession();
  try {
    const running = async () =>
      (await session.send('Target.getTargets')).targetInfos.filter(
        (t) => t.type === 'service_worker' && t.url.startsWith(prefix),
      );
    const close = async () => {
      for (const worker of await running()) {
        // A worker that stopped by itself meanwhile is already gone: nothing left to close.
        await session
          .send('Target.closeTarget', { targetId: worker.targetId })
          .catch((error: unknown) => {
            if (!/No target with given id/i.test(String(error))) throw error;
          });
      }
    };
    if ((await running()).length === 0) throw new Error('the service worker is not running');
    await close();
    // An event can wake the worker right away (a new start, which is fine), and a close soon after
    // launch was sometimes ignored: close again every 2 s until Chrome lists none.
    const deadline = Date.now() + 20_000;
    let lastClose = Date.now();
    while (Date.now() < deadline) {
      const left = await running();
      if (left.length === 0) return;
      if (Date.now() - lastClose >= 2_000) {
        await close();
        lastClose = Date.now();
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(
      `the service worker did not stop: ${JSON.stringify(await running().catch(() => []))}`,
    );
  } finally {
    await session.detach().catch(() => undefined);
  }
}

/**
 * Waits until the worker has registered its webRequest listeners. Chrome decides at the start of
 * each request whether 'extraHeaders' listeners see it: a page loaded before that shows no
 * Cookie or Set-Cookie, which is the browser's rule, not a capture bug. Also waits until the
 * freshly installed worker is activated: a stop right after launch was sometimes ignored (in 3
 * of 12 runs), and never once the test waited for activation (6 of 6).
 */
async function waitForListeners(target: Target): Promise<void> {
  const worker = await target.worker();
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const ready = await worker
      ?.evaluate(
        `Boolean(globalThis.chrome?.webRequest?.onCompleted.hasListeners() &&
          globalThis.chrome?.cookies?.onChanged.hasListeners() &&
          globalThis.registration?.active?.state === 'activated')`,
      )
      .catch(() => false);
    if (ready === true) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the extension did not register its webRequest listeners');
}

/**
 * Opens real DevTools for `page` and shows our panel; returns the panel's frame. This uses
 * DevTools internals (InspectorView), kept here alone so a DevTools change is mended in one place.
 */
export async function openDevToolsPanel(page: Page, extensionId: string): Promise<Frame> {
  const devtools = await page.openDevTools();
  const panelId = `chrome-extension://${extensionId}${PANEL_TITLE}`;
  const deadline = Date.now() + 20_000;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      // A string, so that the test runner's transform leaves the dynamic import alone.
      await devtools.evaluate(
        `(async () => { const legacy = await import('./ui/legacy/legacy.js');
          await legacy.InspectorView.InspectorView.instance().showPanel(${JSON.stringify(panelId)}); })()`,
      );
      const frame = devtools.frames().find((f) => f.url().includes('devtools-panel.html'));
      if (frame) {
        await frame.waitForSelector('[data-testid="record-toggle"]');
        return frame;
      }
    } catch (error) {
      lastError = error;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the Sessions panel did not open in DevTools: ${String(lastError)}`);
}

/** What the panel's hop list shows, row by row, read through its test hooks. */
export interface ShownHop {
  method: string;
  status: string;
  url: string;
  redirect: string;
  setCookies: string[];
}

/** Rows of the hop list, less the browser's own favicon fetches (no scenario asks for them). */
export async function shownHops(target: Page | Frame): Promise<ShownHop[]> {
  const rows = await target.$$eval('[data-testid="exchange-row"]', (rows) =>
    rows.map((r) => {
      const d = (r as HTMLElement).dataset;
      return {
        method: d['method'] ?? '',
        status: d['status'] ?? '',
        url: d['url'] ?? '',
        redirect: d['redirectUrl'] ?? '',
        setCookies: (d['setCookies'] ?? '').split(' ').filter(Boolean),
      };
    }),
  );
  return rows.filter((r) => !r.url.endsWith('/favicon.ico'));
}

/** Waits until the panel shows a row for every URL in `urls` (the list is live). */
export async function waitForHops(
  target: Page | Frame,
  urls: string[],
  timeoutMs = 15_000,
): Promise<ShownHop[]> {
  const deadline = Date.now() + timeoutMs;
  let shown: ShownHop[] = [];
  while (Date.now() < deadline) {
    shown = await shownHops(target);
    if (urls.every((u) => shown.some((h) => h.url === u))) return shown;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(
    `the panel showed ${JSON.stringify(shown.map((h) => h.url))}, not all of ${JSON.stringify(urls)}`,
  );
}
