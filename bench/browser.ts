// Benchmarks 3-5: the built extension in real Chromium (capture overhead, the viewer, the worker's
// memory and the database's size).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import puppeteer, { type Browser, type CDPSession, type Page } from 'puppeteer-core';
import type * as Adapters from '../lab/adapters.mjs';
import type * as Scenarios from '../lab/scenarios.mjs';
import type * as LabStart from '../lab/start.mjs';
import { median, round } from './stats';

/** Debian's /usr/bin/chromium is a shell wrapper; puppeteer's pipe needs the binary itself. */
export const CHROMIUM = process.env['CHROMIUM_BIN'] ?? '/usr/lib/chromium/chromium';

const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];

export interface Launched {
  browser: Browser;
  extensionId?: string;
}

/** Headless Chromium, with the built extension (`extensionDir`) or without any. */
export async function launch(extensionDir?: string): Promise<Launched> {
  const browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    pipe: true,
    // The memory benchmark's burst of 50,000 hops runs in one page call for minutes.
    protocolTimeout: 1_200_000,
    ...(extensionDir ? { enableExtensions: [extensionDir] } : {}),
    args: ARGS,
  });
  if (!extensionDir) return { browser };
  const worker = await browser.waitForTarget(
    (t) => t.type() === 'service_worker' && t.url().startsWith('chrome-extension://'),
    { timeout: 20_000 },
  );
  return { browser, extensionId: new URL(worker.url()).host };
}

export async function chromiumVersion(): Promise<string> {
  const { browser } = await launch();
  try {
    return await browser.version();
  } finally {
    await browser.close();
  }
}

/** The lab modules, loaded from the repository (they read their own files next to them). */
async function labModules(): Promise<{
  start: typeof LabStart;
  scenarios: typeof Scenarios;
  adapters: typeof Adapters;
}> {
  const load = (file: string) => import(/* @vite-ignore */ pathToFileURL(path.resolve(file)).href);
  return {
    start: (await load('lab/start.mjs')) as typeof LabStart,
    scenarios: (await load('lab/scenarios.mjs')) as typeof Scenarios,
    adapters: (await load('lab/adapters.mjs')) as typeof Adapters,
  };
}

async function workerSession(browser: Browser, extensionId: string): Promise<CDPSession> {
  const target = await browser.waitForTarget(
    (t) =>
      t.type() === 'service_worker' && t.url().startsWith(`chrome-extension://${extensionId}/`),
    { timeout: 20_000 },
  );
  return target.createCDPSession();
}

/** Hops and cookie changes the extension stored (IndexedDB, read in its service worker). */
async function storedCounts(
  browser: Browser,
  extensionId: string,
): Promise<{ exchanges: number; cookieEvents: number }> {
  const session = await workerSession(browser, extensionId);
  try {
    const { result, exceptionDetails } = (await session.send('Runtime.evaluate', {
      expression: `new Promise((resolve, reject) => {
        const open = indexedDB.open('session-tracer');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          if (!db.objectStoreNames.contains('exchanges')) { db.close(); resolve({ exchanges: 0, cookieEvents: 0 }); return; }
          const tx = db.transaction(['exchanges', 'cookieEvents']);
          const a = tx.objectStore('exchanges').count();
          const b = tx.objectStore('cookieEvents').count();
          tx.oncomplete = () => { db.close(); resolve({ exchanges: a.result, cookieEvents: b.result }); };
          tx.onerror = () => reject(tx.error);
        };
      })`,
      awaitPromise: true,
      returnByValue: true,
    })) as {
      result: { value?: { exchanges: number; cookieEvents: number } };
      exceptionDetails?: unknown;
    };
    if (exceptionDetails || !result.value)
      throw new Error(`could not count the stored records: ${JSON.stringify(exceptionDetails)}`);
    return result.value;
  } finally {
    await session.detach().catch(() => undefined);
  }
}

async function clearCookies(browser: Browser): Promise<void> {
  const session = await browser.target().createCDPSession();
  try {
    await session.send('Storage.clearCookies', {});
  } finally {
    await session.detach().catch(() => undefined);
  }
}

// ---------------------------------------------------------------------------------------------
// 3. Capture overhead

export interface CaptureResult {
  runs: number;
  scenarios: { id: number; name: string; withMs: number; withoutMs: number; ratio: number }[];
  /** Median over the runs of the time for all scenarios together. */
  totalWithMs: number;
  totalWithoutMs: number;
  ratio: number;
  /** Hops the extension stored during the timed runs (it was recording). */
  storedExchanges: number;
}

/**
 * The lab's login scenarios timed in two Chromiums, one with the extension loaded and recording,
 * one without, in interleaved runs (ABBA order) on one lab; each scenario starts with no cookies.
 */
export async function benchCapture(options: {
  extensionDir: string;
  runs: number;
  scenarios: readonly number[];
  log?: (line: string) => void;
}): Promise<CaptureResult> {
  const { start, scenarios, adapters } = await labModules();
  const lab = await start.startLab({ ports: { app: 0, auth: 0, idp: 0 } });
  const withExt = await launch(options.extensionDir);
  const without = await launch();
  const extensionId = withExt.extensionId as string;
  try {
    const runOnce = async (b: Browser, id: number): Promise<number> => {
      await clearCookies(b);
      const page = await b.newPage();
      try {
        const started = performance.now();
        await scenarios.runScenario(id, adapters.puppeteerAdapter(page), lab);
        return performance.now() - started;
      } finally {
        await page.close();
      }
    };
    // One untimed round in each: servers, browsers and caches warm up.
    for (const b of [withExt.browser, without.browser])
      for (const id of options.scenarios) await runOnce(b, id);
    const before = await storedCounts(withExt.browser, extensionId);
    const times = new Map<string, number[]>();
    const totals = { with: [] as number[], without: [] as number[] };
    for (let run = 0; run < options.runs; run++) {
      const order =
        run % 2 === 0
          ? [['with', withExt.browser] as const, ['without', without.browser] as const]
          : [['without', without.browser] as const, ['with', withExt.browser] as const];
      for (const [name, b] of order) {
        let total = 0;
        for (const id of options.scenarios) {
          const ms = await runOnce(b, id);
          total += ms;
          const key = `${name} ${id}`;
          times.set(key, [...(times.get(key) ?? []), ms]);
        }
        totals[name].push(total);
      }
      options.log?.(
        `capture run ${run + 1}/${options.runs}: with ${round(totals.with[run] as number)} ms, ` +
          `without ${round(totals.without[run] as number)} ms`,
      );
    }
    // The recorder writes in batches of 50 ms: let the last ones land.
    await new Promise((r) => setTimeout(r, 500));
    const after = await storedCounts(withExt.browser, extensionId);
    const result: CaptureResult = {
      runs: options.runs,
      scenarios: options.scenarios.map((id) => {
        const withMs = median(times.get(`with ${id}`) ?? []);
        const withoutMs = median(times.get(`without ${id}`) ?? []);
        return {
          id,
          name: scenarios.SCENARIOS.find((s) => s.id === id)?.name ?? String(id),
          withMs: round(withMs),
          withoutMs: round(withoutMs),
          ratio: round(withMs / withoutMs),
        };
      }),
      totalWithMs: round(median(totals.with)),
      totalWithoutMs: round(median(totals.without)),
      ratio: round(median(totals.with) / median(totals.without)),
      storedExchanges: after.exchanges - before.exchanges,
    };
    return result;
  } finally {
    await withExt.browser.close();
    await without.browser.close();
    await lab.close();
  }
}

// ---------------------------------------------------------------------------------------------
// 4. The viewer on a large file

export interface PanelRun {
  /** Navigation start to the import button being there. */
  openMs: number;
  /** The file chosen (input change) to the first flow item in the page. */
  firstFlowMs: number;
  /** The file chosen to every flow of the analysis listed (undefined if it never happened). */
  allFlowsMs?: number;
  /** Navigation start to the first flow item: opening plus importing. */
  totalMs: number;
}

export interface PanelResult {
  exchanges: number;
  bytes: number;
  flows: number;
  runs: PanelRun[];
  openMs: number;
  firstFlowMs: number;
  allFlowsMs?: number;
  totalMs: number;
  /** Elements in the document with the flow list shown, and while scrolling All traffic. */
  domNodesFlows: number;
  domNodesScrolling: number[];
  rowsScrolling: number[];
}

/**
 * Opens chrome-extension://ID/viewer.html, imports the HAR through the page's file input and
 * times the way to the first rendered flow item (timestamps taken in the page); then scrolls the
 * All traffic list and counts the document's elements.
 */
export async function benchPanel(options: {
  extensionDir: string;
  harFile: string;
  exchanges: number;
  bytes: number;
  flows: number;
  runs: number;
  log?: (line: string) => void;
}): Promise<PanelResult> {
  const { browser, extensionId } = await launch(options.extensionDir);
  const runs: PanelRun[] = [];
  let domNodesFlows = 0;
  const domNodesScrolling: number[] = [];
  const rowsScrolling: number[] = [];
  try {
    for (let run = 0; run < options.runs; run++) {
      const page = await browser.newPage();
      await page.setViewport({ width: 1400, height: 900 });
      // Marks in the page: when the file is chosen, the first flow item, all flow items.
      await page.evaluateOnNewDocument((expected: number) => {
        const marks: Record<string, number> = {};
        (window as unknown as { __benchMarks: Record<string, number> }).__benchMarks = marks;
        document.addEventListener(
          'change',
          (event) => {
            if ((event.target as HTMLElement | null)?.getAttribute('data-testid') === 'import')
              marks['change'] ??= performance.now();
          },
          true,
        );
        new MutationObserver(() => {
          if (marks['change'] === undefined) return;
          // The flow list is virtual: it says how many flows it holds.
          const list = document.querySelector('[data-testid="flow-list"]');
          const count = Number(list?.getAttribute('aria-rowcount') ?? 0);
          if (count > 0) marks['first'] ??= performance.now();
          if (count >= expected) marks['all'] ??= performance.now();
        }).observe(document, { childList: true, subtree: true });
      }, options.flows);
      await page.goto(`chrome-extension://${extensionId}/viewer.html`);
      const input = await page.waitForSelector('[data-testid="import"]');
      const openMs = (await page.evaluate(() => performance.now())) as number;
      await (input as unknown as { uploadFile(file: string): Promise<void> }).uploadFile(
        options.harFile,
      );
      await page.waitForFunction(
        () =>
          (window as unknown as { __benchMarks: Record<string, number> }).__benchMarks['first'] !==
          undefined,
        { polling: 100, timeout: 120_000 },
      );
      await page
        .waitForFunction(
          () =>
            (window as unknown as { __benchMarks: Record<string, number> }).__benchMarks['all'] !==
            undefined,
          { polling: 100, timeout: 30_000 },
        )
        .catch(() => undefined);
      const marks = (await page.evaluate(
        () => (window as unknown as { __benchMarks: Record<string, number> }).__benchMarks,
      )) as Record<string, number>;
      const change = marks['change'] ?? NaN;
      const one: PanelRun = {
        openMs: round(openMs),
        firstFlowMs: round((marks['first'] ?? NaN) - change),
        totalMs: round(openMs + ((marks['first'] ?? NaN) - change)),
      };
      if (marks['all'] !== undefined) one.allFlowsMs = round(marks['all'] - change);
      runs.push(one);
      options.log?.(
        `panel run ${run + 1}/${options.runs}: open ${one.openMs} ms, first flow ${one.firstFlowMs} ms, ` +
          `all flows ${one.allFlowsMs ?? '-'} ms`,
      );
      if (run === options.runs - 1) {
        domNodesFlows = await page.evaluate(() => document.getElementsByTagName('*').length);
        await page.$eval('[data-testid="all-traffic"]', (el) => (el as HTMLElement).click());
        await page.waitForSelector('[data-testid="exchange-row"]', { timeout: 30_000 });
        for (const at of [0, 0.25, 0.5, 0.75, 1]) {
          await page.$eval(
            '[data-testid="exchange-list"]',
            (el, f) => {
              el.scrollTop = (el.scrollHeight - el.clientHeight) * (f as number);
            },
            at,
          );
          await new Promise((r) => setTimeout(r, 300));
          const counts = await page.evaluate(() => ({
            nodes: document.getElementsByTagName('*').length,
            rows: document.querySelectorAll('[data-testid="exchange-row"]').length,
          }));
          domNodesScrolling.push(counts.nodes);
          rowsScrolling.push(counts.rows);
        }
      }
      await page.close();
    }
  } finally {
    await browser.close();
  }
  const all = runs.map((r) => r.allFlowsMs).filter((v): v is number => v !== undefined);
  const result: PanelResult = {
    exchanges: options.exchanges,
    bytes: options.bytes,
    flows: options.flows,
    runs,
    openMs: round(median(runs.map((r) => r.openMs))),
    firstFlowMs: round(median(runs.map((r) => r.firstFlowMs))),
    totalMs: round(median(runs.map((r) => r.totalMs))),
    domNodesFlows,
    domNodesScrolling,
    rowsScrolling,
  };
  if (all.length === runs.length) result.allFlowsMs = round(median(all));
  return result;
}

// ---------------------------------------------------------------------------------------------
// 5. The worker's memory and the database's size

/** A local server whose page fires redirect chains at itself with fetch, as fast as it can. */
async function burstServer(): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://burst.localhost');
    if (url.pathname === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(`<!doctype html><title>burst</title><script>
        window.burst = async (chains, hops, concurrency) => {
          let next = 0;
          const worker = async () => {
            while (next < chains) {
              const i = next++;
              const r = await fetch('/r?n=' + (hops - 1) + '&i=' + i, { cache: 'no-store' });
              await r.text();
            }
          };
          await Promise.all(Array.from({ length: concurrency }, worker));
        };
      </script>`);
      return;
    }
    if (url.pathname === '/r') {
      const n = Number(url.searchParams.get('n') ?? '0');
      const i = url.searchParams.get('i') ?? '0';
      const headers: http.OutgoingHttpHeaders = { 'cache-control': 'no-store' };
      // A session cookie now and then, so the jar changes too (cookie events).
      if (n === 0 && Number(i) % 10 === 0) headers['set-cookie'] = `burst=${i}; Path=/; HttpOnly`;
      if (n > 0) {
        res.writeHead(302, { ...headers, location: `/r?n=${n - 1}&i=${i}` });
        res.end();
      } else {
        res.writeHead(200, { ...headers, 'content-type': 'application/json' });
        res.end('{"ok":true}');
      }
      return;
    }
    res.writeHead(404);
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://burst.localhost:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

interface HeapUsage {
  usedSize: number;
  totalSize: number;
}

export interface MemoryResult {
  exchanges: number;
  cookieEvents: number;
  /** Wall time of the burst, and until everything was stored. */
  burstMs: number;
  storedMs: number;
  exchangesPerSecond: number;
  heapBeforeMb: number;
  /** Highest used heap seen while recording (sampled every 250 ms). */
  heapPeakMb: number;
  heapAfterMb: number;
  /** After a full garbage collection. */
  heapAfterGcMb: number;
  storageBeforeMb: number;
  storageAfterMb: number;
  storagePer1000Kb: number;
}

const mb = (bytes: number) => round(bytes / (1024 * 1024));

async function heapUsage(session: CDPSession, gc = false): Promise<HeapUsage> {
  if (gc) await session.send('HeapProfiler.collectGarbage');
  return (await session.send('Runtime.getHeapUsage')) as HeapUsage;
}

async function storageUsage(page: Page): Promise<number> {
  return page.evaluate(async () => (await navigator.storage.estimate()).usage ?? 0);
}

/**
 * Records `exchanges` hops (redirect chains of 5 hops fetched by a local page) with the
 * extension, then reads the service worker's heap (CDP on its target) and the extension's
 * storage usage (navigator.storage.estimate() in its viewer page).
 */
export async function benchMemory(options: {
  extensionDir: string;
  exchanges: number;
  log?: (line: string) => void;
}): Promise<MemoryResult> {
  const server = await burstServer();
  const { browser, extensionId } = await launch(options.extensionDir);
  const id = extensionId as string;
  try {
    const extPage = await browser.newPage();
    await extPage.goto(`chrome-extension://${id}/viewer.html`);
    const session = await workerSession(browser, id);
    const heapBefore = await heapUsage(session, true);
    const storageBefore = await storageUsage(extPage);
    const counted = await storedCounts(browser, id);
    const page = await browser.newPage();
    await page.goto(server.url);
    const hops = 5;
    const chains = Math.ceil(options.exchanges / hops);
    let peak = heapBefore.usedSize;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const usage = await heapUsage(session).catch(() => undefined);
        if (usage) peak = Math.max(peak, usage.usedSize);
        await new Promise((r) => setTimeout(r, 250));
      }
    })();
    const started = performance.now();
    await page.evaluate(
      (c: number, h: number) =>
        (window as unknown as { burst(c: number, h: number, k: number): Promise<void> }).burst(
          c,
          h,
          24,
        ),
      chains,
      hops,
    );
    const burstMs = performance.now() - started;
    // Wait until the recorder stored everything (it writes in batches of 50 ms).
    const expected = counted.exchanges + chains * hops + 1;
    let stored = await storedCounts(browser, id);
    let quiet = 0;
    while (stored.exchanges < expected && quiet < 20) {
      await new Promise((r) => setTimeout(r, 250));
      const now = await storedCounts(browser, id);
      quiet = now.exchanges === stored.exchanges ? quiet + 1 : 0;
      stored = now;
    }
    const storedMs = performance.now() - started;
    sampling = false;
    await sampler;
    const heapAfter = await heapUsage(session);
    const heapAfterGc = await heapUsage(session, true);
    const storageAfter = await storageUsage(extPage);
    const exchanges = stored.exchanges - counted.exchanges;
    options.log?.(
      `memory: ${exchanges} hops stored in ${round(storedMs)} ms, worker heap ` +
        `${mb(heapBefore.usedSize)} -> ${mb(heapAfterGc.usedSize)} MB after GC (peak ${mb(peak)} MB)`,
    );
    await session.detach().catch(() => undefined);
    return {
      exchanges,
      cookieEvents: stored.cookieEvents - counted.cookieEvents,
      burstMs: round(burstMs),
      storedMs: round(storedMs),
      exchangesPerSecond: round(exchanges / (storedMs / 1000)),
      heapBeforeMb: mb(heapBefore.usedSize),
      heapPeakMb: mb(peak),
      heapAfterMb: mb(heapAfter.usedSize),
      heapAfterGcMb: mb(heapAfterGc.usedSize),
      storageBeforeMb: mb(storageBefore),
      storageAfterMb: mb(storageAfter),
      storagePer1000Kb: round((storageAfter - storageBefore) / 1024 / (exchanges / 1000)),
    };
  } finally {
    await browser.close();
    await server.close();
  }
}
