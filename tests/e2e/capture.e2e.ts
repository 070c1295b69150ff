import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { startHopServers, type HopServers } from './support/hop-servers';
import {
  launchChromiumWithExtension,
  openDevToolsPanel,
  shownHops,
  waitForHops,
  type ExtensionBrowser,
} from './support/chromium';

/** Walks a tab through the three parties: redirects, the login form's POST, redirects home. */
async function runLogin(page: Page, servers: HopServers): Promise<void> {
  // Headless Chromium does not deliver input to a background tab.
  await page.bringToFront();
  await page.goto(`${servers.app}/start`);
  await page.waitForSelector('#user');
  await page.type('#user', 'alice');
  await page.type('#password', 'wonderland');
  await Promise.all([page.waitForNavigation(), page.click('#submit')]);
  await page.waitForSelector('#done');
}

function expectEveryHop(shown: Awaited<ReturnType<typeof shownHops>>, servers: HopServers) {
  for (const hop of servers.expectedHops) {
    const row = shown.find((h) => h.url === hop.url && h.method === hop.method);
    expect(row, `a row for ${hop.method} ${hop.url}`).toBeDefined();
    expect(row?.status).toBe(String(hop.status));
    expect(row?.redirect).toBe(hop.redirect ?? '');
    expect(row?.setCookies).toEqual(hop.setCookies);
  }
}

describe('capture in real Chromium', () => {
  let servers: HopServers;
  let chromium: ExtensionBrowser;

  beforeEach(async () => {
    servers = await startHopServers();
    chromium = await launchChromiumWithExtension();
  });
  afterEach(async () => {
    await chromium?.close();
    await servers?.close();
  });

  it('the panel page shows every hop across three domains, with redirect targets and cookies', async () => {
    const panel = await chromium.openPanelPage();
    const tab = await chromium.browser.newPage();
    await runLogin(tab, servers);
    const shown = await waitForHops(
      panel,
      servers.expectedHops.map((h) => h.url),
    );
    expectEveryHop(shown, servers);
    // In order, one row per hop (a redirect is its own hop).
    const urls = shown
      .map((h) => `${h.method} ${h.url}`)
      .filter((u) => servers.expectedHops.some((h) => `${h.method} ${h.url}` === u));
    expect(urls).toEqual(servers.expectedHops.map((h) => `${h.method} ${h.url}`));

    // The cookie jar's changes are recorded next to the hops: each cookie set, and app_tx removed.
    // Polling by time: the panel tab is in the background, where animation frames do not run.
    await panel.waitForFunction(
      () =>
        Number(
          document.querySelector<HTMLElement>('[data-testid="exchange-count"]')?.dataset[
            'cookieEvents'
          ],
        ) >= 8,
      { polling: 100, timeout: 15_000 },
    );

    // The hop details show the cookies sent and set, and the form fields of the POST.
    await panel.bringToFront();
    await panel.click(`[data-testid="exchange-row"][data-url="${servers.auth}/callback?code=abc"]`);
    const sent = await panel.$$eval('[data-testid="cookie-sent"]', (els) =>
      els.map((e) => e.getAttribute('data-name')),
    );
    expect(sent).toEqual(['auth_tx']);
    const set = await panel.$$eval('[data-testid="cookie-set"]', (els) =>
      els.map((e) => e.textContent),
    );
    expect(set).toEqual(['auth_session=as1; Path=/; HttpOnly']);
    await panel.click(`[data-testid="exchange-row"][data-method="POST"]`);
    const fields = await panel.$$eval('[data-testid="form-field"]', (els) =>
      els.map((e) => e.getAttribute('data-name')),
    );
    // Chrome reports form fields as a dictionary: their order is not kept.
    expect(fields.sort()).toEqual(['password', 'user']);
  });

  it('a panel page for one tab shows only that tab', async () => {
    const other = await chromium.browser.newPage();
    await other.goto(`${servers.app}/home`);
    const tab = await chromium.browser.newPage();
    const tabId = await tabIdOf(chromium, tab, servers);
    const panel = await chromium.openPanelPage(`?tabId=${tabId}`);
    await runLogin(tab, servers);
    const shown = await waitForHops(
      panel,
      servers.expectedHops.map((h) => h.url),
    );
    // The probe hop of this tab, then the login; nothing from the other tab.
    expect(shown.filter((h) => h.url === `${servers.app}/home`)).toHaveLength(1);
    expect(shown).toHaveLength(servers.expectedHops.length + 1);
  });

  it('the same flow shows live in the real DevTools panel of the inspected tab', async () => {
    const tab = await chromium.browser.newPage();
    await tab.goto(`${servers.app}/home`);
    const panel = await openDevToolsPanel(tab, chromium.extensionId);
    await runLogin(tab, servers);
    const shown = await waitForHops(
      panel,
      servers.expectedHops.map((h) => h.url),
    );
    expectEveryHop(shown, servers);
    const scope = await panel.$eval('[data-testid="scope"]', (e) => e.textContent);
    expect(scope).toMatch(/^Tab \d+$/);
  });

  it('no hop is lost when the service worker is stopped in the middle of the flow', async () => {
    const tab = await chromium.browser.newPage();
    await tab.goto(`${servers.app}/start`);
    await tab.waitForSelector('#user');
    // Chrome stops a worker once it is idle, that is after its last batch is written: wait for
    // the hops so far to be stored (a panel page reads them from the database), then stop it.
    const before = servers.expectedHops.slice(0, 3).map((h) => h.url);
    const watcher = await chromium.openPanelPage();
    await waitForHops(watcher, before);
    await watcher.close();
    await chromium.stopServiceWorker();
    await tab.bringToFront();
    await tab.type('#user', 'alice');
    await tab.type('#password', 'wonderland');
    await Promise.all([tab.waitForNavigation(), tab.click('#submit')]);
    await tab.waitForSelector('#done');
    // A fresh panel reads what the (restarted) worker stored.
    const panel = await chromium.openPanelPage();
    const shown = await waitForHops(
      panel,
      servers.expectedHops.map((h) => h.url),
    );
    expectEveryHop(shown, servers);
  });

  it('pause stops recording, and clear empties the list', async () => {
    const panel = await chromium.openPanelPage();
    const tab = await chromium.browser.newPage();
    await tab.goto(`${servers.app}/home`);
    await waitForHops(panel, [`${servers.app}/home`]);

    await panel.bringToFront();
    await panel.click('[data-testid="record-toggle"]');
    await panel.waitForSelector('[data-testid="record-toggle"][aria-pressed="false"]');
    await tab.goto(`${servers.app}/start`);
    await tab.waitForSelector('#user');
    await new Promise((r) => setTimeout(r, 500));
    expect((await shownHops(panel)).map((h) => h.url)).toEqual([`${servers.app}/home`]);

    await panel.bringToFront();
    await panel.click('[data-testid="clear"]');
    await panel.click('[data-testid="clear-confirm"]');
    await panel.waitForSelector('[data-testid="exchange-list-empty"]');
    expect(await shownHops(panel)).toEqual([]);

    await panel.bringToFront();
    await panel.click('[data-testid="record-toggle"]');
    await panel.waitForSelector('[data-testid="record-toggle"][aria-pressed="true"]');
    await tab.goto(`${servers.app}/home`);
    await waitForHops(panel, [`${servers.app}/home`]);
    // A new panel sees the same: the clear reached the database, not just this page.
    const fresh = await chromium.openPanelPage();
    const again = await waitForHops(fresh, [`${servers.app}/home`]);
    expect(again.map((h) => h.url)).toEqual([`${servers.app}/home`]);
  });
});

/** The browser's tab id of a page: visit a unique URL and read the tab of its captured hop. */
async function tabIdOf(
  chromium: ExtensionBrowser,
  page: Page,
  servers: HopServers,
): Promise<number> {
  const probe = await chromium.openPanelPage();
  const url = `${servers.app}/home?probe=${Date.now()}`;
  await page.goto(url);
  await waitForHops(probe, [url]);
  const id = await probe.$eval(`[data-testid="exchange-row"][data-url="${url}"]`, (e) =>
    Number((e as HTMLElement).dataset['tabId']),
  );
  await probe.close();
  return id;
}
