// Records every request the extension itself makes, through the DevTools protocol on each of its
// targets: its service worker (a CDP session with Network enabled, and again for every restarted
// worker), its pages (puppeteer's request events, which include the pages' dedicated workers,
// such as the panel's analysis worker).
import type { CDPSession, HTTPRequest, Page, Target } from 'puppeteer-core';
import type { ExtensionBrowser } from './chromium';

export interface OwnRequest {
  method: string;
  url: string;
  /** Which of the extension's targets made it. */
  from: 'service_worker' | 'page' | 'worker';
  /** The URL of the page or worker that made it. */
  source: string;
  /** Position in the log of everything recorded, marks included (see `mark`). */
  seq: number;
}

export interface OwnRequestLog {
  /**
   * Requests to anything but the extension's own package (chrome-extension://<id>/...): what
   * left the extension for the network, in the order they were made.
   */
  network(): OwnRequest[];
  /** Loads of the extension's own files: proof that the recorder saw the targets at all. */
  packageLoads(): OwnRequest[];
  /** Notes a point in time; returns its position, to compare with requests' `seq`. */
  mark(): number;
  /**
   * Opens the panel page as a tab, with the recorder listening before the page loads (so even its
   * first requests are seen).
   */
  openPanelPage(query?: string): Promise<Page>;
  stop(): Promise<void>;
}

/** Starts recording the extension's own requests in `chromium` (already running). */
export async function recordOwnRequests(chromium: ExtensionBrowser): Promise<OwnRequestLog> {
  const { browser, extensionId } = chromium;
  const origin = `chrome-extension://${extensionId}/`;
  const log: OwnRequest[] = [];
  let seq = 0;
  const sessions: CDPSession[] = [];
  const watchedPages = new WeakSet<Page>();

  const record = (r: Omit<OwnRequest, 'seq'>) => log.push({ ...r, seq: seq++ });

  const watchPage = (page: Page) => {
    if (watchedPages.has(page)) return;
    watchedPages.add(page);
    page.on('request', (request: HTTPRequest) => {
      const frame = request.frame();
      record({
        method: request.method(),
        url: request.url(),
        // Requests of a page's dedicated worker come with no frame.
        from: frame ? 'page' : 'worker',
        source: frame?.url() || page.url(),
      });
    });
  };

  const watch = async (target: Target) => {
    if (!target.url().startsWith(origin)) return;
    if (target.type() === 'page') {
      const page = await target.page();
      if (page) watchPage(page);
    }
  };
  const onTarget = (target: Target) => void watch(target).catch(() => undefined);
  browser.on('targetcreated', onTarget);
  // A tab that navigates to an extension page becomes one of the extension's targets.
  browser.on('targetchanged', onTarget);
  for (const target of browser.targets()) await watch(target);

  // Service workers: the browser's own session attaches to each one, the running one and every
  // one started later (a new one waits until Network is enabled on it). The session stays with a
  // worker that Chrome stops and starts again, and sees the requests of its first moments too.
  const root = await browser.target().createCDPSession();
  sessions.push(root);
  let workersWatched = 0;
  root.on('Target.attachedToTarget', (event) => {
    const { sessionId, targetInfo } = event;
    const session = root.connection()?.session(sessionId);
    if (!session) return;
    const ours = targetInfo.url.startsWith(origin);
    void (async () => {
      if (ours) {
        workersWatched += 1;
        session.on('Network.requestWillBeSent', (sent) => {
          record({
            method: sent.request.method,
            url: sent.request.url,
            from: 'service_worker',
            source: targetInfo.url,
          });
        });
        await session.send('Network.enable');
      }
      await session.send('Runtime.runIfWaitingForDebugger');
    })().catch(() => undefined);
  });
  await root.send('Target.setAutoAttach', {
    autoAttach: true,
    waitForDebuggerOnStart: true,
    flatten: true,
    filter: [{ type: 'service_worker' }, { type: 'shared_worker' }, { exclude: true }],
  });
  const deadline = Date.now() + 10_000;
  while (workersWatched === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  if (workersWatched === 0) throw new Error('no service worker of the extension to watch');

  return {
    network: () => log.filter((r) => !r.url.startsWith(origin) && r.url !== 'about:blank'),
    packageLoads: () => log.filter((r) => r.url.startsWith(origin)),
    mark: () => seq++,
    async openPanelPage(query = '') {
      const page = await browser.newPage();
      watchPage(page);
      await page.goto(`${origin}devtools-panel.html${query}`);
      await page.waitForSelector('[data-testid="record-toggle"]');
      return page;
    },
    async stop() {
      browser.off('targetcreated', onTarget);
      browser.off('targetchanged', onTarget);
      await Promise.all(sessions.map((s) => s.detach().catch(() => undefined)));
    },
  };
}
