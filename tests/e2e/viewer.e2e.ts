// The standalone viewer: open a HAR without DevTools, a broken file, and a 10,000-hop trace.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromiumWithExtension, type ExtensionBrowser } from './support/chromium';
import { clickHook, shownFlows, waitForFlows } from './support/panel-read';

const dir = mkdtempSync(path.join(tmpdir(), 'viewer-'));

/** The lab's logout HAR repeated until it holds `count` entries, each copy a minute later. */
function bigHar(count: number): string {
  const har = JSON.parse(readFileSync('tests/fixtures/lab/logout.har', 'utf8')) as {
    log: { entries: { startedDateTime: string }[] };
  };
  const base = har.log.entries;
  const entries = [];
  for (let i = 0; entries.length < count; i++) {
    for (const e of base) {
      if (entries.length >= count) break;
      entries.push({
        ...e,
        startedDateTime: new Date(Date.parse(e.startedDateTime) + i * 60_000).toISOString(),
      });
    }
  }
  har.log.entries = entries;
  return JSON.stringify(har);
}

async function importFile(page: Page, file: string): Promise<void> {
  const input = await page.waitForSelector('[data-testid="import"]');
  await (input as unknown as { uploadFile(f: string): Promise<void> }).uploadFile(file);
}

describe('the viewer', () => {
  let chromium: ExtensionBrowser;
  let page: Page;
  beforeAll(async () => {
    chromium = await launchChromiumWithExtension();
    page = await chromium.browser.newPage();
    await page.setViewport({ width: 1400, height: 900 });
    await page.goto(`chrome-extension://${chromium.extensionId}/viewer.html`);
  });
  afterAll(async () => {
    await chromium?.close();
  });

  it('opens a HAR and shows its flows', async () => {
    await importFile(page, path.resolve('tests/fixtures/lab/logout.har'));
    const flows = await waitForFlows(page, [
      'federated-login',
      'logout',
      'sso',
      'logout',
      'federated-login',
    ]);
    expect(flows.every((f) => f.outcome === 'success')).toBe(true);
    await page.waitForSelector('[data-testid="flow-view"]');
  });

  it('a broken file gets a clear message and the open file stays', async () => {
    const broken = path.join(dir, 'broken.har');
    writeFileSync(broken, '{"log": {"entries": [ {"request": ');
    await importFile(page, broken);
    await page.waitForSelector('[data-testid="notices"]');
    const notice = await page.$eval('[data-testid="notices"]', (el) => el.textContent ?? '');
    expect(notice).toMatch(/broken\.har: not JSON/);
    expect((await shownFlows(page)).map((f) => f.kind)).toEqual([
      'federated-login',
      'logout',
      'sso',
      'logout',
      'federated-login',
    ]);
  });

  it('a 10,000-hop file opens with a bounded number of rows in the page', async () => {
    const file = path.join(dir, 'big.har');
    writeFileSync(file, bigHar(10_000));
    await importFile(page, file);
    // The first flows show while the rest of the file is analysed, and the page says so.
    await page.waitForSelector('[data-testid="analysis-partial"]', { timeout: 60_000 });
    const listed = () =>
      page.$eval('[data-testid="flow-list"]', (el) => Number(el.getAttribute('aria-rowcount')));
    const partial = await listed();
    expect(partial).toBeGreaterThan(0);
    await page.waitForFunction(
      () =>
        !document.querySelector('[data-testid="analysis-partial"]') &&
        Number(document.querySelector('[data-testid="flow-list"]')?.getAttribute('aria-rowcount')) >
          1000,
      { polling: 200, timeout: 60_000 },
    );
    expect(await listed()).toBeGreaterThan(partial);
    // The flow list is virtual too: over a thousand flows, a few dozen in the page.
    const flowItems = await page.$$eval('[data-testid="flow-item"]', (els) => els.length);
    expect(flowItems).toBeGreaterThan(5);
    expect(flowItems).toBeLessThan(100);
    await clickHook(page, '[data-testid="all-traffic"]');
    await page.waitForSelector('[data-testid="exchange-row"]');
    const count = await page.$eval(
      '[data-testid="exchange-count"]',
      (el) => (el as HTMLElement).dataset['exchanges'],
    );
    expect(count).toBe('10000');
    const rows = await page.$$eval('[data-testid="exchange-row"]', (els) => els.length);
    expect(rows).toBeGreaterThan(10);
    expect(rows).toBeLessThan(200);
    // The search narrows the 10,000 hops (once typing pauses).
    await page.bringToFront();
    await page.type('[data-testid="search"]', 'status:302');
    await page.waitForFunction(
      () => {
        const rows = [...document.querySelectorAll<HTMLElement>('[data-testid="exchange-row"]')];
        return rows.length > 0 && rows.every((r) => r.dataset['status'] === '302');
      },
      { polling: 100, timeout: 15_000 },
    );
    await page.click('[data-testid="search"]', { count: 3 });
    await page.keyboard.press('Backspace');
    await page.waitForFunction(
      () =>
        [...document.querySelectorAll<HTMLElement>('[data-testid="exchange-row"]')].some(
          (r) => r.dataset['status'] !== '302',
        ),
      { polling: 100, timeout: 15_000 },
    );
    // Scrolled to the middle, the list still renders only what is in view.
    await page.$eval('[data-testid="exchange-list"]', (el) => (el.scrollTop = el.scrollHeight / 2));
    await new Promise((r) => setTimeout(r, 200));
    expect(await page.$$eval('[data-testid="exchange-row"]', (els) => els.length)).toBeLessThan(
      200,
    );
  });
});
